package org.jdsm.coherence;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlabAllocatorTest
{
    /** 64 KiB: 256 pages of 256 B, the first 192 B long (the arena's first 64 bytes hold no block). */
    private final SlabAllocator arena = new SlabAllocator(64 * 1024, 16 * 1024);

    private List<Long> fill(final int copyLength)
    {
        final List<Long> offsets = new ArrayList<>();
        for (long offset = arena.allocate(copyLength); SlabAllocator.NO_SPACE != offset;
            offset = arena.allocate(copyLength))
        {
            arena.own(offset, new CacheEntry(offsets.size(), offset, copyLength));
            offsets.add(offset);
        }
        return offsets;
    }

    @Test
    void shouldSizePagesToAboutA256thOfTheArena()
    {
        assertEquals(256, arena.pageLength());
        assertEquals(256 * 1024, SlabAllocator.pageLength(64L << 20));
        assertEquals(SlabAllocator.MAX_PAGE_LENGTH, SlabAllocator.pageLength(1L << 30));
        assertEquals(SlabAllocator.MIN_PAGE_LENGTH, SlabAllocator.pageLength(88));
    }

    @Test
    void shouldGiveFreedPagesToAnotherSizeClass()
    {
        // 100 B copies are 112 B blocks: two a page, one in the first
        final List<Long> small = fill(100);
        assertEquals(2 * 255 + 1, small.size());
        assertEquals(small.size() * 112L, arena.usedBytes());
        for (final long offset : small)
        {
            arena.free(offset);
        }
        assertEquals(0, arena.usedBytes());

        // 200 B copies are 224 B blocks: one a page, none in the first
        final List<Long> larger = fill(200);
        assertEquals(255, larger.size());
        assertEquals(255 * 224L, arena.usedBytes());
    }

    @Test
    void shouldPlaceACopyLargerThanAPageInConsecutiveFreePages()
    {
        final long first = arena.allocate(1000);
        final long second = arena.allocate(1000);
        // 1008 B: four pages, the first only 192 B long, so five
        assertEquals(SlabAllocator.FIRST_BLOCK_OFFSET, first);
        assertEquals(5 * 256, second);
        assertEquals(5 * 256 - 64 + 4 * 256, arena.usedBytes());
        arena.own(first, new CacheEntry(1, first, 1000));
        arena.free(first);
        assertEquals(4 * 256, arena.usedBytes());
        assertEquals(SlabAllocator.FIRST_BLOCK_OFFSET, arena.allocate(100), "the span's pages are free again");
    }

    @Test
    void shouldChooseThePagesHoldingFewestBytesOfCopies()
    {
        final List<Long> small = fill(100);
        // empty all but one block of page 7: it holds the fewest bytes
        final int page = 7;
        int kept = 0;
        for (final long offset : small)
        {
            if (arena.pageOf(offset) == page && kept++ > 0)
            {
                arena.free(offset);
            }
        }
        assertEquals(page, arena.cheapestWindow(200));
        assertEquals(1, arena.windowPages(page, arena.blockLength(200)));

        arena.block(page);
        assertTrue(page != arena.cheapestWindow(200), "a blocked page is not chosen");
        arena.clearBlocked();
        assertEquals(page, arena.cheapestWindow(200));

        // a copy of 1000 B needs four pages: a run through page 7 holds one block fewer than any other
        final int first = arena.cheapestWindow(1000);
        assertEquals(4, arena.windowPages(first, arena.blockLength(1000)));
        assertTrue(first <= page && page < first + 4, "run from page " + first);
        assertEquals(4, first, "the first of the cheapest runs");
    }

    @Test
    void shouldRejectFreeOfAnOffsetThatIsNotABlockInUse()
    {
        final long offset = arena.allocate(100);
        arena.own(offset, new CacheEntry(1, offset, 100));
        final IllegalStateException notABlock = assertThrows(IllegalStateException.class, () -> arena.free(offset + 8));
        assertEquals("offset=" + (offset + 8) + " is not a block of page 0", notABlock.getMessage());
        arena.free(offset);
        final IllegalStateException freePage = assertThrows(IllegalStateException.class, () -> arena.free(offset));
        assertEquals("offset=64 is not a block in use: page 0 is free", freePage.getMessage());
    }

    @Test
    void shouldRejectACopyLargerThanTheLargest()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> arena.allocate(16385));
        assertEquals("copyLength=16385 not in [0, 16384]", ex.getMessage());
    }
}
