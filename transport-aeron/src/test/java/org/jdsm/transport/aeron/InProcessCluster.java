package org.jdsm.transport.aeron;

import org.agrona.CloseHelper;
import org.jdsm.DsmConfig;
import org.jdsm.simulator.contract.BufferHeapRegion;
import org.jdsm.simulator.contract.ContractCluster;
import org.jdsm.simulator.contract.ContractMessageHandler;
import org.jdsm.simulator.contract.ContractSpec;
import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Aeron transports of every node in this JVM, sharing the process's runtime; kill halts a node's responder.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one test.
 */
final class InProcessCluster implements ContractCluster
{
    final AeronTransport[] transports;
    final ContractMessageHandler[] handlers;
    final BufferHeapRegion[] heaps;

    InProcessCluster(final ContractSpec spec, final IntFunction<DsmConfig> configs) throws Exception
    {
        transports = new AeronTransport[spec.nodeCount()];
        handlers = new ContractMessageHandler[spec.nodeCount()];
        heaps = new BufferHeapRegion[spec.nodeCount()];
        try
        {
            for (int nodeId = 0; nodeId < spec.nodeCount(); nodeId++)
            {
                handlers[nodeId] = new ContractMessageHandler();
                heaps[nodeId] = new BufferHeapRegion(spec.heapCapacity());
                transports[nodeId] = new AeronTransport(new TransportContext(
                    configs.apply(nodeId).conclude(), heaps[nodeId], handlers[nodeId]));
                if (0 != nodeId)
                {
                    handlers[nodeId].echoVia(transports[nodeId]);
                }
            }
            startAll(transports);
        }
        catch (final Exception ex)
        {
            CloseHelper.quietCloseAll(transports);
            throw ex;
        }
    }

    static void startAll(final Transport... transports) throws Exception
    {
        final List<CompletableFuture<Void>> started = new ArrayList<>();
        for (final Transport transport : transports)
        {
            started.add(CompletableFuture.runAsync(transport::start));
        }
        try
        {
            CompletableFuture.allOf(started.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
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
        return true;
    }

    public void kill(final int nodeId)
    {
        transports[nodeId].halt();
    }

    public void close()
    {
        CloseHelper.closeAll(transports);
    }
}
