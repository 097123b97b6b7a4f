package org.jdsm.bench;

import org.jdsm.Codecs;
import org.jdsm.DBox;
import org.jdsm.DsmNode;
import org.jdsm.Ref;
import org.jdsm.simulator.SimulatedCluster;
import org.jdsm.simulator.SimulatedNetwork;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
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

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The cost of a call to a task on the own node, spawned and joined at once (what SocialNet's calls between services
 * on one node, and a driver joining its tasks, pay), against what a program without jdsm would do: a method call
 * (not inlined), and a {@code submit} + {@code get} on a plain two-thread {@link ExecutorService}. The jdsm rows: a
 * task capturing only a value, joined ({@code join()}: run inline by the joining thread when no worker has started
 * it) or waited for with a timed {@code get} (always run by a worker: two thread hand-offs, as before inline joins);
 * and a task lent a {@code Ref}, joined (its lambda rebuilt with the task's own handle, the lend ended on return);
 * and both called with {@code callOn} (run on the calling thread, never queued: no worker is woken).
 * One node over the simulated transport, which carries nothing on these paths.
 * <p>
 * Run: {@code java -jar bench/target/benchmarks.jar SpawnBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class SpawnBenchmark
{
    private SimulatedCluster cluster;
    private DsmNode node;
    private ExecutorService executor;
    private DBox<Long> box;
    private Ref<Long> ref;
    private Long value = 41L;

    /**
     * Start one node with two workers, a plain executor of two threads, and a box to lend.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        cluster = SimulatedCluster.start(new SimulatedNetwork.Context(), 1, (config) -> config.workerThreads(2));
        node = cluster.node(0);
        executor = Executors.newFixedThreadPool(2);
        box = node.alloc(Codecs.LONG, 41L);
        ref = box.read();
    }

    /**
     * Stop the node and the executor.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        ref.close();
        executor.shutdown();
        cluster.close();
    }

    /**
     * Baseline: a method call.
     *
     * @return the value.
     */
    @Benchmark
    public long methodCall()
    {
        return plusOne(value);
    }

    /**
     * Baseline: submit to a plain executor and wait for the result.
     *
     * @return the value.
     * @throws Exception if the call fails.
     */
    @Benchmark
    public long executorSubmitGet() throws Exception
    {
        final Long v = value;
        return executor.submit(() -> plusOne(v)).get();
    }

    /**
     * Spawn on the own node a task capturing a value, and join it.
     *
     * @return the value.
     */
    @Benchmark
    public long localSpawnJoin()
    {
        final Long v = value;
        return node.spawnOn(0, (n) -> plusOne(v)).join();
    }

    /**
     * Call a task capturing a value on the own node ({@code callOn}: run on this thread, never queued).
     *
     * @return the value.
     */
    @Benchmark
    public long localCallOn()
    {
        final Long v = value;
        return node.callOn(0, (n) -> plusOne(v));
    }

    /**
     * Call a task lent a {@code Ref} on the own node.
     *
     * @return the value.
     */
    @Benchmark
    public long localCallOnLentRef()
    {
        final Ref<Long> lent = ref;
        return node.callOn(0, (n) -> plusOne(lent.getLong()));
    }

    /**
     * Spawn on the own node a task capturing a value, and wait with a timed get: a worker runs it.
     *
     * @return the value.
     * @throws Exception if the task fails or times out.
     */
    @Benchmark
    public long localSpawnTimedGet() throws InterruptedException, ExecutionException, TimeoutException
    {
        final Long v = value;
        return node.spawnOn(0, (n) -> plusOne(v)).get(10, TimeUnit.SECONDS);
    }

    /**
     * Spawn on the own node a task lent a {@code Ref}, and join it.
     *
     * @return the value.
     */
    @Benchmark
    public long localSpawnJoinLentRef()
    {
        final Ref<Long> lent = ref;
        return node.spawnOn(0, (n) -> plusOne(lent.getLong())).join();
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static long plusOne(final long v)
    {
        return v + 1;
    }
}
