package org.jdsm.coherence;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;
import org.openjdk.jcstress.infra.results.ZZ_Result;

import static org.jdsm.coherence.BlockDescriptor.HEADER_LENGTH;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A reader node's {@link CopyCache} against colour bumps at the object's home: a copy is keyed by address with
 * colour, so once the owner has bumped the colour and published the new address, no reader gets the old copy for
 * it; and a copy pinned by one reader is never evicted under it by another reader's insert.
 * <p>
 * Each state has its own home heap with one live object and its own cache whose budget holds exactly one copy, so
 * every insert of a second key must evict.
 */
public final class CopyCacheTests
{
    /** Home node of the object in these tests: any id, the cache never looks at it. */
    static final int HOME_NODE = 1;
    /** Payload length of the object. */
    static final int LENGTH = 8;
    /** Budget of one copy: the arena's reserved first 64 bytes, then one 24-byte block for a 16-byte copy. */
    static final long ONE_COPY_BUDGET = SizeClassAllocator.FIRST_BLOCK_OFFSET + 24;

    private CopyCacheTests()
    {
    }

    /**
     * The object's home heap and the reader's cache, holding a filled, unpinned copy of the object under its
     * first colour with value 1.
     */
    abstract static class HomeAndCache
    {
        final HeapSlice homeHeap = new HeapSlice(256, 256);
        final SizeClassAllocator homeAllocator = new SizeClassAllocator(homeHeap, 64);
        final long offset = homeAllocator.allocate(LENGTH);
        final long firstAddress = GlobalAddress.compose(0, HOME_NODE, offset);
        final CopyCache cache = new CopyCache(ONE_COPY_BUDGET, LENGTH + HEADER_LENGTH, new Counters());
        /** The owner slot: the address a reader is handed, published with release when the Mut closes. */
        final HeapSlice ownerSlot = new HeapSlice(8, 8);

        HomeAndCache()
        {
            homeHeap.putLongRelease(offset + HEADER_LENGTH, 1);
            ownerSlot.putLongRelease(0, firstAddress);
            final CacheEntry entry = cache.insert(firstAddress, LENGTH);
            fetch(firstAddress, entry);
            cache.publish(entry);
            entry.unpin();
        }

        /**
         * The owner's exclusive borrow of a local object: bump the colour, write the value, then publish the new
         * address with release as closing the Mut does.
         */
        void ownerWrites(final long value)
        {
            final int colour = homeAllocator.bumpColour(offset, GlobalAddress.colour(firstAddress));
            homeHeap.putLongRelease(offset + HEADER_LENGTH, value);
            ownerSlot.putLongRelease(0, GlobalAddress.withColour(firstAddress, colour));
        }

        /**
         * What {@link Node#pinCopy} does: look the key up, else insert, fetch from the home heap and publish.
         *
         * @return the value in the pinned copy; the entry is unpinned again.
         */
        long readThroughCache(final long address)
        {
            CacheEntry entry = cache.lookup(address);
            if (null == entry)
            {
                entry = cache.insert(address, LENGTH);
                if (!entry.isFilled())
                {
                    fetch(address, entry);
                    cache.publish(entry);
                }
            }
            final long value = entry.payload().getLong(0);
            entry.unpin();

            return value;
        }

        void fetch(final long address, final CacheEntry entry)
        {
            homeHeap.getBytes(GlobalAddress.offset(address), entry.fetchBuffer, 0, HEADER_LENGTH + LENGTH);
        }
    }

    /**
     * The owner bumps the colour and writes 2 while a reader reads through its cache at the address it was
     * handed. The reader must see the value that goes with the colour it read.
     */
    @JCStressTest
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "Reader before the owner published: old colour, cached copy 1")
    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "Reader after the owner published: new colour, fetched 2")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Stale copy returned for the new colour")
    @Outcome(id = "0, 2", expect = FORBIDDEN, desc = "Old colour's copy shows the new value: copy overwritten")
    @Outcome(expect = FORBIDDEN, desc = "Any other colour or value is corruption")
    @State
    public static class LookupRacesColourBump extends HomeAndCache
    {
        @Actor
        public void owner()
        {
            ownerWrites(2);
        }

        @Actor
        public void reader(final JJ_Result r)
        {
            final long address = ownerSlot.getLongAcquire(0);
            r.r1 = GlobalAddress.colour(address);
            r.r2 = readThroughCache(address);
        }
    }

    /**
     * Two readers on one node after the colour bump: one still holds the old address (and pins the old copy),
     * the other fetches the new colour, which needs the only slot of the budget and so races the eviction of the
     * old copy.
     */
    @JCStressTest
    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "Old address reads the old copy (or refetches 1), new reads 2")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Stale copy returned for the new colour")
    @Outcome(id = "2, 2", expect = FORBIDDEN, desc = "Old key's pinned copy was evicted and its block reused")
    @Outcome(expect = FORBIDDEN, desc = "Any other value is corruption")
    @State
    public static class EvictionRacesPinnedOldCopy extends HomeAndCache
    {
        EvictionRacesPinnedOldCopy()
        {
            ownerWrites(2);
        }

        @Actor
        public void oldReader(final JJ_Result r)
        {
            final CacheEntry entry = cache.lookup(firstAddress);
            if (null == entry)
            {
                // evicted before it could be pinned: a real reader would refetch and find the colour stale at the
                // home; record what the old address named
                r.r1 = 1;
                return;
            }
            final long first = entry.payload().getLong(0);
            Thread.onSpinWait();
            // read again while still pinned: an eviction in between would let the other reader's copy land here
            final long second = entry.payload().getLong(0);
            r.r1 = first == second ? first : second;
            entry.unpin();
        }

        @Actor
        public void newReader(final JJ_Result r)
        {
            r.r2 = readThroughCache(ownerSlot.getLongAcquire(0));
        }
    }

    /**
     * Two readers miss on the same new key at once: one inserts and fetches, the other must wait for the copy to
     * be filled rather than read an empty one.
     */
    @JCStressTest
    @Outcome(id = "true, true", expect = ACCEPTABLE, desc = "Both read the filled copy of the new colour")
    @Outcome(expect = FORBIDDEN, desc = "A reader saw an unfilled copy, or the old value for the new colour")
    @State
    public static class ConcurrentInsertOfNewColour extends HomeAndCache
    {
        ConcurrentInsertOfNewColour()
        {
            ownerWrites(2);
        }

        @Actor
        public void reader1(final ZZ_Result r)
        {
            r.r1 = readThroughCache(ownerSlot.getLongAcquire(0)) == 2;
        }

        @Actor
        public void reader2(final ZZ_Result r)
        {
            r.r2 = readThroughCache(ownerSlot.getLongAcquire(0)) == 2;
        }

        @Arbiter
        public void arbiter(final ZZ_Result r)
        {
            if (1 != cache.size())
            {
                r.r1 = false;
            }
        }
    }
}
