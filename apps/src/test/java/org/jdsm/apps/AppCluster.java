package org.jdsm.apps;

import org.jdsm.DsmNode;
import org.jdsm.simulator.SimulatedCluster;
import org.jdsm.simulator.SimulatedNetwork;

import java.util.concurrent.TimeUnit;

/**
 * The {@link SimulatedCluster} the application tests share (4 MiB objects, 32 MiB caches, 2 workers per node);
 * closes the nodes, then the network.
 */
public final class AppCluster implements AutoCloseable
{
    public final SimulatedNetwork network;
    public final DsmNode[] nodes;
    private final SimulatedCluster cluster;

    /**
     * Start the nodes with 64 MiB heaps, a 5 s operation timeout and no simulated delay.
     *
     * @param nodeCount nodes.
     * @param seed      of the simulated network.
     */
    public AppCluster(final int nodeCount, final long seed)
    {
        this(nodeCount, new SimulatedNetwork.Context().seed(seed).maxDelaySteps(0), 64L << 20,
            TimeUnit.SECONDS.toNanos(5));
    }

    /**
     * Start the nodes.
     *
     * @param nodeCount          nodes.
     * @param context            of the simulated network: seed, delays, reordering.
     * @param heapSize           of each node in bytes.
     * @param operationTimeoutNs of each node.
     */
    public AppCluster(
        final int nodeCount, final SimulatedNetwork.Context context, final long heapSize, final long operationTimeoutNs)
    {
        cluster = SimulatedCluster.start(context, nodeCount,
            (config) -> config
                .heapSize(heapSize)
                .cacheSize(32L << 20)
                .maxObjectSize(4 << 20)
                .workerThreads(2)
                .operationTimeoutNs(operationTimeoutNs)
                .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(20)));
        network = cluster.network();
        nodes = new DsmNode[nodeCount];
        for (int i = 0; i < nodeCount; i++)
        {
            nodes[i] = cluster.node(i);
        }
    }

    /**
     * @return node 0, where an application's driver runs.
     */
    public DsmNode driver()
    {
        return nodes[0];
    }

    public void close()
    {
        cluster.close();
    }
}
