package org.jdsm.verification;

import org.jdsm.Dsm;
import org.jdsm.DsmConfig;
import org.jdsm.coherence.Node;
import org.jdsm.simulator.SimulatedNetwork;
import org.jdsm.simulator.SimulatedTransport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * N nodes of the real engine in one JVM over the simulated transport, started together through its join barrier,
 * with the network's seed, delays and reordering chosen by the caller; optionally with the test-only fault
 * {@link Node#FAULT_CACHE_IGNORES_COLOUR}. Closes the nodes, then the network.
 * <p>
 * Copied from the coherence module's test helper of the same name, which other modules can not see.
 */
final class SimulatedCluster implements AutoCloseable
{
    final SimulatedNetwork network;
    final Node[] nodes;

    private SimulatedCluster(final SimulatedNetwork network, final Node[] nodes)
    {
        this.network = network;
        this.nodes = nodes;
    }

    static SimulatedCluster start(
        final int nodeCount, final long seed, final int maxDelaySteps, final boolean reorder, final boolean fault)
    {
        final SimulatedNetwork network = new SimulatedNetwork(new SimulatedNetwork.Context()
            .seed(seed)
            .maxDelaySteps(maxDelaySteps)
            .reorder(reorder));
        final List<CompletableFuture<Node>> starting = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++)
        {
            final DsmConfig config = new DsmConfig()
                .nodeId(i)
                .nodeCount(nodeCount)
                .transport("simulated")
                .heapSize(4L * 1024 * 1024)
                .cacheSize(1024 * 1024)
                .maxObjectSize(64 * 1024)
                .workerThreads(3)
                .operationTimeoutNs(TimeUnit.SECONDS.toNanos(10))
                .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(20))
                .transportOption(SimulatedTransport.NETWORK_OPTION, network);
            if (fault)
            {
                config.transportOption(Node.FAULT_OPTION, Node.FAULT_CACHE_IGNORES_COLOUR);
            }
            starting.add(CompletableFuture.supplyAsync(() -> (Node)Dsm.start(config)));
        }

        final Node[] nodes = new Node[nodeCount];
        try
        {
            for (int i = 0; i < nodeCount; i++)
            {
                nodes[i] = starting.get(i).get(30, TimeUnit.SECONDS);
            }
        }
        catch (final Exception ex)
        {
            for (final Node node : nodes)
            {
                if (null != node)
                {
                    node.close();
                }
            }
            network.close();
            throw new IllegalStateException("cluster of " + nodeCount + " did not start", ex);
        }

        return new SimulatedCluster(network, nodes);
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
        for (final Node node : nodes)
        {
            node.close();
        }
        network.close();
    }
}
