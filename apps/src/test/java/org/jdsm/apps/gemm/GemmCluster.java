package org.jdsm.apps.gemm;

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
 * N engine nodes in this JVM over the simulated transport, sized for the GEMM tests; closes the nodes, then
 * the network.
 */
final class GemmCluster implements AutoCloseable
{
    final SimulatedNetwork network;
    final DsmNode[] nodes;

    GemmCluster(final int nodeCount)
    {
        network = new SimulatedNetwork(new SimulatedNetwork.Context().seed(7).maxDelaySteps(0));
        nodes = new DsmNode[nodeCount];
        final List<CompletableFuture<DsmNode>> starting = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++)
        {
            final DsmConfig config = new DsmConfig()
                .nodeId(i)
                .nodeCount(nodeCount)
                .transport("simulated")
                .heapSize(64L << 20)
                .cacheSize(32L << 20)
                .maxObjectSize(4 << 20)
                .workerThreads(2)
                .operationTimeoutNs(TimeUnit.SECONDS.toNanos(5))
                .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(20))
                .transportOption(SimulatedTransport.NETWORK_OPTION, network);
            starting.add(CompletableFuture.supplyAsync(() -> Dsm.start(config)));
        }
        try
        {
            for (int i = 0; i < nodeCount; i++)
            {
                nodes[i] = starting.get(i).get(30, TimeUnit.SECONDS);
            }
        }
        catch (final Exception ex)
        {
            close();
            throw new IllegalStateException("cluster of " + nodeCount + " did not start", ex);
        }
    }

    DsmNode driver()
    {
        return nodes[0];
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
