package org.jdsm.apps.kv;

import org.jdsm.Dsm;
import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;
import org.jdsm.simulator.SimulatedNetwork;
import org.jdsm.simulator.SimulatedTransport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * N engine nodes in this JVM over the simulated transport; closes the nodes, then the network.
 */
final class KvTestCluster implements AutoCloseable
{
    final SimulatedNetwork network;
    final DsmNode[] nodes;

    KvTestCluster(final int nodeCount, final long seed, final int workerThreads) throws Exception
    {
        network = new SimulatedNetwork(new SimulatedNetwork.Context().seed(seed).maxDelaySteps(2));
        final List<CompletableFuture<DsmNode>> starting = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++)
        {
            final DsmConfig config = new DsmConfig().nodeId(i).nodeCount(nodeCount).heapSize(32L << 20)
                .cacheSize(16L << 20).maxObjectSize(4 << 20).workerThreads(workerThreads)
                .transportOption(SimulatedTransport.NETWORK_OPTION, network);
            starting.add(CompletableFuture.supplyAsync(() -> Dsm.start(config)));
        }
        nodes = new DsmNode[nodeCount];
        for (int i = 0; i < nodeCount; i++)
        {
            nodes[i] = starting.get(i).get(30, TimeUnit.SECONDS);
        }
    }

    public void close()
    {
        for (final DsmNode node : nodes)
        {
            if (null != node)
            {
                node.close();
            }
        }
        network.close();
    }
}
