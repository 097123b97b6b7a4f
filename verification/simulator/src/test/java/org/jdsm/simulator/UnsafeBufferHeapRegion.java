package org.jdsm.simulator;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.RemoteAccessException;
import org.jdsm.spi.HeapRegion;

/**
 * A bounds-checked {@link HeapRegion} over an aligned direct {@link UnsafeBuffer}, for tests.
 * <p>
 * <b>Note:</b> threadsafe as {@link HeapRegion} requires: atomics use the buffer's atomic operations.
 */
final class UnsafeBufferHeapRegion implements HeapRegion
{
    private final UnsafeBuffer buffer;

    UnsafeBufferHeapRegion(final int capacity)
    {
        buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity, 64));
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    public long capacity()
    {
        return buffer.capacity();
    }

    public void getBytes(final long offset, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        checkRange("read", offset, length);
        buffer.getBytes((int)offset, dst, dstOffset, length);
    }

    public void putBytes(final long offset, final DirectBuffer src, final int srcOffset, final int length)
    {
        checkRange("write", offset, length);
        buffer.putBytes((int)offset, src, srcOffset, length);
    }

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

    public long getAndAddLong(final long offset, final long delta)
    {
        checkWord("fetchAdd", offset);
        return buffer.getAndAddLong((int)offset, delta);
    }

    private void checkWord(final String operation, final long offset)
    {
        checkRange(operation, offset, Long.BYTES);
        if (0 != (offset & (Long.BYTES - 1)))
        {
            throw new RemoteAccessException(operation + " offset=" + offset + " not aligned to " + Long.BYTES);
        }
    }

    private void checkRange(final String operation, final long offset, final int length)
    {
        if (offset < 0 || length < 0 || offset + length > buffer.capacity())
        {
            throw new RemoteAccessException(operation + " offset=" + offset + " length=" + length +
                " out of range [0, " + buffer.capacity() + ")");
        }
    }
}
