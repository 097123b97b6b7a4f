package org.jdsm.verification;

import org.jdsm.coherence.CopyKeys;
import org.jdsm.coherence.GlobalAddress;
import org.jdsm.coherence.Node;
import org.jdsm.simulator.SimulatedNetwork;

import java.util.concurrent.TimeUnit;

/**
 * N nodes of the real engine in one JVM over the simulated transport, started together through its join barrier,
 * with the network's seed, delays and reordering chosen by the caller; optionally with the test fault
 * {@link #CACHE_IGNORES_COLOUR} wrapped around each node's {@link CopyKeys}. Closes the nodes, then the network.
 * <p>
 * Copied from the coherence module's test helper of the same name, which other modules can not see.
 */
final class SimulatedCluster implements AutoCloseable
{
    /** Name of the test fault in histories and descriptions. */
    static final String CACHE_IGNORES_COLOUR = "cache-ignores-colour";

    final SimulatedNetwork network;
    final Node[] nodes;

    private final org.jdsm.simulator.SimulatedCluster cluster;

    private SimulatedCluster(final org.jdsm.simulator.SimulatedCluster cluster, final Node[] nodes)
    {
        this.cluster = cluster;
        this.network = cluster.network();
        this.nodes = nodes;
    }

    static SimulatedCluster start(
        final int nodeCount, final long seed, final int maxDelaySteps, final boolean reorder, final boolean fault)
    {
        final org.jdsm.simulator.SimulatedCluster cluster = org.jdsm.simulator.SimulatedCluster.start(
            new SimulatedNetwork.Context().seed(seed).maxDelaySteps(maxDelaySteps).reorder(reorder),
            nodeCount,
            (config) ->
            {
                config
                    .heapSize(4L * 1024 * 1024)
                    .cacheSize(1024 * 1024)
                    .maxObjectSize(64 * 1024)
                    .workerThreads(3)
                    .operationTimeoutNs(TimeUnit.SECONDS.toNanos(10))
                    .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(20));
            },
            // the fault: copies keyed by address without colour, so a reader keeps its copy after the owner wrote
            (config) -> fault ?
                new Node(config, (keys) -> (address) -> GlobalAddress.withColour(keys.keyOf(address), 0)) :
                new Node(config));
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

    int nodeCount()
    {
        return nodes.length;
    }

    public void close()
    {
        cluster.close();
    }
}
