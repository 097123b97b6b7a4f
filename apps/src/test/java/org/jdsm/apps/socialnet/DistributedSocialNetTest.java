package org.jdsm.apps.socialnet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Composes and reads on 1, 2 and 3 simulated nodes, by reference and by value, and on the baseline: where a post
 * lands, what its text and frames hold, and that malformed requests change nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DistributedSocialNetTest
{
    private static final String TEXT =
        "hello @user_5 see http://example.com/a and https://x.org/b?q=1 again http://example.com/a @user_5";

    @ParameterizedTest
    @CsvSource({ "1, REFERENCE, false", "2, REFERENCE, false", "3, REFERENCE, false", "1, VALUE, false",
        "3, VALUE, false", "1, REFERENCE, true", "2, VALUE, true" })
    void shouldComposePostIntoTimelinesWithMentionsUrlsAndWatermark(
        final int nodes, final PassMode mode, final boolean localCalls) throws Exception
    {
        try (SocialNetCluster cluster = new SocialNetCluster(nodes);
            SocialNet net = DistributedSocialNet.deploy(cluster.nodes[0], SocialNetCluster.graph(),
                SocialNetCluster.settings(mode).with(mode, localCalls), 2))
        {
            shouldComposePost(net);
        }
    }

    @Test
    void shouldComposePostIntoTimelinesOnBaseline() throws Exception
    {
        try (SocialNet net = new BaselineSocialNet(SocialNetCluster.graph(),
            SocialNetCluster.settings(PassMode.REFERENCE), 2))
        {
            shouldComposePost(net);
        }
    }

    @ParameterizedTest
    @CsvSource({ "1, REFERENCE", "3, REFERENCE", "2, VALUE", "1, VALUE" })
    void shouldRejectMalformedRequestsAndChangeNothing(final int nodes, final PassMode mode) throws Exception
    {
        try (SocialNetCluster cluster = new SocialNetCluster(nodes); SocialNet net = cluster.deploy(mode))
        {
            final long postId = net.compose(new ComposeRequest("user_0", "first", 0)).get(30, TimeUnit.SECONDS);
            final SocialNetState before = net.state();

            assertEquals("unknown user 'nobody' (users are user_0..user_9)",
                failure(net.compose(new ComposeRequest("nobody", "hi http://a.b/c", 0)), UnknownUserException.class));
            assertEquals("unknown user 'ghost' (users are user_0..user_9)",
                failure(net.compose(new ComposeRequest("user_0", "hi @ghost http://a.b/c", 1)),
                UnknownUserException.class));
            assertEquals("text of 1025 bytes by user_0 > maxTextBytes=1024",
                failure(net.compose(new ComposeRequest("user_0", "x".repeat(1025), 0)), OversizedTextException.class));
            assertEquals("clipId=2 must be in [0, 2)",
                failure(net.compose(new ComposeRequest("user_0", "hi", 2)), SocialNetException.class));
            assertEquals("unknown user id=10 (ids are 0..9)",
                failure(net.readHomeTimeline(10, 0, 10), UnknownUserException.class));
            assertEquals("unknown user id=-1 (ids are 0..9)",
                failure(net.readUserTimeline(-1, 0, 10), UnknownUserException.class));

            assertEquals(before, net.state());
            assertEquals(new SocialNetState(1, 1, 3, 0, 1), before);
            assertEquals(List.of(postId), ids(net.readUserTimeline(0, 0, 10).get()));
            assertEquals(List.of(postId), ids(net.readHomeTimeline(1, 0, 10).get()));
            assertEquals(List.of(), ids(net.readHomeTimeline(5, 0, 10).get()));
            assertEquals(null, net.expandUrl("http://a.b/c"));
        }
    }

    @Test
    void shouldKeepOnlyNewestMediaAndEveryPost() throws Exception
    {
        try (SocialNetCluster cluster = new SocialNetCluster(2);
            SocialNet net = DistributedSocialNet.deploy(cluster.nodes[0], SocialNetCluster.graph(),
                new SocialNetSettings(PassMode.REFERENCE, 2, 7, 2, 1, false), 2))
        {
            final long[] posts = new long[4];
            for (int i = 0; i < posts.length; i++)
            {
                posts[i] = net.compose(new ComposeRequest("user_4", "post " + i, i % 2)).get(30, TimeUnit.SECONDS);
            }

            assertEquals(new SocialNetState(4, 4, 4, 0, 2), net.state());
            assertEquals(MediaCheck.notRetained(), net.checkMedia(posts[1]));
            assertTrue(net.checkMedia(posts[3]).equalsExpected());
            assertEquals(List.of(posts[3], posts[2]), ids(net.readHomeTimeline(5, 0, 2).get()));
            assertEquals(List.of(posts[1], posts[0]), ids(net.readUserTimeline(4, 2, 10).get()));
        }
    }

    @ParameterizedTest
    @CsvSource({ "1, REFERENCE, false", "3, VALUE, false", "2, REFERENCE, true" })
    void shouldFreeEveryObjectOnClose(final int nodes, final PassMode mode, final boolean localCalls) throws Exception
    {
        try (SocialNetCluster cluster = new SocialNetCluster(nodes))
        {
            final long[] free = new long[nodes];
            for (int i = 0; i < nodes; i++)
            {
                free[i] = ((org.jdsm.coherence.Node)cluster.nodes[i]).freeHeapBytes();
            }
            try (SocialNet net = DistributedSocialNet.deploy(cluster.nodes[0], SocialNetCluster.graph(),
                new SocialNetSettings(mode, 2, 7, 2, 2, localCalls), 2))
            {
                final List<CompletableFuture<Long>> composes = new java.util.ArrayList<>();
                for (int i = 0; i < 6; i++)
                {
                    composes.add(net.compose(new ComposeRequest("user_" + i, "post http://u.rl/" + i, i % 2)));
                }
                for (final CompletableFuture<Long> compose : composes)
                {
                    compose.get(30, TimeUnit.SECONDS);
                }
                assertEquals(2, net.readHomeTimeline(2, 0, 10).get(30, TimeUnit.SECONDS).size());
                assertEquals(1, net.readHomeTimeline(4, 0, 10).get(30, TimeUnit.SECONDS).size());
                assertEquals(new SocialNetState(6, 6, 10, 6, 2), net.state());
            }
            for (int i = 0; i < nodes; i++)
            {
                final org.jdsm.coherence.Node engine = (org.jdsm.coherence.Node)cluster.nodes[i];
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (engine.freeHeapBytes() != free[i] && System.nanoTime() < deadlineNs)
                {
                    Thread.sleep(10);
                }
                assertEquals(free[i], engine.freeHeapBytes(), "free heap of node " + i);
            }
        }
    }

    private static void shouldComposePost(final SocialNet net) throws Exception
    {
        final long postId = net.compose(new ComposeRequest("user_0", TEXT, 1)).get(30, TimeUnit.SECONDS);

        final List<Post> own = net.readUserTimeline(0, 0, 10).get(30, TimeUnit.SECONDS);
        assertEquals(1, own.size());
        final Post post = own.get(0);
        assertEquals(postId, post.postId());
        assertEquals(0, post.creatorId());
        assertEquals("user_0", post.creatorName());
        assertEquals(1, post.clipId());
        assertArrayEquals(new int[] { 5 }, post.mentionIds());
        assertArrayEquals(new String[] { "http://example.com/a", "https://x.org/b?q=1", "http://example.com/a" },
            post.expandedUrlList());
        final String[] shortUrls = post.shortUrlList();
        assertEquals(3, shortUrls.length);
        assertEquals(shortUrls[0], shortUrls[2]);
        assertEquals("hello @user_5 see " + shortUrls[0] + " and " + shortUrls[1] + " again " + shortUrls[0] +
            " @user_5", post.text());
        assertEquals("http://example.com/a", net.expandUrl(shortUrls[0]));
        assertEquals("https://x.org/b?q=1", net.expandUrl(shortUrls[1]));

        for (final int reader : new int[] { 1, 2, 3, 5 })
        {
            assertEquals(List.of(post), net.readHomeTimeline(reader, 0, 10).get(30, TimeUnit.SECONDS), "" + reader);
        }
        for (final int other : new int[] { 0, 4, 6, 7, 8, 9 })
        {
            assertEquals(List.of(), net.readHomeTimeline(other, 0, 10).get(30, TimeUnit.SECONDS), "" + other);
        }

        final MediaCheck media = net.checkMedia(postId);
        assertEquals(new MediaCheck(true, MediaCheck.REGION_PIXELS, 0, true), media);
        assertEquals(new SocialNetState(1, 1, 4, 2, 1), net.state());

        final long second = net.compose(new ComposeRequest("user_1", "second", 0)).get(30, TimeUnit.SECONDS);
        assertTrue(second > postId);
        assertEquals(List.of(second, postId), ids(net.readHomeTimeline(2, 0, 10).get(30, TimeUnit.SECONDS)));
        assertEquals(List.of(postId), ids(net.readHomeTimeline(2, 1, 10).get(30, TimeUnit.SECONDS)));
    }

    static List<Long> ids(final List<Post> posts)
    {
        return posts.stream().map(Post::postId).toList();
    }

    private static String failure(final CompletableFuture<?> future, final Class<? extends Throwable> type)
    {
        final ExecutionException ex = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
        assertInstanceOf(type, ex.getCause(), ex.toString());
        return ex.getCause().getMessage();
    }
}
