package org.jdsm.apps;

import io.aeron.AeronCounters;
import io.aeron.CncFileDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.status.CountersReader;
import org.jdsm.DsmNode;
import org.jdsm.spi.CountersFileReader;

import java.io.File;
import java.nio.MappedByteBuffer;

/**
 * What a node's process put on the network and served, read from outside the engine, so that a benchmark counts the
 * traffic the engine's own counters ({@code NodeCounters}) do not: replication's mirror writes, swaps and adds on the
 * backups are one-sided requests, but the engine counts only the operations it starts for the program.
 * <ul>
 *   <li>{@link #REQUESTS_SERVED}: the Aeron transport's {@code aeron: requests served} counter of the node's counters
 *       file: one-sided requests (reads, writes, swaps, adds, mirrors included) this node served for its peers;
 *       summed over every node, the one-sided round trips of the cluster.</li>
 *   <li>{@link #BYTES_SENT}: the {@code Bytes sent} system counter of the process's embedded Aeron media driver
 *       (its {@code cnc.dat} in the driver's directory {@code jdsm-aeron-PID-*}): every byte the node put on the
 *       network, headers, heartbeats and control messages included.</li>
 * </ul>
 * A value that can not be read (another transport, the simulator, several nodes in one process) is -1.
 * <p>
 * <b>Note:</b> stateless; threadsafe. Each call maps and unmaps the files: call it around a measured window, not in it.
 */
public final class NodeTraffic
{
    /** Index of the one-sided requests the node served. */
    public static final int REQUESTS_SERVED = 0;
    /** Index of the bytes the node's media driver sent. */
    public static final int BYTES_SENT = 1;
    /** Number of values of a snapshot. */
    public static final int LENGTH = 2;

    private static final String SERVED_LABEL = "aeron: requests served";

    private NodeTraffic()
    {
    }

    /**
     * Read the node's traffic so far; take the difference of two snapshots.
     *
     * @param node running in this process.
     * @return {@link #LENGTH} values, -1 for one that can not be read.
     */
    public static long[] snapshot(final DsmNode node)
    {
        final long pid = ProcessHandle.current().pid();
        final long[] values = { -1, -1 };
        for (final CountersFileReader reader : CountersFileReader.openLive(new File(node.config().countersDir())))
        {
            try
            {
                if (reader.pid() == pid && reader.nodeId() == node.nodeId())
                {
                    final CountersReader counters = reader.counters();
                    counters.forEach((counterId, typeId, key, label) ->
                    {
                        if (SERVED_LABEL.equals(label))
                        {
                            values[REQUESTS_SERVED] = counters.getCounterValue(counterId);
                        }
                    });
                }
            }
            finally
            {
                reader.close();
            }
        }
        values[BYTES_SENT] = bytesSent(pid);

        return values;
    }

    /**
     * @param before a snapshot.
     * @param after  a later snapshot.
     * @return the differences, -1 where either is -1.
     */
    public static long[] delta(final long[] before, final long[] after)
    {
        final long[] delta = new long[LENGTH];
        for (int i = 0; i < LENGTH; i++)
        {
            delta[i] = before[i] < 0 || after[i] < 0 ? -1 : after[i] - before[i];
        }

        return delta;
    }

    private static long bytesSent(final long pid)
    {
        File cnc = null;
        for (final File parent : new File[] { new File("/dev/shm"), new File(System.getProperty("java.io.tmpdir")) })
        {
            final File[] entries = parent.listFiles((dir, name) -> name.startsWith("jdsm-aeron-" + pid + "-"));
            for (int i = 0; null != entries && i < entries.length && null == cnc; i++)
            {
                final File file = new File(entries[i], CncFileDescriptor.CNC_FILE);
                cnc = file.exists() ? file : null;
            }
        }
        if (null == cnc)
        {
            return -1;
        }
        final MappedByteBuffer buffer = IoUtil.mapExistingFile(cnc, "cnc");
        try
        {
            final DirectBuffer metaData = CncFileDescriptor.createMetaDataBuffer(buffer);
            final CountersReader counters = new CountersReader(
                CncFileDescriptor.createCountersMetaDataBuffer(buffer, metaData),
                CncFileDescriptor.createCountersValuesBuffer(buffer, metaData));
            return counters.getCounterValue(AeronCounters.SYSTEM_COUNTER_ID_BYTES_SENT);
        }
        finally
        {
            IoUtil.unmap(buffer);
        }
    }
}
