package org.jdsm.coherence;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The {@link SizeClassAllocator}: two threads never get overlapping blocks, whether carved by the lock-free bump
 * pointer or popped from a free list, and a block freed by one thread is handed out again only after the free.
 * An 8-byte payload takes a 16-byte block, so blocks start at 64, 80, 96...
 */
public final class SizeClassAllocatorTests
{
    static final int PAYLOAD = 8;

    private SizeClassAllocatorTests()
    {
    }

    abstract static class Allocator
    {
        final SizeClassAllocator allocator = new SizeClassAllocator(new HeapSlice(256, 256), 64);
    }

    /**
     * Two allocations from a fresh slice race on the bump pointer.
     */
    @JCStressTest
    @Outcome(id = "64, 80", expect = ACCEPTABLE, desc = "Actor 1 bumped first")
    @Outcome(id = "80, 64", expect = ACCEPTABLE, desc = "Actor 2 bumped first")
    @Outcome(id = "64, 64", expect = FORBIDDEN, desc = "Both got the first block: overlapping blocks")
    @Outcome(id = "80, 80", expect = FORBIDDEN, desc = "Both got the second block: overlapping blocks")
    @Outcome(expect = FORBIDDEN, desc = "A block outside the two first ones: the bump pointer lost an update")
    @State
    public static class BumpAllocation extends Allocator
    {
        @Actor
        public void actor1(final JJ_Result r)
        {
            r.r1 = allocator.allocate(PAYLOAD);
        }

        @Actor
        public void actor2(final JJ_Result r)
        {
            r.r2 = allocator.allocate(PAYLOAD);
        }
    }

    /**
     * Two allocations race on a free list holding the two blocks 64 and 80 (80 on top).
     */
    @JCStressTest
    @Outcome(id = "80, 64", expect = ACCEPTABLE, desc = "Actor 1 popped first")
    @Outcome(id = "64, 80", expect = ACCEPTABLE, desc = "Actor 2 popped first")
    @Outcome(id = "80, 80", expect = FORBIDDEN, desc = "Both popped the top block: overlapping blocks")
    @Outcome(id = "64, 64", expect = FORBIDDEN, desc = "Both popped the second block: overlapping blocks")
    @Outcome(expect = FORBIDDEN, desc = "A block carved anew while the free list held two: free list lost a block")
    @State
    public static class FreeListPop extends Allocator
    {
        FreeListPop()
        {
            final long first = allocator.allocate(PAYLOAD);
            final long second = allocator.allocate(PAYLOAD);
            allocator.free(first, 0);
            allocator.free(second, 0);
        }

        @Actor
        public void actor1(final JJ_Result r)
        {
            r.r1 = allocator.allocate(PAYLOAD);
        }

        @Actor
        public void actor2(final JJ_Result r)
        {
            r.r2 = allocator.allocate(PAYLOAD);
        }
    }

    /**
     * One thread frees block 64 while another allocates: the allocation gets the freed block (after the free,
     * with its colour advanced) or carves block 80, never block 64 while it is still live.
     */
    @JCStressTest
    @Outcome(id = "0, 64", expect = ACCEPTABLE, desc = "Free first: the allocation reused the freed block")
    @Outcome(id = "0, 80", expect = ACCEPTABLE, desc = "Allocation first (or free list not yet visible): new block")
    @Outcome(expect = FORBIDDEN, desc = "The free failed, or the allocation got a block still live")
    @State
    public static class FreeRacesAllocate extends Allocator
    {
        final long live = allocator.allocate(PAYLOAD);

        @Actor
        public void freer(final JJ_Result r)
        {
            r.r1 = allocator.free(live, 0);
        }

        @Actor
        public void allocate(final JJ_Result r)
        {
            final long offset = allocator.allocate(PAYLOAD);
            // a reused block must carry the colour the free advanced it to
            final int colour = BlockDescriptor.colour(allocator.slice().getLongAcquire(offset));
            r.r2 = offset == live && colour != 1 ? -offset : offset;
        }
    }
}
