package org.jdsm.bench;

import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.Codecs;
import org.jdsm.DBox;
import org.jdsm.DsmNode;
import org.jdsm.Mut;
import org.jdsm.Ref;
import org.jdsm.simulator.SimulatedNetwork;
import org.jdsm.simulator.SimulatedCluster;
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

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cost of a borrow: a shared borrow of a local object, a cache-hit shared borrow of a remote object, and an
 * exclusive borrow of a local object (colour bump), each against the plain read or write of a long in an
 * off-heap buffer, which is what a program without jdsm would do, and the cache-hit borrow against a
 * {@link ConcurrentHashMap} lookup of the same value (what a program with an on-heap near cache would do). Two nodes
 * in one JVM over the simulated transport; no network round trip is on these paths. JMH runs each benchmark in a
 * fork of its own; {@link #remoteCacheHitSharedBorrowByteAfterMisses}'s fork first reads {@link AfterMisses#MISSES}
 * remote objects through the code the hit then runs, as a program does.
 * <p>
 * Run: {@code java -jar bench/target/benchmarks.jar BorrowBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(java.util.concurrent.TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class BorrowBenchmark
{
    private SimulatedCluster cluster;
    private DsmNode node;
    private DBox<Long> local;
    private DBox<Long> remote;
    private final UnsafeBuffer plain = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
    private final ConcurrentHashMap<Long, byte[]> map = new ConcurrentHashMap<>();
    private Long key;

    /**
     * Start two nodes and allocate one local and one remote object.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        cluster = SimulatedCluster.start(new SimulatedNetwork.Context(), 2, (config) -> {});
        node = cluster.node(0);
        local = node.alloc(Codecs.LONG, 7L);
        remote = node.allocOn(1, Codecs.LONG, 11L);
        try (Ref<Long> ref = remote.read())
        {
            ref.getLong();
        }
        plain.putLong(0, 7L);
        key = remote.address();
        final byte[] value = new byte[8];
        value[0] = 11;
        map.put(key, value);
    }

    /**
     * Stop the nodes.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        cluster.close();
    }

    /**
     * Baseline: read a long from an off-heap buffer.
     *
     * @return the value.
     */
    @Benchmark
    public long plainRead()
    {
        return plain.getLong(0);
    }

    /**
     * Baseline: increment a long in an off-heap buffer.
     *
     * @return the new value.
     */
    @Benchmark
    public long plainWrite()
    {
        final long value = plain.getLong(0) + 1;
        plain.putLong(0, value);
        return value;
    }

    /**
     * Shared borrow of a local object: read(), getLong(), close().
     *
     * @return the value.
     */
    @Benchmark
    public long localSharedBorrow()
    {
        try (Ref<Long> ref = local.read())
        {
            return ref.getLong();
        }
    }

    /**
     * Shared borrow of a remote object whose copy is cached: read(), getLong(), close().
     *
     * @return the value.
     */
    @Benchmark
    public long remoteCacheHitSharedBorrow()
    {
        try (Ref<Long> ref = remote.read())
        {
            return ref.getLong();
        }
    }

    /**
     * Exclusive borrow of a local object: write() bumps the colour, setLong(), close().
     *
     * @return the new value.
     */
    @Benchmark
    public long localExclusiveBorrow()
    {
        try (Mut<Long> mut = local.write())
        {
            final long value = mut.getLong() + 1;
            mut.setLong(value);
            return value;
        }
    }

    /**
     * Baseline: {@link ConcurrentHashMap#get} of the same value by its address (a boxed key held in a field, as a
     * near cache keyed by object would), then read one byte.
     *
     * @return the byte.
     */
    @Benchmark
    public byte concurrentHashMapGetByte()
    {
        return map.get(key)[0];
    }

    /**
     * Shared borrow of a remote object whose copy is cached: read(), one byte, close(); compare with
     * {@link #concurrentHashMapGetByte()}.
     *
     * @return the byte.
     */
    @Benchmark
    public byte remoteCacheHitSharedBorrowByte()
    {
        return readByte(remote);
    }

    /**
     * {@link #remoteCacheHitSharedBorrowByte()} in a JVM that has run misses through the same code, so the JIT
     * compiled a miss's fetch into it; with {@code -prof gc} the allocation per operation shows whether escape
     * analysis still removes the {@code Ref}.
     *
     * @param afterMisses the remote object, cached, read after the misses.
     * @return the byte.
     */
    @Benchmark
    public byte remoteCacheHitSharedBorrowByteAfterMisses(final AfterMisses afterMisses)
    {
        return readByte(afterMisses.remote);
    }

    private static byte readByte(final DBox<Long> box)
    {
        try (Ref<Long> ref = box.read())
        {
            return ref.buffer().getByte(0);
        }
    }

    /**
     * A remote object read once, after {@link #MISSES} other remote objects were read once each (misses, freed
     * after) through the method the benchmark then calls, on the benchmark's node.
     */
    @State(Scope.Thread)
    public static class AfterMisses
    {
        /** Remote objects read once each before the measurement. */
        static final int MISSES = 20_000;

        private DBox<Long> remote;

        /**
         * Read the misses, then allocate the remote object the benchmark reads and read it once (cached from then on).
         *
         * @param benchmark whose nodes to use.
         */
        @Setup(Level.Trial)
        public void setUp(final BorrowBenchmark benchmark)
        {
            for (int i = 0; i < MISSES; i++)
            {
                try (DBox<Long> unread = benchmark.node.allocOn(1, Codecs.LONG, (long)i))
                {
                    if ((byte)i != readByte(unread))
                    {
                        throw new IllegalStateException("remote object " + i + " does not read " + (byte)i);
                    }
                }
            }
            remote = benchmark.node.allocOn(1, Codecs.LONG, 11L);
            if (11 != readByte(remote))
            {
                throw new IllegalStateException("the remote object does not read 11");
            }
        }
    }
}
