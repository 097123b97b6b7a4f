package org.jdsm.transport.aeron;

import org.agrona.CloseHelper;
import org.jdsm.DsmConfig;
import org.jdsm.simulator.contract.BufferHeapRegion;
import org.jdsm.simulator.contract.ContractCluster;
import org.jdsm.simulator.contract.ContractMessageHandler;
import org.jdsm.simulator.contract.ContractSpec;
import org.jdsm.simulator.contract.TransportContract;
import org.jdsm.spi.HeapRegion;
import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The transport contract over Aeron UDP on loopback, with every node but node 0 in its own JVM: three processes.
 * Its assertions are inherited from {@link TransportContract}.
 */
class AeronUdpTransportContractTest extends TransportContract
{
    static final String SECRET = "contract-secret-0123";

    protected ContractSpec spec()
    {
        return super.spec().copiesIndirectRanges(true); // READ_INDIRECT, served by the peer's duty cycle
    }

    protected ContractCluster startCluster(final ContractSpec spec) throws Exception
    {
        final List<String> members = ForkedNodes.loopbackMembers(spec.nodeCount());
        final ForkedNodes children = new ForkedNodes();
        final ContractMessageHandler handler = new ContractMessageHandler();
        final BufferHeapRegion driverHeap = new BufferHeapRegion(spec.heapCapacity());
        AeronTransport driver = null;
        try
        {
            for (int nodeId = 1; nodeId < spec.nodeCount(); nodeId++)
            {
                children.start(ContractNodeMain.class, String.valueOf(nodeId), String.valueOf(spec.nodeCount()),
                    String.join(",", members), String.valueOf(spec.heapCapacity()),
                    String.valueOf(spec.operationTimeoutNs()), String.valueOf(spec.heartbeatIntervalNs()), SECRET);
            }

            final DsmConfig config = spec.config(0)
                .members(members)
                .clusterSecret(SECRET)
                .transport(AeronTransportProvider.NAME)
                .conclude();
            driver = new AeronTransport(new TransportContext(config, driverHeap, handler));
            // join when the children's JVMs are up, so the barrier does not count their JVM start-up
            children.awaitStarting(TimeUnit.SECONDS.toMillis(60));
            driver.start();
            for (int nodeId = 1; nodeId < spec.nodeCount(); nodeId++)
            {
                children.awaitReady(nodeId - 1, TimeUnit.SECONDS.toMillis(30));
            }
        }
        catch (final Exception | Error ex)
        {
            CloseHelper.quietClose(driver);
            children.close();
            for (int nodeId = 1; nodeId < spec.nodeCount(); nodeId++)
            {
                ex.addSuppressed(new IllegalStateException("node " + nodeId + " printed " +
                    children.output(nodeId - 1)));
            }
            throw ex;
        }

        final AeronTransport started = driver;
        return new ContractCluster()
        {
            public int nodeCount()
            {
                return spec.nodeCount();
            }

            public Transport transport(final int nodeId)
            {
                return 0 == nodeId ? started : null;
            }

            public ContractMessageHandler messages(final int nodeId)
            {
                return 0 == nodeId ? handler : null;
            }

            public HeapRegion heap(final int nodeId)
            {
                return 0 == nodeId ? driverHeap : null;
            }

            public boolean canKill()
            {
                return true;
            }

            public void kill(final int nodeId)
            {
                try
                {
                    children.kill(nodeId - 1);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }

            public void close()
            {
                try
                {
                    started.close();
                }
                finally
                {
                    children.close();
                }
            }
        };
    }
}
