package org.jdsm.transport.aeron;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

import static org.jdsm.transport.aeron.AeronFrameDescriptor.ARG0_OFFSET;
import static org.jdsm.transport.aeron.AeronFrameDescriptor.ARG1_OFFSET;
import static org.jdsm.transport.aeron.AeronFrameDescriptor.CHUNK_OFFSET_OFFSET;
import static org.jdsm.transport.aeron.AeronFrameDescriptor.CORRELATION_ID_OFFSET;
import static org.jdsm.transport.aeron.AeronFrameDescriptor.CURRENT_VERSION;
import static org.jdsm.transport.aeron.AeronFrameDescriptor.LENGTH_OFFSET;
import static org.jdsm.transport.aeron.AeronFrameDescriptor.OFFSET_OFFSET;
import static org.jdsm.transport.aeron.AeronFrameDescriptor.SOURCE_OFFSET;
import static org.jdsm.transport.aeron.AeronFrameDescriptor.STATUS_OFFSET;
import static org.jdsm.transport.aeron.AeronFrameDescriptor.TARGET_OFFSET;
import static org.jdsm.transport.aeron.AeronFrameDescriptor.TYPE_OFFSET;
import static org.jdsm.transport.aeron.AeronFrameDescriptor.VERSION_OFFSET;

/**
 * Flyweight over the header of a frame laid out as {@link AeronFrameDescriptor} describes. Getters read from the wrapped
 * {@link DirectBuffer}; setters need a {@link MutableDirectBuffer} and return this.
 * <p>
 * <b>Note:</b> not threadsafe; each thread uses its own instance.
 */
public final class AeronFrameFlyweight
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /**
     * Wrap a frame for reading.
     *
     * @param buffer holding the frame.
     * @param offset at which the frame starts.
     * @return this for a fluent API.
     */
    public AeronFrameFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        return this;
    }

    /**
     * Wrap a frame for writing.
     *
     * @param buffer holding the frame.
     * @param offset at which the frame starts.
     * @return this for a fluent API.
     */
    public AeronFrameFlyweight wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * Write a header with the current version and every other field zero but type, source and target.
     *
     * @param type   of the frame.
     * @param source node id.
     * @param target node id.
     * @return this for a fluent API.
     */
    public AeronFrameFlyweight header(final byte type, final int source, final int target)
    {
        mutableBuffer.setMemory(offset, AeronFrameDescriptor.HEADER_LENGTH, (byte)0);
        mutableBuffer.putByte(offset + VERSION_OFFSET, CURRENT_VERSION);
        mutableBuffer.putByte(offset + TYPE_OFFSET, type);
        mutableBuffer.putInt(offset + SOURCE_OFFSET, source, ORDER);
        mutableBuffer.putInt(offset + TARGET_OFFSET, target, ORDER);
        return this;
    }

    /**
     * @return the version.
     */
    public byte version()
    {
        return buffer.getByte(offset + VERSION_OFFSET);
    }

    /**
     * @return the type.
     */
    public byte type()
    {
        return buffer.getByte(offset + TYPE_OFFSET);
    }

    /**
     * @return the status of a response.
     */
    public short status()
    {
        return buffer.getShort(offset + STATUS_OFFSET, ORDER);
    }

    /**
     * @param status of a response.
     * @return this for a fluent API.
     */
    public AeronFrameFlyweight status(final short status)
    {
        mutableBuffer.putShort(offset + STATUS_OFFSET, status, ORDER);
        return this;
    }

    /**
     * @return the source node id.
     */
    public int source()
    {
        return buffer.getInt(offset + SOURCE_OFFSET, ORDER);
    }

    /**
     * @return the target node id.
     */
    public int target()
    {
        return buffer.getInt(offset + TARGET_OFFSET, ORDER);
    }

    /**
     * @return the length of the whole operation or message.
     */
    public int length()
    {
        return buffer.getInt(offset + LENGTH_OFFSET, ORDER);
    }

    /**
     * @param length of the whole operation or message.
     * @return this for a fluent API.
     */
    public AeronFrameFlyweight length(final int length)
    {
        mutableBuffer.putInt(offset + LENGTH_OFFSET, length, ORDER);
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
     * @param correlationId of the operation.
     * @return this for a fluent API.
     */
    public AeronFrameFlyweight correlationId(final long correlationId)
    {
        mutableBuffer.putLong(offset + CORRELATION_ID_OFFSET, correlationId, ORDER);
        return this;
    }

    /**
     * @return the heap offset.
     */
    public long heapOffset()
    {
        return buffer.getLong(offset + OFFSET_OFFSET, ORDER);
    }

    /**
     * @param heapOffset of the operation.
     * @return this for a fluent API.
     */
    public AeronFrameFlyweight heapOffset(final long heapOffset)
    {
        mutableBuffer.putLong(offset + OFFSET_OFFSET, heapOffset, ORDER);
        return this;
    }

    /**
     * @return the offset of this frame's payload in the operation's bytes.
     */
    public int chunkOffset()
    {
        return buffer.getInt(offset + CHUNK_OFFSET_OFFSET, ORDER);
    }

    /**
     * @param chunkOffset of this frame's payload in the operation's bytes.
     * @return this for a fluent API.
     */
    public AeronFrameFlyweight chunkOffset(final int chunkOffset)
    {
        mutableBuffer.putInt(offset + CHUNK_OFFSET_OFFSET, chunkOffset, ORDER);
        return this;
    }

    /**
     * @return the first argument.
     */
    public long arg0()
    {
        return buffer.getLong(offset + ARG0_OFFSET, ORDER);
    }

    /**
     * @param value of the first argument.
     * @return this for a fluent API.
     */
    public AeronFrameFlyweight arg0(final long value)
    {
        mutableBuffer.putLong(offset + ARG0_OFFSET, value, ORDER);
        return this;
    }

    /**
     * @return the second argument.
     */
    public long arg1()
    {
        return buffer.getLong(offset + ARG1_OFFSET, ORDER);
    }

    /**
     * @param value of the second argument.
     * @return this for a fluent API.
     */
    public AeronFrameFlyweight arg1(final long value)
    {
        mutableBuffer.putLong(offset + ARG1_OFFSET, value, ORDER);
        return this;
    }
}
