package org.jdsm.bench;

import org.jdsm.Codecs;
import org.jdsm.DCell;
import org.jdsm.simulator.SimulatedCluster;
import org.jdsm.simulator.SimulatedNetwork;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The engine's share of a KV get on one node: a {@link DCell#read} of a cell on the reader's own node whose view
 * reads one int of the value, beside an {@link AtomicReference#get()} of the same bytes and the same int, over
 * {@link #cells} cells shared by every benchmark thread: 1024 so the reads miss the cache as a store's buckets do,
 * 16 for the hot keys of a zipfian workload, which with {@code -t 2} two threads read at once.
 * <p>
 * Run: {@code java -jar bench/target/benchmarks.jar CellReadBenchmark -prof gc} (and {@code -t 2}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class CellReadBenchmark
{
    private static final int VALUE_LENGTH = 4096;

    /**
     * Cells read, a power of two.
     */
    @Param({ "1024", "16" })
    public int cells;

    private SimulatedCluster cluster;
    private DCell<byte[]>[] cellHandles;
    private AtomicReference<byte[]>[] references;

    /**
     * A thread's position in the cells.
     */
    @State(Scope.Thread)
    public static class Cursor
    {
        int next = ThreadLocalRandom.current().nextInt(1 << 16);
    }

    /**
     * Start one node and make the cells.
     */
    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp()
    {
        cellHandles = new DCell[cells];
        references = new AtomicReference[cells];
        cluster = SimulatedCluster.start(new SimulatedNetwork.Context(), 1, (config) -> {});
        for (int i = 0; i < cells; i++)
        {
            final byte[] value = new byte[VALUE_LENGTH];
            value[0] = (byte)(i & 0x7F); // the view's int is boxed: keep it in Integer's cache, as 0 B/op
            cellHandles[i] = cluster.node(0).cell(Codecs.BYTES, value);
            references[i] = new AtomicReference<>(value);
        }
    }

    /**
     * Close the cells and the node.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        for (final DCell<byte[]> cell : cellHandles)
        {
            cell.close();
        }
        cluster.close();
    }

    /**
     * Read a local cell's first int in place.
     *
     * @param cursor of the thread.
     * @return the int.
     */
    @Benchmark
    public int localCellRead(final Cursor cursor)
    {
        return cellHandles[nextIndex(cursor)].read((buffer, offset, length) -> buffer.getInt(offset));
    }

    /**
     * Read an atomic reference's array's first int.
     *
     * @param cursor of the thread.
     * @return the int.
     */
    @Benchmark
    public int atomicReferenceRead(final Cursor cursor)
    {
        final byte[] value = references[nextIndex(cursor)].get();
        return (value[0] & 0xFF) | (value[1] & 0xFF) << 8 | (value[2] & 0xFF) << 16 | value[3] << 24;
    }

    private int nextIndex(final Cursor cursor)
    {
        cursor.next = (cursor.next + 1) & (cells - 1);
        return cursor.next;
    }
}
