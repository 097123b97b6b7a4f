package org.jdsm.coherence;

import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A node's cache of copies of remote objects, keyed by global address with colour and bounded by a byte budget:
 * the copies live in an arena of that size with its own {@link SlabAllocator}. A copy whose object has since
 * been written is keyed by an old colour, so it is never looked up again; it is evicted lazily, by CLOCK, when
 * space is needed, as is any copy no {@link org.jdsm.Ref} pins.
 * <p>
 * The arena's pages move between size classes: when a copy's class has no free block and no page is free, the
 * insert evicts cold copies by CLOCK over all copies (at most as many as a page holds blocks of its class, and at least
 * {@link #MIN_CLOCK_EVICTIONS}) until one leaves a block
 * of its class or a page empties, and then empties the page (or run of pages, for a copy larger than a page) that
 * holds the fewest bytes of unpinned copies, which the copy's class takes over. So an insert evicts at most that
 * many copies and a few pages' worth, never the whole cache: copies whose size class changes (an object that grows)
 * take pages from the classes that hold the cold ones.
 * <p>
 * A borrow that finds every copy pinned and no space gets a private copy outside the budget, released with it.
 * Besides the pins of open Refs, each reading thread holds at most {@link ReaderLeases#RING_LENGTH} leases (one pin
 * each, see {@link ReaderLeases}) so its cache hits take no atomic; the leases of terminated threads are released
 * when space runs out.
 * <p>
 * <b>Note:</b> threadsafe: the map, the clock and the arena are guarded by the cache's lock, taken on a miss and on
 * eviction; a hit through an entry already held (see {@link CacheEntry#tryPin()}) takes no lock.
 */
public final class CopyCache
{
    /**
     * Copies {@link #reclaim} may evict by CLOCK for one insert before it empties whole pages, at least: as many as
     * a page holds blocks of the copy's class, when more.
     */
    static final int MIN_CLOCK_EVICTIONS = 8;
    /** Spins of a thread waiting for another's fetch of the same copy before it yields. */
    static final int FILL_WAIT_SPINS = 100;
    /** Yields of a thread waiting for another's fetch of the same copy before it parks. */
    static final int FILL_WAIT_YIELDS = 100;
    static final long MIN_FILL_WAIT_PARK_NS = TimeUnit.MICROSECONDS.toNanos(1);
    /** Longest park of a thread waiting for another's fetch: how late it may see the copy filled after a slow one. */
    static final long MAX_FILL_WAIT_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Runs of pages {@link #reclaim} tries to empty for one insert, when each it picks holds a pinned copy. */
    static final int MAX_WINDOW_ATTEMPTS = 4;

    private final SlabAllocator arena;
    private final Long2ObjectHashMap<CacheEntry> entries = new Long2ObjectHashMap<>();
    private final ArrayList<CacheEntry> clock = new ArrayList<>();
    private final Counters counters;
    private final ReaderLeases leases = new ReaderLeases();
    private int hand;

    /**
     * @param budget           in bytes.
     * @param maxPayloadLength largest copy: the largest object and its header.
     * @param counters         of the node.
     */
    public CopyCache(final long budget, final int maxPayloadLength, final Counters counters)
    {
        this.arena = new SlabAllocator((budget + 7) & ~7L, maxPayloadLength);
        this.counters = counters;
        counters.leasedCacheHits(leases::leasedHits);
    }

    /**
     * The per-thread leases of copies for cache hits without atomics.
     *
     * @return the node's leases.
     */
    ReaderLeases leases()
    {
        return leases;
    }

    /**
     * Pin the copy of an address if one is cached and filled.
     *
     * @param key global address with colour.
     * @return the pinned entry, or null on a miss.
     */
    public CacheEntry lookup(final long key)
    {
        while (true)
        {
            final CacheEntry entry;
            synchronized (this)
            {
                entry = entries.get(key);
            }
            if (null == entry || !entry.tryPin())
            {
                return null;
            }
            if (awaitFilled(entry))
            {
                return entry;
            }
        }
    }

    /**
     * Insert an empty, pinned entry for the caller to fill and {@link #publish}; or, if another thread inserted
     * one first, pin and return that one, filled.
     *
     * @param key    global address with colour.
     * @param length of the payload.
     * @return the entry; {@link CacheEntry#isFilled()} tells whether the caller must fill it.
     */
    public CacheEntry insert(final long key, final int length)
    {
        while (true)
        {
            CacheEntry existing;
            synchronized (this)
            {
                existing = entries.get(key);
                if (null == existing)
                {
                    final int copyLength = BlockDescriptor.HEADER_LENGTH + length;
                    long offset = arena.allocate(copyLength);
                    if (SlabAllocator.NO_SPACE == offset)
                    {
                        offset = reclaim(copyLength);
                    }
                    if (SlabAllocator.NO_SPACE == offset && leases.releaseEndedThreads())
                    {
                        offset = reclaim(copyLength);
                    }

                    final CacheEntry entry;
                    if (SlabAllocator.NO_SPACE == offset)
                    {
                        entry = new CacheEntry(key, SlabAllocator.NO_SPACE, length);
                        entry.fetchBuffer.wrap(new byte[copyLength]);
                        entry.payload.wrap(entry.fetchBuffer, BlockDescriptor.HEADER_LENGTH, length);
                        return entry;
                    }

                    entry = new CacheEntry(key, offset, length);
                    arena.slice().wrap(entry.fetchBuffer, offset + BlockDescriptor.HEADER_LENGTH, copyLength);
                    arena.slice().wrap(entry.payload, offset + 2 * BlockDescriptor.HEADER_LENGTH, length);
                    arena.own(offset, entry);
                    entries.put(key, entry);
                    entry.clockIndex = clock.size();
                    clock.add(entry);
                    return entry;
                }
            }

            if (existing.tryPin() && awaitFilled(existing))
            {
                return existing;
            }
        }
    }

    /**
     * Publish the bytes of an entry the caller filled.
     *
     * @param entry filled.
     */
    public void publish(final CacheEntry entry)
    {
        entry.publish();
    }

    /**
     * Drop an entry whose fetch failed, waking threads that wait for it, and give its block back at once: an entry
     * never filled is neither evicted by CLOCK nor emptied with its page, so a block kept past this call would be
     * lost to the cache for good (until 2026-12-07 it was: a reader that guessed a cell's length wrong, as readers of
     * a growing kv bucket do, leaked one block per guess, and a store of ~12 KB buckets filled the 64 MiB arena with
     * such blocks, after which every read got a private copy and none hit). The threads waiting for the entry read
     * only its flags, never the block.
     *
     * @param entry that could not be filled; pinned once by the caller.
     */
    public void abandon(final CacheEntry entry)
    {
        entry.failed = true;
        synchronized (this)
        {
            if (entries.get(entry.key) == entry)
            {
                remove(entry, false);
            }
        }
        entry.unpin();
    }

    /**
     * Give back the slot of a copy nobody will read again (its owner on this node freed the object), so the next
     * copy takes it while its lines are still in the CPU's caches, unless a reader pins it still (another thread's
     * lease): then it stays, and is evicted as any other. Not counted as an eviction.
     *
     * @param entry a copy this cache made, not pinned by the caller.
     * @return true if its slot was given back.
     */
    public synchronized boolean drop(final CacheEntry entry)
    {
        if (entries.get(entry.key) != entry || !entry.isFilled() || !entry.tryEvict())
        {
            return false;
        }
        remove(entry, false);

        return true;
    }

    /**
     * Number of copies held.
     *
     * @return the count.
     */
    public synchronized int size()
    {
        return entries.size();
    }

    /**
     * Bytes of the budget in use, counting slack.
     *
     * @return bytes in use.
     */
    public long usedBytes()
    {
        return arena.usedBytes();
    }

    /**
     * Whether a copy of an address is held, without pinning it.
     *
     * @param key global address with colour.
     * @return true if held.
     */
    public synchronized boolean contains(final long key)
    {
        return entries.containsKey(key);
    }

    /**
     * Wait for another thread's fetch of an entry: spin, then yield, then park, each park twice as long as the one
     * before up to {@link #MAX_FILL_WAIT_PARK_NS}. A fetch is a round trip, microseconds, which the spins and yields
     * cover; one to a slow or dying peer can take up to the operation timeout, which the waiter sleeps through rather
     * than hold a core the fetching thread (or the peer's process, on a small machine) may need.
     */
    private boolean awaitFilled(final CacheEntry entry)
    {
        int waits = 0;
        long parkNs = MIN_FILL_WAIT_PARK_NS;
        while (!entry.isFilled())
        {
            if (entry.failed)
            {
                entry.unpin();
                return false;
            }
            if (waits < FILL_WAIT_SPINS)
            {
                waits++;
                Thread.onSpinWait();
            }
            else if (waits < FILL_WAIT_SPINS + FILL_WAIT_YIELDS)
            {
                waits++;
                Thread.yield();
            }
            else
            {
                LockSupport.parkNanos(this, parkNs);
                parkNs = Math.min(parkNs * 2, MAX_FILL_WAIT_PARK_NS);
            }
        }

        return true;
    }

    /**
     * Free a block for a copy when neither its class nor the pool of free pages has one: first evict cold copies by
     * CLOCK over all copies, at most as many as a page holds blocks of the class (and at least
     * {@link #MIN_CLOCK_EVICTIONS}), until one of them leaves a block of the class or
     * a free page; then empty the pages that hold the fewest bytes of copies none of which is pinned (at most
     * {@link #MAX_WINDOW_ATTEMPTS} tries), so the page moves to the copy's class.
     *
     * @param copyLength bytes of the copy.
     * @return offset of the block, or {@link SlabAllocator#NO_SPACE} if every candidate is pinned.
     */
    private long reclaim(final int copyLength)
    {
        final int maxClockEvictions = Math.max(MIN_CLOCK_EVICTIONS, arena.pageLength() / arena.blockLength(copyLength));
        for (int i = 0; i < maxClockEvictions && evictOne(); i++)
        {
            final long offset = arena.allocate(copyLength);
            if (SlabAllocator.NO_SPACE != offset)
            {
                return offset;
            }
        }

        try
        {
            for (int attempt = 0; attempt < MAX_WINDOW_ATTEMPTS; attempt++)
            {
                final int first = arena.cheapestWindow(copyLength);
                if (SlabAllocator.NO_WINDOW == first)
                {
                    return SlabAllocator.NO_SPACE;
                }
                final int pages = arena.windowPages(first, arena.blockLength(copyLength));
                if (evictWindow(first, pages))
                {
                    final long offset = arena.allocate(copyLength);
                    if (SlabAllocator.NO_SPACE != offset)
                    {
                        return offset;
                    }
                }
            }

            return SlabAllocator.NO_SPACE;
        }
        finally
        {
            arena.clearBlocked();
        }
    }

    /**
     * Evict every copy in a run of pages, unless one is pinned or unfilled: then evict none and block its page.
     *
     * @return true if the pages are now empty.
     */
    private boolean evictWindow(final int first, final int pages)
    {
        for (int page = first; page < first + pages; page++)
        {
            for (final CacheEntry entry : arena.owners(page))
            {
                if (null != entry && (0 != entry.pins || !entry.isFilled()))
                {
                    arena.block(page);
                    return false;
                }
            }
        }

        boolean emptied = true;
        for (int page = first; page < first + pages; page++)
        {
            final CacheEntry[] owners = arena.owners(page);
            for (int i = 0; i < owners.length; i++)
            {
                final CacheEntry entry = owners[i];
                if (null != entry)
                {
                    if (entry.tryEvict())
                    {
                        remove(entry);
                    }
                    else
                    {
                        // pinned since the check above by a lock-free hit
                        arena.block(page);
                        emptied = false;
                    }
                }
            }
        }

        return emptied;
    }

    private boolean evictOne()
    {
        final int size = clock.size();
        for (int step = 0; step < 2 * size; step++)
        {
            if (hand >= clock.size())
            {
                hand = 0;
            }
            final CacheEntry entry = clock.get(hand);
            if (entry.referenced)
            {
                entry.referenced = false;
                hand++;
                continue;
            }
            if (entry.isFilled() && entry.tryEvict())
            {
                // the last copy moves to the hand: examined next
                remove(entry);
                return true;
            }
            hand++;
        }

        return false;
    }

    private void remove(final CacheEntry entry)
    {
        remove(entry, true);
    }

    private void remove(final CacheEntry entry, final boolean evicted)
    {
        final int index = entry.clockIndex;
        final int last = clock.size() - 1;
        final CacheEntry moved = clock.get(last);
        clock.set(index, moved);
        moved.clockIndex = index;
        clock.remove(last);
        entries.remove(entry.key);
        arena.free(entry.arenaOffset);
        if (evicted)
        {
            counters.increment(Counters.CACHE_EVICTIONS);
        }
    }
}
