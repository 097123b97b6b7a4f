package org.jdsm.coherence;

import org.jdsm.DsmConfig;
import org.jdsm.simulator.SimulatedNetwork;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The shared {@link org.jdsm.simulator.SimulatedCluster} with the engine's test sizes, its nodes typed as
 * {@link Node}.
 */
final class SimulatedCluster implements AutoCloseable
{
    final SimulatedNetwork network;
    final Node[] nodes;
    private final org.jdsm.simulator.SimulatedCluster cluster;

    private SimulatedCluster(final org.jdsm.simulator.SimulatedCluster cluster, final Node[] nodes)
    {
        this.cluster = cluster;
        this.network = cluster.network();
        this.nodes = nodes;
    }

    static SimulatedCluster start(final int nodeCount)
    {
        return start(nodeCount, 42, 0, false, (config) -> {});
    }

    static SimulatedCluster start(final int nodeCount, final Consumer<DsmConfig> customise)
    {
        return start(nodeCount, 42, 0, false, customise);
    }

    static SimulatedCluster start(
        final int nodeCount,
        final long seed,
        final int maxDelaySteps,
        final boolean reorder,
        final Consumer<DsmConfig> customise)
    {
        return start(nodeCount, seed, maxDelaySteps, reorder, org.jdsm.simulator.SimulatedTransport.MAX_MESSAGE_LENGTH,
            customise);
    }

    static SimulatedCluster start(
        final int nodeCount,
        final long seed,
        final int maxDelaySteps,
        final boolean reorder,
        final int maxMessageLength,
        final Consumer<DsmConfig> customise)
    {
        return start(nodeCount, seed, maxDelaySteps, reorder, maxMessageLength, customise, UnaryOperator.identity());
    }

    /**
     * A cluster whose nodes name their copies through a decorator of {@link CopyKeys}, e.g.
     * {@link #CACHE_IGNORES_COLOUR}.
     */
    static SimulatedCluster startWithCopyKeys(final int nodeCount, final UnaryOperator<CopyKeys> copyKeys)
    {
        return start(nodeCount, 42, 0, false, org.jdsm.simulator.SimulatedTransport.MAX_MESSAGE_LENGTH,
            (config) -> {}, copyKeys);
    }

    /**
     * The test fault that breaks coherence: copies keyed by address without colour, so a reader keeps returning
     * its copy of an object after the owner wrote it.
     */
    static final UnaryOperator<CopyKeys> CACHE_IGNORES_COLOUR =
        (keys) -> (address) -> GlobalAddress.withColour(keys.keyOf(address), 0);

    private static SimulatedCluster start(
        final int nodeCount,
        final long seed,
        final int maxDelaySteps,
        final boolean reorder,
        final int maxMessageLength,
        final Consumer<DsmConfig> customise,
        final UnaryOperator<CopyKeys> copyKeys)
    {
        final org.jdsm.simulator.SimulatedCluster cluster = org.jdsm.simulator.SimulatedCluster.start(
            new SimulatedNetwork.Context().seed(seed).maxDelaySteps(maxDelaySteps).reorder(reorder)
                .maxMessageLength(maxMessageLength),
            nodeCount,
            (config) ->
            {
                config
                    .heapSize(8L * 1024 * 1024)
                    .cacheSize(4L * 1024 * 1024)
                    .maxObjectSize(1024 * 1024)
                    .workerThreads(2)
                    .operationTimeoutNs(TimeUnit.SECONDS.toNanos(10))
                    .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(20));
                customise.accept(config);
            },
            (config) -> new Node(config, copyKeys));
        final Node[] nodes = new Node[nodeCount];
        for (int i = 0; i < nodeCount; i++)
        {
            nodes[i] = (Node)cluster.node(i);
        }

        return new SimulatedCluster(cluster, nodes);
    }

    Node node(final int nodeId)
    {
        return nodes[nodeId];
    }

    public void close()
    {
        cluster.close();
    }
}
