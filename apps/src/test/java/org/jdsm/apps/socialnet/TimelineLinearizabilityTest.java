package org.jdsm.apps.socialnet;

import org.jdsm.linearizability.CheckResult;
import org.jdsm.linearizability.HistoryRecorder;
import org.jdsm.linearizability.LinearizabilityChecker;
import org.jdsm.linearizability.Model;
import org.jdsm.linearizability.Op;
import org.jdsm.linearizability.OpKind;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrent composes and timeline reads from several clients on three simulated nodes. Each compose is recorded,
 * from before it is issued until it returns, as an insert of its tag into every timeline it must reach (the author's
 * user timeline, the home timelines of the author's followers and of the users it mentions); each read as a read of
 * one timeline whose result is a fingerprint of the set of tags it returned. The history is checked against a
 * set-per-timeline model: no post lost, none seen before its compose began or missing after it returned, no reader
 * seeing a post that a later reader misses. Every read must also be ordered newest first, and at the end every
 * timeline holds exactly its posts.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TimelineLinearizabilityTest
{
    private static final int COMPOSERS = 4;
    private static final int COMPOSES_EACH = 6;
    private static final int READERS = 2;
    private static final int READS_EACH = 20;

    @ParameterizedTest
    @CsvSource({ "3, REFERENCE", "2, VALUE" })
    void shouldKeepTimelinesLinearizableOrderedAndLossless(final int nodes, final PassMode mode) throws Exception
    {
        final SocialGraph graph = SocialNetCluster.graph();
        try (SocialNetCluster cluster = new SocialNetCluster(nodes); SocialNet net = cluster.deploy(mode))
        {
            final HistoryRecorder recorder = HistoryRecorder.withNanoClock();
            final ExecutorService clients = Executors.newFixedThreadPool(COMPOSERS + READERS);
            final List<Future<?>> running = new ArrayList<>();
            final int[] authors = { 0, 1, 4, 6 };
            for (int c = 0; c < COMPOSERS; c++)
            {
                final int client = c;
                running.add(clients.submit(() ->
                {
                    final HistoryRecorder.Client log = recorder.client(client);
                    final SplittableRandom random = new SplittableRandom(client);
                    for (int i = 0; i < COMPOSES_EACH; i++)
                    {
                        final int author = authors[(client + i) % authors.length];
                        final int mention = random.nextInt(graph.userCount());
                        final long tag = tag(client, i);
                        final int[] slots = invokeInserts(log, graph, author, mention, tag);
                        net.compose(new ComposeRequest(UserDirectory.name(author), "t" + tag + " @" +
                            UserDirectory.name(mention), i % 2)).get(60, TimeUnit.SECONDS);
                        for (final int slot : slots)
                        {
                            log.ok(slot);
                        }
                    }
                    return null;
                }));
            }
            for (int r = 0; r < READERS; r++)
            {
                final int client = COMPOSERS + r;
                running.add(clients.submit(() ->
                {
                    final HistoryRecorder.Client log = recorder.client(client);
                    final SplittableRandom random = new SplittableRandom(client);
                    for (int i = 0; i < READS_EACH; i++)
                    {
                        final int user = random.nextInt(graph.userCount());
                        final boolean home = random.nextBoolean();
                        final int slot = log.invoke(key(home, user), OpKind.READ, 0);
                        final List<Post> posts = (home ? net.readHomeTimeline(user, 0, 1000) :
                            net.readUserTimeline(user, 0, 1000)).get(60, TimeUnit.SECONDS);
                        log.ok(slot, fingerprint(tags(posts)));
                        assertNewestFirst(posts);
                    }
                    return null;
                }));
            }
            for (final Future<?> client : running)
            {
                client.get(80, TimeUnit.SECONDS);
            }
            clients.shutdown();

            final CheckResult result = new LinearizabilityChecker(new TimelineModel()).check(recorder.history());
            assertTrue(result.isLinearizable(), result.toString());
            assertTrue(result.operations() > COMPOSERS * COMPOSES_EACH * 2 + READERS * READS_EACH, result.toString());

            for (int user = 0; user < graph.userCount(); user++)
            {
                final List<Post> own = net.readUserTimeline(user, 0, 1000).get(30, TimeUnit.SECONDS);
                final List<Post> home = net.readHomeTimeline(user, 0, 1000).get(30, TimeUnit.SECONDS);
                assertNewestFirst(own);
                assertNewestFirst(home);
                final Set<Long> expectedOwn = new HashSet<>();
                final Set<Long> expectedHome = new HashSet<>();
                for (final List<Post> timeline : List.of(own, home))
                {
                    for (final Post post : timeline)
                    {
                        assertTrue(post.text().startsWith("t"), post.toString());
                    }
                }
                expected(graph, user, authors, expectedOwn, expectedHome);
                assertEquals(expectedOwn, new HashSet<>(tags(own)), "user timeline of " + user);
                assertEquals(expectedHome, new HashSet<>(tags(home)), "home timeline of " + user);
            }
            assertEquals(COMPOSERS * COMPOSES_EACH, net.state().posts());
        }
    }

    /**
     * Which tags each timeline of a user must hold, replaying the composers' choices.
     */
    private static void expected(
        final SocialGraph graph,
        final int user,
        final int[] authors,
        final Set<Long> own,
        final Set<Long> home)
    {
        for (int client = 0; client < COMPOSERS; client++)
        {
            final SplittableRandom random = new SplittableRandom(client);
            for (int i = 0; i < COMPOSES_EACH; i++)
            {
                final int author = authors[(client + i) % authors.length];
                final int mention = random.nextInt(graph.userCount());
                if (author == user)
                {
                    own.add(tag(client, i));
                }
                if (Arrays.binarySearch(Timelines.audience(graph.followers(author), new int[] { mention }), user) >= 0)
                {
                    home.add(tag(client, i));
                }
            }
        }
    }

    private static int[] invokeInserts(
        final HistoryRecorder.Client log, final SocialGraph graph, final int author, final int mention, final long tag)
    {
        final int[] readers = Timelines.audience(graph.followers(author), new int[] { mention });
        final int[] slots = new int[readers.length + 1];
        slots[0] = log.invoke(key(false, author), OpKind.ENQUEUE, tag);
        for (int i = 0; i < readers.length; i++)
        {
            slots[i + 1] = log.invoke(key(true, readers[i]), OpKind.ENQUEUE, tag);
        }

        return slots;
    }

    private static void assertNewestFirst(final List<Post> posts)
    {
        for (int i = 1; i < posts.size(); i++)
        {
            assertTrue(posts.get(i - 1).postId() > posts.get(i).postId(), "not newest first: " + posts);
        }
    }

    private static List<Long> tags(final List<Post> posts)
    {
        final List<Long> tags = new ArrayList<>();
        for (final Post post : posts)
        {
            tags.add(Long.parseLong(post.text().substring(1, post.text().indexOf(' '))));
        }

        return tags;
    }

    private static long tag(final int client, final int i)
    {
        return client * 1000L + i + 1;
    }

    private static String key(final boolean home, final int user)
    {
        return (home ? "home:" : "user:") + user;
    }

    static long fingerprint(final Iterable<Long> tags)
    {
        long sum = 0;
        for (final long tag : tags)
        {
            long z = tag * 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            sum += z ^ (z >>> 31);
        }

        return sum;
    }

    /**
     * A timeline as a set of post tags: {@link OpKind#ENQUEUE} adds one, {@link OpKind#READ} returns the
     * {@link #fingerprint} of the set.
     */
    private static final class TimelineModel implements Model
    {
        public String name()
        {
            return "timeline";
        }

        public Object initialState()
        {
            return List.of();
        }

        public boolean supports(final OpKind kind)
        {
            return EnumSet.of(OpKind.ENQUEUE, OpKind.READ).contains(kind);
        }

        @SuppressWarnings("unchecked")
        public Object step(final Object state, final Op op)
        {
            final List<Long> tags = (List<Long>)state;
            if (OpKind.ENQUEUE == op.kind())
            {
                final List<Long> next = new ArrayList<>(tags);
                if (!next.contains(op.argument()))
                {
                    next.add(op.argument());
                    next.sort(null);
                }
                return List.copyOf(next);
            }

            return op.isPending() || op.result() == fingerprint(tags) ? state : null;
        }
    }
}
