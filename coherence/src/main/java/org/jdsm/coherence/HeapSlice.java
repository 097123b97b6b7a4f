package org.jdsm.coherence;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.RemoteAccessException;
import org.jdsm.spi.HeapRegion;

import java.nio.ByteBuffer;

/**
 * One node's slice of the global heap, off-heap and segmented: each segment is one direct buffer of at most
 * {@link #MAX_SEGMENT_LENGTH} bytes, so a slice may exceed 2 GiB. No block crosses a segment.
 * <p>
 * Owned by its node's {@link EngineHeap}; registered with the transport as the node's {@link HeapRegion}.
 * <p>
 * <b>Note:</b> threadsafe; the bounds of every access are checked.
 */
public final class HeapSlice implements HeapRegion
{
    /** Largest segment: 1 GiB, {@link org.jdsm.DsmConfig#REGION_SEGMENT_LENGTH}. */
    public static final int MAX_SEGMENT_LENGTH = org.jdsm.DsmConfig.REGION_SEGMENT_LENGTH;

    private final long capacity;
    private final int segmentShift;
    private final long segmentMask;
    private final UnsafeBuffer[] segments;
    private int pointerNodeId = -1;

    /**
     * @param capacity of the slice in bytes, a multiple of {@link BlockDescriptor#ALIGNMENT}.
     */
    public HeapSlice(final long capacity)
    {
        this(capacity, MAX_SEGMENT_LENGTH);
    }

    /**
     * @param capacity      of the slice in bytes, a multiple of {@link BlockDescriptor#ALIGNMENT}.
     * @param segmentLength length of each segment, a power of two.
     */
    public HeapSlice(final long capacity, final int segmentLength)
    {
        if (capacity <= 0 || (capacity & (BlockDescriptor.ALIGNMENT - 1)) != 0)
        {
            throw new IllegalArgumentException("capacity=" + capacity + " must be > 0 and a multiple of 8");
        }
        if (Integer.bitCount(segmentLength) != 1)
        {
            throw new IllegalArgumentException("segmentLength=" + segmentLength + " must be a power of two");
        }

        final int length = (int)Math.min(capacity, segmentLength);
        this.capacity = capacity;
        this.segmentShift = Integer.numberOfTrailingZeros(segmentLength);
        this.segmentMask = segmentLength - 1;
        final int count = (int)((capacity + segmentLength - 1) >>> segmentShift);
        // one empty segment past the last: an empty range may end the slice (offset == capacity), and when the
        // capacity fills the last segment such a range's segment index is one past it
        this.segments = new UnsafeBuffer[count + 1];
        for (int i = 0; i < count; i++)
        {
            final long remaining = capacity - ((long)i << segmentShift);
            final int segmentCapacity = (int)Math.min(remaining, length);
            final ByteBuffer byteBuffer = BufferUtil.allocateDirectAligned(segmentCapacity, 64);
            segments[i] = new UnsafeBuffer(byteBuffer);
        }
        segments[count] = new UnsafeBuffer(new byte[0]);
    }

    /**
     * {@inheritDoc}
     */
    public long capacity()
    {
        return capacity;
    }

    /**
     * Make the words of this slice that name blocks of a node point into it for indirect reads
     * ({@link #indirectOffset}): called once, by the node owning the slice, before the slice is registered.
     *
     * @param nodeId whose blocks this slice holds.
     * @return this.
     */
    public HeapSlice pointsToBlocksOf(final int nodeId)
    {
        this.pointerNodeId = nodeId;
        return this;
    }

    /**
     * {@inheritDoc}
     * <p>
     * A word that names a block of the node this slice holds ({@link #pointsToBlocksOf}; a {@link GlobalAddress},
     * flags in its 3 low bits as a cell's word has them) points to the block's header; no other word points here.
     */
    public long indirectOffset(final long word)
    {
        final long address = word & ~(BlockDescriptor.ALIGNMENT - 1);
        if (pointerNodeId < 0 || GlobalAddress.NULL == address || GlobalAddress.nodeId(address) != pointerNodeId)
        {
            return -1;
        }

        return GlobalAddress.offset(address);
    }

    /**
     * Length of each segment but perhaps the last.
     *
     * @return the segment length.
     */
    public long segmentLength()
    {
        return segmentMask + 1;
    }

