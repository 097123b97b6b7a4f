package org.jdsm.transport.aeron;

import org.jdsm.Dsm;
import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;
import org.jdsm.coherence.Node;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A node of the real engine in its own JVM over the Aeron transport: prints {@code STARTING}, then {@code READY}
 * once started, serves until its standard input closes, then leaves and exits.
 * <p>
 * Arguments: nodeId nodeCount members clusterSecret [fault], the last a test-only {@code Node.FAULT_OPTION}.
 */
public final class EngineNodeMain
{
    private EngineNodeMain()
    {
    }

    static DsmConfig config(final int nodeId, final int nodeCount, final String members, final String secret)
    {
        return new DsmConfig()
            .nodeId(nodeId)
            .nodeCount(nodeCount)
            .members(Arrays.asList(members.split(",")))
            .transport(AeronTransportProvider.NAME)
            .clusterSecret(secret)
            .heapSize(8 * 1024 * 1024)
            .cacheSize(2 * 1024 * 1024)
            .maxObjectSize(1024 * 1024)
            .operationTimeoutNs(TimeUnit.SECONDS.toNanos(3))
            .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(100))
            .workerThreads(2);
    }

    /**
     * @param args as the class documents.
     * @throws IOException if standard input fails.
     */
    public static void main(final String[] args) throws IOException
    {
        final int nodeId = Integer.parseInt(args[0]);
        final DsmConfig config = config(nodeId, Integer.parseInt(args[1]), args[2], args[3])
            .errorHandler((throwable) -> System.out.println("ERROR " + throwable));
        if (args.length > 4)
        {
            config.transportOption(Node.FAULT_OPTION, args[4]);
        }
        System.out.println("STARTING " + nodeId);
        System.out.flush();
        DsmNode node = null;
        try
        {
            node = Dsm.start(config);
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
            if (null != node)
            {
                node.close();
            }
        }
        System.exit(0);
    }
}
