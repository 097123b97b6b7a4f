package org.jdsm.transport.aeron;

import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.DsmConfig;
import org.jdsm.simulator.contract.BufferHeapRegion;
import org.jdsm.spi.TransportContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Counts the bytes the JVM allocates on the calling thread for one-sided reads, validated reads, compare-and-swaps
 * and indirect reads between two nodes over IPC, with the caller driving the duty cycle (the default): that thread
 * then also runs the media driver's agents, the client conductor and both responders, so the whole round trip is
 * counted. Rounds of {@link #ROUND}
 * operations run until one allocates nothing, giving the JIT up to {@link #JIT_WAIT_NS} to compile them. Not a
 * timing test; one allocation per operation would show as hundreds of kilobytes in every round.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AeronHotPathAllocationTest
{
    private static final int HEAP = 64 * 1024;
    private static final int ROUND = 10_000;
    private static final long JIT_WAIT_NS = TimeUnit.SECONDS.toNanos(60);

    private final List<AeronTransport> transports = new ArrayList<>();

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(transports);
    }

    @Test
    void shouldNotAllocateOnReadValidatedReadCompareAndSwapOrIndirectReadWhenTheCallerDrives() throws Exception
    {
        final AeronTransport node0 = newTransport(0);
        final AeronTransport node1 = newTransport(1);
        final CompletableFuture<Void> started = CompletableFuture.runAsync(node1::start);
        node0.start();
        started.get(30, TimeUnit.SECONDS);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[64]);
        value.putLong(56, 42);
        node0.write(1, 128, value, 0, value.capacity());
        final UnsafeBuffer pointer = new UnsafeBuffer(new byte[8]);
        pointer.putLong(0, 128); // a word pointing to the value, for the indirect read
        node0.write(1, 64, pointer, 0, 8);
        final UnsafeBuffer indirect = new UnsafeBuffer(new byte[8 + 64]);

        final UnsafeBuffer dst = new UnsafeBuffer(new byte[64]);
        final long overhead = measurementOverhead();
        long minimum = Long.MAX_VALUE;
        int rounds = 0;
        final long deadlineNs = System.nanoTime() + JIT_WAIT_NS;
        while (minimum > 0 && System.nanoTime() - deadlineNs < 0)
        {
            rounds++;
            final long before = allocatedBytes();
            long sum = 0;
            for (int i = 0; i < ROUND; i++)
            {
                node0.read(1, 128, dst, 0, 64);
                sum += dst.getLong(56);
                node0.readValidated(1, 128, dst, 0, 64); // the peer's responder checks the first word, on this thread
                sum += dst.getLong(56) + dst.getLong(0) + node0.compareAndSwap(1, 0, i, i + 1);
                // the word, and (expected another) the range it points to, served by the peer's responder
                final boolean followed = node0.readIndirect(1, 64, 0, indirect, 0, 64);
                sum += followed && 128 == indirect.getLong(0) ? indirect.getLong(8 + 56) : 0;
            }
            minimum = Math.min(minimum, allocatedBytes() - before - overhead);
            assertEquals(3 * 42L * ROUND + (long)ROUND * (ROUND - 1) / 2, sum);
            node0.compareAndSwap(1, 0, ROUND, 0);
        }

        System.out.println("caller-driven read + validated read + compareAndSwap + indirect read over IPC: " +
            minimum + " bytes allocated per round of " +
            ROUND + ", steady after " + rounds + " rounds (" + overhead + " bytes of measurement overhead subtracted)");
        assertEquals(0, minimum, "bytes allocated on the calling thread in the best round of " + ROUND + " operations");
    }

    private AeronTransport newTransport(final int nodeId)
    {
        final DsmConfig config = new DsmConfig().nodeId(nodeId).nodeCount(2).transport("aeron")
            .heapSize(HEAP).cacheSize(HEAP).maxObjectSize(HEAP / 2)
            .operationTimeoutNs(TimeUnit.SECONDS.toNanos(10))
            .conclude();
        final AeronTransport transport = new AeronTransport(
            new TransportContext(config, new BufferHeapRegion(HEAP), (source, buffer, offset, length) -> { }));
        transports.add(transport);
        return transport;
    }

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
