package org.jdsm.transport.aeron;

import org.jdsm.spi.ClusterSecretProof;

/**
 * Layout of the frames {@link AeronTransport} nodes exchange: one Aeron message per frame, a fixed
 * {@link #HEADER_LENGTH 56-byte} header followed by a payload (the RDMA transport's control frame,
 * {@code RdmaFrameDescriptor}, is another layout). All fields are little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |    Version    |     Type      |            Status             |  0
 *  +---------------+---------------+-------------------------------+
 *  |                        Source Node Id                         |  4
 *  +---------------------------------------------------------------+
 *  |                        Target Node Id                         |  8
 *  +---------------------------------------------------------------+
 *  |                 Length (of the whole operation)               | 12
 *  +---------------------------------------------------------------+
 *  |                        Correlation Id                         | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                     Offset (in the heap)                      | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |            Chunk Offset (of the payload in the operation)     | 32
 *  +---------------------------------------------------------------+
 *  |                           Reserved                            | 36
 *  +---------------------------------------------------------------+
 *  |            Arg 0 (expected, delta, result, capacity)          | 40
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |            Arg 1 (update)                                     | 48
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Payload ...                           ...
 *  +---------------------------------------------------------------+
 * </pre>
 * What each type carries:
 * <ul>
 *     <li>{@link #HELLO}: arg 0 the sender's heap capacity, payload a {@link #NONCE_LENGTH}-byte nonce the
 *     receiver must prove it knows the secret over;</li>
 *     <li>{@link #PROOF}: arg 0 the sender's heap capacity, payload the HMAC-SHA256 over the receiver's nonce followed by
 *     that nonce ({@link #PROOF_PAYLOAD_LENGTH}), so the receiver tells a wrong secret from a proof meant for another
 *     node with its id;</li>
 *     <li>{@link #ACCEPT}: arg 0 the Aeron session of the receiver's publication whose proof was accepted, so a
 *     second node with the same id on the same stream can not take it for its own;</li>
 *     <li>{@link #HEARTBEAT}, {@link #LEAVE}: no payload;</li>
 *     <li>{@link #READ}: offset, length, arg 0 0 or {@link #READ_VALIDATED} (the responder reads the range's first
 *     word before and after copying the range, and answers 0 as that word when the two differ; the range is an
 *     aligned word and more, and fits one response frame);</li>
 *     <li>{@link #READ_INDIRECT}: offset (of an aligned word), length (of the range the word may point to, its
 *     sequence word included; it fits one response frame), arg 0 the word the requester expects: the responder
 *     answers with the word as arg 0, and when it is not the expected one and points to a range of its heap
 *     ({@code HeapRegion.indirectOffset}), with that range copied as for {@link #READ_VALIDATED} as payload (length
 *     the range's); else with no payload (length 0);</li>
 *     <li>{@link #WRITE}: offset, length, chunk offset, payload the chunk of bytes (a write larger than one chunk
 *     is several frames with the same correlation id, in order);</li>
 *     <li>{@link #COMPARE_AND_SWAP}: offset, arg 0 expected, arg 1 update; {@link #FETCH_ADD}: offset, arg 0
 *     delta;</li>
 *     <li>{@link #RESPONSE}: correlation id, status, arg 0 the result of an atomic, length and chunk offset for
 *     the bytes of a read (several frames for a large read), or with {@link #STATUS_REMOTE_ACCESS_ERROR} the UTF-8
 *     message of the rejection as payload;</li>
 *     <li>{@link #MESSAGE}: a two-sided control message as payload, length its length;</li>
 *     <li>{@link #REFUSE}: arg 0 the reason ({@link #REFUSE_PROOF_MISMATCH}), no payload.</li>
 * </ul>
 */
public final class AeronFrameDescriptor
{
    /** Version of the frame layout: 3 since {@link #READ_INDIRECT} (2 since {@link #READ_VALIDATED}). */
    public static final byte CURRENT_VERSION = 3;

