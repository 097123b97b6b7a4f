package org.jdsm.apps.dataframe;

import org.jdsm.DsmNode;
import org.jdsm.simulator.SimulatedCluster;
import org.jdsm.simulator.SimulatedNetwork;

import java.util.concurrent.TimeUnit;

/**
 * The shared {@link SimulatedCluster} sized for the DataFrame tests; closes the nodes, then the network.
 */
final class DataFrameCluster implements AutoCloseable
{
    final SimulatedNetwork network;
    final DsmNode[] nodes;
    private final SimulatedCluster cluster;

    DataFrameCluster(final int nodeCount)
    {
        cluster = SimulatedCluster.start(new SimulatedNetwork.Context().seed(9).maxDelaySteps(0), nodeCount,
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

    DsmNode driver()
    {
        return nodes[0];
    }

    public void close()
    {
        cluster.close();
    }
}
