package org.jdsm.coherence;

import org.jdsm.NodeCounters;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CopyCacheTest
{
    private final Counters counters = new Counters();
    private final CopyCache cache = new CopyCache(64 * 1024, 16 * 1024, counters);

    private CacheEntry fill(final long key, final int length, final long value)
    {
        final CacheEntry entry = cache.insert(key, length);
        entry.payload().putLong(0, value);
        cache.publish(entry);
        return entry;
    }

    @Test
    void shouldHitUnderSameKeyAndMissUnderNewColour()
    {
        final long address = GlobalAddress.compose(3, 1, 64);
        final CacheEntry entry = fill(address, 8, 99);
        entry.unpin();

        final CacheEntry hit = cache.lookup(address);
        assertSame(entry, hit);
        assertEquals(99, hit.payload().getLong(0));
        hit.unpin();

        assertNull(cache.lookup(GlobalAddress.withColour(address, 4)), "a new colour never finds the old copy");
    }

    @Test
    void shouldGiveADroppedCopysSlotToTheNextCopyWithoutCountingAnEviction()
    {
        final CacheEntry freed = fill(GlobalAddress.compose(1, 1, 64), 1024, 7);
        fill(GlobalAddress.compose(1, 1, 2048), 1024, 8).unpin(); // a neighbour, so the page stays in use
        freed.unpin();

        assertTrue(cache.drop(freed));
        assertFalse(cache.contains(freed.key()));
        final CacheEntry next = fill(GlobalAddress.compose(1, 1, 4096), 1024, 9);
        assertEquals(freed.arenaOffset, next.arenaOffset, "the next copy of its size takes the dropped one's slot");
        assertEquals(0, counters.snapshot().get(NodeCounters.Counter.CACHE_EVICTIONS));
        assertFalse(cache.drop(freed), "dropped once");
    }

    @Test
    void shouldGiveAnAbandonedEntrysBlockBackSoFailedFetchesNeverFillTheCache()
    {
        // a 64 KiB cache: 1,000 failed fetches of 1 KiB copies are fifteen times its budget
        for (int i = 0; i < 1_000; i++)
        {
            final CacheEntry failed = cache.insert(GlobalAddress.compose(2, 1, 64L * (i + 1)), 1024);
            assertFalse(failed.isFilled());
            cache.abandon(failed);
        }

        assertEquals(0, cache.size());
        assertEquals(0, cache.usedBytes(), "every abandoned block went back");
        final CacheEntry entry = fill(GlobalAddress.compose(2, 1, 1 << 20), 1024, 5);
        assertTrue(entry.arenaOffset >= 0, "the next copy is cached, not a private copy outside the budget");
        entry.unpin();
        final CacheEntry hit = cache.lookup(GlobalAddress.compose(2, 1, 1 << 20));
        assertSame(entry, hit);
        hit.unpin();
        assertEquals(0, counters.snapshot().get(NodeCounters.Counter.CACHE_EVICTIONS), "abandoning is not evicting");
    }

    @Test
    void shouldWakeAThreadWaitingForAnAbandonedEntryWithAMiss() throws Exception
    {
        final long key = GlobalAddress.compose(2, 1, 64);
        final CacheEntry filling = cache.insert(key, 1024);
        final java.util.concurrent.CompletableFuture<CacheEntry> waiter =
            java.util.concurrent.CompletableFuture.supplyAsync(() -> cache.lookup(key));
        Thread.sleep(50); // most likely waiting for the fill by now; a lookup after the abandon misses as well

        cache.abandon(filling);

        assertNull(waiter.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, cache.usedBytes());
    }

    @Test
    void shouldSleepRatherThanSpinWhileAnotherThreadFetchesTheCopy() throws Exception
    {
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        final long key = GlobalAddress.compose(2, 1, 64);
        final CacheEntry filling = cache.insert(key, 8);
        final java.util.concurrent.atomic.AtomicReference<CacheEntry> found =
            new java.util.concurrent.atomic.AtomicReference<>();
        final Thread waiter = new Thread(() -> found.set(cache.lookup(key)), "fill-waiter");
        waiter.start();
        Thread.sleep(500); // a fetch from a slow peer

        assertTrue(waiter.isAlive(), "the lookup waits for the fill");
        final long waiterCpuNs = threads.getThreadCpuTime(waiter.getId());
        filling.payload().putLong(0, 42);
        cache.publish(filling);
        waiter.join(10_000);

        assertFalse(waiter.isAlive());
        assertSame(filling, found.get(), "the waiter gets the copy once it is filled");
        assertEquals(42, found.get().payload().getLong(0));
        assertTrue(waiterCpuNs < 100_000_000L,
            "a waiter parks through a slow fetch, it does not spin: " + waiterCpuNs / 1_000_000 + " ms of CPU in 500 ms");
    }

    @Test
    void shouldNotDropACopyAReaderPins()
    {
        final CacheEntry pinned = fill(GlobalAddress.compose(1, 1, 64), 64, 7);

        assertFalse(cache.drop(pinned));
        assertEquals(7, pinned.payload().getLong(0));
        pinned.unpin();
        assertTrue(cache.contains(pinned.key()), "left to eviction");
    }

    @Test
    void shouldEvictUnpinnedCopiesWhenBudgetIsFull()
    {
        for (int i = 0; i < 40; i++)
        {
            fill(GlobalAddress.compose(0, 1, 64 + i * 8192L), 8 * 1024 - 16, i).unpin();
        }
        assertTrue(cache.usedBytes() <= 64 * 1024);
        assertTrue(counters.snapshot().get(NodeCounters.Counter.CACHE_EVICTIONS) >= 32);
        assertTrue(cache.contains(GlobalAddress.compose(0, 1, 64 + 39 * 8192L)));
        assertFalse(cache.contains(GlobalAddress.compose(0, 1, 64)));
    }

    @Test
    void shouldNeverEvictPinnedCopyAndFallBackToPrivateCopy()
    {
        // 8 KiB copies take spans of 33 pages of 256 B: 7 fit in 64 KiB
        final CacheEntry[] pinned = new CacheEntry[7];
        for (int i = 0; i < pinned.length; i++)
        {
            pinned[i] = fill(GlobalAddress.compose(0, 1, 64 + i * 8192L), 8 * 1024, i);
            assertTrue(cache.contains(pinned[i].key()), "copy " + i + " fits the budget");
        }

        final CacheEntry extra = fill(GlobalAddress.compose(0, 2, 64), 8 * 1024, 42);
        assertEquals(42, extra.payload().getLong(0));
        for (int i = 0; i < pinned.length; i++)
        {
            assertEquals(i, pinned[i].payload().getLong(0), "pinned copy " + i + " kept its bytes");
            assertTrue(cache.contains(pinned[i].key()));
        }
        assertFalse(cache.contains(extra.key()), "private copy is outside the budget");
        assertEquals(0, counters.snapshot().get(NodeCounters.Counter.CACHE_EVICTIONS));
    }

    @Test
    void shouldGiveSecondInserterTheFirstOnesCopy()
    {
        final long address = GlobalAddress.compose(1, 1, 64);
        final CacheEntry first = fill(address, 8, 5);
        final CacheEntry second = cache.insert(address, 8);
        assertSame(first, second);
        assertTrue(second.isFilled());
    }

    @Test
    void shouldForgetAbandonedEntry()
    {
        final long address = GlobalAddress.compose(1, 1, 64);
        final CacheEntry entry = cache.insert(address, 8);
        cache.abandon(entry);
        assertFalse(cache.contains(address));
        assertNull(cache.lookup(address));
    }

    @Test
    void shouldKeepHotCopiesWhenCopiesMoveToALargerSizeClass()
    {
        // 1000 B payloads are 1024 B blocks, 1200 B ones 1280 B blocks: two slab classes of 4 KiB pages
        assertKeepsHotCopiesAcrossSizeClasses(1000, 1200);
    }

    @Test
    void shouldKeepHotCopiesWhenCopiesOutgrowAPage()
    {
        // 6000 B payloads take a span of two 4 KiB pages
        assertKeepsHotCopiesAcrossSizeClasses(1000, 6000);
    }

    /**
     * A 1 MiB cache full of copies of one size class, 50 of them hot, then copies of a larger class inserted one
     * by one, each followed by a read of every hot copy (as a kv store whose buckets grow): every new copy must be
     * cached, and the hot copies must stay.
     */
    private void assertKeepsHotCopiesAcrossSizeClasses(final int oldLength, final int newLength)
    {
        final Counters counters = new Counters();
        final CopyCache cache = new CopyCache(1 << 20, 16 * 1024, counters);
        final int oldCopies = 1500;
        final int hotCopies = 50;
        for (int i = 0; i < oldCopies; i++)
        {
            final CacheEntry entry = cache.insert(GlobalAddress.compose(0, 1, 64 + i * 8192L), oldLength);
            assertTrue(entry.arenaOffset >= 0, "old copy " + i + " cached");
            cache.publish(entry);
            entry.unpin();
        }

        int hotHits = 0;
        int hotReads = 0;
        final int newCopies = 500;
        for (int i = 0; i < newCopies; i++)
        {
            final long evictionsBefore = counters.snapshot().get(NodeCounters.Counter.CACHE_EVICTIONS);
            final CacheEntry entry = cache.insert(GlobalAddress.compose(0, 2, 64 + i * 8192L), newLength);
            assertTrue(entry.arenaOffset >= 0, "new copy " + i + " cached, not a private copy outside the budget");
            // at most 8 by CLOCK, then a run of pages of 4 KiB: of 4 old copies each, at most 2 pages, 4 tries
            final long evicted = counters.snapshot().get(NodeCounters.Counter.CACHE_EVICTIONS) - evictionsBefore;
            assertTrue(evicted <= CopyCache.MIN_CLOCK_EVICTIONS + CopyCache.MAX_WINDOW_ATTEMPTS * 2 * 4,
                "new copy " + i + " evicted " + evicted + " copies");
            assertTrue(cache.contains(entry.key()));
            cache.publish(entry);
            entry.unpin();
            for (int h = oldCopies - hotCopies; h < oldCopies; h++)
            {
                final long key = GlobalAddress.compose(0, 1, 64 + h * 8192L);
                CacheEntry hot = cache.lookup(key);
                hotReads++;
                if (null != hot)
                {
                    hotHits++;
                }
                else
                {
                    hot = cache.insert(key, oldLength);
                    cache.publish(hot);
                }
                hot.unpin();
            }
            assertTrue(cache.usedBytes() <= 1 << 20, "usedBytes=" + cache.usedBytes());
        }

        final double hotHitRate = (double)hotHits / hotReads;
        assertTrue(hotHitRate >= 0.99, "hot copies' hit rate " + hotHitRate);
        // the new copies fill the budget once over, evicting the cold old ones: not the cache for every insert
        final long evictions = counters.snapshot().get(NodeCounters.Counter.CACHE_EVICTIONS);
        assertTrue(evictions <= oldCopies + newCopies, "evictions=" + evictions);
    }
}
