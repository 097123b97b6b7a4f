package org.jdsm.coherence;

import org.jdsm.NodeUnavailableException;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * The per-slice gate of the fail-over barrier ({@code jdsm.replicas} &gt; 0): every operation this node routes to a
 * heap slice, and every change to its own slice with its mirrors, is <i>admitted</i> at the slice's gate before it
 * starts and leaves it when it has completed (mirrors included). While a slice is being handed over
 * ({@link SliceHandover}) its gate is closed: new operations wait, admitted ones go on, and the hand-over waits until
 * they have drained ({@link #isDrained(int)}) before it acknowledges the fence.
 * <p>
 * Admission is one uncontended atomic pair: an increment of the slice's in-flight count, then a read of its closed
 * flag (both sequentially consistent, so a closer that sets the flag then reads the count never misses an admitted
 * operation), and a decrement at the end. Slices are spread one cache line apart.
 * <p>
 * <b>Note:</b> threadsafe. One per node, owned by its {@link Replication}; closed and opened by its
 * {@link SliceHandover} only.
 */
final class SliceGate
{
    private static final int SPREAD = 16; // ints per cache line: one slice's count and flag per line
    private static final int IN_FLIGHT = 0;
    private static final int CLOSED = 1;
    private static final long PARK_NS = 200_000L;

    private final int sliceCount;
    private final AtomicIntegerArray state;
    private final long timeoutNs;
    private volatile BooleanSupplier isAbandoned = () -> false;

    /**
     * @param sliceCount of the cluster (one slice per node).
     * @param timeoutNs  how long a new operation waits at a closed gate before it fails.
     */
    SliceGate(final int sliceCount, final long timeoutNs)
    {
        this.sliceCount = sliceCount;
        this.state = new AtomicIntegerArray((sliceCount + 1) * SPREAD);
        this.timeoutNs = timeoutNs;
    }

    /**
     * Admit an operation on a slice, waiting while its gate is closed.
     *
     * @param slice  a node's id.
     * @param reason names the slice's hand-over when the wait times out, given the slice.
     * @throws NodeUnavailableException if the gate stays closed for the timeout, or the node stops meanwhile (see
     *                                  {@link #abandonWaitsWhen}).
     */
    void enter(final int slice, final IntFunction<NodeUnavailableException> reason)
    {
        final int index = (slice + 1) * SPREAD;
        state.incrementAndGet(index + IN_FLIGHT);
        if (0 == state.get(index + CLOSED))
        {
            return;
        }
        state.decrementAndGet(index + IN_FLIGHT);
        awaitOpen(slice, index, reason);
    }

    private void awaitOpen(final int slice, final int index, final IntFunction<NodeUnavailableException> reason)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (true)
        {
            if (0 == state.get(index + CLOSED))
            {
                state.incrementAndGet(index + IN_FLIGHT);
                if (0 == state.get(index + CLOSED))
                {
                    return;
                }
                state.decrementAndGet(index + IN_FLIGHT);
            }
            if (System.nanoTime() - deadlineNs > 0 || isAbandoned.getAsBoolean())
            {
                throw reason.apply(slice);
            }
            LockSupport.parkNanos(PARK_NS);
        }
    }

    /**
     * From when waits at a closed gate end at once instead of after the timeout: the node stops, so no hand-over will
     * open the gate again.
     *
     * @param isAbandoned true once no closed gate will open again; asked by waiting threads between their parks.
     */
    void abandonWaitsWhen(final BooleanSupplier isAbandoned)
    {
        this.isAbandoned = isAbandoned;
    }

    /**
     * An admitted operation on the slice completed (or failed).
     *
     * @param slice a node's id.
     */
    void leave(final int slice)
    {
        state.decrementAndGet((slice + 1) * SPREAD + IN_FLIGHT);
    }

    /**
     * Count an operation as admitted without looking at the gate: for a caller that left to wait at the gate, timed
     * out, and leaves once more on its way out.
     *
     * @param slice a node's id.
     */
    void admitUnchecked(final int slice)
    {
        state.incrementAndGet((slice + 1) * SPREAD + IN_FLIGHT);
    }

    /**
     * Stop admitting new operations on the slice.
     *
     * @param slice a node's id.
     */
    void close(final int slice)
    {
        state.set((slice + 1) * SPREAD + CLOSED, 1);
    }

    /**
     * Admit new operations on the slice again.
     *
     * @param slice a node's id.
     */
    void open(final int slice)
    {
        state.set((slice + 1) * SPREAD + CLOSED, 0);
    }

    /**
     * @param slice a node's id.
     * @return true if new operations on the slice wait.
     */
    boolean isClosed(final int slice)
    {
        return 0 != state.get((slice + 1) * SPREAD + CLOSED);
    }

    /**
     * @param slice a node's id.
     * @return true if the gate is closed and no admitted operation on the slice is still in flight.
     */
    boolean isDrained(final int slice)
    {
        final int index = (slice + 1) * SPREAD;
        return 0 != state.get(index + CLOSED) && 0 == state.get(index + IN_FLIGHT);
    }

    /**
     * @param slice a node's id.
     * @return admitted operations on the slice not yet completed.
     */
    int inFlight(final int slice)
    {
        return state.get((slice + 1) * SPREAD + IN_FLIGHT);
    }

    /**
     * @return slices the gate covers.
     */
    int sliceCount()
    {
        return sliceCount;
    }
}
