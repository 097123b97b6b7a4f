package org.jdsm.coherence;

import java.util.Arrays;

import static org.jdsm.coherence.BlockDescriptor.HEADER_LENGTH;

/**
 * The allocator of a {@link CopyCache}'s arena: a slab allocator, as memcached's, with pages that move between size
 * classes. The arena is divided into pages of {@link #pageLength()} bytes (a power of two, about 1/256 of the
 * arena, between {@link #MIN_PAGE_LENGTH} and {@link #MAX_PAGE_LENGTH}). A page is free, or a <em>slab</em> of one
 * size class (the heap's classes, {@link SizeClassAllocator#classSizes}) carved into equal blocks, or part of a
 * <em>span</em>: consecutive pages that hold one block larger than a page.
 * <p>
 * Each class keeps a list of its slabs that have a free block, so an allocation is O(1) when its class or the pool
 * of free pages has room. A page goes back to the pool as soon as its last block is freed, and is then assigned to
 * whichever class (or span) needs it next: a cache whose copies change size class keeps its whole budget, where
 * blocks that never split, merge or change class (the heap's {@link SizeClassAllocator}) would leave the arena
 * carved for the sizes of the past. When nothing is free, the cache frees blocks itself; {@link #cheapestWindow}
 * tells it which pages to empty: those holding the fewest bytes of copies.
 * <p>
 * A block starts with one 8-byte word the cache does not use and the arena's first {@link #FIRST_BLOCK_OFFSET}
 * bytes hold none, as in the heap's layout, so a budget holds the same blocks it held there; no block crosses a
 * segment of the {@link HeapSlice}.
 * <p>
 * <b>Note:</b> NOT threadsafe: owned by one {@link CopyCache} and called only under its lock, but
 * {@link #usedBytes()}, which any thread may read.
 */
final class SlabAllocator
{
    /** Returned by {@link #allocate(int)} when no block is free for the size. */
    static final long NO_SPACE = SizeClassAllocator.NO_SPACE;
    /** Offset of the first block: the heap's layout, kept so budgets hold what they did. */
    static final long FIRST_BLOCK_OFFSET = SizeClassAllocator.FIRST_BLOCK_OFFSET;
    /** Smallest page. */
    static final int MIN_PAGE_LENGTH = 64;
    /** Largest page. */
    static final int MAX_PAGE_LENGTH = 1 << 20;
    /** Pages an arena is divided into, about: the page length is the power of two at most capacity / this. */
    static final int TARGET_PAGE_COUNT = 256;
    /** {@link #cheapestWindow} found none. */
    static final int NO_WINDOW = -1;

    private static final int FREE = -1;
    private static final int SPAN_HEAD = -2;
    private static final int SPAN_TAIL = -3;
    private static final int UNUSABLE = -4;
    private static final int NO_PAGE = -1;

    private final HeapSlice slice;
    private final int[] classSizes;
    private final int largestBlock;
    private final int pageShift;
    private final int pageCount;
    private final long capacity;
    private final long segmentLength;

    /** Per page: its class when a slab, else {@link #FREE}, {@link #SPAN_HEAD}, {@link #SPAN_TAIL}, {@link #UNUSABLE}. */
    private final int[] pageKind;
    /** Per page: copies in it (a span counts in its head page). */
    private final int[] pageLive;
    /** Per span page: the span's first page; per span head: the span's page count in {@link #spanPages}. */
    private final int[] spanHead;
    private final int[] spanPages;
    /** Per slab page: the owner of each block, null when free. */
    private final CacheEntry[][] owners;
    /** Per slab page: a stack of its free block indices. */
    private final int[][] freeBlocks;
    private final int[] freeBlockCount;
    /** Per page: whether {@link #cheapestWindow} must not choose it, until {@link #clearBlocked()}. */
    private final boolean[] blocked;
    private final int[] blockedPages;
    private int blockedCount;

    /** Doubly linked lists of pages: one per class (its slabs with a free block), and the pool of free pages. */
    private final int[] next;
    private final int[] prev;
    private final int[] listOfPage;
    private final int[] listHead;
    private final int freeList;

    private volatile long usedBytes;

