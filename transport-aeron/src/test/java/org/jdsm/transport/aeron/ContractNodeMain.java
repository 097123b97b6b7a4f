package org.jdsm.transport.aeron;

import org.jdsm.DsmConfig;
import org.jdsm.simulator.contract.BufferHeapRegion;
import org.jdsm.simulator.contract.ContractMessageHandler;
import org.jdsm.spi.TransportContext;

import java.io.IOException;
import java.util.Arrays;

/**
 * A contract node in its own JVM: starts an Aeron UDP transport over a {@link BufferHeapRegion} with an echoing
 * {@link ContractMessageHandler}, prints {@code STARTING} when its JVM is up and {@code READY} once past the join
 * barrier, serves until its standard input
 * closes (the parent test closed it, or died), then leaves and exits.
 * <p>
 * Arguments: nodeId nodeCount members heapCapacity operationTimeoutNs heartbeatIntervalNs [clusterSecret].
 */
public final class ContractNodeMain
{
    private ContractNodeMain()
    {
    }

    /**
     * @param args as the class documents.
     * @throws IOException if standard input fails.
     */
    public static void main(final String[] args) throws IOException
    {
        final int nodeId = Integer.parseInt(args[0]);
        final DsmConfig config = new DsmConfig()
            .nodeId(nodeId)
            .nodeCount(Integer.parseInt(args[1]))
            .members(Arrays.asList(args[2].split(",")))
            .heapSize(Long.parseLong(args[3]))
            .cacheSize(Long.parseLong(args[3]))
            .maxObjectSize(Integer.parseInt(args[3]) / 2)
            .operationTimeoutNs(Long.parseLong(args[4]))
            .heartbeatIntervalNs(Long.parseLong(args[5]))
            .clusterSecret(args.length > 6 ? args[6] : null)
            .transport(AeronTransportProvider.NAME)
            .errorHandler((throwable) -> System.out.println("ERROR " + throwable))
            .conclude();
        final ContractMessageHandler handler = new ContractMessageHandler();
        final AeronTransport transport = new AeronTransport(
            new TransportContext(config, new BufferHeapRegion(Integer.parseInt(args[3])), handler));
        System.out.println("STARTING " + nodeId);
        System.out.flush();
        try
        {
            transport.start();
            handler.echoVia(transport);
            System.out.println("READY " + nodeId);
            System.out.flush();
            while (System.in.read() >= 0)
            {
                continue;
            }
        }
        catch (final RuntimeException ex)
        {
            System.out.println("FAILED " + ex);
            System.out.flush();
        }
        finally
        {
            transport.close();
        }
        System.exit(0);
    }
}
