package org.jdsm.verification;

import org.jdsm.coherence.BlockDescriptor;
import org.jdsm.coherence.HeapSlice;
import org.jdsm.coherence.SizeClassAllocator;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

/**
 * The allocator's bump pointer and free lists ({@link SizeClassAllocator}) under Lincheck: each thread allocates
 * blocks of a few size classes, stamps each payload with a value of its own, and frees its blocks (last first),
 * checking the stamp is still there. Against {@link AllocatorSpec}, where every allocation succeeds and every free of
 * a held block finds its stamp, a block handed to two threads at once (a free list popped twice, a bump that
 * overlaps) shows as a stamp overwritten. {@code LincheckNegativeControlTest} runs {@link Broken}, whose bump
 * pointer is a plain read then write, and requires a failure.
 */
@Param(name = "size", gen = IntGen.class, conf = "8:40")
public class SizeClassAllocatorLincheckTest
{
    private static final int THREADS = 4;
    private static final int MAX_HELD = 16;

    final Allocator allocator = allocator();
    private final long[][] held = new long[THREADS][MAX_HELD];
    private final long[][] stamps = new long[THREADS][MAX_HELD];
    private final int[] count = new int[THREADS];
    private final long[] serial = new long[THREADS];

    /**
     * @param thread Lincheck's thread id.
     * @param size   of the payload.
     * @return true if a block was allocated.
     */
    @Operation
    public boolean allocate(@Param(gen = ThreadIdGen.class) final int thread, @Param(name = "size") final int size)
    {
        final long offset = allocator.allocate(size);
        if (SizeClassAllocator.NO_SPACE == offset)
        {
            return false;
        }
        final long stamp = ((long)(thread + 1) << 32) | ++serial[thread];
        allocator.slice().putLongRelease(offset + BlockDescriptor.HEADER_LENGTH, stamp);
        held[thread][count[thread]] = offset;
        stamps[thread][count[thread]] = stamp;
        count[thread]++;
        return true;
    }

    /**
     * Free this thread's newest block.
     *
     * @param thread Lincheck's thread id.
     * @return true if it held a block, its stamp was intact and the allocator freed it.
     */
    @Operation
    public boolean free(@Param(gen = ThreadIdGen.class) final int thread)
    {
        if (0 == count[thread])
        {
            return false;
        }
        count[thread]--;
        final long offset = held[thread][count[thread]];
        final boolean intact =
            allocator.slice().getLongAcquire(offset + BlockDescriptor.HEADER_LENGTH) == stamps[thread][count[thread]];
        return allocator.free(offset) && intact;
    }

    @Test
    void stressTest()
    {
        LincheckRuns.stress(AllocatorSpec.class).check(getClass());
    }

    @Test
    void modelCheckingTest()
    {
        LincheckRuns.modelChecking(AllocatorSpec.class).check(getClass());
    }

    /**
     * @return the allocator under test: the engine's.
     */
    Allocator allocator()
    {
        final SizeClassAllocator real = new SizeClassAllocator(new HeapSlice(8192, 8192), 64);
        return new Allocator()
        {
            public long allocate(final int payloadLength)
            {
                return real.allocate(payloadLength);
            }

            public boolean free(final long offset)
            {
                final int colour = BlockDescriptor.colour(real.slice().getLongAcquire(offset));
                return SizeClassAllocator.FREED == real.free(offset, colour);
            }

            public HeapSlice slice()
            {
                return real.slice();
            }
        };
    }

    /**
     * What the test needs of an allocator.
     */
    interface Allocator
    {
        long allocate(int payloadLength);

        boolean free(long offset);

        HeapSlice slice();
    }

    /**
     * The sequential allocator as the threads see it: space enough for all, and blocks are theirs alone.
     */
    public static class AllocatorSpec
    {
        private final int[] count = new int[THREADS];

        public boolean allocate(final int thread, final int size)
        {
            count[thread]++;
            return true;
        }

        public boolean free(final int thread)
        {
            if (0 == count[thread])
            {
                return false;
            }
            count[thread]--;
            return true;
        }
    }

    /**
     * Negative control: a bump allocator whose pointer is read, then written, so two threads can carve the same
     * block; it never reuses blocks.
     */
    public static class Broken extends SizeClassAllocatorLincheckTest
    {
        @Override
        Allocator allocator()
        {
            final HeapSlice slice = new HeapSlice(8192, 8192);
            return new Allocator()
            {
                private volatile long top = 64;

                public long allocate(final int payloadLength)
                {
                    final long offset = top;
                    top = offset + ((BlockDescriptor.HEADER_LENGTH + payloadLength + 7) & ~7L);
                    return offset;
                }

                public boolean free(final long offset)
                {
                    return true;
                }

                public HeapSlice slice()
                {
                    return slice;
                }
            };
        }
    }
}