    /**
     * @param capacity     of the arena in bytes, a multiple of {@link BlockDescriptor#ALIGNMENT}.
     * @param largestCopy  largest copy the cache holds: the largest block is this and its header word.
     */
    SlabAllocator(final long capacity, final int largestCopy)
    {
        final int segmentLength =
            (int)Math.min(HeapSlice.MAX_SEGMENT_LENGTH, Long.highestOneBit(Math.max(1, capacity - 1)) << 1);
        if (largestCopy < 0 || largestCopy + HEADER_LENGTH > segmentLength)
        {
            throw new IllegalArgumentException(
                "maxPayloadLength=" + largestCopy + " exceeds segment length " + segmentLength);
        }
        this.slice = new HeapSlice(capacity, segmentLength);
        this.capacity = capacity;
        this.segmentLength = segmentLength;
        this.largestBlock = largestCopy + HEADER_LENGTH;
        this.classSizes = SizeClassAllocator.classSizes(largestBlock);
        final int pageLength = pageLength(capacity);
        this.pageShift = Integer.numberOfTrailingZeros(pageLength);
        this.pageCount = (int)((capacity + pageLength - 1) >>> pageShift);

        pageKind = new int[pageCount];
        pageLive = new int[pageCount];
        spanHead = new int[pageCount];
        spanPages = new int[pageCount];
        owners = new CacheEntry[pageCount][];
        freeBlocks = new int[pageCount][];
        freeBlockCount = new int[pageCount];
        blocked = new boolean[pageCount];
        blockedPages = new int[pageCount];
        next = new int[pageCount];
        prev = new int[pageCount];
        listOfPage = new int[pageCount];
        listHead = new int[classSizes.length + 1];
        freeList = classSizes.length;
        Arrays.fill(listHead, NO_PAGE);
        Arrays.fill(listOfPage, NO_PAGE);
        for (int page = pageCount - 1; page >= 0; page--)
        {
            if (pageEnd(page) - pageStart(page) <= 0)
            {
                pageKind[page] = UNUSABLE;
            }
            else
            {
                pageKind[page] = FREE;
                pushPage(freeList, page);
            }
        }
    }

    /**
     * The page length for an arena: the power of two at most capacity / {@link #TARGET_PAGE_COUNT}, within
     * [{@link #MIN_PAGE_LENGTH}, {@link #MAX_PAGE_LENGTH}].
     *
     * @param capacity of the arena.
     * @return the page length.
     */
    static int pageLength(final long capacity)
    {
        final long target = Long.highestOneBit(Math.max(1, capacity / TARGET_PAGE_COUNT));
        return (int)Math.max(MIN_PAGE_LENGTH, Math.min(MAX_PAGE_LENGTH, target));
    }

    /**
     * The arena.
     *
     * @return the slice the blocks are in.
     */
    HeapSlice slice()
    {
        return slice;
    }

    /**
     * Length of a page.
     *
     * @return bytes.
     */
    int pageLength()
    {
        return 1 << pageShift;
    }

    /**
     * Number of pages, the unusable one (a page wholly in the first {@link #FIRST_BLOCK_OFFSET} bytes) included.
     *
     * @return the count.
     */
    int pageCount()
    {
        return pageCount;
    }

    /**
     * The page an offset is in.
     *
     * @param offset in the arena.
     * @return the page index.
     */
    int pageOf(final long offset)
    {
        return (int)(offset >>> pageShift);
    }

    /**
     * Bytes held by blocks in use, counting their slack (a span counts its whole pages).
     *
     * @return bytes in use; read by any thread.
     */
    long usedBytes()
    {
        return usedBytes;
    }

    /**
     * The length of the block a copy takes.
     *
     * @param copyLength bytes of the copy.
     * @return the class size, or the copy and its header word for a span.
     */
    int blockLength(final int copyLength)
    {
        final int block = copyLength + HEADER_LENGTH;
        final int classSize = classSizes[sizeClass(block)];
        return classSize <= pageLength() ? classSize : block;
    }

    /**
     * Allocate a block for a copy from its class's slabs, else from the pool of free pages, without freeing any.
     *
     * @param copyLength bytes of the copy, at most the largest copy.
     * @return offset of the block (the copy starts one header word further), or {@link #NO_SPACE}.
     */
    long allocate(final int copyLength)
    {
        if (copyLength < 0 || copyLength + HEADER_LENGTH > largestBlock)
        {
            throw new IllegalArgumentException(
                "copyLength=" + copyLength + " not in [0, " + (largestBlock - HEADER_LENGTH) + "]");
        }
        final int sizeClass = sizeClass(copyLength + HEADER_LENGTH);
        final int classSize = classSizes[sizeClass];
        if (classSize > pageLength())
        {
            return allocateSpan(copyLength + HEADER_LENGTH);
        }

        int page = listHead[sizeClass];
        if (NO_PAGE == page)
        {
            page = listHead[freeList];
            while (NO_PAGE != page && pageEnd(page) - pageStart(page) < classSize)
            {
                page = next[page];
            }
            if (NO_PAGE == page)
            {
                return NO_SPACE;
            }
            carve(page, sizeClass);
        }

        final int block = freeBlocks[page][--freeBlockCount[page]];
        if (0 == freeBlockCount[page])
        {
            unlinkPage(page);
        }
        pageLive[page]++;
        usedBytes += classSize;

        return pageStart(page) + (long)block * classSize;
    }

