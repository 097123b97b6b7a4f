package org.jdsm.coherence;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SizeClassAllocatorTest
{
    private final HeapSlice slice = new HeapSlice(1024 * 1024, 64 * 1024);
    private final SizeClassAllocator allocator = new SizeClassAllocator(slice, 16 * 1024);

    @Test
    void shouldStepClassesByQuarterPowersOfTwo()
    {
        final int[] sizes = SizeClassAllocator.classSizes(200);
        assertEquals("[16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224]",
            java.util.Arrays.toString(sizes));
        assertEquals(0, allocator.sizeClass(8));
        assertEquals(1, allocator.sizeClass(9));
        assertEquals(72, allocator.payloadCapacity(allocator.sizeClass(65)));
    }

    @Test
    void shouldNeverHandOutOverlappingBlocks()
    {
        final TreeMap<Long, Long> blocks = new TreeMap<>();
        for (int i = 0; i < 2000; i++)
        {
            final int length = (i * 37) % 3000;
            final long offset = allocator.allocate(length);
            assertNotEquals(SizeClassAllocator.NO_SPACE, offset);
            final long end = offset + BlockDescriptor.HEADER_LENGTH + length;
            assertEquals(offset / slice.segmentLength(), (end - 1) / slice.segmentLength(), "block crosses segment");
            final var below = blocks.floorEntry(offset);
            assertTrue(null == below || below.getValue() <= offset, "overlaps block below");
            final var above = blocks.ceilingEntry(offset);
            assertTrue(null == above || end <= above.getKey(), "overlaps block above");
            blocks.put(offset, end);
            if (i % 3 == 0)
            {
                final long header = slice.getLongAcquire(offset);
                assertEquals(SizeClassAllocator.FREED, allocator.free(offset, BlockDescriptor.colour(header)));
                blocks.remove(offset);
            }
            if (allocator.freeBytes() < 64 * 1024)
            {
                break;
            }
        }
    }

    @Test
    void shouldAdvanceColourOnFreeAndReuseBlockUnderNewColour()
    {
        final long offset = allocator.allocate(100);
        assertEquals(0, BlockDescriptor.colour(slice.getLongAcquire(offset)));
        assertEquals(SizeClassAllocator.FREED, allocator.free(offset, 0));
        assertEquals(SizeClassAllocator.NOT_LIVE, allocator.free(offset, 0));

        final long again = allocator.allocate(90);
        assertEquals(offset, again);
        final long header = slice.getLongAcquire(again);
        assertEquals(1, BlockDescriptor.colour(header));
        assertEquals(90, BlockDescriptor.length(header));
        assertEquals(BlockDescriptor.STATE_LIVE, BlockDescriptor.state(header));
        assertEquals(SizeClassAllocator.STALE_COLOUR, allocator.free(again, 0));
    }

    @Test
    void shouldRejectFreeOfOffsetThatIsNotABlockStart()
    {
        final long offset = allocator.allocate(100);
        assertEquals(SizeClassAllocator.NOT_A_BLOCK, allocator.free(offset + 8, 0));
        assertEquals(SizeClassAllocator.NOT_A_BLOCK, allocator.free(offset + 3, 0));
        assertEquals(SizeClassAllocator.NOT_A_BLOCK, allocator.free(0, 0));
        assertEquals(SizeClassAllocator.NOT_A_BLOCK, allocator.free(slice.capacity() - 64, 0));
        assertEquals(SizeClassAllocator.NOT_A_BLOCK, allocator.free(-8, 0));
        assertEquals(SizeClassAllocator.FREED, allocator.free(offset, 0));
    }

    @Test
    void shouldBumpColourUntilOverflowThenAskForMove()
    {
        final long offset = allocator.allocate(8);
        int colour = 0;
        for (int i = 0; i < GlobalAddress.MAX_COLOUR - 1; i++)
        {
            final int next = allocator.bumpColour(offset, colour);
            assertEquals(colour + 1, next);
            colour = next;
        }
        assertEquals(SizeClassAllocator.COLOUR_OVERFLOW, allocator.bumpColour(offset, colour));
        assertEquals(SizeClassAllocator.STALE_COLOUR, allocator.bumpColour(offset, colour - 1));
    }

    @Test
    void shouldRetireBlockWhoseColourIsExhausted()
    {
        final long offset = allocator.allocate(8);
        int colour = 0;
        while (colour + 1 < GlobalAddress.MAX_COLOUR)
        {
            colour = allocator.bumpColour(offset, colour);
        }
        assertEquals(SizeClassAllocator.FREED, allocator.free(offset, colour));
        assertEquals(BlockDescriptor.STATE_RETIRED, BlockDescriptor.state(slice.getLongAcquire(offset)));
        assertNotEquals(offset, allocator.allocate(8), "a retired block is never reused");
    }

    @Test
    void shouldReturnNoSpaceWhenFullAndRecoverAfterFree()
    {
        final List<Long> offsets = new ArrayList<>();
        long offset;
        while ((offset = allocator.allocate(16 * 1024 - 8)) != SizeClassAllocator.NO_SPACE)
        {
            offsets.add(offset);
        }
        assertFalse(offsets.isEmpty());
        assertEquals(SizeClassAllocator.NO_SPACE, allocator.allocate(16 * 1024 - 8));
        assertEquals(SizeClassAllocator.FREED, allocator.free(offsets.get(3), 0));
        assertEquals(offsets.get(3), allocator.allocate(16 * 1024 - 8));
    }

    @Test
    void shouldTellTheHeaderMirrorOfFreesAndMirroredAllocationsOnly()
    {
        final List<Long> told = new ArrayList<>();
        final SizeClassAllocator mirrored = new SizeClassAllocator(slice, 16 * 1024, slice.capacity(), told::add);

        final long forPeer = mirrored.allocate(8);
        assertEquals(List.of(forPeer), told, "a peer's allocation: its header is mirrored before the answer");
        final long own = mirrored.allocateUnmirrored(8);
        assertEquals(List.of(forPeer), told, "an own allocation: its header goes with the block's first write");
        assertEquals(1, mirrored.bumpColour(own, 0));
        assertEquals(List.of(forPeer), told, "a colour bump: its header goes with the borrow's release");
        assertEquals(SizeClassAllocator.FREED, mirrored.free(own, 1));
        assertEquals(List.of(forPeer, own), told, "a free: mirrored before the block is on a free list again");
    }
}
