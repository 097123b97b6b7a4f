package org.jdsm.apps.socialnet;

import org.jdsm.Codecs;
import org.jdsm.DArc;
import org.jdsm.DBox;
import org.jdsm.DsmNode;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The social network's services placed on the nodes of a jdsm cluster, service {@code s} on node
 * {@code s.ordinal() % nodeCount} (see {@link Service}); each holds its own state on its node. A call to a service
 * is a task spawned on its node. The frontend, on the node that creates the network, drives each request's calls
 * with non-blocking future composition: a task never waits for another task, because task workers are a fixed pool
 * and a task waiting on one queued behind it on its own node would deadlock.
 * <p>
 * The services and how to call them are one {@link ServiceGraph}; what differs by {@link PassMode} is a small
 * strategy over it ({@link PostPassing}): {@link ReferencePassing} lends the request's text, shares the clip and
 * moves frames and posts as references; {@link ValuePassing} passes copies, as the original microservices do.
 * <p>
 * Every node keeps its services ({@link NodeServices}) in a registry keyed by (deployment, node), so tasks find
 * them. With
 * {@link SocialNetSettings#localCalls()} a call to a service on the frontend's own node runs the same code as a
 * method call on a frontend thread instead of a task (no serialization, no message).
 * <p>
 * <b>Note:</b> threadsafe. The instance {@link #deploy} returns owns the deployment; {@link #close()} frees it on
 * every node.
 */
public final class DistributedSocialNet implements SocialNet
{
    /**
     * The services, in the order they are placed round-robin over the nodes.
     */
    public enum Service
    {
        /** Post ids. */
        UNIQUE_ID,
        /** Mentions and URLs of a text. */
        TEXT,
        /** Usernames mentioned to user ids. */
        USER_MENTION,
        /** Short URLs. */
        URL_SHORTEN,
        /** Watermarks a clip's frames. */
        MEDIA,
        /** Usernames to user ids. */
        USER,
        /** Followers. */
        SOCIAL_GRAPH,
        /** Assembles a post. */
        COMPOSE_POST,
        /** Posts and their frames. */
        POST_STORAGE,
        /** Each user's posts. */
        USER_TIMELINE,
        /** Each user's home timeline. */
        HOME_TIMELINE;

        /**
         * The node the service runs on.
         *
         * @param nodeCount of the cluster.
         * @return the node id.
         */
        public int node(final int nodeCount)
        {
            return ordinal() % nodeCount;
        }
    }

    private static final long SETUP_TIMEOUT_S = 300;

    private final ServiceGraph graph;
    private final PostPassing passing;
    private final SocialNetSettings settings;
    private final int userCount;
    private final DArc<byte[]>[] clips;
    private final AsyncPermits mediaPermits;
    private final AtomicLong bytesPassedByValue = new AtomicLong();

    private DistributedSocialNet(
        final ServiceGraph graph,
        final SocialNetSettings settings,
        final int userCount,
        final DArc<byte[]>[] clips)
    {
        this.graph = graph;
        this.settings = settings;
        this.userCount = userCount;
        this.clips = clips;
        passing = PostPassing.of(settings.mode(), graph, clips, bytesPassedByValue);
        mediaPermits = new AsyncPermits(settings.mediaInFlight());
    }

    /**
     * Check the front-end threads {@link #deploy} takes, before any service is set up.
     *
     * @param frontendThreads threads that drive requests' calls.
     * @throws SocialNetException if there are none.
     */
    static void checkFrontendThreads(final int frontendThreads)
    {
        if (frontendThreads < 1)
        {
            throw new SocialNetException("frontendThreads=" + frontendThreads + " must be >= 1");
        }
    }

    /**
     * Set the services up on every node of the cluster: the social graph shipped to social-graph's node through
     * {@code DArc} chunks, the clips generated into the frontend's media store on this node.
     *
     * @param node            the frontend's node, which owns the deployment.
     * @param graph           of the users.
     * @param settings        mode, clips, media retention.
     * @param frontendThreads threads that drive requests' calls.
     * @return the owning instance.
     * @throws SocialNetException if a setting is bad or a setup task fails.
     */
    public static DistributedSocialNet deploy(
        final DsmNode node, final SocialGraph graph, final SocialNetSettings settings, final int frontendThreads)
    {
        return deploy(node, graph, settings, frontendThreads, node.nodeCount());
    }

    /**
     * Set the services up on the first {@code spread} nodes of the cluster only, e.g. all on this node with a
     * spread of 1, to compare with a deployment over every node in the same run.
     *
     * @param node            the frontend's node, node 0, which owns the deployment.
     * @param graph           of the users.
     * @param settings        mode, clips, media retention.
     * @param frontendThreads threads that drive requests' calls.
     * @param spread          nodes the services are placed on, round-robin, from node 0.
     * @return the owning instance.
     * @throws SocialNetException if a setting is bad or a setup task fails.
     */
    @SuppressWarnings("unchecked")
    public static DistributedSocialNet deploy(
        final DsmNode node,
        final SocialGraph graph,
        final SocialNetSettings settings,
        final int frontendThreads,
        final int spread)
    {
        settings.validate();
        if (spread < 1 || spread > node.nodeCount())
        {
            throw new SocialNetException("spread=" + spread + " must be in [1, " + node.nodeCount() + "]");
        }
        if (0 != node.nodeId())
        {
            throw new SocialNetException("the frontend must run on node 0, not node " + node.nodeId());
        }
        checkFrontendThreads(frontendThreads);
        final ServiceGraph services = ServiceGraph.deploy(node, graph, settings, frontendThreads, spread);
        final DArc<byte[]>[] clips = new DArc[settings.clips()];
        for (int c = 0; c < clips.length; c++)
        {
            clips[c] = node.arc(Codecs.BYTES, Clips.generate(c, settings.seed()));
        }

        return new DistributedSocialNet(services, settings, graph.userCount(), clips);
    }

    public int userCount()
    {
        return userCount;
    }

    /**
     * The node a service runs on.
     *
     * @param service the service.
     * @return its node id.
     */
    public int nodeOf(final Service service)
    {
        return graph.nodeOf(service);
    }

    /**
     * Nodes the services are placed on.
     *
     * @return the count, from node 0.
     */
    public int spread()
    {
        return graph.spread;
    }

    /**
     * How calls pass posts and media.
     *
     * @return the mode.
     */
    public PassMode mode()
    {
        return settings.mode();
    }

    public CompletableFuture<Long> compose(final ComposeRequest request)
    {
        try
        {
            request.validate();
            checkClip(request.clipId());
        }
        catch (final SocialNetException ex)
        {
            return CompletableFuture.failedFuture(ex);
        }
        final long id = graph.id;
        final ExecutorService frontend = graph.frontend;
        final String text = request.text();
        final String username = request.username();
        final int clipId = request.clipId();
        final Compose c = new Compose();
        passing.begin(c, text);
        bytesPassedByValue.addAndGet(text.length());

        final CompletableFuture<Long> done = graph.call(Service.USER, ServiceGraph.lookUpUser(id, username))
            .thenComposeAsync((userId) ->
            {
                c.userId = userId;
                return passing.parse(c, text);
            }, frontend)
            .thenComposeAsync((parts) ->
            {
                c.parts = parts;
                return graph.call(Service.USER_MENTION, ServiceGraph.resolveMentions(id, parts.mentionNames()));
            }, frontend)
            .thenComposeAsync((mentionIds) ->
            {
                // every check passed: from here on the request changes state
                c.mentionIds = mentionIds;
                return graph.call(Service.UNIQUE_ID, ServiceGraph.nextPostId(id))
                    .thenCombine(graph.call(Service.URL_SHORTEN, ServiceGraph.shorten(id, c.parts.urls())),
                    (postId, shortUrls) ->
                    {
                        c.postId = postId;
                        c.shortUrls = shortUrls;
                        return mediaPermits.acquire();
                    })
                    .thenCompose((permit) -> permit);
            }, frontend)
            .thenComposeAsync((permit) ->
            {
                try
                {
                    return passing.storeWithMedia(c, username, clipId, text)
                        .whenComplete((stored, failure) -> mediaPermits.release());
                }
                catch (final RuntimeException ex)
                {
                    mediaPermits.release();
                    throw ex;
                }
            }, frontend)
            .thenComposeAsync((stored) ->
            {
                final CompletableFuture<Boolean> userTimeline =
                    graph.call(Service.USER_TIMELINE, ServiceGraph.writeUserTimeline(id, c.userId, c.postId));
                final CompletableFuture<Integer> homeTimelines =
                    graph.call(Service.SOCIAL_GRAPH, ServiceGraph.followers(id, c.userId))
                    .thenComposeAsync((followers) -> graph.call(Service.HOME_TIMELINE,
                        ServiceGraph.fanOut(id, c.postId, Timelines.audience(followers, c.mentionIds))), frontend);
                return userTimeline.thenCombine(homeTimelines, (written, fannedOut) -> c.postId);
            }, frontend);

        return typed(done.whenComplete((postId, failure) ->
        {
            if (null != c.textBox)
            {
                c.textBox.close();
            }
        }));
    }

    public CompletableFuture<List<Post>> readUserTimeline(final int userId, final int start, final int stop)
    {
        return typed(graph.call(Service.USER_TIMELINE, ServiceGraph.readTimeline(graph.id, false, userId, start, stop))
            .thenComposeAsync(this::readPosts, graph.frontend));
    }

    public CompletableFuture<List<Post>> readHomeTimeline(final int userId, final int start, final int stop)
    {
        return typed(graph.call(Service.HOME_TIMELINE, ServiceGraph.readTimeline(graph.id, true, userId, start, stop))
            .thenComposeAsync(this::readPosts, graph.frontend));
    }

    private CompletableFuture<List<Post>> readPosts(final long[] postIds)
    {
        return 0 == postIds.length ? CompletableFuture.completedFuture(List.of()) : passing.readPosts(postIds);
    }

    public String expandUrl(final String shortUrl)
    {
        final long id = graph.id;
        return await(graph.call(Service.URL_SHORTEN, (n) -> NodeServices.of(n, id).urls.expand(shortUrl)),
            "expanding a URL");
    }

    public MediaCheck checkMedia(final long postId)
    {
        final long id = graph.id;
        return await(graph.call(Service.POST_STORAGE, (n) -> NodeServices.of(n, id).checkMedia(postId)),
            "checking media");
    }

    public SocialNetState state()
    {
        final long id = graph.id;
        final long[] sums = new long[5];
        for (int n = 0; n < graph.spread; n++)
        {
            final long[] part = await(graph.node.spawnOn(n, (dsm) -> NodeServices.of(dsm, id).counts()),
                "reading state");
            for (int i = 0; i < sums.length; i++)
            {
                sums[i] += part[i];
            }
        }

        return new SocialNetState(sums[0], sums[1], sums[2], sums[3], sums[4]);
    }

    public long bytesPassedByValue()
    {
        return bytesPassedByValue.get();
    }

    public void close()
    {
        graph.frontend.shutdown();
        final long id = graph.id;
        final DsmNode node = graph.node;
        SocialNetException failure = null;
        for (int n = 0; n < graph.spread; n++)
        {
            if (node.isNodeAvailable(n))
            {
                try
                {
                    await(node.spawnOn(n, (dsm) ->
                    {
                        NodeServices.unregister(dsm, id);
                        return Boolean.TRUE;
                    }), "closing the services of node " + n);
                }
                catch (final SocialNetException ex)
                {
                    failure = ex;
                }
            }
        }
        for (final DArc<byte[]> clip : clips)
        {
            clip.close();
        }
        if (null != failure)
        {
            throw failure;
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "DistributedSocialNet{id=" + graph.id + ", mode=" + settings.mode() + ", nodes=" + graph.spread +
            ", users=" + userCount + '}';
    }

    private void checkClip(final int clipId)
    {
        if (clipId < 0 || clipId >= clips.length)
        {
            throw new SocialNetException("clipId=" + clipId + " must be in [0, " + clips.length + ")");
        }
    }

    /**
     * The request's typed failure, found in the cause chain of a failed task, or the failure itself.
     */
    private static <T> CompletableFuture<T> typed(final CompletableFuture<T> future)
    {
        final CompletableFuture<T> typed = new CompletableFuture<>();
        future.whenComplete((value, failure) ->
        {
            if (null == failure)
            {
                typed.complete(value);
            }
            else
            {
                typed.completeExceptionally(typedCause(failure));
            }
        });

        return typed;
    }

    static Throwable typedCause(final Throwable failure)
    {
        for (Throwable cause = failure; null != cause; cause = cause.getCause())
        {
            if (cause instanceof SocialNetException)
            {
                return cause;
            }
        }

        return failure instanceof CompletionException && null != failure.getCause() ? failure.getCause() : failure;
    }

    static <R> R await(final CompletableFuture<R> future, final String what)
    {
        try
        {
            return future.get(SETUP_TIMEOUT_S, TimeUnit.SECONDS);
        }
        catch (final ExecutionException ex)
        {
            final Throwable cause = typedCause(ex.getCause());
            if (cause instanceof SocialNetException)
            {
                throw (SocialNetException)cause;
            }
            throw new SocialNetException(what + " failed: " + cause, cause);
        }
        catch (final Exception ex)
        {
            throw new SocialNetException(what + " failed: " + ex, ex);
        }
    }

    /**
     * A compose request's results so far, handed from stage to stage (each stage happens-after the one before).
     */
    static final class Compose
    {
        DBox<String> textBox;
        int userId;
        TextParts parts;
        int[] mentionIds;
        long postId;
        String[] shortUrls;
    }
}
