package org.jdsm.apps.socialnet;

import org.jdsm.Codec;
import org.jdsm.Codecs;
import org.jdsm.DArc;
import org.jdsm.DBox;
import org.jdsm.DsmNode;
import org.jdsm.DsmTask;
import org.jdsm.Mut;
import org.jdsm.Ref;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The social network's services placed on the nodes of a jdsm cluster, service {@code s} on node
 * {@code s.ordinal() % nodeCount} (see {@link Service}); each holds its own state on its node. A call to a service
 * is a task spawned on its node. The frontend, on the node that creates the network, drives each request's calls
 * with non-blocking future composition: a task never waits for another task, because task workers are a fixed pool
 * and a task waiting on one queued behind it on its own node would deadlock.
 * <p>
 * In {@link PassMode#REFERENCE} calls carry references: the request's text is a box on the frontend's node lent
 * ({@code Ref}) to text and compose-post, which read it where it is; the clip is a {@code DArc} in the frontend's
 * media store shared with the media service, which reads it through its node's cache; the watermarked frames are a
 * {@code DBox} made on the media service's node and moved (its address) to post-storage, which owns it from then on;
 * the post is a {@code DBox} made by compose-post and moved to post-storage, which reads it (one fetch) into a
 * {@code DArc} on its own node, shared with every reader (so a reader's count update goes to post-storage's node). In
 * {@link PassMode#VALUE} every call passes copies, as the original microservices do (see {@link PassMode#VALUE}).
 * <p>
 * Every node keeps its services in a registry keyed by (deployment, node), so tasks find them. With
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

    static final Codec<Post> POST = Codecs.record(Post.class);
    static final Codec<MediaHolder> HOLDER = Codecs.record(MediaHolder.class);
    private static final int GRAPH_CHUNK_INTS = 1 << 20;
    private static final long SETUP_TIMEOUT_S = 300;
    private static final ConcurrentHashMap<Long, Services> DEPLOYED = new ConcurrentHashMap<>();

    private final DsmNode node;
    private final long deploymentId;
    private final SocialNetSettings settings;
    private final int userCount;
    private final int spread;
    private final int[] placement;
    private final DArc<byte[]>[] clips;
    private final ExecutorService frontend;
    private final AsyncPermits mediaPermits;
    private final AtomicLong bytesPassedByValue = new AtomicLong();

    private DistributedSocialNet(
        final DsmNode node,
        final long deploymentId,
        final SocialNetSettings settings,
        final int userCount,
        final DArc<byte[]>[] clips,
        final int frontendThreads,
        final int spread)
    {
        this.spread = spread;
        this.node = node;
        this.deploymentId = deploymentId;
        this.settings = settings;
        this.userCount = userCount;
        this.clips = clips;
        placement = new int[Service.values().length];
        for (final Service service : Service.values())
        {
            placement[service.ordinal()] = service.node(spread);
        }
        frontend = Executors.newFixedThreadPool(frontendThreads, (runnable) ->
        {
            final Thread thread = new Thread(runnable, "socialnet-frontend");
            thread.setDaemon(true);
            return thread;
        });
        mediaPermits = new AsyncPermits(settings.mediaInFlight());
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
    @SuppressWarnings("unchecked")
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
        if (frontendThreads < 1)
        {
            throw new SocialNetException("frontendThreads=" + frontendThreads + " must be >= 1");
        }
        final long id = ThreadLocalRandom.current().nextLong(1, 1L << 48);
        final int nodes = spread;
        final int users = graph.userCount();
        final List<CompletableFuture<Boolean>> setups = new ArrayList<>();
        for (int n = 0; n < nodes; n++)
        {
            setups.add(node.spawnOn(n, setUp(id, users, settings, spread)));
        }
        for (final CompletableFuture<Boolean> setup : setups)
        {
            await(setup, "setting up the services");
        }

        final List<DArc<int[]>> chunks = new ArrayList<>();
        chunks.add(node.arc(Codecs.INTS, graph.offsets()));
        final int[] neighbours = graph.neighbours();
        for (int from = 0; from < neighbours.length; from += GRAPH_CHUNK_INTS)
        {
            chunks.add(node.arc(Codecs.INTS,
                Arrays.copyOfRange(neighbours, from, Math.min(neighbours.length, from + GRAPH_CHUNK_INTS))));
        }
        final DArc<int[]>[] shipped = chunks.toArray(new DArc[0]);
        try
        {
            await(node.spawnOn(Service.SOCIAL_GRAPH.node(nodes), loadGraph(id, shipped, neighbours.length)),
                "shipping the social graph");
        }
        finally
        {
            for (final DArc<int[]> chunk : shipped)
            {
                chunk.close();
            }
        }

        final DArc<byte[]>[] clips = new DArc[settings.clips()];
        for (int c = 0; c < clips.length; c++)
        {
            clips[c] = node.arc(Codecs.BYTES, Clips.generate(c, settings.seed()));
        }

        return new DistributedSocialNet(node, id, settings, users, clips, frontendThreads, spread);
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
        return placement[service.ordinal()];
    }

    /**
     * Nodes the services are placed on.
     *
     * @return the count, from node 0.
     */
    public int spread()
    {
        return spread;
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
        final boolean byReference = PassMode.REFERENCE == settings.mode();
        final long id = deploymentId;
        final String text = request.text();
        final String username = request.username();
        final int clipId = request.clipId();
        final Compose c = new Compose();
        c.textBox = byReference ? node.alloc(Codecs.STRING, text) : null;
        bytesPassedByValue.addAndGet(text.length());

        final CompletableFuture<Long> done = call(Service.USER, lookUpUser(id, username))
            .thenComposeAsync((userId) ->
            {
                c.userId = userId;
                return byReference ? lending(c.textBox, (ref) -> call(Service.TEXT, parse(ref))) :
                    call(Service.TEXT, parse(passed(text)));
            }, frontend)
            .thenComposeAsync((parts) ->
            {
                c.parts = parts;
                return call(Service.USER_MENTION, resolveMentions(id, parts.mentionNames()));
            }, frontend)
            .thenComposeAsync((mentionIds) ->
            {
                // every check passed: from here on the request changes state
                c.mentionIds = mentionIds;
                return call(Service.UNIQUE_ID, nextPostId(id))
                    .thenCombine(call(Service.URL_SHORTEN, shorten(id, c.parts.urls())), (postId, shortUrls) ->
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
                    return storeWithMedia(c, username, clipId, text)
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
                    call(Service.USER_TIMELINE, writeUserTimeline(id, c.userId, c.postId));
                final CompletableFuture<Integer> homeTimelines = call(Service.SOCIAL_GRAPH, followers(id, c.userId))
                    .thenComposeAsync((followers) -> call(Service.HOME_TIMELINE,
                        fanOut(id, c.postId, Timelines.audience(followers, c.mentionIds))), frontend);
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

    /**
     * Watermark the clip, assemble the post and store both: the calls whose arguments differ by mode.
     */
    private CompletableFuture<Boolean> storeWithMedia(
        final Compose c, final String username, final int clipId, final String text)
    {
        final long id = deploymentId;
        final long postId = c.postId;
        final String[] urls = c.parts.urls();
        final String[] shortUrls = c.shortUrls;
        final int[] mentionIds = c.mentionIds;
        final int userId = c.userId;
        if (PassMode.REFERENCE == settings.mode())
        {
            final DArc<byte[]> clip = clips[clipId];
            return call(Service.MEDIA, watermark(clip, postId))
                .thenComposeAsync((frames) -> lending(c.textBox, (ref) -> call(Service.COMPOSE_POST,
                    assemble(ref, postId, userId, clipId, username, urls, shortUrls, mentionIds)))
                    .thenComposeAsync((post) -> call(Service.POST_STORAGE, store(id, postId, post, frames)), frontend),
                    frontend);
        }

        final DBox<byte[]> clipCopy = node.alloc(Codecs.BYTES, clips[clipId].get());
        bytesPassedByValue.addAndGet(Clips.CLIP_BYTES);
        return call(Service.MEDIA, watermarkCopy(clipCopy, postId))
            .thenComposeAsync((frames) ->
            {
                bytesPassedByValue.addAndGet(Clips.CLIP_BYTES + text.length());
                return call(Service.COMPOSE_POST,
                    assembleCopy(passed(text), postId, userId, clipId, username, urls, shortUrls, mentionIds, frames));
            }, frontend)
            .thenComposeAsync((assembled) ->
            {
                bytesPassedByValue.addAndGet(2L * assembled.post().approximateBytes() + Clips.CLIP_BYTES);
                return call(Service.POST_STORAGE, storeCopy(id, assembled.post(), assembled.frames()));
            }, frontend);
    }

    public CompletableFuture<List<Post>> readUserTimeline(final int userId, final int start, final int stop)
    {
        return typed(call(Service.USER_TIMELINE, readTimeline(deploymentId, false, userId, start, stop))
            .thenComposeAsync(this::readPosts, frontend));
    }

    public CompletableFuture<List<Post>> readHomeTimeline(final int userId, final int start, final int stop)
    {
        return typed(call(Service.HOME_TIMELINE, readTimeline(deploymentId, true, userId, start, stop))
            .thenComposeAsync(this::readPosts, frontend));
    }

    private CompletableFuture<List<Post>> readPosts(final long[] postIds)
    {
        if (0 == postIds.length)
        {
            return CompletableFuture.completedFuture(List.of());
        }
        if (PassMode.REFERENCE == settings.mode())
        {
            return call(Service.POST_STORAGE, sharePosts(deploymentId, postIds)).thenApplyAsync((arcs) ->
            {
                final List<Post> posts = new ArrayList<>(arcs.length);
                for (final DArc<Post> arc : arcs)
                {
                    posts.add(arc.get());
                    arc.close();
                }
                return posts;
            }, frontend);
        }

        return call(Service.POST_STORAGE, copyPosts(deploymentId, postIds)).thenApply((posts) ->
        {
            for (final Post post : posts)
            {
                bytesPassedByValue.addAndGet(post.approximateBytes());
            }
            return Arrays.asList(posts);
        });
    }

    public String expandUrl(final String shortUrl)
    {
        final long id = deploymentId;
        return await(call(Service.URL_SHORTEN, (n) -> services(n, id).urls.expand(shortUrl)), "expanding a URL");
    }

    public MediaCheck checkMedia(final long postId)
    {
        final long id = deploymentId;
        return await(call(Service.POST_STORAGE, (n) -> services(n, id).checkMedia(postId)), "checking media");
    }

    public SocialNetState state()
    {
        final long id = deploymentId;
        final long[] sums = new long[5];
        for (int n = 0; n < spread; n++)
        {
            final long[] part = await(node.spawnOn(n, (dsm) -> services(dsm, id).counts()), "reading state");
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
        frontend.shutdown();
        final long id = deploymentId;
        SocialNetException failure = null;
        for (int n = 0; n < spread; n++)
        {
            if (node.isNodeAvailable(n))
            {
                try
                {
                    await(node.spawnOn(n, (dsm) ->
                    {
                        final Services services = DEPLOYED.remove(registryKey(dsm.nodeId(), id));
                        if (null != services)
                        {
                            services.free();
                        }
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
        return "DistributedSocialNet{id=" + deploymentId + ", mode=" + settings.mode() + ", nodes=" + spread +
            ", users=" + userCount + '}';
    }

    private <R> CompletableFuture<R> call(final Service service, final DsmTask<R> task)
    {
        final int target = placement[service.ordinal()];
        if (settings.localCalls() && target == node.nodeId())
        {
            return CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return task.run(node);
                }
                catch (final RuntimeException ex)
                {
                    throw ex;
                }
                catch (final Exception ex)
                {
                    throw new CompletionException(ex);
                }
            }, frontend);
        }

        return node.spawnOn(target, task);
    }

    private String passed(final String text)
    {
        bytesPassedByValue.addAndGet(text.length());
        return text;
    }

    private void checkClip(final int clipId)
    {
        if (clipId < 0 || clipId >= clips.length)
        {
            throw new SocialNetException("clipId=" + clipId + " must be in [0, " + clips.length + ")");
        }
    }

    /**
     * Lend a shared borrow of a box to one call, ended when the call returns.
     */
    private static <R> CompletableFuture<R> lending(
        final DBox<String> box, final java.util.function.Function<Ref<String>, CompletableFuture<R>> call)
    {
        final Ref<String> ref = box.read();
        try
        {
            return call.apply(ref).whenComplete((result, failure) -> ref.close());
        }
        catch (final RuntimeException ex)
        {
            ref.close();
            throw ex;
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

    // -------------------------------------------------------------------------------------------------------------
    // The services' calls: static, so a task captures its arguments and never the frontend.
    // -------------------------------------------------------------------------------------------------------------

    private static DsmTask<Boolean> setUp(
        final long id, final int users, final SocialNetSettings settings, final int spread)
    {
        return (n) ->
        {
            DEPLOYED.put(registryKey(n.nodeId(), id), new Services(n, users, settings, spread));
            return Boolean.TRUE;
        };
    }

    private static DsmTask<Boolean> loadGraph(final long id, final DArc<int[]>[] chunks, final int neighbourCount)
    {
        return (n) ->
        {
            final int[] offsets = chunks[0].get();
            final int[] neighbours = new int[neighbourCount];
            int at = 0;
            for (int i = 1; i < chunks.length; i++)
            {
                final int[] chunk = chunks[i].get();
                System.arraycopy(chunk, 0, neighbours, at, chunk.length);
                at += chunk.length;
            }
            services(n, id).graph = new SocialGraph(offsets, neighbours);
            return Boolean.TRUE;
        };
    }

    private static DsmTask<Integer> lookUpUser(final long id, final String username)
    {
        return (n) -> services(n, id).users.idOf(username);
    }

    private static DsmTask<TextParts> parse(final Ref<String> text)
    {
        return (n) -> TextParts.parse(text.get());
    }

    private static DsmTask<TextParts> parse(final String text)
    {
        return (n) -> TextParts.parse(text);
    }

    private static DsmTask<int[]> resolveMentions(final long id, final String[] names)
    {
        return (n) -> services(n, id).mentionUsers.idsOf(names);
    }

    private static DsmTask<Long> nextPostId(final long id)
    {
        return (n) -> services(n, id).ids.next();
    }

    private static DsmTask<String[]> shorten(final long id, final String[] urls)
    {
        return (n) -> services(n, id).urls.shorten(urls);
    }

    private static DsmTask<DBox<byte[]>> watermark(final DArc<byte[]> clip, final long postId)
    {
        return (n) ->
        {
            try (Ref<byte[]> source = clip.read())
            {
                return Services.watermarked(n, source, postId);
            }
        };
    }

    private static DsmTask<DBox<byte[]>> watermarkCopy(final DBox<byte[]> clipCopy, final long postId)
    {
        return (n) ->
        {
            final DBox<byte[]> mine = Services.privateCopy(n, clipCopy);
            clipCopy.close();
            try (Ref<byte[]> source = mine.read())
            {
                return Services.watermarked(n, source, postId);
            }
            finally
            {
                mine.close();
            }
        };
    }

    private static DsmTask<DBox<Post>> assemble(
        final Ref<String> text,
        final long postId,
        final int userId,
        final int clipId,
        final String username,
        final String[] urls,
        final String[] shortUrls,
        final int[] mentionIds)
    {
        return (n) -> n.alloc(POST, Post.of(postId, userId, clipId, username, text.get(), urls, shortUrls, mentionIds));
    }

    private static DsmTask<Assembled> assembleCopy(
        final String text,
        final long postId,
        final int userId,
        final int clipId,
        final String username,
        final String[] urls,
        final String[] shortUrls,
        final int[] mentionIds,
        final DBox<byte[]> frames)
    {
        return (n) ->
        {
            final DBox<byte[]> copy = Services.privateCopy(n, frames);
            frames.close();
            return new Assembled(Post.of(postId, userId, clipId, username, text, urls, shortUrls, mentionIds), copy);
        };
    }

    private static DsmTask<Boolean> store(
        final long id, final long postId, final DBox<Post> post, final DBox<byte[]> frames)
    {
        return (n) ->
        {
            final Services services = services(n, id);
            final DArc<Post> published;
            try (Ref<Post> assembled = post.read())
            {
                published = n.arc(POST, assembled.get());
            }
            post.close();
            services.postArcs.put(postId, published);
            services.retain(postId, frames);
            return Boolean.TRUE;
        };
    }

    private static DsmTask<Boolean> storeCopy(final long id, final Post post, final DBox<byte[]> frames)
    {
        return (n) ->
        {
            final Services services = services(n, id);
            services.postValues.put(post.postId(), post);
            final DBox<byte[]> copy = Services.privateCopy(n, frames);
            frames.close();
            services.retain(post.postId(), copy);
            return Boolean.TRUE;
        };
    }

    private static DsmTask<Boolean> writeUserTimeline(final long id, final int userId, final long postId)
    {
        return (n) -> services(n, id).userTimelines.insert(userId, postId);
    }

    private static DsmTask<int[]> followers(final long id, final int userId)
    {
        return (n) -> services(n, id).graph.followers(userId);
    }

    private static DsmTask<Integer> fanOut(final long id, final long postId, final int[] readers)
    {
        return (n) ->
        {
            final Timelines timelines = services(n, id).homeTimelines;
            int added = 0;
            for (final int reader : readers)
            {
                added += timelines.insert(reader, postId) ? 1 : 0;
            }
            return added;
        };
    }

    private static DsmTask<long[]> readTimeline(
        final long id, final boolean home, final int userId, final int start, final int stop)
    {
        return (n) ->
        {
            final Services services = services(n, id);
            return (home ? services.homeTimelines : services.userTimelines).read(userId, start, stop);
        };
    }

    @SuppressWarnings("unchecked")
    private static DsmTask<DArc<Post>[]> sharePosts(final long id, final long[] postIds)
    {
        return (n) ->
        {
            final Services services = services(n, id);
            final DArc<Post>[] shared = new DArc[postIds.length];
            for (int i = 0; i < postIds.length; i++)
            {
                shared[i] = services.postArc(postIds[i]).share();
            }
            return shared;
        };
    }

    private static DsmTask<Post[]> copyPosts(final long id, final long[] postIds)
    {
        return (n) ->
        {
            final Services services = services(n, id);
            final Post[] posts = new Post[postIds.length];
            for (int i = 0; i < postIds.length; i++)
            {
                posts[i] = services.post(postIds[i]);
            }
            return posts;
        };
    }

    static Services services(final DsmNode node, final long id)
    {
        final Services services = DEPLOYED.get(registryKey(node.nodeId(), id));
        if (null == services)
        {
            throw new SocialNetException("socialnet " + id + " is not set up on node " + node.nodeId());
        }

        return services;
    }

    private static long registryKey(final int nodeId, final long id)
    {
        return (id << 8) | nodeId;
    }

    /**
     * What compose-post returns in value mode: the post and a copy of its frames on compose-post's node.
     *
     * @param post   assembled.
     * @param frames copied, moved to the caller with the result.
     */
    record Assembled(Post post, DBox<byte[]> frames) implements Serializable
    {
    }

    /**
     * A compose request's results so far, handed from stage to stage (each stage happens-after the one before).
     */
    private static final class Compose
    {
        DBox<String> textBox;
        int userId;
        TextParts parts;
        int[] mentionIds;
        long postId;
        String[] shortUrls;
    }

    /**
     * The state of the services placed on one node; those placed elsewhere are null here.
     * <p>
     * <b>Note:</b> threadsafe: each service's state is.
     */
    static final class Services
    {
        private static final byte[] ZERO_CLIP = new byte[Clips.CLIP_BYTES];

        final DsmNode node;
        final SocialNetSettings settings;
        final UniqueIds ids;
        final UserDirectory users;
        final UserDirectory mentionUsers;
        final UrlShortener urls;
        volatile SocialGraph graph;
        final ConcurrentHashMap<Long, DArc<Post>> postArcs;
        final ConcurrentHashMap<Long, Post> postValues;
        final RetainedMedia<DBox<MediaHolder>> media;
        final Timelines userTimelines;
        final Timelines homeTimelines;

        Services(final DsmNode node, final int userCount, final SocialNetSettings settings, final int spread)
        {
            this.node = node;
            this.settings = settings;
            final int nodes = spread;
            final int here = node.nodeId();
            final UserDirectory directory = new UserDirectory(userCount);
            ids = here == Service.UNIQUE_ID.node(nodes) ? new UniqueIds() : null;
            users = here == Service.USER.node(nodes) ? directory : null;
            mentionUsers = here == Service.USER_MENTION.node(nodes) ? new UserDirectory(userCount) : null;
            urls = here == Service.URL_SHORTEN.node(nodes) ? new UrlShortener() : null;
            final boolean isStorage = here == Service.POST_STORAGE.node(nodes);
            postArcs = isStorage ? new ConcurrentHashMap<>() : null;
            postValues = isStorage ? new ConcurrentHashMap<>() : null;
            media = isStorage ? new RetainedMedia<>(settings.mediaRetained()) : null;
            userTimelines = here == Service.USER_TIMELINE.node(nodes) ? new Timelines(directory) : null;
            homeTimelines = here == Service.HOME_TIMELINE.node(nodes) ? new Timelines(directory) : null;
        }

        static DBox<byte[]> watermarked(final DsmNode node, final Ref<byte[]> source, final long postId)
        {
            final DBox<byte[]> frames = node.alloc(Codecs.BYTES, ZERO_CLIP);
            try (Mut<byte[]> target = frames.write())
            {
                Watermark.apply(source.buffer(), target.buffer(), Watermark.label(postId));
            }

            return frames;
        }

        static DBox<byte[]> privateCopy(final DsmNode node, final DBox<byte[]> source)
        {
            try (Ref<byte[]> ref = source.read())
            {
                return node.alloc(Codecs.BYTES, ref.get());
            }
        }

        void retain(final long postId, final DBox<byte[]> frames)
        {
            final DBox<MediaHolder> evicted = media.retain(postId, node.alloc(HOLDER, new MediaHolder(frames)));
            if (null != evicted)
            {
                free(evicted);
            }
        }

        DArc<Post> postArc(final long postId)
        {
            final DArc<Post> post = postArcs.get(postId);
            if (null == post)
            {
                throw new SocialNetException("post " + postId + " is not stored");
            }

            return post;
        }

        Post post(final long postId)
        {
            final Post post = PassMode.REFERENCE == settings.mode() ? postArc(postId).get() : postValues.get(postId);
            if (null == post)
            {
                throw new SocialNetException("post " + postId + " is not stored");
            }

            return post;
        }

        MediaCheck checkMedia(final long postId)
        {
            final DBox<MediaHolder> holder = media.get(postId);
            if (null == holder)
            {
                return MediaCheck.notRetained();
            }
            try (Ref<MediaHolder> held = holder.read(); Ref<byte[]> frames = held.get().frames().read())
            {
                return MediaCheck.of(frames.buffer(), post(postId), settings.seed());
            }
        }

        long[] counts()
        {
            return new long[] {
                null == postArcs ? 0 : postArcs.size() + postValues.size(),
                null == userTimelines ? 0 : userTimelines.entries(),
                null == homeTimelines ? 0 : homeTimelines.entries(),
                null == urls ? 0 : urls.size(),
                null == media ? 0 : media.size() };
        }

        void free()
        {
            if (null != media)
            {
                for (final DBox<MediaHolder> holder : media.clear())
                {
                    free(holder);
                }
                for (final DArc<Post> post : postArcs.values())
                {
                    post.close();
                }
                postArcs.clear();
                postValues.clear();
            }
        }

        private static void free(final DBox<MediaHolder> holder)
        {
            try (Mut<MediaHolder> held = holder.write())
            {
                held.get().frames().close();
            }
            holder.close();
        }
    }
}