    /**
     * Record the copy a block holds, for {@link #owners(int)}.
     *
     * @param offset of the block, as allocated.
     * @param owner  the copy.
     */
    void own(final long offset, final CacheEntry owner)
    {
        final int page = pageOf(offset);
        if (SPAN_HEAD == pageKind[page])
        {
            owners[page][0] = owner;
        }
        else
        {
            owners[page][blockIndex(page, offset)] = owner;
        }
    }

    /**
     * Free a block; a page left with no block in use goes back to the pool.
     *
     * @param offset of the block, as allocated.
     */
    void free(final long offset)
    {
        final int page = pageOf(offset);
        final int kind = pageKind[page];
        if (SPAN_HEAD == kind && pageStart(page) == offset)
        {
            final int pages = spanPages[page];
            owners[page][0] = null;
            pageLive[page] = 0;
            usedBytes -= pageEnd(page + pages - 1) - pageStart(page);
            for (int p = page + pages - 1; p >= page; p--)
            {
                // pushed last to first: the pool hands out the lowest first
                pageKind[p] = FREE;
                pushPage(freeList, p);
            }
            return;
        }
        if (kind < 0)
        {
            throw new IllegalStateException("offset=" + offset + " is not a block in use: page " + page + " is " +
                kindName(kind));
        }

        final int block = blockIndex(page, offset);
        if (null == owners[page][block])
        {
            throw new IllegalStateException("offset=" + offset + " is not a block in use");
        }
        owners[page][block] = null;
        freeBlocks[page][freeBlockCount[page]++] = block;
        pageLive[page]--;
        usedBytes -= classSizes[kind];
        if (0 == pageLive[page])
        {
            unlinkPage(page);
            pageKind[page] = FREE;
            pushPage(freeList, page);
        }
        else if (1 == freeBlockCount[page])
        {
            pushPage(kind, page);
        }
    }

    /**
     * The copies in a page, to empty it: a slab's blocks in use, or the span the page is part of.
     *
     * @param page index.
     * @return the owners (null for free blocks); empty for a free or unusable page. Not a copy: do not change it.
     */
    CacheEntry[] owners(final int page)
    {
        final int kind = pageKind[page];
        if (SPAN_TAIL == kind)
        {
            return owners[spanHead[page]];
        }
        if (FREE == kind || UNUSABLE == kind)
        {
            return NO_OWNERS;
        }

        return owners[page];
    }

    private static final CacheEntry[] NO_OWNERS = new CacheEntry[0];

    /**
     * The run of pages that would hold a block for a copy once emptied, holding the fewest bytes of copies among
     * those not {@link #block blocked}: one page that fits the class for a copy up to a page, or consecutive pages
     * in one segment for a larger one. A page of a span counts as full; freeing it frees the whole span.
     *
     * @param copyLength bytes of the copy.
     * @return the first page of the run, or {@link #NO_WINDOW}; {@link #windowPages} tells its length.
     */
    int cheapestWindow(final int copyLength)
    {
        final int needed = blockLength(copyLength);
        int best = NO_WINDOW;
        long bestCost = Long.MAX_VALUE;
        for (int first = 0; first < pageCount; first++)
        {
            final int pages = windowPages(first, needed);
            if (0 == pages)
            {
                continue;
            }
            long cost = 0;
            for (int p = first; p < first + pages; p++)
            {
                cost += liveBytes(p);
            }
            if (cost < bestCost)
            {
                best = first;
                bestCost = cost;
            }
        }

        return best;
    }

    /**
     * Pages of the run from a first page that holds a block of the length, none blocked or unusable.
     *
     * @param first  page.
     * @param needed block length ({@link #blockLength(int)}).
     * @return the count, or 0 if no such run starts there.
     */
    int windowPages(final int first, final int needed)
    {
        final long start = pageStart(first);
        for (int p = first; p < pageCount; p++)
        {
            if (blocked[p] || UNUSABLE == pageKind[p] || start / segmentLength != (pageEnd(p) - 1) / segmentLength)
            {
                return 0;
            }
            if (pageEnd(p) - start >= needed)
            {
                return p - first + 1;
            }
            if (needed <= pageLength())
            {
                return 0;
            }
        }

        return 0;
    }

