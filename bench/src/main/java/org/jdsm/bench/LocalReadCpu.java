package org.jdsm.bench;

import org.jdsm.Codecs;
import org.jdsm.DCell;
import org.jdsm.apps.kv.DistributedKvStore;
import org.jdsm.apps.kv.KvStore;
import org.jdsm.apps.kv.LocalKvStore;
import org.jdsm.simulator.SimulatedCluster;
import org.jdsm.simulator.SimulatedNetwork;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The CPU time one thread spends per operation of {@link CellReadBenchmark} and {@link KvStoreBenchmark}'s
 * {@code readLength} and {@code get} (1,024 cells of 4,096 bytes, 4,096 records of 1,000 bytes in 1,024
 * buckets), jdsm on one node beside its baseline in the same JVM: the median of rounds of 2^20 operations, timed by
 * {@link ThreadMXBean#getCurrentThreadCpuTime()}, which other processes' load on a shared machine moves far less
 * than the wall clock JMH reads.
 * <p>
 * Run: {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * org.jdsm.bench.LocalReadCpu [rounds] [buckets]}: {@code buckets} is the jdsm store's bucket count (default 1,024,
 * the kv app's default of one per 4 records).
 */
public final class LocalReadCpu
{
    private static final int OPERATIONS = 1 << 20;
    private static final int CELLS = 1024;
    private static final int CELL_LENGTH = 4096;
    private static final int RECORDS = 4096;
    private static final int VALUE_LENGTH = 1000;
    private static final KvStore.ValueReader<Integer> VALUE_LENGTH_READER = (buffer, offset, length) -> length;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static long sink;

    private LocalReadCpu()
    {
    }

    /**
     * Measure and print.
     *
     * @param args number of rounds (default 11), then the jdsm store's bucket count (default {@code RECORDS / 4}).
     */
    @SuppressWarnings("unchecked")
    public static void main(final String[] args)
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 11;
        final int buckets = args.length > 1 ? Integer.parseInt(args[1]) : RECORDS / 4;
        try (SimulatedCluster cluster = SimulatedCluster.start(new SimulatedNetwork.Context(), 1, (config) -> {}))
        {
            final DCell<byte[]>[] cells = new DCell[CELLS];
            final AtomicReference<byte[]>[] references = new AtomicReference[CELLS];
            for (int i = 0; i < CELLS; i++)
            {
                final byte[] value = new byte[CELL_LENGTH];
                value[0] = (byte)(i & 0x7F);
                cells[i] = cluster.node(0).cell(Codecs.BYTES, value);
                references[i] = new AtomicReference<>(value);
            }
            final KvStore jdsm = DistributedKvStore.create(cluster.node(0), buckets);
            final KvStore baseline = new LocalKvStore(RECORDS);
            final String[] keys = new String[RECORDS];
            final byte[] value = new byte[VALUE_LENGTH];
            for (int i = 0; i < RECORDS; i++)
            {
                keys[i] = "user" + Long.toString(i * 0x9E3779B97F4A7C15L & Long.MAX_VALUE);
                value[i % VALUE_LENGTH] = (byte)i;
                jdsm.put(keys[i], value);
                baseline.put(keys[i], value);
            }

            final String[] names = { "localCellRead", "atomicReferenceRead", "readLength jdsm", "readLength baseline",
                "get jdsm", "get baseline" };
            final long[][] nsPerOp = new long[names.length][rounds];
            for (int round = 0; round < rounds; round++)
            {
                for (int kind = 0; kind < names.length; kind++)
                {
                    final long start = THREADS.getCurrentThreadCpuTime();
                    switch (kind)
                    {
                        case 0: sink += cellReads(cells); break;
                        case 1: sink += referenceReads(references); break;
                        case 2: sink += readLengths(jdsm, keys); break;
                        case 3: sink += readLengths(baseline, keys); break;
                        case 4: sink += gets(jdsm, keys); break;
                        default: sink += gets(baseline, keys); break;
                    }
                    nsPerOp[kind][round] = (THREADS.getCurrentThreadCpuTime() - start) * 10 / OPERATIONS;
                }
            }
            for (int kind = 0; kind < names.length; kind++)
            {
                final long[] sorted = nsPerOp[kind].clone();
                Arrays.sort(sorted);
                System.out.printf("%-22s median %6.1f ns/op (CPU), rounds %s%n",
                    names[kind], sorted[rounds / 2] / 10.0, Arrays.toString(nsPerOp[kind]));
            }
            System.out.println("(" + buckets + " buckets, sink " + sink + ")");
            jdsm.close();
            for (final DCell<byte[]> cell : cells)
            {
                cell.close();
            }
        }
    }

    private static long cellReads(final DCell<byte[]>[] cells)
    {
        long sum = 0;
        for (int i = 0; i < OPERATIONS; i++)
        {
            sum += cells[i & (CELLS - 1)].read((buffer, offset, length) -> buffer.getInt(offset));
        }
        return sum;
    }

    private static long referenceReads(final AtomicReference<byte[]>[] references)
    {
        long sum = 0;
        for (int i = 0; i < OPERATIONS; i++)
        {
            final byte[] value = references[i & (CELLS - 1)].get();
            sum += (value[0] & 0xFF) | (value[1] & 0xFF) << 8 | (value[2] & 0xFF) << 16 | value[3] << 24;
        }
        return sum;
    }

    private static long readLengths(final KvStore store, final String[] keys)
    {
        long sum = 0;
        for (int i = 0; i < OPERATIONS; i++)
        {
            // new String per key, as YCSB builds each key anew: no cached hash code is reused across operations
            sum += store.read(new String(keys[i & (RECORDS - 1)]), VALUE_LENGTH_READER);
        }
        return sum;
    }

    private static long gets(final KvStore store, final String[] keys)
    {
        long sum = 0;
        for (int i = 0; i < OPERATIONS; i++)
        {
            sum += store.get(new String(keys[i & (RECORDS - 1)])).length;
        }
        return sum;
    }
}
