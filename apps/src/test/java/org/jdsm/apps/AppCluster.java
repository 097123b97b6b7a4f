package org.jdsm.apps;

import org.jdsm.DsmNode;
import org.jdsm.simulator.SimulatedCluster;
import org.jdsm.simulator.SimulatedNetwork;

import java.util.concurrent.TimeUnit;

/**
 * The {@link SimulatedCluster} the application tests share, sized for GEMM's tiles and DataFrame's chunks (64 MiB
 * heaps, 4 MiB objects, no simulated delay); closes the nodes, then the network.
 */
public final class AppCluster implements AutoCloseable
{
    public final SimulatedNetwork network;
    public final DsmNode[] nodes;
    private final SimulatedCluster cluster;

    /**
     * Start the nodes.
     *
     * @param nodeCount nodes.
     * @param seed      of the simulated network.
     */
    public AppCluster(final int nodeCount, final long seed)
    {
        cluster = SimulatedCluster.start(new SimulatedNetwork.Context().seed(seed).maxDelaySteps(0), nodeCount,
            (config) -> config
                .heapSize(64L << 20)
                .cacheSize(32L << 20)
                .maxObjectSize(4 << 20)
                .workerThreads(2)
                .operationTimeoutNs(TimeUnit.SECONDS.toNanos(5))
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
