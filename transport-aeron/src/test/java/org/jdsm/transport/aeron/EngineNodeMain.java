package org.jdsm.transport.aeron;

import org.jdsm.Dsm;
import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;
import org.jdsm.coherence.CopyKeys;
import org.jdsm.coherence.GlobalAddress;
import org.jdsm.coherence.Node;

import org.jdsm.simulator.fault.FaultControl;
import org.jdsm.simulator.fault.FaultInjectingTransportProvider;
import org.jdsm.simulator.fault.FaultSchedule;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A node of the real engine in its own JVM over the Aeron transport: prints {@code STARTING}, then {@code READY}
 * once started, serves until its standard input closes, then leaves and exits.
 * <p>
 * Arguments: nodeId nodeCount members clusterSecret [fault] [faults=SCHEDULE]: {@code fault} a test fault of the
 * engine ({@link #CACHE_IGNORES_COLOUR}, see {@link #start}); {@code faults=} a {@link FaultSchedule} in its text form, which wraps the Aeron transport
 * in a {@code FaultInjectingTransport} following it. A line {@code faults SCHEDULE} on standard input then changes
 * the schedule; the node answers {@code FAULTS nodeId SCHEDULE}.
 */
public final class EngineNodeMain
{
    /**
     * The engine fault: a decorator of the node's {@link CopyKeys} that keys copies by address without colour, so a
     * reader keeps returning its copy of an object after the owner wrote it.
     */
    static final String CACHE_IGNORES_COLOUR = "cache-ignores-colour";

    private EngineNodeMain()
    {
    }

    /**
     * Start a node of the engine, with a test fault wrapped around its copy keys or without.
     *
     * @param config of the node.
     * @param fault  {@link #CACHE_IGNORES_COLOUR} or null.
     * @return the started node.
     */
    static DsmNode start(final DsmConfig config, final String fault)
    {
        if (null == fault)
        {
            return Dsm.start(config);
        }
        if (!CACHE_IGNORES_COLOUR.equals(fault))
        {
            throw new IllegalArgumentException("fault=" + fault + " is not a known fault");
        }

        return new Node(config, (keys) -> (address) -> GlobalAddress.withColour(keys.keyOf(address), 0));
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
     * Wrap a node's Aeron transport in a fault-injecting one that follows a control.
     *
     * @param config   of the node, using Aeron.
     * @param schedule to start with.
     * @return the control, to change the schedule later.
     */
    static FaultControl withFaults(final DsmConfig config, final FaultSchedule schedule)
    {
        final FaultControl control = new FaultControl(schedule);
        config.transportProvider(new FaultInjectingTransportProvider(new AeronTransportProvider(), control));
        return control;
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
        FaultControl faults = null;
        String fault = null;
        for (int i = 4; i < args.length; i++)
        {
            if (args[i].startsWith("faults="))
            {
                faults = withFaults(config, FaultSchedule.parse(args[i].substring("faults=".length())));
            }
            else
            {
                fault = args[i];
            }
        }
        System.out.println("STARTING " + nodeId);
        System.out.flush();
        DsmNode node = null;
        try
        {
            node = start(config, fault);
            System.out.println("READY " + nodeId);
            System.out.flush();
            final BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = input.readLine(); null != line; line = input.readLine())
            {
                if (null != faults && line.startsWith("faults "))
                {
                    faults.schedule(FaultSchedule.parse(line.substring("faults ".length())));
                    System.out.println("FAULTS " + nodeId + " " + faults.schedule());
                    System.out.flush();
                }
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
