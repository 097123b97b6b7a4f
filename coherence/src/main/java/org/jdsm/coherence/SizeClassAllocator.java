package org.jdsm.coherence;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

import static org.jdsm.coherence.BlockDescriptor.HEADER_LENGTH;
import static org.jdsm.coherence.BlockDescriptor.STATE_FREE;
import static org.jdsm.coherence.BlockDescriptor.STATE_LIVE;
import static org.jdsm.coherence.BlockDescriptor.STATE_RETIRED;

/**
 * Size-class allocator over a {@link HeapSlice}: blocks are carved from the slice by a bump pointer and recycled
 * through one free list per size class. Classes step by quarters of a power of two, so at most 25% of a block is
 * slack. Blocks never split or merge, so block starts are recorded once in a bitmap and every free or colour
 * change of an offset that is not a block start is rejected, never applied.
 * <p>
 * Freeing advances the block's colour, so no address of the old object names the new one; a block whose colour
 * reaches {@link GlobalAddress#MAX_COLOUR} is retired.
 * <p>
 * <b>Note:</b> threadsafe: bump allocation is lock-free, each free list has its own lock.
 */
public final class SizeClassAllocator
{
    /** Returned by {@link #allocate(int)} when the slice has no block for the size. */
    public static final long NO_SPACE = -1;
    /** {@link #free} succeeded. */
    public static final int FREED = 0;
    /** The offset is not the start of a block. */
    public static final int NOT_A_BLOCK = -1;
    /** The block does not hold a live object. */
    public static final int NOT_LIVE = -2;
    /** The address names an earlier colour of the block. */
    public static final int STALE_COLOUR = -3;
    /** Returned by {@link #bumpColour} when the colour would overflow; the caller must move the object. */
    public static final int COLOUR_OVERFLOW = -4;
    /** Offset of the first block: offset 0 is never an object. */
    public static final long FIRST_BLOCK_OFFSET = 64;

    private static final VarHandle BITMAP = MethodHandles.arrayElementVarHandle(long[].class);

    private final HeapSlice slice;
    private final int[] classSizes;
    private final long[] freeHeads;
    private final Object[] classLocks;
    private final long[] blockStarts;
    private final AtomicLong top = new AtomicLong(FIRST_BLOCK_OFFSET);
    private final AtomicLong usedBytes = new AtomicLong();
    private final int maxPayloadLength;
    private final long limit;
    private final HeaderMirror headerMirror;

    /**
     * Told of the header words this allocator changes that must reach a backup of the slice before the change is
     * used: a free (before the block goes back to a free list, so no later allocation of it is overtaken by the
     * free's copy) and an allocation made with {@link #allocate(int)} (a peer's, before its address is answered).
     * Not told of an allocation made with {@link #allocateUnmirrored(int)} nor of a colour bump: their headers are
     * copied with the block's bytes, in one range, before the block is published (the block's first write, or the
     * release of the exclusive borrow the bump was for).
     */
    @FunctionalInterface
    interface HeaderMirror
    {
        /**
         * @param offset of the block header that changed.
         */
        void onHeaderChanged(long offset);
    }

    /**
     * @param slice            to allocate from, all of it; owned by the caller.
     * @param maxPayloadLength largest object.
     */
    public SizeClassAllocator(final HeapSlice slice, final int maxPayloadLength)
    {
        this(slice, maxPayloadLength, slice.capacity(), null);
    }

    /**
     * @param slice            to allocate from; owned by the caller.
     * @param maxPayloadLength largest object.
     * @param limit            end of the part of the slice blocks are carved from (the rest holds backups).
     * @param headerMirror     told of every header change, or null.
     */
    SizeClassAllocator(
        final HeapSlice slice, final int maxPayloadLength, final long limit, final HeaderMirror headerMirror)
    {
        if (limit <= 0 || limit > slice.capacity())
        {
            throw new IllegalArgumentException("limit=" + limit + " not in (0, capacity=" + slice.capacity() + "]");
        }
        this.limit = limit;
        this.headerMirror = headerMirror;
        if (maxPayloadLength + HEADER_LENGTH > slice.segmentLength())
        {
            throw new IllegalArgumentException("maxPayloadLength=" + maxPayloadLength + " exceeds segment length " +
                slice.segmentLength());
        }
        this.slice = slice;
        this.maxPayloadLength = maxPayloadLength;
        this.classSizes = classSizes(maxPayloadLength + HEADER_LENGTH);
        this.freeHeads = new long[classSizes.length];
        this.classLocks = new Object[classSizes.length];
        for (int i = 0; i < classLocks.length; i++)
        {
            classLocks[i] = new Object();
        }
        this.blockStarts = new long[(int)((limit / BlockDescriptor.ALIGNMENT + 63) / 64)];
    }

