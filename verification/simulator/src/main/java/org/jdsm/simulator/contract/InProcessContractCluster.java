package org.jdsm.simulator.contract;

import org.agrona.CloseHelper;
import org.jdsm.DsmConfig;
import org.jdsm.simulator.SimulatedCluster;
import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * Every node of a contract cluster in this JVM: one transport per node over its own {@link BufferHeapRegion},
 * with a {@link ContractMessageHandler} that echoes on every node but the driver, all started at once through the
 * transport's join barrier. What a transport's contract test gives {@link TransportContract} when its nodes can
 * share a process.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one test.
 */
public final class InProcessContractCluster implements ContractCluster
{
    /** How long the nodes may take to join, in seconds. */
    public static final long START_TIMEOUT_S = 60;

    private final Transport[] transports;
    private final ContractMessageHandler[] handlers;
    private final BufferHeapRegion[] heaps;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private IntConsumer killer;

    private InProcessContractCluster(final int nodeCount)
    {
        transports = new Transport[nodeCount];
        handlers = new ContractMessageHandler[nodeCount];
        heaps = new BufferHeapRegion[nodeCount];
    }

    /**
     * Create a transport per node and start them all.
     *
     * @param spec      of the cluster.
     * @param configs   each node's configuration, not yet concluded, e.g. {@code spec.config(nodeId)} with the
     *                  transport's settings.
     * @param factory   makes a node's transport from its context.
     * @param resources closed after the transports, e.g. a simulated network; also closed if the start fails.
     * @return the started cluster.
     * @throws Exception if a transport does not start; everything created is closed.
     */
    public static InProcessContractCluster start(
        final ContractSpec spec,
        final IntFunction<DsmConfig> configs,
        final Function<TransportContext, Transport> factory,
        final AutoCloseable... resources) throws Exception
    {
        final InProcessContractCluster cluster = new InProcessContractCluster(spec.nodeCount());
        cluster.resources.addAll(List.of(resources));
        try
        {
            for (int nodeId = 0; nodeId < spec.nodeCount(); nodeId++)
            {
                cluster.handlers[nodeId] = new ContractMessageHandler();
                cluster.heaps[nodeId] = new BufferHeapRegion(spec.heapCapacity());
                cluster.transports[nodeId] = factory.apply(new TransportContext(
                    configs.apply(nodeId).conclude(), cluster.heaps[nodeId], cluster.handlers[nodeId]));
                if (0 != nodeId)
                {
                    cluster.handlers[nodeId].echoVia(cluster.transports[nodeId]);
                }
            }
            startAll(cluster.transports);
        }
        catch (final Exception ex)
        {
            cluster.close();
            throw ex;
        }

        return cluster;
    }

    /**
     * Start transports at once, as their join barrier needs, and wait for all.
     *
     * @param transports to start.
     * @throws Exception the first start failure, or a timeout after {@link #START_TIMEOUT_S}.
     */
    public static void startAll(final Transport... transports) throws Exception
    {
        final List<CompletableFuture<Void>> started = new ArrayList<>();
        for (int i = 0; i < transports.length; i++)
        {
            // a thread each: the starts wait for each other, and the common pool may have fewer threads
            started.add(CompletableFuture.runAsync(transports[i]::start, SimulatedCluster.startThread("transport-" + i)));
        }
        try
        {
            CompletableFuture.allOf(started.toArray(new CompletableFuture<?>[0])).get(START_TIMEOUT_S, TimeUnit.SECONDS);
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof RuntimeException)
            {
                throw (RuntimeException)ex.getCause();
            }
            throw ex;
        }
    }

    /**
     * Make {@link #kill(int)} supported.
     *
     * @param killer crashes a node by id.
     * @return this for a fluent API.
     */
    public InProcessContractCluster killWith(final IntConsumer killer)
    {
        this.killer = killer;
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public BufferHeapRegion heap(final int nodeId)
    {
        return heaps[nodeId];
    }

    public int nodeCount()
    {
        return transports.length;
    }

    public Transport transport(final int nodeId)
    {
        return transports[nodeId];
    }

    public ContractMessageHandler messages(final int nodeId)
    {
        return handlers[nodeId];
    }

    public boolean canKill()
    {
        return null != killer;
    }

    public void kill(final int nodeId)
    {
        if (null == killer)
        {
            throw new UnsupportedOperationException("kill: no killer given to this cluster");
        }
        killer.accept(nodeId);
    }

    public void close()
    {
        CloseHelper.quietCloseAll(transports);
        CloseHelper.quietCloseAll(resources);
    }
}
