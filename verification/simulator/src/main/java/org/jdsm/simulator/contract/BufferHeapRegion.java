package org.jdsm.simulator.contract;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.RemoteAccessException;
import org.jdsm.spi.HeapRegion;

/**
 * A bounds-checked {@link HeapRegion} over a zeroed, 64-byte aligned direct buffer, the heap every node under the
 * {@link TransportContract} serves. Its rejections are the messages the contract expects verbatim at the caller:
 * <ul>
 *     <li>{@code "<op> offset=<o> length=<n> out of range [0, <capacity>)"} for a range outside the region;</li>
 *     <li>{@code "<op> offset=<o> not aligned to 8"} for a misaligned atomic;</li>
 * </ul>
 * where {@code <op>} is {@code read}, {@code write}, {@code compareAndSwap} or {@code fetchAdd}.
 * <p>
 * <b>Note:</b> threadsafe as {@link HeapRegion} requires: atomics use the buffer's atomic operations.
 */
public final class BufferHeapRegion implements HeapRegion
{
    private final UnsafeBuffer buffer;

    /**
     * @param capacity of the region in bytes.
     */
    public BufferHeapRegion(final int capacity)
    {
        buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity, 64));
    }

    /**
     * The bytes of the region, for a test to inspect or prepare its own node's heap directly.
     *
     * @return the buffer.
     */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * The message this region rejects an out-of-range access with.
     *
     * @param operation {@code read}, {@code write}, {@code compareAndSwap} or {@code fetchAdd}.
     * @param offset    asked for.
     * @param length    asked for.
     * @param capacity  of the region.
     * @return the message.
     */
    public static String outOfRangeMessage(final String operation, final long offset, final long length,
        final long capacity)
    {
        return operation + " offset=" + offset + " length=" + length + " out of range [0, " + capacity + ")";
    }

    /**
     * The message this region rejects a misaligned atomic with.
     *
     * @param operation {@code compareAndSwap} or {@code fetchAdd}.
     * @param offset    asked for.
     * @return the message.
     */
    public static String misalignedMessage(final String operation, final long offset)
    {
        return operation + " offset=" + offset + " not aligned to " + Long.BYTES;
    }

    /**
     * {@inheritDoc}
     */
    public long capacity()
    {
        return buffer.capacity();
    }

    /**
     * {@inheritDoc}
     */
    public void getBytes(final long offset, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        checkRange("read", offset, length);
        buffer.getBytes((int)offset, dst, dstOffset, length);
    }

    /**
     * {@inheritDoc}
     */
    public void putBytes(final long offset, final DirectBuffer src, final int srcOffset, final int length)
    {
        checkRange("write", offset, length);
        buffer.putBytes((int)offset, src, srcOffset, length);
    }

    /**
     * {@inheritDoc}
     */
    public long compareAndSwapLong(final long offset, final long expected, final long update)
    {
        checkWord("compareAndSwap", offset);
        final int index = (int)offset;
        while (true)
        {
            final long current = buffer.getLongVolatile(index);
            if (current != expected)
            {
                return current;
            }
            if (buffer.compareAndSetLong(index, expected, update))
            {
                return expected;
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public long getLongVolatile(final long offset)
    {
        checkWord("getLongVolatile", offset);
        return buffer.getLongVolatile((int)offset);
    }

    /**
     * {@inheritDoc}
     */
    public long getAndAddLong(final long offset, final long delta)
    {
        checkWord("fetchAdd", offset);
        return buffer.getAndAddLong((int)offset, delta);
    }

    /**
     * {@inheritDoc}
     * <p>
     * A word is a raw pointer, as PRISM's: one that is a multiple of 8 in {@code [0, capacity)} points to that
     * offset; any other word (negative, misaligned, or at or past the capacity) points nowhere.
     *
     * @return the word, or -1.
     */
    public long indirectOffset(final long word)
    {
        return 0 == (word & (Long.BYTES - 1)) && word >= 0 && word < buffer.capacity() ? word : -1;
    }

    private void checkWord(final String operation, final long offset)
    {
        checkRange(operation, offset, Long.BYTES);
        if (0 != (offset & (Long.BYTES - 1)))
        {
            throw new RemoteAccessException(misalignedMessage(operation, offset));
        }
    }

    private void checkRange(final String operation, final long offset, final int length)
    {
        if (offset < 0 || length < 0 || offset > buffer.capacity() - length)
        {
            throw new RemoteAccessException(outOfRangeMessage(operation, offset, length, buffer.capacity()));
        }
    }
}
