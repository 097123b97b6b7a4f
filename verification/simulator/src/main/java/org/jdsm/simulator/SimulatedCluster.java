package org.jdsm.simulator;

import org.jdsm.Dsm;
import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * N nodes of the engine on the class path in this JVM, over one {@link SimulatedNetwork}: started together through
 * the transport's join barrier, closed together (the nodes, then the network). The test tool any module uses to
 * run a cluster in one JVM.
 * <p>
 * <b>Note:</b> start and close from one thread; the nodes themselves are threadsafe.
 */
public final class SimulatedCluster implements AutoCloseable
{
    /** How long the nodes may take to join, in seconds. */
    public static final long START_TIMEOUT_S = 30;

    private final SimulatedNetwork network;
    private final DsmNode[] nodes;

    private SimulatedCluster(final SimulatedNetwork network, final DsmNode[] nodes)
    {
        this.network = network;
        this.nodes = nodes;
    }

    /**
     * Start a network and N nodes on it.
     *
     * @param network   settings of the network: seed, delays, reordering.
     * @param nodeCount number of nodes.
     * @param customise applied to each node's configuration after its id, count, transport and network are set.
     * @return the started cluster.
     * @throws IllegalStateException if a node does not start; the nodes that did and the network are closed.
     */
    public static SimulatedCluster start(
        final SimulatedNetwork.Context network, final int nodeCount, final Consumer<DsmConfig> customise)
    {
        return start(network, nodeCount, customise, Dsm::start);
    }

    /**
     * Start a network and N nodes on it, each started by a given engine factory instead of {@link Dsm#start}, e.g.
     * an engine with a test fault wrapped around one of its components.
     *
     * @param network   settings of the network: seed, delays, reordering.
     * @param nodeCount number of nodes.
     * @param customise applied to each node's configuration after its id, count, transport and network are set.
     * @param engine    starts a node from its configuration.
     * @return the started cluster.
     * @throws IllegalStateException if a node does not start; the nodes that did and the network are closed.
     */
    public static SimulatedCluster start(
        final SimulatedNetwork.Context network,
        final int nodeCount,
        final Consumer<DsmConfig> customise,
        final Function<DsmConfig, DsmNode> engine)
    {
        final SimulatedNetwork simulatedNetwork = new SimulatedNetwork(network);
        final List<CompletableFuture<DsmNode>> starting = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++)
        {
            final DsmConfig config = new DsmConfig()
                .nodeId(i)
                .nodeCount(nodeCount)
                .transportProvider(new SimulatedTransportProvider(simulatedNetwork));
            customise.accept(config);
            // a thread per node, not the common pool: every start waits for all nodes to attach, and a pool of
            // fewer threads than nodes (cores - 1 of them) would never run the rest
            starting.add(CompletableFuture.supplyAsync(() -> engine.apply(config), startThread("simulated-node-" + i)));
        }

        final DsmNode[] nodes = new DsmNode[nodeCount];
        try
        {
            for (int i = 0; i < nodeCount; i++)
            {
                nodes[i] = starting.get(i).get(START_TIMEOUT_S, TimeUnit.SECONDS);
            }
        }
        catch (final Exception ex)
        {
            new SimulatedCluster(simulatedNetwork, nodes).close();
            throw new IllegalStateException("cluster of " + nodeCount + " nodes did not start", ex);
        }

        return new SimulatedCluster(simulatedNetwork, nodes);
    }

    /**
     * An executor that runs its one task on a new daemon thread: for starts that wait for each other.
     *
     * @param name of the thread.
     * @return the executor.
     */
    public static Executor startThread(final String name)
    {
        return (task) ->
        {
            final Thread thread = new Thread(task, name + "-start");
            thread.setDaemon(true);
            thread.start();
        };
    }

    /**
     * The network the nodes share, e.g. to crash a node.
     *
     * @return the network.
     */
    public SimulatedNetwork network()
    {
        return network;
    }

    /**
     * Number of nodes.
     *
     * @return the node count.
     */
    public int nodeCount()
    {
        return nodes.length;
    }

    /**
     * One node.
     *
     * @param nodeId of the node.
     * @return the node.
     */
    public DsmNode node(final int nodeId)
    {
        return nodes[nodeId];
    }

    /**
     * Close the nodes, then the network.
     */
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
