package org.jdsm.simulator.contract;

import org.agrona.CloseHelper;
import org.jdsm.simulator.SimulatedNetwork;
import org.jdsm.simulator.SimulatedTransport;
import org.jdsm.simulator.SimulatedTransportProvider;
import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The transport contract over the simulated transport, with seeded delays and reordering.
 */
class SimulatedTransportContractTest extends TransportContract
{
    protected ContractCluster startCluster(final ContractSpec spec) throws Exception
    {
        final SimulatedNetwork network = new SimulatedNetwork(
            new SimulatedNetwork.Context().seed(42).maxDelaySteps(3).reorder(true));
        final Transport[] transports = new Transport[spec.nodeCount()];
        final ContractMessageHandler[] handlers = new ContractMessageHandler[spec.nodeCount()];
        try
        {
            for (int nodeId = 0; nodeId < spec.nodeCount(); nodeId++)
            {
                handlers[nodeId] = new ContractMessageHandler();
                transports[nodeId] = new SimulatedTransportProvider().newTransport(new TransportContext(
                    spec.config(nodeId)
                        .transport(SimulatedTransportProvider.NAME)
                        .transportOption(SimulatedTransport.NETWORK_OPTION, network)
                        .conclude(),
                    new BufferHeapRegion(spec.heapCapacity()),
                    handlers[nodeId]));
                if (0 != nodeId)
                {
                    handlers[nodeId].echoVia(transports[nodeId]);
                }
            }

            final List<CompletableFuture<Void>> started = new ArrayList<>();
            for (final Transport transport : transports)
            {
                started.add(CompletableFuture.runAsync(transport::start));
            }
            CompletableFuture.allOf(started.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            CloseHelper.quietCloseAll(transports);
            CloseHelper.quietClose(network);
            throw ex;
        }

        return new ContractCluster()
        {
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
                network.crash(nodeId);
            }

            public void close()
            {
                CloseHelper.closeAll(transports);
                CloseHelper.close(network);
            }
        };
    }
}
