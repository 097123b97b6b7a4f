package org.jdsm.transport.aeron;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.NodeUnavailableException;
import org.jdsm.RemoteAccessException;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.LockSupport;

/**
 * One one-sided operation in flight: what was asked, where a read's bytes go, and the completion the calling thread
 * waits for. Pooled by {@link OperationTable}: its slot is fixed, its correlation id changes with every use.
 * <p>
 * <b>Note:</b> the calling thread owns it between {@link OperationTable#acquire()} and
 * {@link OperationTable#release}; the duty-cycle thread completes it. Whoever moves {@code state} from
 * {@link #PENDING} by compare-and-swap owns the fields until it writes {@code state} again: the responder moves it to
 * {@link #COPYING} to copy a chunk of a read or to complete it, a node death or close does the same to fail it, and
 * the caller moves it to {@link #TIMED_OUT} when its deadline passes.
 */
final class PendingOperation implements AwaitedCompletion
{
    static final int IDLE = 0;
    static final int PENDING = 1;
    static final int COPYING = 2;
    static final int COMPLETED = 3;
    static final int TIMED_OUT = 4;

    private static final AtomicIntegerFieldUpdater<PendingOperation> STATE_UPDATER =
        AtomicIntegerFieldUpdater.newUpdater(PendingOperation.class, "state");
    private static final int SPINS_BEFORE_PARK = 200;
    private static final int SPINS_BEFORE_PARK_WHILE_DRIVEN = 20;

    final int slot;
    final UnsafeBuffer header = new UnsafeBuffer(new byte[AeronFrameDescriptor.HEADER_LENGTH]);
    final AeronFrameFlyweight frame = new AeronFrameFlyweight();

    volatile long correlationId;
    private volatile int state = IDLE;

    // Written by the caller before its volatile write of PENDING; read by the responder after its CAS from PENDING.
    byte kind;
    int targetId;
    long offset;
    int length;
    MutableDirectBuffer dst;
    int dstOffset;
    Thread waiter;
    /** Idle strategy of the caller while it drives the duty cycle; made on first use, kept with the slot. */
    IdleStrategy idleStrategy;

    // Written by the completer between its CAS from PENDING and its volatile write of COMPLETED (release); read by
    // the caller after its volatile read of COMPLETED (acquire).
    int received;
    long result;
    String remoteError;
    String unavailableReason;

    PendingOperation(final int slot)
    {
        this.slot = slot;
    }

    /**
     * Start a use of this operation, on the calling thread.
     */
    void begin(
        final long correlationId,
        final byte kind,
        final int targetId,
        final long offset,
        final int length,
        final MutableDirectBuffer dst,
        final int dstOffset)
    {
        this.kind = kind;
        this.targetId = targetId;
        this.offset = offset;
        this.length = length;
        this.dst = dst;
        this.dstOffset = dstOffset;
        this.waiter = Thread.currentThread();
        this.received = 0;
        this.result = 0;
        this.remoteError = null;
        this.unavailableReason = null;
        this.correlationId = correlationId;
        state = PENDING; // release: pairs with the CAS in tryClaim()
    }

    /**
     * Claim the operation to copy into it or complete it, from the duty-cycle thread or a thread failing it.
     *
     * @param correlationId the response carries.
     * @return true if claimed: the caller must then {@link #unclaim()} or complete it.
     */
    boolean tryClaim(final long correlationId)
    {
        if (this.correlationId != correlationId || !STATE_UPDATER.compareAndSet(this, PENDING, COPYING))
        {
            return false;
        }
        if (this.correlationId != correlationId)
        {
            state = PENDING; // a newer use of this slot: leave it alone
            return false;
        }

        return true;
    }

    /**
     * Give back a claim without completing: more chunks are to come.
     */
    void unclaim()
    {
        state = PENDING;
    }

    /**
     * Complete a claimed operation successfully.
     *
     * @param result of an atomic.
     */
    void complete(final long result)
    {
        this.result = result;
        publish();
    }

    /**
     * Complete a claimed operation with the heap's rejection.
     *
     * @param message of the rejection.
     */
    void completeRemoteError(final String message)
    {
        this.remoteError = message;
        publish();
    }

    /**
     * Complete a claimed operation with {@link NodeUnavailableException}.
     *
     * @param reason appended to the operation's description.
     */
    void completeUnavailable(final String reason)
    {
        this.unavailableReason = reason;
        publish();
    }

