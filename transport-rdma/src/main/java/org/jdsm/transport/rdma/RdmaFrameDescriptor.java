package org.jdsm.transport.rdma;

/**
 * Layout of the RDMA transport's control frame, a {@link #HEADER_LENGTH 48-byte} header and a payload, carried by one
 * SEND into one pre-posted receive buffer (the Aeron transport's frame, {@code AeronFrameDescriptor}, is another
 * layout). Every field is little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |    Version    |     Type      |             Flags             |  0
 *  +---------------+---------------+-------------------------------+
 *  |                        Source Node Id                         |  4
 *  +---------------------------------------------------------------+
 *  |                 Frame Length (header + payload)               |  8
 *  +---------------------------------------------------------------+
 *  |                            Status                             | 12
 *  +---------------------------------------------------------------+
 *  |                        Correlation Id                         | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                         Heap Offset                           | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |              Operand 1 (length, expected or delta)            | 32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Operand 2 (update, or result)                 | 40
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                       Payload  ...                           ... 48
 *  +---------------------------------------------------------------+
 * </pre>
 * The correlation id of a request is the {@link WorkRequestIdDescriptor work-request id} of the requester's waiting
 * operation, echoed in the response.
 * <p>
 * <b>Note:</b> constants only, so threadsafe.
 */
public final class RdmaFrameDescriptor
{
    /** Version of this layout; a frame of another version is rejected. */
    public static final byte CURRENT_VERSION = 1;

    /** Offset of the version byte. */
    public static final int VERSION_OFFSET = 0;
    /** Offset of the type byte. */
    public static final int TYPE_OFFSET = 1;
    /** Offset of the flags. */
    public static final int FLAGS_OFFSET = 2;
    /** Offset of the source node id. */
    public static final int SOURCE_NODE_ID_OFFSET = 4;
    /** Offset of the frame length. */
    public static final int FRAME_LENGTH_OFFSET = 8;
    /** Offset of the status. */
    public static final int STATUS_OFFSET = 12;
    /** Offset of the correlation id. */
    public static final int CORRELATION_ID_OFFSET = 16;
    /** Offset of the heap offset. */
    public static final int HEAP_OFFSET_OFFSET = 24;
    /** Offset of operand 1. */
    public static final int OPERAND1_OFFSET = 32;
    /** Offset of operand 2. */
    public static final int OPERAND2_OFFSET = 40;
    /** Length of the header, where the payload starts. */
    public static final int HEADER_LENGTH = 48;
    /** Frames start at this alignment in their buffers. */
    public static final int ALIGNMENT = 8;

    /** First frame each side sends on a new connection: who it is and its proof of the cluster secret. */
    public static final byte TYPE_HELLO = 1;
    /** Sent once the peer's hello verified: the sender's registered regions. */
    public static final byte TYPE_REGIONS = 2;
    /** An engine control message for the peer's message handler. */
    public static final byte TYPE_MESSAGE = 3;
    /** Bounce mode: read {@code operand1} bytes at {@code offset}. */
    public static final byte TYPE_READ_REQUEST = 4;
    /** Bounce mode: write the payload at {@code offset}. */
    public static final byte TYPE_WRITE_REQUEST = 5;
    /** Bounce mode: compare-and-swap the word at {@code offset} from {@code operand1} to {@code operand2}. */
    public static final byte TYPE_CAS_REQUEST = 6;
    /** Bounce mode: add {@code operand1} to the word at {@code offset}. */
    public static final byte TYPE_FETCH_ADD_REQUEST = 7;
    /** Answer to a bounce request: status, result in {@code operand2}, read data or rejection reason as payload. */
    public static final byte TYPE_RESPONSE = 8;
    /** The sender is leaving the cluster. */
    public static final byte TYPE_BYE = 9;

    /** Response status: the request was applied. */
    public static final int STATUS_OK = 0;
    /** Response status: the peer's heap rejected the request; the payload is the reason in UTF-8. */
    public static final int STATUS_REJECTED = 1;
    /** Response status: the requester has not proved the cluster secret. */
    public static final int STATUS_UNAUTHENTICATED = 2;

    private RdmaFrameDescriptor()
    {
    }

    /**
     * Name of a frame type, for messages.
     *
     * @param type of a frame.
     * @return its name, or {@code UNKNOWN(type)}.
     */
    public static String typeName(final int type)
    {
        switch (type)
        {
            case TYPE_HELLO: return "HELLO";
            case TYPE_REGIONS: return "REGIONS";
            case TYPE_MESSAGE: return "MESSAGE";
            case TYPE_READ_REQUEST: return "READ_REQUEST";
            case TYPE_WRITE_REQUEST: return "WRITE_REQUEST";
            case TYPE_CAS_REQUEST: return "CAS_REQUEST";
            case TYPE_FETCH_ADD_REQUEST: return "FETCH_ADD_REQUEST";
            case TYPE_RESPONSE: return "RESPONSE";
            case TYPE_BYE: return "BYE";
            default: return "UNKNOWN(" + type + ")";
        }
    }
}
