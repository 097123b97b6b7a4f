package org.jdsm.coherence;

import org.jdsm.Codecs;
import org.jdsm.DBox;
import org.jdsm.Mut;
import org.jdsm.NodeCounters.Counter;
import org.jdsm.Ref;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    private static final long JIT_WAIT_NS = TimeUnit.SECONDS.toNanos(60);

    @Test
    void shouldNotAllocateOnCacheHitReadGetClose()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            final Node node = cluster.node(0);
            final DBox<Long> remote = node.allocOn(1, Codecs.LONG, 3L);
            final DBox<Long> local = node.alloc(Codecs.LONG, 4L);

            final long overhead = measurementOverhead();
            long minimum = Long.MAX_VALUE;
            int rounds = 0;
            final long deadlineNs = System.nanoTime() + JIT_WAIT_NS;
            while (minimum > 0 && System.nanoTime() - deadlineNs < 0)
            {
                rounds++;
                final long before = allocatedBytes();
                final long sum = readRound(remote, local);
                minimum = Math.min(minimum, allocatedBytes() - before - overhead);
                assertEquals(7L * ROUND, sum);
            }

            assertEquals(1, node.counters().get(Counter.CACHE_MISSES));
            assertEquals((long)rounds * ROUND - 1, node.counters().get(Counter.CACHE_HITS));
            System.out.println("cache-hit read()/getLong()/close(): " + minimum + " bytes allocated per round of " +
                ROUND + " remote + " + ROUND + " local borrows, steady after " + rounds + " rounds (" + overhead +
                " bytes of measurement overhead subtracted)");
            assertEquals(0, minimum, "bytes allocated in the best round of " + ROUND + " borrows");
        }
    }

    @Test
    void shouldNotAllocateOnLocalWriteSetClose()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(1))
        {
            final DBox<Long> local = cluster.node(0).alloc(Codecs.LONG, 0L);
            final long overhead = measurementOverhead();
            long minimum = Long.MAX_VALUE;
            int rounds = 0;
            final long deadlineNs = System.nanoTime() + JIT_WAIT_NS;
            while (minimum > 0 && System.nanoTime() - deadlineNs < 0)
            {
                rounds++;
                final long before = allocatedBytes();
                writeRound(local);
                minimum = Math.min(minimum, allocatedBytes() - before - overhead);
            }

            try (Ref<Long> ref = local.read())
            {
                assertEquals((long)rounds * ROUND, ref.getLong());
            }
            System.out.println("local write()/setLong()/close(): " + minimum + " bytes allocated per round of " +
                ROUND + " borrows, steady after " + rounds + " rounds (" + overhead +
                " bytes of measurement overhead subtracted)");
            assertEquals(0, minimum, "bytes allocated in the best round of " + ROUND + " borrows");
        }
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

    private static void writeRound(final DBox<Long> box)
    {
        for (int i = 0; i < ROUND; i++)
        {
            writeOnce(box);
        }
    }

    private static void writeOnce(final DBox<Long> box)
    {
        try (Mut<Long> mut = box.write())
        {
            mut.setLong(mut.getLong() + 1);
        }
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