    /**
     * @return true once completed (acquire: what the completer wrote is visible).
     */
    public boolean isCompleted()
    {
        return COMPLETED == state;
    }

    /**
     * Wait on the calling thread, parked, until completed or {@code untilNs} passes, without timing the operation
     * out: a caller that could not drive the duty cycle waits here, then tries again. It spins only briefly (20 times,
     * not 200) before it parks: the thread driving the duty cycle unparks it when it completes the operation, and a
     * spinning waiter would take a core from the threads that produce its response on a machine with fewer cores
     * than busy threads (measured with {@code kv --cpu}).
     *
     * @param untilNs by {@link System#nanoTime()}.
     * @return true if completed.
     */
    boolean awaitUntil(final long untilNs)
    {
        int spins = 0;
        while (COMPLETED != state)
        {
            final long remainingNs = untilNs - System.nanoTime();
            if (remainingNs <= 0)
            {
                return false;
            }
            if (spins < SPINS_BEFORE_PARK_WHILE_DRIVEN)
            {
                spins++;
                Thread.onSpinWait();
            }
            else
            {
                LockSupport.parkNanos(this, remainingNs); // the driver unparks this thread on completion
            }
        }

        return true;
    }

    /**
     * @return true if still pending (not claimed, completed or timed out).
     */
    boolean isPending()
    {
        return PENDING == state;
    }

    /**
     * Wait on the calling thread until completed or the deadline passes; spins briefly, then parks.
     *
     * @param deadlineNs by {@link System#nanoTime()}.
     * @return true if completed, false if timed out (later responses are then ignored).
     */
    boolean await(final long deadlineNs)
    {
        int spins = 0;
        while (true)
        {
            final int current = state; // acquire: pairs with the release in publish()
            if (COMPLETED == current)
            {
                return true;
            }
            if (PENDING == current)
            {
                final long remainingNs = deadlineNs - System.nanoTime();
                if (remainingNs <= 0)
                {
                    if (STATE_UPDATER.compareAndSet(this, PENDING, TIMED_OUT))
                    {
                        return false;
                    }
                }
                else if (spins < SPINS_BEFORE_PARK)
                {
                    spins++;
                    Thread.onSpinWait();
                }
                else
                {
                    LockSupport.parkNanos(this, remainingNs);
                }
            }
            else
            {
                Thread.onSpinWait(); // COPYING: the responder is between its claim and its publication
            }
        }
    }

    /**
     * After a completed {@link #await}: throw what the operation failed with, on the calling thread.
     */
    void throwIfFailed()
    {
        if (null != unavailableReason)
        {
            throw new NodeUnavailableException(targetId, describe() + " " + unavailableReason);
        }
        if (null != remoteError)
        {
            throw new RemoteAccessException(remoteError);
        }
    }

    /**
     * Mark idle, on the calling thread, before the slot goes back to the pool.
     */
    void reset()
    {
        dst = null;
        waiter = null;
        state = IDLE;
    }

    /**
     * @return e.g. {@code read offset=64 length=8}, as exception messages start.
     */
    String describe()
    {
        return describe(kind, offset, length);
    }

    static String describe(final byte kind, final long offset, final int length)
    {
        return kindName(kind) + " offset=" + offset + " length=" + length;
    }

    static String timedOut(final byte kind, final long offset, final int length, final long timeoutNs)
    {
        return describe(kind, offset, length) + " timed out after " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms";
    }

    static String kindName(final byte kind)
    {
        switch (kind)
        {
            case AeronFrameDescriptor.READ:
                return "read";
            case AeronFrameDescriptor.READ_INDIRECT:
                return "readIndirect";
            case AeronFrameDescriptor.WRITE:
                return "write";
            case AeronFrameDescriptor.COMPARE_AND_SWAP:
                return "compareAndSwap";
            case AeronFrameDescriptor.FETCH_ADD:
                return "fetchAdd";
            default:
                return AeronFrameDescriptor.typeName(kind);
        }
    }

    private void publish()
    {
        final Thread thread = waiter;
        state = COMPLETED; // release: pairs with the acquire in await()
        if (thread != Thread.currentThread())
        {
            LockSupport.unpark(thread); // the caller driving the duty cycle completes its own operation: no wake-up
        }
    }
}
