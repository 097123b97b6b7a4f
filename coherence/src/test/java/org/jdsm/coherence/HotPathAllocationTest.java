package org.jdsm.coherence;

import org.jdsm.Codecs;
import org.jdsm.DBox;
import org.jdsm.DCell;
import org.jdsm.Mut;
import org.jdsm.NodeCounters.Counter;
import org.jdsm.Ref;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Counts the bytes the JVM allocates on this thread for cache-hit borrows of a primitive, once the JIT has
 * compiled the path (escape analysis scalar-replaces the borrow handle). Rounds of {@link #ROUND} operations run
 * until one allocates nothing, giving the JIT up to {@link #JIT_WAIT_NS} to compile them (a busy two-core CI machine
 * can take seconds; the rounds themselves take milliseconds). Not a timing test: nothing is asserted about speed, and
 * one allocation per operation would show as megabytes in every round.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HotPathAllocationTest
{
    private static final int ROUND = 100_000;
    private static final int MISS_PASSES = 4;
    private static final int MISSES_PER_PASS = 5_000;
    private static final long JIT_WAIT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final int CELLS = 16;
    private static final DCell.View<Boolean> IS_ZERO = (buffer, offset, length) -> 0 == buffer.getLong(offset);
    private static final DCell.View<Boolean> IS_ONE = (buffer, offset, length) -> 1 == buffer.getLong(offset);
    private static final DCell.View<Boolean> IS_TWO = (buffer, offset, length) -> 2 == buffer.getLong(offset);
    private static final DCell.ArgumentView<Long, Object, Boolean> HOLDS =
        (buffer, offset, length, value, unused) -> value == buffer.getLong(offset);
    private static final Long TWO = 2L;

    @Test
    void shouldNotAllocateOnCacheHitReadGetClose()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            final Node node = cluster.node(0);
            final DBox<Long> remote = node.allocOn(1, Codecs.LONG, 3L);
            final DBox<Long> local = node.alloc(Codecs.LONG, 4L);

            final Steady steady = untilSteady(
                () -> readRound(remote, local), (sum) -> assertEquals(7L * ROUND, sum));

            assertEquals(1, node.counters().get(Counter.CACHE_MISSES));
            assertEquals((long)steady.rounds * ROUND - 1, node.counters().get(Counter.CACHE_HITS));
            System.out.println("cache-hit read()/getLong()/close(): " + steady.minimum + " bytes allocated per round of " +
                ROUND + " remote + " + ROUND + " local borrows, " + steady);
            assertEquals(0, steady.minimum, "bytes allocated in the best round of " + ROUND + " borrows");
        }
    }

    /**
     * A program reads remote objects it has not read yet (misses) and then reads them again (hits) through the same
     * code, so the JIT compiles the misses' paths into the code the hits run. Three ways that made every borrow
     * allocate its {@code Ref} (40 bytes), found with {@code -XX:+LogCompilation}; this test failed on each of the
     * first two before its mend (the first on JDK 17, the second on 17 and 25),
     * {@code BorrowBenchmark.remoteCacheHitSharedBorrowByteAfterMisses} on the third (JDK 17):
     * <ul>
     *   <li>The fetch on a {@code Ref}'s first access, a call that may throw, gives the try-with-resources body an
     *   exception edge into its handler, and JDK 17's C2 does not inline the handler's {@code close()} ("call site
     *   not reached"), so the {@code Ref} escapes there. {@code SharedBorrow.close()} is now 5 bytes of bytecode,
     *   which C2 inlines even where nothing ran (JDK 22 and later prune such a handler anyway, JDK-8267532).</li>
     *   <li>{@code SharedBorrow.bytes()} compiled on its own with a miss's fetch inlined took ~18 KB, over
     *   {@code InlineSmallCode}, so the accessors called it and handed it the {@code Ref}: the fetch is now a call the
     *   JIT can not inline.</li>
     *   <li>{@code BoxHandle.read()} compiled on its own with its remote counted path inlined was over
     *   {@code InlineSmallCode} too: that path is now a call the JIT can not inline.</li>
     * </ul>
     * CI also runs this class with a JDK 22 or later when the machine has one.
     */
    @Test
    void shouldNotAllocateOnCacheHitReadGetCloseAfterTheJitCompiledMisses()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            final Node node = cluster.node(0);
            final DBox<Long> local = node.alloc(Codecs.LONG, 4L);
            for (int pass = 0; pass < MISS_PASSES; pass++)
            {
                @SuppressWarnings("unchecked")
                final DBox<Long>[] unread = new DBox[MISSES_PER_PASS];
                for (int i = 0; i < MISSES_PER_PASS; i++)
                {
                    unread[i] = node.allocOn(1, Codecs.LONG, (long)i);
                }
                long sum = 0;
                for (int i = 0; i < MISSES_PER_PASS; i++)
                {
                    sum += readOnce(unread[i]) + readOnce(local);
                }
                assertEquals((long)MISSES_PER_PASS * (MISSES_PER_PASS - 1) / 2 + 4L * MISSES_PER_PASS, sum);
                for (final DBox<Long> box : unread)
                {
                    box.close();
                }
            }
            final long missesBefore = node.counters().get(Counter.CACHE_MISSES);
            assertEquals((long)MISS_PASSES * MISSES_PER_PASS, missesBefore, "each read of a box not read yet missed");
            final DBox<Long> remote = node.allocOn(1, Codecs.LONG, 3L);

            final Steady steady = untilSteady(
                () -> readRound(remote, local), (sum) -> assertEquals(7L * ROUND, sum));

            assertEquals(missesBefore + 1, node.counters().get(Counter.CACHE_MISSES));
            System.out.println("cache-hit read()/getLong()/close() after " + missesBefore + " misses: " +
                steady.minimum + " bytes allocated per round of " + ROUND + " remote + " + ROUND + " local borrows, " +
                steady);
            assertEquals(0, steady.minimum, "bytes allocated in the best round of " + ROUND + " borrows");
        }
    }

    @Test
    void shouldNotAllocateOnLocalWriteSetClose()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(1))
        {
            final DBox<Long> local = cluster.node(0).alloc(Codecs.LONG, 0L);
            final Steady steady = untilSteady(() -> writeRound(local), (ignored) -> {});

            try (Ref<Long> ref = local.read())
            {
                assertEquals((long)steady.rounds * ROUND, ref.getLong());
            }
            System.out.println("local write()/setLong()/close(): " + steady.minimum + " bytes allocated per round of " +
                ROUND + " borrows, " + steady);
            assertEquals(0, steady.minimum, "bytes allocated in the best round of " + ROUND + " borrows");
        }
    }

    @Test
    void shouldNotAllocateOnLocalCellRead()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(1))
        {
            final Node node = cluster.node(0);
            @SuppressWarnings("unchecked")
            final DCell<Long>[] cells = new DCell[CELLS];
            for (int i = 0; i < CELLS; i++)
            {
                cells[i] = node.cell(Codecs.LONG, (long)i);
            }
            final long expected = expectedFound();
            final Steady steady = untilSteady(
                () -> cellReadRound(cells), (found) -> assertEquals(expected, found));

            System.out.println("local DCell.read(view): " + steady.minimum + " bytes allocated per round of " + ROUND +
                " reads through 3 views and an argument view, " + steady);
            assertEquals(0, steady.minimum, "bytes allocated in the best round of " + ROUND + " cell reads");
            for (final DCell<Long> cell : cells)
            {
                cell.close();
            }
        }
    }

    // three views at one call site, so the read's view call is megamorphic and the JIT can not scalar-replace what
    // the engine hands the view: a program reads its cells through many views; each finds its cell's value 0..15
    private static long cellReadRound(final DCell<Long>[] cells)
    {
        long found = 0;
        for (int i = 0; i < ROUND; i++)
        {
            final DCell<Long> cell = cells[i & (CELLS - 1)];
            if (2 == i % 3)
            {
                // every other third read passes its value to look for as an argument, no view captured per read
                found += (0 == (i & 1) ? cell.read(HOLDS, TWO, null) : cell.read(IS_TWO)) ? 1 : 0;
            }
            else
            {
                found += cell.read(0 == i % 3 ? IS_ZERO : IS_ONE) ? 1 : 0;
            }
        }

        return found;
    }

    // the reads whose cell (i mod 16, holding i mod 16) holds what their view (i mod 3) looks for
    private static long expectedFound()
    {
        long found = 0;
        for (int i = 0; i < ROUND; i++)
        {
            found += (i & (CELLS - 1)) == i % 3 ? 1 : 0;
        }

        return found;
    }

    private static long readRound(final DBox<Long> remote, final DBox<Long> local)
    {
        long sum = 0;
        for (int i = 0; i < ROUND; i++)
        {
            sum += readOnce(remote) + readOnce(local);
        }

        return sum;
    }

    private static long readOnce(final DBox<Long> box)
    {
        try (Ref<Long> ref = box.read())
        {
            return ref.getLong();
        }
    }

    private static long writeRound(final DBox<Long> box)
    {
        for (int i = 0; i < ROUND; i++)
        {
            writeOnce(box);
        }

        return ROUND;
    }

    private static void writeOnce(final DBox<Long> box)
    {
        try (Mut<Long> mut = box.write())
        {
            mut.setLong(mut.getLong() + 1);
        }
    }

    /**
     * The fewest bytes a round allocated, and after how many rounds.
     */
    private static final class Steady
    {
        final long minimum;
        final int rounds;
        final long overhead;

        Steady(final long minimum, final int rounds, final long overhead)
        {
            this.minimum = minimum;
            this.rounds = rounds;
            this.overhead = overhead;
        }

        public String toString()
        {
            return "steady after " + rounds + " rounds (" + overhead + " bytes of measurement overhead subtracted)";
        }
    }

    /**
     * Run rounds until one allocates nothing on this thread, or {@link #JIT_WAIT_NS} passed; each round's result is
     * checked.
     */
    private static Steady untilSteady(final LongSupplier round, final LongConsumer check)
    {
        final long overhead = measurementOverhead();
        long minimum = Long.MAX_VALUE;
        int rounds = 0;
        final long deadlineNs = System.nanoTime() + JIT_WAIT_NS;
        while (minimum > 0 && System.nanoTime() - deadlineNs < 0)
        {
            rounds++;
            final long before = allocatedBytes();
            final long result = round.getAsLong();
            // at least 0: the counter's own reads, measured before the JIT compiled them, can cost less by now
            minimum = Math.min(minimum, Math.max(0, allocatedBytes() - before - overhead));
            check.accept(result);
        }

        return new Steady(minimum, rounds, overhead);
    }

    /**
     * What reading the allocation counter twice allocates by itself, to subtract from a round.
     */
    private static long measurementOverhead()
    {
        long overhead = Long.MAX_VALUE;
        for (int i = 0; i < 100; i++)
        {
            final long before = allocatedBytes();
            overhead = Math.min(overhead, allocatedBytes() - before);
        }

        return overhead;
    }

    private static long allocatedBytes()
    {
        return ((com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean())
            .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