    /**
     * {@inheritDoc}
     */
    public ByteBuffer[] segments()
    {
        final ByteBuffer[] buffers = new ByteBuffer[segments.length - 1];
        for (int i = 0; i < buffers.length; i++)
        {
            buffers[i] = segments[i].byteBuffer();
        }

        return buffers;
    }

    /**
     * Point a view at a range of the slice, without copying.
     *
     * @param view   to point.
     * @param offset in the slice.
     * @param length of the range.
     */
    public void wrap(final UnsafeBuffer view, final long offset, final int length)
    {
        checkBounds("wrap", offset, length);
        view.wrap(segments[(int)(offset >>> segmentShift)], (int)(offset & segmentMask), length);
    }

    /**
     * The segment holding an offset, for direct access by the owner.
     *
     * @param offset in the slice.
     * @return the segment buffer.
     */
    public UnsafeBuffer segment(final long offset)
    {
        return segments[(int)(offset >>> segmentShift)];
    }

    /**
     * The index within its segment of an offset.
     *
     * @param offset in the slice.
     * @return the index in {@link #segment(long)}.
     */
    public int indexInSegment(final long offset)
    {
        return (int)(offset & segmentMask);
    }

    /**
     * Read an 8-byte aligned word with acquire semantics.
     *
     * @param offset of the word.
     * @return its value.
     */
    public long getLongAcquire(final long offset)
    {
        checkWord("getLongAcquire", offset);
        return segments[(int)(offset >>> segmentShift)].getLongAcquire((int)(offset & segmentMask));
    }

    /**
     * Read an 8-byte aligned word with volatile semantics: linearizable with {@link #compareAndSwapLong} and
     * {@link #getAndAddLong} on the same word (the three are in one synchronization order).
     *
     * @param offset of the word.
     * @return its value.
     */
    public long getLongVolatile(final long offset)
    {
        checkWord("getLongVolatile", offset);
        return segments[(int)(offset >>> segmentShift)].getLongVolatile((int)(offset & segmentMask));
    }

    /**
     * Write an 8-byte aligned word with release semantics.
     *
     * @param offset of the word.
     * @param value  to write.
     */
    public void putLongRelease(final long offset, final long value)
    {
        checkWord("putLongRelease", offset);
        segments[(int)(offset >>> segmentShift)].putLongRelease((int)(offset & segmentMask), value);
    }

    /**
     * {@inheritDoc}
     */
    public void getBytes(final long offset, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        checkBounds("read", offset, length);
        segments[(int)(offset >>> segmentShift)].getBytes((int)(offset & segmentMask), dst, dstOffset, length);
    }

    /**
     * {@inheritDoc}
     */
    public void putBytes(final long offset, final DirectBuffer src, final int srcOffset, final int length)
    {
        checkBounds("write", offset, length);
        segments[(int)(offset >>> segmentShift)].putBytes((int)(offset & segmentMask), src, srcOffset, length);
    }

    /**
     * {@inheritDoc}
     */
    public long compareAndSwapLong(final long offset, final long expected, final long update)
    {
        checkWord("compareAndSwap", offset);
        final UnsafeBuffer segment = segments[(int)(offset >>> segmentShift)];
        final int index = (int)(offset & segmentMask);
        while (true)
        {
            final long witness = segment.getLongVolatile(index);
            if (witness != expected)
            {
                return witness;
            }
            if (segment.compareAndSetLong(index, expected, update))
            {
                return expected;
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public long getAndAddLong(final long offset, final long delta)
    {
        checkWord("fetchAdd", offset);
        return segments[(int)(offset >>> segmentShift)].getAndAddLong((int)(offset & segmentMask), delta);
    }

    private void checkWord(final String operation, final long offset)
    {
        if ((offset & 7) != 0)
        {
            throw new RemoteAccessException(
                operation + " offset=" + offset + " is not 8-byte aligned");
        }
        checkBounds(operation, offset, 8);
    }

    private void checkBounds(final String operation, final long offset, final int length)
    {
        if (offset < 0 || length < 0 || offset + length > capacity ||
            (offset >>> segmentShift) != ((offset + Math.max(length, 1) - 1) >>> segmentShift))
        {
            throw new RemoteAccessException(operation + " offset=" + offset + " length=" + length +
                " out of range of heap [0, " + capacity + ") in segments of " + (segmentMask + 1));
        }
    }
}
