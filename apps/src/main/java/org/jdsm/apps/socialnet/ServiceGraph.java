package org.jdsm.apps.socialnet;

import org.jdsm.Codecs;
import org.jdsm.DArc;
import org.jdsm.DsmNode;
import org.jdsm.DsmTask;
import org.jdsm.apps.socialnet.DistributedSocialNet.Service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The services of one deployment as the frontend sees them: set up on the nodes ({@link #deploy}), which node each
 * runs on, how a call reaches it (a task spawned on its node, or with {@link SocialNetSettings#localCalls()} a
 * method call on a frontend thread when it is on the frontend's own node), and the calls that are the same whichever
 * {@link PassMode} the deployment uses. The calls are static factories, so a task captures its arguments and never
 * the frontend; each finds its node's state through {@link NodeServices#of}.
 * <p>
 * <b>Note:</b> threadsafe; owned by its {@link DistributedSocialNet}, which shuts its frontend threads down.
 */
final class ServiceGraph
{
    private static final int GRAPH_CHUNK_INTS = 1 << 20;

    final DsmNode node;
    final long id;
    final int spread;
    final ExecutorService frontend;
    private final boolean localCalls;
    private final int[] placement = new int[Service.values().length];

    ServiceGraph(
        final DsmNode node, final long id, final int spread, final int frontendThreads, final boolean localCalls)
    {
        this.node = node;
        this.id = id;
        this.spread = spread;
        this.localCalls = localCalls;
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
    }

    /**
     * Set a deployment's services up on the first {@code spread} nodes and ship the social graph to social-graph's
     * node through {@code DArc} chunks.
     *
     * @throws SocialNetException if a setup task fails.
     */
    @SuppressWarnings("unchecked")
    static ServiceGraph deploy(
        final DsmNode node,
        final SocialGraph graph,
        final SocialNetSettings settings,
        final int frontendThreads,
        final int spread)
    {
        final long id = ThreadLocalRandom.current().nextLong(1, 1L << 48);
        final int users = graph.userCount();
        final List<CompletableFuture<Boolean>> setups = new ArrayList<>();
        for (int n = 0; n < spread; n++)
        {
            setups.add(node.spawnOn(n, setUp(id, users, settings, spread)));
        }
        for (final CompletableFuture<Boolean> setup : setups)
        {
            DistributedSocialNet.await(setup, "setting up the services");
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
            DistributedSocialNet.await(node.spawnOn(Service.SOCIAL_GRAPH.node(spread),
                loadGraph(id, shipped, neighbours.length)), "shipping the social graph");
        }
        finally
        {
            for (final DArc<int[]> chunk : shipped)
            {
                chunk.close();
            }
        }

        return new ServiceGraph(node, id, spread, frontendThreads, settings.localCalls());
    }

    int nodeOf(final Service service)
    {
        return placement[service.ordinal()];
    }

    <R> CompletableFuture<R> call(final Service service, final DsmTask<R> task)
    {
        final int target = placement[service.ordinal()];
        if (localCalls && target == node.nodeId())
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

    private static DsmTask<Boolean> setUp(final long id, final int users, final SocialNetSettings settings, final int spread)
    {
        return (n) ->
        {
            NodeServices.register(n, id, new NodeServices(n, users, settings, spread));
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
            NodeServices.of(n, id).graph = new SocialGraph(offsets, neighbours);
            return Boolean.TRUE;
        };
    }

    static DsmTask<Integer> lookUpUser(final long id, final String username)
    {
        return (n) -> NodeServices.of(n, id).users.idOf(username);
    }

    static DsmTask<int[]> resolveMentions(final long id, final String[] names)
    {
        return (n) -> NodeServices.of(n, id).mentionUsers.idsOf(names);
    }

    static DsmTask<Long> nextPostId(final long id)
    {
        return (n) -> NodeServices.of(n, id).ids.next();
    }

    static DsmTask<String[]> shorten(final long id, final String[] urls)
    {
        return (n) -> NodeServices.of(n, id).urls.shorten(urls);
    }

    static DsmTask<Boolean> writeUserTimeline(final long id, final int userId, final long postId)
    {
        return (n) -> NodeServices.of(n, id).userTimelines.insert(userId, postId);
    }

    static DsmTask<int[]> followers(final long id, final int userId)
    {
        return (n) -> NodeServices.of(n, id).graph.followers(userId);
    }

    static DsmTask<Integer> fanOut(final long id, final long postId, final int[] readers)
    {
        return (n) ->
        {
            final Timelines timelines = NodeServices.of(n, id).homeTimelines;
            int added = 0;
            for (final int reader : readers)
            {
                added += timelines.insert(reader, postId) ? 1 : 0;
            }
            return added;
        };
    }

    static DsmTask<long[]> readTimeline(
        final long id, final boolean home, final int userId, final int start, final int stop)
    {
        return (n) ->
        {
            final NodeServices services = NodeServices.of(n, id);
            return (home ? services.homeTimelines : services.userTimelines).read(userId, start, stop);
        };
    }
}
