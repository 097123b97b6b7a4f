package org.jdsm.bench;

import org.jdsm.apps.kv.DistributedKvStore;
import org.jdsm.apps.kv.KvStore;
import org.jdsm.apps.kv.LocalKvStore;
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

import java.util.concurrent.TimeUnit;

/**
 * One KV operation on a store of {@link #RECORDS} records of {@link #VALUE_LENGTH} bytes, on the single-machine
 * baseline ({@link LocalKvStore}) and on jdsm with one node ({@link DistributedKvStore}, one record per bucket on
 * average, as the {@code kv} application's default of records / 4 buckets gives four): the store's own cost
 * per operation, without the YCSB client's.
 * <p>
 * Run: {@code java -jar bench/target/benchmarks.jar KvStoreBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class KvStoreBenchmark
{
    private static final int RECORDS = 4096;
    private static final int VALUE_LENGTH = 1000;

    /**
     * The store: {@code baseline} or {@code jdsm}.
     */
    @Param({ "baseline", "jdsm" })
    public String store;

    private SimulatedCluster cluster;
    private KvStore kv;
    private final String[] keys = new String[RECORDS];
    private final byte[] value = new byte[VALUE_LENGTH];
    private int next;

    /**
     * Load the store.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        if ("jdsm".equals(store))
        {
            cluster = SimulatedCluster.start(new SimulatedNetwork.Context(), 1, (config) -> {});
            kv = DistributedKvStore.create(cluster.node(0), RECORDS / 4);
        }
        else
        {
            kv = new LocalKvStore(RECORDS);
        }
        for (int i = 0; i < RECORDS; i++)
        {
            // new String per key, as YCSB builds each key anew: no cached hash code is reused across operations
            keys[i] = "user" + Long.toString(i * 0x9E3779B97F4A7C15L & Long.MAX_VALUE);
            value[i % VALUE_LENGTH] = (byte)i;
            kv.put(keys[i], value);
        }
    }

    /**
     * Close the store and the node.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        kv.close();
        if (null != cluster)
        {
            cluster.close();
        }
    }

    /**
     * Read a record's value (a copy, in both stores).
     *
     * @return the value.
     */
    @Benchmark
    public byte[] get()
    {
        return kv.get(new String(keys[nextIndex()]));
    }

    /**
     * Replace a record's value with one of the same length.
     *
     * @return true if the key was new, which it never is.
     */
    @Benchmark
    public boolean put()
    {
        return kv.put(new String(keys[nextIndex()]), value);
    }

    private int nextIndex()
    {
        next = (next + 1) & (RECORDS - 1);
        return next;
    }
}
