package org.jdsm.coherence;

import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;

/**
 * A node's cache of copies of remote objects, keyed by global address with colour and bounded by a byte budget:
 * the copies live in an arena of that size with its own {@link SizeClassAllocator}. A copy whose object has since
 * been written is keyed by an old colour, so it is never looked up again; it is evicted lazily, by CLOCK, when
 * space is needed, as is any copy no {@link org.jdsm.Ref} pins.
 * <p>
 * A borrow that finds every copy pinned and no space gets a private copy outside the budget, released with it.
 * Besides the pins of open Refs, each reading thread holds at most {@link ReaderLeases#RING_LENGTH} leases (one pin
 * each, see {@link ReaderLeases}) so its cache hits take no atomic; the leases of terminated threads are released
 * when space runs out.
 * <p>
 * <b>Note:</b> threadsafe: the map and the clock are guarded by the cache's lock, taken on a miss and on
 * eviction; a hit through an entry already held (see {@link CacheEntry#tryPin()}) takes no lock.
 */
public final class CopyCache
{
    private final SizeClassAllocator arena;
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
        final long capacity = (budget + 7) & ~7L;
        this.arena = new SizeClassAllocator(
            new HeapSlice(capacity, (int)Math.min(HeapSlice.MAX_SEGMENT_LENGTH, Long.highestOneBit(capacity - 1) << 1)),
            maxPayloadLength);
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
                    while (SizeClassAllocator.NO_SPACE == offset && evictOne())
                    {
                        offset = arena.allocate(copyLength);
                    }
                    if (SizeClassAllocator.NO_SPACE == offset && leases.releaseEndedThreads())
                    {
                        while (SizeClassAllocator.NO_SPACE == offset && evictOne())
                        {
                            offset = arena.allocate(copyLength);
                        }
                    }

                    final CacheEntry entry;
                    if (SizeClassAllocator.NO_SPACE == offset)
                    {
                        entry = new CacheEntry(key, SizeClassAllocator.NO_SPACE, length);
                        entry.fetchBuffer.wrap(new byte[copyLength]);
                        entry.payload.wrap(entry.fetchBuffer, BlockDescriptor.HEADER_LENGTH, length);
                        return entry;
                    }

                    entry = new CacheEntry(key, offset, length);
                    arena.slice().wrap(entry.fetchBuffer, offset + BlockDescriptor.HEADER_LENGTH, copyLength);
                    arena.slice().wrap(entry.payload, offset + 2 * BlockDescriptor.HEADER_LENGTH, length);
                    entries.put(key, entry);
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
     * Drop an entry whose fetch failed, waking threads that wait for it.
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
                entries.remove(entry.key);
            }
        }
        entry.unpin();
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

    private boolean awaitFilled(final CacheEntry entry)
    {
        while (!entry.isFilled())
        {
            if (entry.failed)
            {
                entry.unpin();
                return false;
            }
            Thread.onSpinWait();
        }

        return true;
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
                final int last = clock.size() - 1;
                clock.set(hand, clock.get(last));
                clock.remove(last);
                entries.remove(entry.key);
                arena.free(entry.arenaOffset, BlockDescriptor.colour(arena.slice().getLongAcquire(entry.arenaOffset)));
                counters.increment(Counters.CACHE_EVICTIONS);
                return true;
            }
            hand++;
        }

        return false;
    }
}
