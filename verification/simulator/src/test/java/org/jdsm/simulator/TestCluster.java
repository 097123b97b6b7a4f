package org.jdsm.simulator;

import org.agrona.CloseHelper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A network and its nodes for tests, each node's transport started on its own thread so the join barrier passes.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one test, which closes it.
 */
final class TestCluster implements AutoCloseable
{
    final SimulatedNetwork network;
    final TestNode[] nodes;

    TestCluster(final SimulatedNetwork.Context ctx, final int nodeCount, final long operationTimeoutNs)
    {
        network = new SimulatedNetwork(ctx);
        nodes = new TestNode[nodeCount];
        for (int i = 0; i < nodeCount; i++)
        {
            nodes[i] = new TestNode(network, i, nodeCount, operationTimeoutNs);
        }
    }

    TestCluster start() throws Exception
    {
        startAll(nodes);
        return this;
    }

    TestNode node(final int nodeId)
    {
        return nodes[nodeId];
    }

    SimulatedTransport transport(final int nodeId)
    {
        return nodes[nodeId].transport;
    }

    public void close()
    {
        CloseHelper.closeAll(nodes);
        CloseHelper.close(network);
    }

    static void startAll(final TestNode... nodes) throws Exception
    {
        final ExecutorService executor = Executors.newFixedThreadPool(nodes.length);
        try
        {
            final List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (final TestNode node : nodes)
            {
                futures.add(CompletableFuture.runAsync(node.transport::start, executor));
            }
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
        }
        finally
        {
            executor.shutdownNow();
        }
    }
}
