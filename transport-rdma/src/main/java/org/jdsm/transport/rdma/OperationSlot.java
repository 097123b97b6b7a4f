package org.jdsm.transport.rdma;

import com.ibm.disni.verbs.IbvSendWR;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.DsmException;
import org.jdsm.NodeUnavailableException;
import org.jdsm.RemoteAccessException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One in-flight one-sided operation of a {@link Link}: its reusable work request, its registered staging memory
 * and the completion the poller hands back. The caller that claimed it is the single writer of the request and
 * the staging bytes until it posts; the poller is the single writer of the completion fields, which it publishes
 * with a release store of {@link #state()} that the caller reads with acquire.
 * <p>
 * States: {@code FREE -> CLAIMED} (caller) {@code -> PENDING} (caller, before posting)
 * {@code -> COMPLETED | FAILED} (poller) {@code -> FREE} (caller). A caller that times out moves
 * {@code PENDING -> ABANDONED}; the poller frees an abandoned slot when its late completion (or the flush of its
 * queue pair) arrives. The generation in the wr_id makes any other late completion an unknown one.
 * <p>
 * <b>Note:</b> threadsafe under that protocol: state transitions are CAS or release/acquire.
 */
final class OperationSlot
{
    static final int FREE = 0;
    static final int CLAIMED = 1;
    static final int PENDING = 2;
    static final int COMPLETED = 3;
    static final int FAILED = 4;
    static final int ABANDONED = 5;

    static final int FAILURE_NONE = 0;
    static final int FAILURE_COMPLETION = 1;
    static final int FAILURE_REJECTED = 2;
    static final int FAILURE_UNAUTHENTICATED = 3;
    static final int FAILURE_MALFORMED = 4;

    private static final VarHandle STATE;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(OperationSlot.class, "state", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final int index;
    private final IbvSendWR wr = WorkRequestBuilder.newSendWr();
    private final UnsafeBuffer staging;
    private final int stagingLkey;

    @SuppressWarnings("unused") // accessed through STATE
    private int state;
    private volatile int generation;

    private int completionStatus;
    private int completionOpcode;
    private int byteLength;
    private long result;
    private int failureKind;
    private String failureDetail;

    OperationSlot(final int index, final UnsafeBuffer staging, final int stagingLkey)
    {
        this.index = index;
        this.staging = staging;
        this.stagingLkey = stagingLkey;
    }

    int index()
    {
        return index;
    }

    IbvSendWR wr()
    {
        return wr;
    }

    UnsafeBuffer staging()
    {
        return staging;
    }

    long stagingAddress()
    {
        return staging.addressOffset();
    }

    int stagingLkey()
    {
        return stagingLkey;
    }

    int generation()
    {
        return generation;
    }

    boolean tryClaim()
    {
        return STATE.compareAndSet(this, FREE, CLAIMED);
    }

    /**
     * Caller: a new generation, then PENDING with release (partner: the poller's acquire in {@link #state()}).
     *
     * @return the generation to put in the wr_id.
     */
    int begin()
    {
        final int next = generation + 1;
        generation = next;
        failureKind = FAILURE_NONE;
        failureDetail = null;
        STATE.setRelease(this, PENDING);
        return next;
    }

    int state()
    {
        return (int)STATE.getAcquire(this);
    }

    /**
     * Poller: record a completion and publish it with release (partner: the caller's acquire in {@link #state()}).
     *
     * @param status      of the work completion.
     * @param opcode      of the work completion.
     * @param byteLength  of the work completion.
     * @param result      of an atomic or bounce response.
     * @param failureKind {@code FAILURE_*}.
     * @param detail      of a failure, or null.
     * @return false if the slot was abandoned (it is freed instead) or was not pending.
     */
    boolean complete(
        final int status,
        final int opcode,
        final int byteLength,
        final long result,
        final int failureKind,
        final String detail)
    {
        final int current = state();
        if (ABANDONED == current)
        {
            STATE.compareAndSet(this, ABANDONED, FREE);
            return false;
        }
        if (PENDING != current)
        {
            return false; // already completed: a later flush must not overwrite the first completion
        }

        this.completionStatus = status;
        this.completionOpcode = opcode;
        this.byteLength = byteLength;
        this.result = result;
        this.failureKind = failureKind;
        this.failureDetail = detail;
        if (STATE.compareAndSet(this, PENDING, FAILURE_NONE == failureKind ? COMPLETED : FAILED))
        {
            return true;
        }
        STATE.compareAndSet(this, ABANDONED, FREE); // the caller timed out between the check and the publish
        return false;
    }

    boolean abandon()
    {
        return STATE.compareAndSet(this, PENDING, ABANDONED);
    }

    void release()
    {
        STATE.setRelease(this, FREE);
    }

    long result()
    {
        return result;
    }

    int byteLength()
    {
        return byteLength;
    }

    int completionStatus()
    {
        return completionStatus;
    }

    /**
     * The exception for a FAILED slot, naming the operation, node, range and cause.
     *
     * @param operation name, e.g. {@code read}.
     * @param nodeId    of the peer.
     * @param offset    in the peer's heap.
     * @param length    in bytes.
     * @return the exception to throw.
     */
    DsmException failure(final String operation, final int nodeId, final long offset, final int length)
    {
        final String what = operation + " offset=" + offset + " length=" + length;
        switch (failureKind)
        {
            case FAILURE_COMPLETION:
                final String completion = VerbsCodes.statusName(completionStatus) + " (status " + completionStatus +
                    ", opcode " + VerbsCodes.opcodeName(completionOpcode) + ")";
                if (VerbsCodes.isAccessError(completionStatus))
                {
                    return new RemoteAccessException(what + " on node " + nodeId + " rejected: " + completion);
                }
                return new NodeUnavailableException(nodeId, what + " failed: " + completion);
            case FAILURE_REJECTED:
                return new RemoteAccessException(what + " on node " + nodeId + " rejected: " + failureDetail);
            case FAILURE_UNAUTHENTICATED:
                return new RemoteAccessException(
                    what + " on node " + nodeId + " rejected: this node is not authenticated with the cluster secret");
            default:
                return new NodeUnavailableException(nodeId, what + " failed: " + failureDetail);
        }
    }
}
