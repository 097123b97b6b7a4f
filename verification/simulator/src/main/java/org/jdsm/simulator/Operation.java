package org.jdsm.simulator;

import org.jdsm.NodeUnavailableException;
import org.jdsm.RemoteAccessException;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.LockSupport;

/**
 * One one-sided operation in flight on a {@link SimulatedNetwork}: what was asked, and the completion the calling
 * thread waits for.
 * <p>
 * <b>Note:</b> the calling thread owns it and waits in {@link #await(long)}; exactly one other thread (the network
 * thread delivering the completion, or a thread crashing or detaching a node, or closing the network) completes it,
 * chosen by a compare-and-swap of {@code state} from {@link #PENDING}; a timeout wins the same way.
 */
final class Operation
{
    static final int READ = 1;
    static final int WRITE = 2;
    static final int COMPARE_AND_SWAP = 3;
    static final int FETCH_ADD = 4;
    /** First argument of a {@link #READ} that reads the range's first word before and after the copy. */
    static final long READ_VALIDATED = 1;
    /**
     * First argument of a {@link #READ} of the word at its offset and, when the word is not the second argument,
     * of the {@code length} bytes it points to: {@link org.jdsm.spi.Transport#readIndirect}. Its data is the word
     * alone, or the word and the range after it.
     */
    static final long READ_INDIRECT = 2;

    private static final int PENDING = 0;
    private static final int COMPLETING = 1;
    private static final int COMPLETED = 2;
    private static final int TIMED_OUT = 3;

    private static final AtomicIntegerFieldUpdater<Operation> STATE_UPDATER =
        AtomicIntegerFieldUpdater.newUpdater(Operation.class, "state");

    final int kind;
    final int requesterId;
    final int targetId;
    final long offset;
    final int length;
    final long firstArg;
    final long secondArg;
    final byte[] payload;

    private final Thread waiter;
    private volatile int state = PENDING;

    // Written by the completer between its PENDING -> COMPLETING CAS and its volatile write of COMPLETED; read by
    // the waiter after its volatile read of COMPLETED (the release/acquire pair that publishes them).
    private long result;
    private byte[] data;
    private RuntimeException failure;
    private int unavailableNodeId = -1;
    private String unavailableReason;

    Operation(
        final int kind,
        final int requesterId,
        final int targetId,
        final long offset,
        final int length,
        final long firstArg,
        final long secondArg,
        final byte[] payload)
    {
        this.kind = kind;
        this.requesterId = requesterId;
        this.targetId = targetId;
        this.offset = offset;
        this.length = length;
        this.firstArg = firstArg;
        this.secondArg = secondArg;
        this.payload = payload;
        this.waiter = Thread.currentThread();
    }

    /**
     * Complete with what the target's heap returned.
     *
     * @param result  of an atomic.
     * @param data    of a read, else null.
     * @param failure thrown by the heap, else null.
     * @return true if this completed the operation, false if it was already completed or timed out.
     */
    boolean complete(final long result, final byte[] data, final RuntimeException failure)
    {
        if (!STATE_UPDATER.compareAndSet(this, PENDING, COMPLETING))
        {
            return false;
        }

        this.result = result;
        this.data = data;
        this.failure = failure;
        publishCompletion();

        return true;
    }

    /**
     * Complete with {@link NodeUnavailableException}.
     *
     * @param nodeId of the node that is unavailable.
     * @param reason appended to the description of the operation.
     * @return true if this completed the operation, false if it was already completed or timed out.
     */
    boolean fail(final int nodeId, final String reason)
    {
        if (!STATE_UPDATER.compareAndSet(this, PENDING, COMPLETING))
        {
            return false;
        }

        this.unavailableNodeId = nodeId;
        this.unavailableReason = reason;
        publishCompletion();

        return true;
    }

    /**
     * Wait for completion, on the thread that created the operation.
     *
     * @param timeoutNs how long to wait.
     * @return true if completed, false if the wait timed out (later completions are then ignored).
     */
    boolean await(final long timeoutNs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        boolean wasInterrupted = false;
        try
        {
            while (true)
            {
                final int currentState = state; // acquire: pairs with the release in publishCompletion()
                if (COMPLETED == currentState)
                {
                    return true;
                }

                if (PENDING == currentState)
                {
                    final long remainingNs = deadlineNs - System.nanoTime();
                    if (remainingNs <= 0)
                    {
                        if (STATE_UPDATER.compareAndSet(this, PENDING, TIMED_OUT))
                        {
                            return false;
                        }
                    }
                    else
                    {
                        LockSupport.parkNanos(this, remainingNs);
                        if (Thread.interrupted())
                        {
                            // keep waiting (the transport SPI is not interruptible) but restore the flag after
                            wasInterrupted = true;
                        }
                    }
                }
                else
                {
                    Thread.onSpinWait(); // COMPLETING: the completer is between its CAS and its publication
                }
            }
        }
        finally
        {
            if (wasInterrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * After a successful {@link #await(long)}: throw what the operation failed with, in the calling thread.
     */
    void throwIfFailed()
    {
        if (null != unavailableReason)
        {
            throw new NodeUnavailableException(unavailableNodeId, unavailableReason);
        }

        if (null != failure)
        {
            final RemoteAccessException ex = failure instanceof RemoteAccessException ?
                new RemoteAccessException(failure.getMessage()) :
                new RemoteAccessException(describe() + " failed at node " + targetId + ": " + failure);
            ex.initCause(failure);
            throw ex;
        }
    }

    long result()
    {
        return result;
    }

    byte[] data()
    {
        return data;
    }

    /**
     * @return e.g. {@code read offset=64 length=8}, as exception messages start.
     */
    String describe()
    {
        if (READ == kind && READ_INDIRECT == firstArg)
        {
            return "readIndirect wordOffset=" + offset + " length=" + length;
        }

        return kindName(kind) + " offset=" + offset + " length=" + length;
    }

    static String kindName(final int kind)
    {
        switch (kind)
        {
            case READ:
                return "read";
            case WRITE:
                return "write";
            case COMPARE_AND_SWAP:
                return "compareAndSwap";
            case FETCH_ADD:
                return "fetchAdd";
            default:
                return "unknown(" + kind + ")";
        }
    }

    private void publishCompletion()
    {
        state = COMPLETED; // release: pairs with the acquire in await()
        LockSupport.unpark(waiter);
    }
}