    /** Offset of the version byte. */
    public static final int VERSION_OFFSET = 0;
    /** Offset of the type byte. */
    public static final int TYPE_OFFSET = 1;
    /** Offset of the status of a response. */
    public static final int STATUS_OFFSET = 2;
    /** Offset of the sending node's id. */
    public static final int SOURCE_OFFSET = 4;
    /** Offset of the receiving node's id. */
    public static final int TARGET_OFFSET = 8;
    /** Offset of the length of the whole operation or message. */
    public static final int LENGTH_OFFSET = 12;
    /** Offset of the correlation id. */
    public static final int CORRELATION_ID_OFFSET = 16;
    /** Offset of the heap offset. */
    public static final int OFFSET_OFFSET = 24;
    /** Offset of the chunk offset. */
    public static final int CHUNK_OFFSET_OFFSET = 32;
    /** Offset of the first argument. */
    public static final int ARG0_OFFSET = 40;
    /** Offset of the second argument. */
    public static final int ARG1_OFFSET = 48;
    /** Length of the header; the payload starts here. */
    public static final int HEADER_LENGTH = 56;

    /** Join: nonce and heap descriptor. */
    public static final byte HELLO = 1;
    /** Join: proof of the secret over the receiver's nonce. */
    public static final byte PROOF = 2;
    /** Join: the receiver verified the sender's proof and will serve it. */
    public static final byte ACCEPT = 3;
    /** Liveness. */
    public static final byte HEARTBEAT = 4;
    /** The sender leaves the cluster. */
    public static final byte LEAVE = 5;
    /** One-sided read request. */
    public static final byte READ = 6;
    /** One-sided write request, or one chunk of it. */
    public static final byte WRITE = 7;
    /** One-sided compare-and-swap request. */
    public static final byte COMPARE_AND_SWAP = 8;
    /** One-sided fetch-and-add request. */
    public static final byte FETCH_ADD = 9;
    /** Response to a one-sided request, or one chunk of a read's bytes. */
    public static final byte RESPONSE = 10;
    /** Two-sided control message. */
    public static final byte MESSAGE = 11;
    /** Join: the sender could not verify the receiver's PROOF (unauthenticated; see {@link AeronTransport}). */
    public static final byte REFUSE = 12;
    /** One-sided indirect read request: a word, and the range it points to when it is not the expected one. */
    public static final byte READ_INDIRECT = 13;
    /** Largest type. */
    public static final byte MAX_TYPE = READ_INDIRECT;

    /** Arg 0 of a {@link #READ} whose responder checks the range's first word, a sequence, before and after it. */
    public static final long READ_VALIDATED = 1;

    /** Status of a successful response. */
    public static final short STATUS_OK = 0;
    /** Status of a response to a request the heap rejected; the payload is the message. */
    public static final short STATUS_REMOTE_ACCESS_ERROR = 1;

    /** Reason of a {@link #REFUSE}: the receiver's PROOF did not match the sender's cluster secret. */
    public static final long REFUSE_PROOF_MISMATCH = 1;

    /** Length of a join nonce in bytes. */
    public static final int NONCE_LENGTH = 16;
    /** Length of an HMAC-SHA256 proof in bytes. */
    public static final int PROOF_LENGTH = ClusterSecretProof.PROOF_LENGTH;
    /** Length of the payload of a {@link #PROOF}: the proof, then the nonce it was computed over. */
    public static final int PROOF_PAYLOAD_LENGTH = PROOF_LENGTH + NONCE_LENGTH;

    private AeronFrameDescriptor()
    {
    }

    /**
     * Name of a frame type for messages.
     *
     * @param type of a frame.
     * @return its name, or {@code unknown(n)}.
     */
    public static String typeName(final int type)
    {
        switch (type)
        {
            case HELLO:
                return "HELLO";
            case PROOF:
                return "PROOF";
            case ACCEPT:
                return "ACCEPT";
            case HEARTBEAT:
                return "HEARTBEAT";
            case LEAVE:
                return "LEAVE";
            case READ:
                return "READ";
            case WRITE:
                return "WRITE";
            case COMPARE_AND_SWAP:
                return "COMPARE_AND_SWAP";
            case FETCH_ADD:
                return "FETCH_ADD";
            case RESPONSE:
                return "RESPONSE";
            case MESSAGE:
                return "MESSAGE";
            case REFUSE:
                return "REFUSE";
            case READ_INDIRECT:
                return "READ_INDIRECT";
            default:
                return "unknown(" + type + ")";
        }
    }
}
