package org.jdsm.apps.kv;

import org.jdsm.DsmNode;
import org.jdsm.simulator.SimulatedCluster;
import org.jdsm.simulator.SimulatedNetwork;

/**
 * The shared {@link SimulatedCluster} with the KV tests' sizes; closes the nodes, then the network.
 */
final class KvTestCluster implements AutoCloseable
{
    final SimulatedNetwork network;
    final DsmNode[] nodes;
    private final SimulatedCluster cluster;

    KvTestCluster(final int nodeCount, final long seed, final int workerThreads)
    {
        cluster = SimulatedCluster.start(new SimulatedNetwork.Context().seed(seed).maxDelaySteps(2), nodeCount,
            (config) -> config.heapSize(32L << 20).cacheSize(16L << 20).maxObjectSize(4 << 20)
                .workerThreads(workerThreads));
        network = cluster.network();
        nodes = new DsmNode[nodeCount];
        for (int i = 0; i < nodeCount; i++)
        {
            nodes[i] = cluster.node(i);
        }
    }

    public void close()
    {
        cluster.close();
    }
}
