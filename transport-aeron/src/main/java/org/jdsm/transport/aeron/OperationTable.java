package org.jdsm.transport.aeron;

import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;
import org.jdsm.DsmException;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The one-sided operations of a transport: a pool of {@link PendingOperation}s in fixed slots, so a response finds
 * its operation from the correlation id alone, without a map and without allocating.
 * <p>
 * A correlation id is {@code sequence << SLOT_BITS | slot}: the slot finds the operation, the sequence tells a
 * response to this use of it from a late response to an earlier use.
 * <p>
 * <b>Note:</b> threadsafe: any thread acquires and releases, the duty-cycle thread looks up.
 */
final class OperationTable
{
    /** Bits of a correlation id that hold the slot. */
    static final int SLOT_BITS = 16;
    /** Most operations in flight at once on one transport. */
    static final int MAX_SLOTS = 1 << SLOT_BITS;
    private static final long SLOT_MASK = MAX_SLOTS - 1;

    private final AtomicReferenceArray<PendingOperation> slots = new AtomicReferenceArray<>(MAX_SLOTS);
    private final ManyToManyConcurrentArrayQueue<PendingOperation> free =
        new ManyToManyConcurrentArrayQueue<>(MAX_SLOTS);
    private final AtomicInteger slotCount = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();

    /**
     * Take an operation from the pool, or make one.
     *
     * @return the operation, idle.
     * @throws DsmException when {@link #MAX_SLOTS} operations are in flight.
     */
    PendingOperation acquire()
    {
        PendingOperation operation = free.poll();
        if (null == operation)
        {
            final int slot = slotCount.getAndIncrement();
            if (slot >= MAX_SLOTS)
            {
                slotCount.decrementAndGet();
                throw new DsmException("more than " + MAX_SLOTS + " one-sided operations in flight on one transport");
            }
            operation = new PendingOperation(slot);
            slots.set(slot, operation);
        }

        return operation;
    }

    /**
     * A new correlation id for a use of an operation.
     *
     * @param operation acquired.
     * @return the id.
     */
    long nextCorrelationId(final PendingOperation operation)
    {
        return (sequence.incrementAndGet() << SLOT_BITS) | operation.slot;
    }

    /**
     * Give an operation back to the pool once its caller is done with it.
     *
     * @param operation to give back.
     */
    void release(final PendingOperation operation)
    {
        operation.reset();
        free.offer(operation);
    }

    /**
     * The operation a correlation id names, if it is still in flight under that id.
     *
     * @param correlationId of a response.
     * @return the operation, or null.
     */
    PendingOperation find(final long correlationId)
    {
        final PendingOperation operation = slots.get((int)(correlationId & SLOT_MASK));
        return null != operation && operation.correlationId == correlationId ? operation : null;
    }

    /**
     * Fail every operation in flight to a node.
     *
     * @param nodeId of the node, or -1 for every node.
     * @param reason appended to each operation's description.
     * @return how many were failed.
     */
    int failAll(final int nodeId, final String reason)
    {
        int failed = 0;
        final int count = Math.min(slotCount.get(), MAX_SLOTS);
        for (int i = 0; i < count; i++)
        {
            final PendingOperation operation = slots.get(i);
            if (null != operation && operation.isPending() && operation.tryClaim(operation.correlationId))
            {
                if (nodeId < 0 || operation.targetId == nodeId)
                {
                    operation.completeUnavailable(reason);
                    failed++;
                }
                else
                {
                    operation.unclaim();
                }
            }
        }

        return failed;
    }
}