    static int[] classSizes(final int largestBlock)
    {
        final int[] sizes = new int[128];
        int count = 0;
        sizes[count++] = 16;
        sizes[count++] = 24;
        for (long base = 32; sizes[count - 1] < largestBlock; base <<= 1)
        {
            for (int quarter = 4; quarter < 8 && sizes[count - 1] < largestBlock; quarter++)
            {
                sizes[count++] = (int)Math.min(base * quarter / 4, Integer.MAX_VALUE & ~7);
            }
        }

        return java.util.Arrays.copyOf(sizes, count);
    }

    /**
     * The size class that holds a payload.
     *
     * @param payloadLength in bytes.
     * @return the class index.
     */
    public int sizeClass(final int payloadLength)
    {
        return classOf(classSizes, payloadLength + HEADER_LENGTH);
    }

    /**
     * The smallest class whose blocks hold a block length.
     *
     * @param classSizes  ascending block lengths, from {@link #classSizes(int)}.
     * @param blockLength in bytes, header included, at most the last class's.
     * @return the class index.
     */
    static int classOf(final int[] classSizes, final int blockLength)
    {
        int low = 0;
        int high = classSizes.length - 1;
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (classSizes[mid] < blockLength)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    /**
     * Largest payload a block of a class holds.
     *
     * @param sizeClass index.
     * @return capacity in bytes.
     */
    public int payloadCapacity(final int sizeClass)
    {
        return classSizes[sizeClass] - HEADER_LENGTH;
    }

    /**
     * Largest object.
     *
     * @return the limit in bytes.
     */
    public int maxPayloadLength()
    {
        return maxPayloadLength;
    }

    /**
     * Allocate a block and mark it live with the payload length.
     *
     * @param payloadLength in bytes, in [0, {@link #maxPayloadLength()}].
     * @return offset of the block header, or {@link #NO_SPACE}.
     */
    public long allocate(final int payloadLength)
    {
        return allocate(payloadLength, true);
    }

    /**
     * Allocate a block for this node's own use and mark it live, without telling the {@link HeaderMirror}: the caller
     * copies the header to the backups together with the block's first bytes, before the address is published.
     *
     * @param payloadLength in bytes, in [0, {@link #maxPayloadLength()}].
     * @return offset of the block header, or {@link #NO_SPACE}.
     */
    long allocateUnmirrored(final int payloadLength)
    {
        return allocate(payloadLength, false);
    }

    private long allocate(final int payloadLength, final boolean mirrorHeader)
    {
        if (payloadLength < 0 || payloadLength > maxPayloadLength)
        {
            throw new IllegalArgumentException(
                "payloadLength=" + payloadLength + " not in [0, maxObjectSize=" + maxPayloadLength + "]");
        }

        final int sizeClass = sizeClass(payloadLength);
        long offset = popFree(sizeClass);
        int colour = 0;
        if (NO_SPACE != offset)
        {
            colour = BlockDescriptor.colour(slice.getLongAcquire(offset));
        }
        else
        {
            offset = bump(classSizes[sizeClass]);
            if (NO_SPACE == offset)
            {
                return NO_SPACE;
            }
            markBlockStart(offset);
        }

        usedBytes.addAndGet(classSizes[sizeClass]);
        // release: a reader that acquires the header sees the block as this allocation left it
        slice.putLongRelease(offset, BlockDescriptor.header(colour, sizeClass, STATE_LIVE, payloadLength));
        if (mirrorHeader && null != headerMirror)
        {
            headerMirror.onHeaderChanged(offset);
        }

        return offset;
    }

    /**
     * Free a live block, advancing its colour.
     *
     * @param offset of the block header.
     * @param colour the address being freed names.
     * @return {@link #FREED}, {@link #NOT_A_BLOCK}, {@link #NOT_LIVE} or {@link #STALE_COLOUR}.
     */
    public int free(final long offset, final int colour)
    {
        if (!isBlockStart(offset))
        {
            return NOT_A_BLOCK;
        }

        while (true)
        {
            final long header = slice.getLongAcquire(offset);
            final int status = checkLive(header, colour);
            if (status < 0)
            {
                return status;
            }

            final int sizeClass = BlockDescriptor.sizeClass(header);
            final int nextColour = colour + 1;
            final boolean retire = nextColour >= GlobalAddress.MAX_COLOUR;
            final long freed = BlockDescriptor.header(
                nextColour, sizeClass, retire ? STATE_RETIRED : STATE_FREE, 0);
            if (slice.compareAndSwapLong(offset, header, freed) == header)
            {
                usedBytes.addAndGet(-classSizes[sizeClass]);
                if (null != headerMirror)
                {
                    headerMirror.onHeaderChanged(offset);
                }
                if (!retire)
                {
                    pushFree(sizeClass, offset);
                }
                return FREED;
            }
        }
    }

    /**
     * Advance the colour of a live block for an exclusive borrow.
     *
     * @param offset of the block header.
     * @param colour the owner's address names.
     * @return the new colour, or {@link #COLOUR_OVERFLOW}, {@link #NOT_A_BLOCK}, {@link #NOT_LIVE},
     * {@link #STALE_COLOUR}.
     */
    public int bumpColour(final long offset, final int colour)
    {
        if (!isBlockStart(offset))
        {
            return NOT_A_BLOCK;
        }

        while (true)
        {
            final long header = slice.getLongAcquire(offset);
            final int status = checkLive(header, colour);
            if (status < 0)
            {
                return status;
            }
            if (colour + 1 >= GlobalAddress.MAX_COLOUR)
            {
                return COLOUR_OVERFLOW;
            }
            if (slice.compareAndSwapLong(offset, header, BlockDescriptor.withColour(header, colour + 1)) == header)
            {
                // not mirrored: the new colour is published with the block's bytes at the borrow's release
                return colour + 1;
            }
        }
    }

    /**
     * Check that an address names a live block of this slice, and read its payload length.
     *
     * @param offset of the block header.
     * @param colour the address names.
     * @return the payload length, or a negative status: {@link #NOT_A_BLOCK}, {@link #NOT_LIVE},
     * {@link #STALE_COLOUR}.
     */
    public int liveLength(final long offset, final int colour)
    {
        if (!isBlockStart(offset))
        {
            return NOT_A_BLOCK;
        }
        final long header = slice.getLongAcquire(offset);
        final int status = checkLive(header, colour);

        return status < 0 ? status : BlockDescriptor.length(header);
    }

    private static int checkLive(final long header, final int colour)
    {
        if (BlockDescriptor.state(header) != STATE_LIVE)
        {
            return NOT_LIVE;
        }
        if (BlockDescriptor.colour(header) != colour)
        {
            return STALE_COLOUR;
        }

        return 0;
    }

    /**
     * Whether an offset is the start of a block ever allocated.
     *
     * @param offset in the slice.
     * @return true if a block starts there.
     */
    public boolean isBlockStart(final long offset)
    {
        if (offset < FIRST_BLOCK_OFFSET || offset >= top.get() || (offset & (BlockDescriptor.ALIGNMENT - 1)) != 0)
        {
            return false;
        }
        final long bit = offset / BlockDescriptor.ALIGNMENT;

        return ((long)BITMAP.getAcquire(blockStarts, (int)(bit >>> 6)) & (1L << (bit & 63))) != 0;
    }

    /**
     * Bytes held by live blocks, counting their slack.
     *
     * @return bytes in use.
     */
    public long usedBytes()
    {
        return usedBytes.get();
    }

    /**
     * Bytes not held by live blocks: never carved, or on a free list.
     *
     * @return free bytes.
     */
    public long freeBytes()
    {
        return limit - FIRST_BLOCK_OFFSET - usedBytes.get();
    }

    /**
     * The slice allocated from.
     *
     * @return the slice.
     */
    public HeapSlice slice()
    {
        return slice;
    }

    private void markBlockStart(final long offset)
    {
        final long bit = offset / BlockDescriptor.ALIGNMENT;
        // release: pairs with the acquire in isBlockStart
        BITMAP.getAndBitwiseOrRelease(blockStarts, (int)(bit >>> 6), 1L << (bit & 63));
    }

    private long bump(final int blockLength)
    {
        final long segmentLength = slice.segmentLength();
        while (true)
        {
            final long current = top.get();
            long start = current;
            if ((start & (segmentLength - 1)) + blockLength > segmentLength)
            {
                start = (start + segmentLength) & -segmentLength;
            }
            final long end = start + blockLength;
            if (end > limit)
            {
                return NO_SPACE;
            }
            if (top.compareAndSet(current, end))
            {
                return start;
            }
        }
    }

    private long popFree(final int sizeClass)
    {
        synchronized (classLocks[sizeClass])
        {
            final long head = freeHeads[sizeClass];
            if (0 == head)
            {
                return NO_SPACE;
            }
            freeHeads[sizeClass] = slice.segment(head + HEADER_LENGTH).getLong(
                slice.indexInSegment(head + HEADER_LENGTH));
            return head;
        }
    }

    private void pushFree(final int sizeClass, final long offset)
    {
        synchronized (classLocks[sizeClass])
        {
            slice.segment(offset + HEADER_LENGTH).putLong(
                slice.indexInSegment(offset + HEADER_LENGTH), freeHeads[sizeClass]);
            freeHeads[sizeClass] = offset;
        }
    }
}
