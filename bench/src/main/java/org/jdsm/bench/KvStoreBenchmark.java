package org.jdsm.bench;

import org.jdsm.apps.kv.DistributedKvStore;
import org.jdsm.apps.kv.KvStore;
import org.jdsm.apps.kv.KvYcsbDb;
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

import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.Status;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * One KV operation on a store of {@link #RECORDS} YCSB records ({@link #FIELD_COUNT} fields of
 * {@link #FIELD_LENGTH} bytes, 1,144 bytes encoded), on the single-machine baseline ({@link LocalKvStore}) and on
 * jdsm with one node ({@link DistributedKvStore} with records / 4 buckets, the {@code kv} application's default:
 * four records per bucket on average). {@code get}, {@code put} and {@code update} are the store's own cost per
 * operation, {@code readLength} a get without the value's copy; {@code ycsbRead} and {@code ycsbUpdate} are one operation of the {@code kv} application's YCSB
 * binding ({@link KvYcsbDb}: a read of all fields into YCSB's result map, an update of one field), what
 * {@code kv --compare} runs per operation without the workload's key choice.
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
    private static final int FIELD_COUNT = 10;
    private static final int FIELD_LENGTH = 100;
    private static final int VALUE_LENGTH = 1000;
    private static final String TABLE = "usertable";
    private static final KvStore.ValueReader<Integer> VALUE_LENGTH_READER = (buffer, offset, length) -> length;
    private static final UnaryOperator<byte[]> FLIP_FIRST_BYTE = (old) ->
    {
        old[0] ^= 1; // the store hands the function a copy, in both stores
        return old;
    };

    /**
     * The store: {@code baseline} or {@code jdsm}.
     */
    @Param({ "baseline", "jdsm" })
    public String store;

    private SimulatedCluster cluster;
    private KvStore kv;
    private KvYcsbDb db;
    private final HashMap<String, ByteIterator> result = new HashMap<>();
    private final byte[] field = new byte[FIELD_LENGTH];
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
        db = new KvYcsbDb(kv);
        for (int i = 0; i < RECORDS; i++)
        {
            // new String per key, as YCSB builds each key anew: no cached hash code is reused across operations
            keys[i] = "user" + Long.toString(i * 0x9E3779B97F4A7C15L & Long.MAX_VALUE);
            value[i % VALUE_LENGTH] = (byte)i;
            final Map<String, ByteIterator> fields = new LinkedHashMap<>();
            for (int f = 0; f < FIELD_COUNT; f++)
            {
                field[f] = (byte)i;
                fields.put("field" + f, new ByteArrayByteIterator(field.clone()));
            }
            if (!db.insert(TABLE, keys[i], fields).isOk())
            {
                throw new IllegalStateException("could not insert " + keys[i]);
            }
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
     * Find a record and read its value's length in place, no copy: {@link #get()} less the value's copy.
     *
     * @return the value's length.
     */
    @Benchmark
    public Integer readLength()
    {
        return kv.read(new String(keys[nextIndex()]), VALUE_LENGTH_READER);
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

    /**
     * Replace a record's value with a function of it: its first byte flipped.
     *
     * @return true if the key was present, which it always is.
     */
    @Benchmark
    public boolean update()
    {
        return kv.update(new String(keys[nextIndex()]), FLIP_FIRST_BYTE);
    }

    /**
     * A YCSB read of all of a record's fields, as the {@code kv} application's client threads do.
     *
     * @return the status, OK.
     */
    @Benchmark
    public Status ycsbRead()
    {
        result.clear();
        return db.read(TABLE, new String(keys[nextIndex()]), null, result);
    }

    /**
     * A YCSB update of one of a record's fields, as the {@code kv} application's client threads do.
     *
     * @return the status, OK.
     */
    @Benchmark
    public Status ycsbUpdate()
    {
        final int index = nextIndex();
        return db.update(TABLE, new String(keys[index]),
            Map.of("field" + (index % FIELD_COUNT), new ByteArrayByteIterator(field)));
    }

    private int nextIndex()
    {
        next = (next + 1) & (RECORDS - 1);
        return next;
    }
}
