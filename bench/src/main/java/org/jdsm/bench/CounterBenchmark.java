package org.jdsm.bench;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Why the engine counts into {@link LongAdder}s and publishes their sums to its counters file from the duty cycle,
 * rather than adding to the file's {@link AtomicCounter}s on the hot path: one increment of each, by 1, 2 or 4
 * threads on the same counter ({@code -t 2}, {@code -t 4}).
 * <p>
 * Run: {@code java -jar bench/target/benchmarks.jar CounterBenchmark -t 2}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class CounterBenchmark
{
    private final LongAdder adder = new LongAdder();
    private final AtomicCounter counter;

    /**
     * One counter in a counters manager over direct buffers, as in a node's counters file.
     */
    public CounterBenchmark()
    {
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(64 * 1024, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(16 * 1024, 64)));
        counter = manager.newCounter("benchmark");
    }

    /**
     * @return nothing worth consuming; the add is the work.
     */
    @Benchmark
    public long longAdderIncrement()
    {
        adder.increment();
        return 0;
    }

    /**
     * @return the previous value.
     */
    @Benchmark
    public long atomicCounterIncrement()
    {
        return counter.increment();
    }
}
