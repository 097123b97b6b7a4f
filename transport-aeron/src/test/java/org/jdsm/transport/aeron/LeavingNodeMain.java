package org.jdsm.transport.aeron;

import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.DsmConfig;
import org.jdsm.simulator.contract.BufferHeapRegion;
import org.jdsm.spi.TransportContext;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A node in its own JVM that joins, sends node 0 a burst of numbered messages as fast as the publication takes them,
 * then closes its transport at once and exits: what a node that finishes its work and leaves looks like to its
 * peers. Prints {@code STARTING}, {@code READY} once joined, then {@code LEFT} after the close returned.
 * <p>
 * Arguments: nodeId nodeCount members clusterSecret messageCount messageLength.
 */
public final class LeavingNodeMain
{
    private LeavingNodeMain()
    {
    }

    /**
     * @param args as the class documents.
     */
    public static void main(final String[] args)
    {
        final int nodeId = Integer.parseInt(args[0]);
        final int messageCount = Integer.parseInt(args[4]);
        final int messageLength = Integer.parseInt(args[5]);
        final DsmConfig config = new DsmConfig()
            .nodeId(nodeId)
            .nodeCount(Integer.parseInt(args[1]))
            .members(Arrays.asList(args[2].split(",")))
            .clusterSecret(args[3])
            .heapSize(1 << 20)
            .cacheSize(1 << 20)
            .maxObjectSize(1 << 19)
            .operationTimeoutNs(TimeUnit.SECONDS.toNanos(30))
            .peerTimeoutNs(TimeUnit.SECONDS.toNanos(30))
            .transport(AeronTransportProvider.NAME)
            .errorHandler((throwable) -> System.out.println("ERROR " + throwable))
            .conclude();
        final AeronTransport transport = new AeronTransport(
            new TransportContext(config, new BufferHeapRegion(1 << 20), (source, buffer, offset, length) -> { }));
        System.out.println("STARTING " + nodeId);
        System.out.flush();
        try
        {
            transport.start();
            System.out.println("READY " + nodeId);
            System.out.flush();
            final UnsafeBuffer message = new UnsafeBuffer(new byte[messageLength]);
            for (int i = 0; i < messageCount; i++)
            {
                message.putInt(0, i);
                transport.send(0, message, 0, messageLength);
            }
        }
        catch (final RuntimeException ex)
        {
            System.out.println("FAILED " + ex);
            System.out.flush();
            System.exit(1);
        }
        finally
        {
            transport.close();
        }
        System.out.println("LEFT " + nodeId);
        System.out.flush();
        System.exit(0);
    }
}
