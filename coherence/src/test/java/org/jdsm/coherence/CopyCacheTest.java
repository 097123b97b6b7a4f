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
        final CacheEntry[] pinned = new CacheEntry[6];
        for (int i = 0; i < pinned.length; i++)
        {
            pinned[i] = fill(GlobalAddress.compose(0, 1, 64 + i * 8192L), 8 * 1024, i);
        }

        final CacheEntry extra = fill(GlobalAddress.compose(0, 2, 64), 8 * 1024, 42);
        assertEquals(42, extra.payload().getLong(0));
        for (int i = 0; i < pinned.length; i++)
        {
            assertEquals(i, pinned[i].payload().getLong(0), "pinned copy " + i + " kept its bytes");
            assertTrue(cache.contains(pinned[i].key()));
        }
        assertFalse(cache.contains(extra.key()), "private copy is outside the budget");
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
}
