package org.jdsm.coherence;

/**
 * Layout of the engine's two-sided control messages, sent with {@link org.jdsm.spi.Transport#send}.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                         message type                          |
 *  +---------------------------------------------------------------+
 *  |                     correlation id (64 bits)                  |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        value (64 bits)                        |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                         body ...                             ...
 * </pre>
 * What the value and body hold depends on the type: see each {@code *_TYPE} constant.
 */
public final class ControlMessageDescriptor
{
    /** Offset of the type. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of the correlation id. */
    public static final int CORRELATION_ID_OFFSET = 4;
    /** Offset of the value. */
    public static final int VALUE_OFFSET = 12;
    /** Offset of the body. */
    public static final int BODY_OFFSET = 20;
    /** Length of a message without a body. */
    public static final int HEADER_LENGTH = BODY_OFFSET;

    /** Allocate: value = payload length; answered by {@link #ALLOC_RESPONSE_TYPE}. */
    public static final int ALLOC_REQUEST_TYPE = 1;
    /** Allocation answer: value = global address, or 0 when the node has no room. */
    public static final int ALLOC_RESPONSE_TYPE = 2;
    /** Free: value = global address of the object; not answered. */
    public static final int FREE_TYPE = 3;
    /** Spawn: body = serialized task; answered by {@link #RESULT_TYPE}. */
    public static final int SPAWN_TYPE = 4;
    /** Task result: value = {@link #RESULT_OK} or {@link #RESULT_FAILED}; body = result or failure text. */
    public static final int RESULT_TYPE = 5;
    /** Heartbeat: value = tasks queued or running; body = free heap bytes as a long. */
    public static final int HEARTBEAT_TYPE = 6;

    /**
     * Spawn of a task too large for one message: its serialized task is staged in a block of the sender's heap;
     * body = {@link #STAGED_ADDRESS_OFFSET global address} and {@link #STAGED_LENGTH_OFFSET length} of that block,
     * which the target reads one-sided and the sender frees when the task has ended. Answered by
     * {@link #RESULT_TYPE} or {@link #RESULT_STAGED_TYPE}.
     */
    public static final int SPAWN_STAGED_TYPE = 7;
    /**
     * Task result too large for one message, staged in a block of the worker's heap: value as {@link #RESULT_TYPE};
     * body as {@link #SPAWN_STAGED_TYPE}. The caller reads it one-sided, then frees it with {@link #FREE_TYPE}.
     */
    public static final int RESULT_STAGED_TYPE = 8;
    /**
     * Stop request from the driver (node 0) when its program ends: the serving node acknowledges with
     * {@link #STOP_ACK_TYPE} once it runs no task and waits for none, then serves until the driver has left.
     */
    public static final int STOP_REQUEST_TYPE = 12;
    /** Acknowledgement of a {@link #STOP_REQUEST_TYPE}: the node is idle and will leave after the driver. */
    public static final int STOP_ACK_TYPE = 13;

    /** Offset in the body of a staged message of the block's global address. */
    public static final int STAGED_ADDRESS_OFFSET = 0;
    /** Offset in the body of a staged message of the staged bytes' length. */
    public static final int STAGED_LENGTH_OFFSET = 8;
    /** Length of the body of a staged message. */
    public static final int STAGED_BODY_LENGTH = 12;

    /**
     * Ask for a {@link MutexLease}: sent by a node that swapped itself into a mutex's queue tail to the node it
     * found there (its predecessor); correlation id = the mutex's global address; value = 0; no body. The
     * predecessor answers, once its own local lock is free, with {@link #MUTEX_LEASE_GRANT_TYPE} or
     * {@link #MUTEX_LEASE_LOST_TYPE}.
     */
    public static final int MUTEX_LEASE_REQUEST_TYPE = 9;
    /**
     * Hand a mutex's lease and value to the successor that asked: correlation id = the mutex's global address;
     * value = {@link #LEASE_VALUE_INLINE} with body = value length (64 bits) then the value, or
     * {@link #LEASE_VALUE_AT_HOME} with no body when the value is too large for one message and was written back
     * to the mutex's home block for the successor to read one-sided.
     */
    public static final int MUTEX_LEASE_GRANT_TYPE = 10;
    /**
     * The lease can not be handed on: the node that held it became unavailable; correlation id = the mutex's global
     * address; value = id of that node. Passed down the queue to every waiting successor.
     */
    public static final int MUTEX_LEASE_LOST_TYPE = 11;
    /** Value of {@link #MUTEX_LEASE_GRANT_TYPE}: the value travels in the body. */
    public static final long LEASE_VALUE_INLINE = 0;
    /** Value of {@link #MUTEX_LEASE_GRANT_TYPE}: the value was written back to the mutex's home block. */
    public static final long LEASE_VALUE_AT_HOME = 1;

    /**
     * Slice hand-over, fence (types 20-29 are the hand-over's, see {@link SliceHandover}): sent by the coordinator of
     * a slice's hand-over to every live node; correlation id = the slice (a node id); value = the hand-over's epoch
     * (&gt; 0); no body. The node closes the slice's gate to new operations and answers
     * {@link #HANDOVER_FENCE_ACK_TYPE} once its admitted operations on the slice have drained.
     */
    public static final int HANDOVER_FENCE_TYPE = 20;
    /** The node's operations on the slice have drained: correlation id = the slice; value = the epoch; no body. */
    public static final int HANDOVER_FENCE_ACK_TYPE = 21;
    /**
     * The slice is handed over: correlation id = the slice; value = the epoch; body = holder count (32 bits), then
     * for each holder, the serving one first, its node (32 bits) and the slot of its region that keeps the slice
     * (32 bits). Also the answer to a {@link #HANDOVER_FENCE_TYPE} of an epoch the node already installed.
     */
    public static final int HANDED_OVER_TYPE = 22;
    /**
     * Claim a spare slot for a slice being re-replicated: correlation id = the slice; value = the epoch; no body.
     * Answered by {@link #SPARE_GRANT_TYPE}.
     */
    public static final int SPARE_CLAIM_TYPE = 23;
    /**
     * Answer to a claim: correlation id = the slice; value = the spare slot, or'ed with 2<sup>32</sup> when the slot
     * was claimed for the slice before (it may hold bytes of an earlier copy), or -1 when none is free; no body.
     */
    public static final int SPARE_GRANT_TYPE = 24;
    /** Length of the holder count in the body of a {@link #HANDED_OVER_TYPE}. */
    public static final int HOLDERS_COUNT_LENGTH = 4;
    /** Length of one holder, node and slot, in the body of a {@link #HANDED_OVER_TYPE}. */
    public static final int HOLDER_LENGTH = 8;

    /** Result value of a task that returned. */
    public static final long RESULT_OK = 0;
    /** Result value of a task that threw. */
    public static final long RESULT_FAILED = 1;

    /**
     * @param type a hand-over type (20-24).
     * @return its name, for messages.
     */
    static String handoverTypeName(final int type)
    {
        switch (type)
        {
            case HANDOVER_FENCE_TYPE:
                return "HANDOVER_FENCE";
            case HANDOVER_FENCE_ACK_TYPE:
                return "HANDOVER_FENCE_ACK";
            case HANDED_OVER_TYPE:
                return "HANDED_OVER";
            case SPARE_CLAIM_TYPE:
                return "SPARE_CLAIM";
            case SPARE_GRANT_TYPE:
                return "SPARE_GRANT";
            default:
                return "type " + type;
        }
    }

    private ControlMessageDescriptor()
    {
    }
}
