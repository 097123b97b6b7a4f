package org.jdsm.transport.rdma;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

import static org.jdsm.transport.rdma.RdmaFrameDescriptor.*;

/**
 * Flyweight over a control frame laid out as {@link RdmaFrameDescriptor} describes.
 * <p>
 * Owned by one thread (the caller building a frame in its claimed send slot, or the poller decoding a receive
 * buffer); <b>Note:</b> not threadsafe.
 */
public final class RdmaFrameFlyweight
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private MutableDirectBuffer buffer;
    private int offset;

    /**
     * Point this flyweight at a frame.
     *
     * @param buffer holding the frame.
     * @param offset at which it starts.
     * @return this for a fluent API.
     */
    public RdmaFrameFlyweight wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * @return the buffer wrapped.
     */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the offset of the frame in {@link #buffer()}.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * Write a header with the current version and zeroed operands.
     *
     * @param type         of the frame.
     * @param sourceNodeId of the sender.
     * @param payloadLength in bytes.
     * @return this for a fluent API.
     */
    public RdmaFrameFlyweight header(final byte type, final int sourceNodeId, final int payloadLength)
    {
        buffer.putByte(offset + VERSION_OFFSET, CURRENT_VERSION);
        buffer.putByte(offset + TYPE_OFFSET, type);
        buffer.putShort(offset + FLAGS_OFFSET, (short)0, ORDER);
        buffer.putInt(offset + SOURCE_NODE_ID_OFFSET, sourceNodeId, ORDER);
        buffer.putInt(offset + FRAME_LENGTH_OFFSET, HEADER_LENGTH + payloadLength, ORDER);
        buffer.putInt(offset + STATUS_OFFSET, STATUS_OK, ORDER);
        buffer.putLong(offset + CORRELATION_ID_OFFSET, 0, ORDER);
        buffer.putLong(offset + HEAP_OFFSET_OFFSET, 0, ORDER);
        buffer.putLong(offset + OPERAND1_OFFSET, 0, ORDER);
        buffer.putLong(offset + OPERAND2_OFFSET, 0, ORDER);
        return this;
    }

    /**
     * Check a received frame before any field is trusted.
     *
     * @param receivedLength bytes the receive completion reported.
     * @return null when well formed, else why not.
     */
    public String validate(final int receivedLength)
    {
        if (receivedLength < HEADER_LENGTH)
        {
            return "frame of " + receivedLength + " bytes shorter than the header of " + HEADER_LENGTH;
        }
        if (version() != CURRENT_VERSION)
        {
            return "frame version=" + version() + " != " + CURRENT_VERSION;
        }
        if (frameLength() != receivedLength)
        {
            return "frame length=" + frameLength() + " != received " + receivedLength;
        }
        if (type() < TYPE_HELLO || type() > TYPE_BYE)
        {
            return "frame type=" + type() + " unknown";
        }
        return null;
    }

    /**
     * @return the layout version.
     */
    public byte version()
    {
        return buffer.getByte(offset + VERSION_OFFSET);
    }

    /**
     * @return the frame type, one of {@code RdmaFrameDescriptor.TYPE_*}.
     */
    public byte type()
    {
        return buffer.getByte(offset + TYPE_OFFSET);
    }

    /**
     * @return the sender's node id.
     */
    public int sourceNodeId()
    {
        return buffer.getInt(offset + SOURCE_NODE_ID_OFFSET, ORDER);
    }

    /**
     * @return header plus payload length.
     */
    public int frameLength()
    {
        return buffer.getInt(offset + FRAME_LENGTH_OFFSET, ORDER);
    }

    /**
     * @return the payload length.
     */
    public int payloadLength()
    {
        return frameLength() - HEADER_LENGTH;
    }

    /**
     * @return where the payload starts in {@link #buffer()}.
     */
    public int payloadOffset()
    {
        return offset + HEADER_LENGTH;
    }

    /**
     * @return the status of a response.
     */
    public int status()
    {
        return buffer.getInt(offset + STATUS_OFFSET, ORDER);
    }

    /**
     * @param status of a response.
     * @return this for a fluent API.
     */
    public RdmaFrameFlyweight status(final int status)
    {
        buffer.putInt(offset + STATUS_OFFSET, status, ORDER);
        return this;
    }

    /**
     * @return the correlation id.
     */
    public long correlationId()
    {
        return buffer.getLong(offset + CORRELATION_ID_OFFSET, ORDER);
    }

    /**
     * @param correlationId of the request, echoed in its response.
     * @return this for a fluent API.
     */
    public RdmaFrameFlyweight correlationId(final long correlationId)
    {
        buffer.putLong(offset + CORRELATION_ID_OFFSET, correlationId, ORDER);
        return this;
    }

    /**
     * @return the heap offset a request addresses.
     */
    public long heapOffset()
    {
        return buffer.getLong(offset + HEAP_OFFSET_OFFSET, ORDER);
    }

    /**
     * @param heapOffset a request addresses.
     * @return this for a fluent API.
     */
    public RdmaFrameFlyweight heapOffset(final long heapOffset)
    {
        buffer.putLong(offset + HEAP_OFFSET_OFFSET, heapOffset, ORDER);
        return this;
    }

    /**
     * @return operand 1: read length, expected value or delta.
     */
    public long operand1()
    {
        return buffer.getLong(offset + OPERAND1_OFFSET, ORDER);
    }

    /**
     * @param value read length, expected value or delta.
     * @return this for a fluent API.
     */
    public RdmaFrameFlyweight operand1(final long value)
    {
        buffer.putLong(offset + OPERAND1_OFFSET, value, ORDER);
        return this;
    }

    /**
     * @return operand 2: update value, or the result of an atomic in a response.
     */
    public long operand2()
    {
        return buffer.getLong(offset + OPERAND2_OFFSET, ORDER);
    }

    /**
     * @param value update value, or the result of an atomic in a response.
     * @return this for a fluent API.
     */
    public RdmaFrameFlyweight operand2(final long value)
    {
        buffer.putLong(offset + OPERAND2_OFFSET, value, ORDER);
        return this;
    }

    /**
     * Copy a payload after the header and set the frame length to match.
     *
     * @param src       holding the payload.
     * @param srcOffset in {@code src}.
     * @param length    of the payload.
     * @return this for a fluent API.
     */
    public RdmaFrameFlyweight payload(final DirectBuffer src, final int srcOffset, final int length)
    {
        buffer.putBytes(offset + HEADER_LENGTH, src, srcOffset, length);
        buffer.putInt(offset + FRAME_LENGTH_OFFSET, HEADER_LENGTH + length, ORDER);
        return this;
    }

    /**
     * Set the payload length after it has been written in place.
     *
     * @param length of the payload.
     * @return this for a fluent API.
     */
    public RdmaFrameFlyweight payloadLength(final int length)
    {
        buffer.putInt(offset + FRAME_LENGTH_OFFSET, HEADER_LENGTH + length, ORDER);
        return this;
    }
}
