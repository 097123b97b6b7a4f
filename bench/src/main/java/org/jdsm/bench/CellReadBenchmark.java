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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The engine's share of a KV get on one node: a {@link DCell#read} of a cell on the reader's own node whose view
 * reads one int of the value, beside an {@link AtomicReference#get()} of the same bytes and the same int, over
 * {@link #CELLS} cells so the reads miss the cache as a store's buckets do.
 * <p>
 * Run: {@code java -jar bench/target/benchmarks.jar CellReadBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class CellReadBenchmark
{
    private static final int CELLS = 1024;
    private static final int VALUE_LENGTH = 4096;

    private SimulatedCluster cluster;
    @SuppressWarnings("unchecked")
    private final DCell<byte[]>[] cells = new DCell[CELLS];
    @SuppressWarnings("unchecked")
    private final AtomicReference<byte[]>[] references = new AtomicReference[CELLS];
    private int next;

    /**
     * Start one node and make the cells.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        cluster = SimulatedCluster.start(new SimulatedNetwork.Context(), 1, (config) -> {});
        for (int i = 0; i < CELLS; i++)
        {
            final byte[] value = new byte[VALUE_LENGTH];
            value[0] = (byte)i;
            cells[i] = cluster.node(0).cell(Codecs.BYTES, value);
            references[i] = new AtomicReference<>(value);
        }
    }

    /**
     * Close the cells and the node.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        for (final DCell<byte[]> cell : cells)
        {
            cell.close();
        }
        cluster.close();
    }

    /**
     * Read a local cell's first int in place.
     *
     * @return the int.
     */
    @Benchmark
    public int localCellRead()
    {
        return cells[nextIndex()].read((buffer, offset, length) -> buffer.getInt(offset));
    }

    /**
     * Read an atomic reference's array's first int.
     *
     * @return the int.
     */
    @Benchmark
    public int atomicReferenceRead()
    {
        final byte[] value = references[nextIndex()].get();
        return (value[0] & 0xFF) | (value[1] & 0xFF) << 8 | (value[2] & 0xFF) << 16 | value[3] << 24;
    }

    private int nextIndex()
    {
        next = (next + 1) & (CELLS - 1);
        return next;
    }
}
