package org.jdsm.transport.aeron;

import org.agrona.ExpandableArrayBuffer;

/**
 * A frame the duty-cycle thread could not offer at once because the publication was back-pressured, or a large
 * read response sent chunk by chunk as the publication accepts them.
 * <p>
 * <b>Note:</b> owned by the duty-cycle thread, pooled by the {@link FrameSender}.
 */
final class Outbound
{
    /** A whole frame copied into {@link #frame}. */
    static final int FRAME = 1;
    /** A read response: chunks read from the heap when sent. */
    static final int READ_TRANSFER = 2;

    final ExpandableArrayBuffer frame = new ExpandableArrayBuffer(256);
    int kind;
    int frameLength;
    long correlationId;
    long heapOffset;
    int length;
    int position;
}
