package org.jdsm.bench;

import org.jdsm.Codecs;
import org.jdsm.DBox;
import org.jdsm.DsmNode;
import org.jdsm.Ref;
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

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A cache-hit shared borrow in a JVM that has run misses through the same code, as a program does that reads remote
 * objects for the first time and then again: before the measurement, {@link #MISSES} remote objects are read once
 * each through {@link #readByte}, the method the benchmark then calls on a cached one, so the JIT compiles the
 * miss's fetch into it. Against {@link ConcurrentHashMap#get} of the same value in the same fork, as in
 * {@link BorrowBenchmark}, whose fork has run one miss only. With {@code -prof gc} the allocation per operation shows
 * whether escape analysis removed the {@code Ref} (see the README's "Status and limits": before three mends it was
 * allocated, 40 B per operation on JDK 17).
 * <p>
 * Run: {@code java -jar bench/target/benchmarks.jar BorrowAfterMissesBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class BorrowAfterMissesBenchmark
{
    /** Remote objects read once each before the measurement. */
    static final int MISSES = 20_000;

    private SimulatedCluster cluster;
    private DBox<Long> remote;
    private final ConcurrentHashMap<Long, byte[]> map = new ConcurrentHashMap<>();
    private Long key;

    /**
     * Start two nodes, read {@link #MISSES} remote objects once each (misses, freed after), then allocate the remote
     * object the benchmark reads and read it once (its copy is cached from then on).
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        cluster = SimulatedCluster.start(new SimulatedNetwork.Context(), 2, (config) -> {});
        final DsmNode node = cluster.node(0);
        for (int i = 0; i < MISSES; i++)
        {
            try (DBox<Long> unread = node.allocOn(1, Codecs.LONG, (long)i))
            {
                if ((byte)i != readByte(unread))
                {
                    throw new IllegalStateException("remote object " + i + " read " + readByte(unread));
                }
            }
        }
        remote = node.allocOn(1, Codecs.LONG, 11L);
        if (11 != readByte(remote))
        {
            throw new IllegalStateException("the remote object reads " + readByte(remote) + ", not 11");
        }
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
     * Baseline: {@link ConcurrentHashMap#get} of the same value by its address, then read one byte.
     *
     * @return the byte.
     */
    @Benchmark
    public byte concurrentHashMapGetByte()
    {
        return map.get(key)[0];
    }

    /**
     * Shared borrow of a remote object whose copy is cached, through the code the misses ran: read(), one byte,
     * close().
     *
     * @return the byte.
     */
    @Benchmark
    public byte remoteCacheHitSharedBorrowByteAfterMisses()
    {
        return readByte(remote);
    }

    private static byte readByte(final DBox<Long> box)
    {
        try (Ref<Long> ref = box.read())
        {
            return ref.buffer().getByte(0);
        }
    }
}
