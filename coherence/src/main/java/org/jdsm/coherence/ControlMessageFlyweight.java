package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

import static org.jdsm.coherence.ControlMessageDescriptor.BODY_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.CORRELATION_ID_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.TYPE_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.VALUE_OFFSET;

/**
 * Flyweight over one control message laid out as {@link ControlMessageDescriptor} says, little-endian whatever the
 * platform's order. Wrap a buffer at an offset, then get or put the header fields; setters return {@code this}.
 * <p>
 * <b>Note:</b> not threadsafe: one instance per thread or per message.
 */
final class ControlMessageFlyweight
{
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private MutableDirectBuffer mutableBuffer;
    private DirectBuffer buffer;
    private int offset;

    /**
     * Wrap a message to write.
     *
     * @param buffer holding the message.
     * @param offset of its first byte.
     * @return this.
     */
    ControlMessageFlyweight wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.mutableBuffer = buffer;
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * Wrap a received message to read.
     *
     * @param buffer holding the message.
     * @param offset of its first byte.
     * @return this.
     */
    ControlMessageFlyweight wrapForRead(final DirectBuffer buffer, final int offset)
    {
        this.mutableBuffer = null;
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    int type()
    {
        return buffer.getInt(offset + TYPE_OFFSET, ORDER);
    }

    ControlMessageFlyweight type(final int type)
    {
        mutableBuffer.putInt(offset + TYPE_OFFSET, type, ORDER);
        return this;
    }

    long correlationId()
    {
        return buffer.getLong(offset + CORRELATION_ID_OFFSET, ORDER);
    }

    ControlMessageFlyweight correlationId(final long correlationId)
    {
        mutableBuffer.putLong(offset + CORRELATION_ID_OFFSET, correlationId, ORDER);
        return this;
    }

    long value()
    {
        return buffer.getLong(offset + VALUE_OFFSET, ORDER);
    }

    ControlMessageFlyweight value(final long value)
    {
        mutableBuffer.putLong(offset + VALUE_OFFSET, value, ORDER);
        return this;
    }

    /**
     * @return offset in the buffer of the message's body.
     */
    int bodyOffset()
    {
        return offset + BODY_OFFSET;
    }
}