    /**
     * Keep {@link #cheapestWindow} from choosing a page (one with a pinned copy) until {@link #clearBlocked()}.
     *
     * @param page index.
     */
    void block(final int page)
    {
        if (!blocked[page])
        {
            blocked[page] = true;
            blockedPages[blockedCount++] = page;
        }
    }

    /**
     * Forget every {@link #block}.
     */
    void clearBlocked()
    {
        for (int i = 0; i < blockedCount; i++)
        {
            blocked[blockedPages[i]] = false;
        }
        blockedCount = 0;
    }

    /**
     * Bytes of copies in a page: a slab's blocks in use, a span page's length, 0 for a free page.
     *
     * @param page index.
     * @return bytes.
     */
    long liveBytes(final int page)
    {
        final int kind = pageKind[page];
        if (kind >= 0)
        {
            return (long)pageLive[page] * classSizes[kind];
        }

        return FREE == kind ? 0 : pageEnd(page) - pageStart(page);
    }

    private long allocateSpan(final int needed)
    {
        for (int first = 0; first < pageCount; first++)
        {
            final int pages = windowPages(first, needed);
            if (0 == pages)
            {
                continue;
            }
            boolean allFree = true;
            for (int p = first; p < first + pages && allFree; p++)
            {
                allFree = FREE == pageKind[p];
            }
            if (allFree)
            {
                for (int p = first; p < first + pages; p++)
                {
                    unlinkPage(p);
                    pageKind[p] = SPAN_TAIL;
                    spanHead[p] = first;
                }
                pageKind[first] = SPAN_HEAD;
                spanPages[first] = pages;
                pageLive[first] = 1;
                if (null == owners[first] || owners[first].length < 1)
                {
                    owners[first] = new CacheEntry[1];
                }
                usedBytes += pageEnd(first + pages - 1) - pageStart(first);
                return pageStart(first);
            }
        }

        return NO_SPACE;
    }

    private void carve(final int page, final int sizeClass)
    {
        final int blocks = (int)((pageEnd(page) - pageStart(page)) / classSizes[sizeClass]);
        unlinkPage(page);
        pageKind[page] = sizeClass;
        pageLive[page] = 0;
        if (null == freeBlocks[page] || freeBlocks[page].length < blocks)
        {
            owners[page] = new CacheEntry[blocks];
            freeBlocks[page] = new int[blocks];
        }
        else
        {
            Arrays.fill(owners[page], null);
        }
        for (int i = 0; i < blocks; i++)
        {
            // popped from the end: block 0 first
            freeBlocks[page][i] = blocks - 1 - i;
        }
        freeBlockCount[page] = blocks;
        pushPage(sizeClass, page);
    }

    private int blockIndex(final int page, final long offset)
    {
        final int classSize = classSizes[pageKind[page]];
        final long inPage = offset - pageStart(page);
        if (inPage < 0 || inPage % classSize != 0 || inPage / classSize >= owners[page].length)
        {
            throw new IllegalStateException("offset=" + offset + " is not a block of page " + page);
        }

        return (int)(inPage / classSize);
    }

    private int sizeClass(final int blockLength)
    {
        return SizeClassAllocator.classOf(classSizes, blockLength);
    }

    private long pageStart(final int page)
    {
        return Math.max((long)page << pageShift, FIRST_BLOCK_OFFSET);
    }

    private long pageEnd(final int page)
    {
        return Math.min((long)(page + 1) << pageShift, capacity);
    }

    private void pushPage(final int list, final int page)
    {
        final int head = listHead[list];
        next[page] = head;
        prev[page] = NO_PAGE;
        if (NO_PAGE != head)
        {
            prev[head] = page;
        }
        listHead[list] = page;
        listOfPage[page] = list;
    }

    private void unlinkPage(final int page)
    {
        final int list = listOfPage[page];
        if (NO_PAGE == list)
        {
            return;
        }
        if (NO_PAGE != prev[page])
        {
            next[prev[page]] = next[page];
        }
        else
        {
            listHead[list] = next[page];
        }
        if (NO_PAGE != next[page])
        {
            prev[next[page]] = prev[page];
        }
        listOfPage[page] = NO_PAGE;
    }

    private static String kindName(final int kind)
    {
        switch (kind)
        {
            case FREE:
                return "free";
            case SPAN_TAIL:
                return "inside a span";
            case SPAN_HEAD:
                return "a span";
            default:
                return "unusable";
        }
    }
}
