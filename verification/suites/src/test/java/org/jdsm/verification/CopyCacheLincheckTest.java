package org.jdsm.verification;

import org.jdsm.coherence.BlockDescriptor;
import org.jdsm.coherence.CacheEntry;
import org.jdsm.coherence.CopyCache;
import org.jdsm.coherence.Counters;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The copy cache ({@link CopyCache}) under Lincheck: readers look up a copy of an object under its current colour,
 * insert and fill one on a miss, and read the value from the copy; a writer bumps the object's colour (here the
 * colour is the value, as each write makes a new one). The budget holds only a few copies, so inserts evict (CLOCK)
 * while other threads hold pinned copies. Against {@link RegisterSpec}, a read of a stale colour, of a copy evicted
 * and overwritten under its reader, or of an unfilled copy is a wrong value. {@code LincheckNegativeControlTest}
 * runs {@link Broken}, whose keys ignore the colour (as the engine's test-only fault {@code cache-ignores-colour}),
 * and requires a failure.
 */
@Param(name = "object", gen = IntGen.class, conf = "0:2")
public class CopyCacheLincheckTest
{
    /** Bytes of copies: the arena's first 64 bytes are reserved, leaving room for a few 16-byte copies. */
    private static final long BUDGET = 160;

    private final CopyCache cache = new CopyCache(BUDGET, BlockDescriptor.HEADER_LENGTH + 8, new Counters());
    private final AtomicLongArray colours = new AtomicLongArray(3);

    /**
     * Read an object through the cache.
     *
     * @param object 0..2.
     * @return the value read from the copy.
     */
    @Operation
    public long read(@Param(name = "object") final int object)
    {
        final long colour = colours.get(object);
        final long key = key(object, colour);
        CacheEntry entry = cache.lookup(key);
        if (null == entry)
        {
            entry = cache.insert(key, 8);
            if (!entry.isFilled())
            {
                // the fetch from the owner: the object's value at that colour is the colour
                entry.payload().putLong(0, colour);
                cache.publish(entry);
            }
        }
        final long value = entry.payload().getLong(0);
        entry.unpin();
        return value;
    }

    /**
     * The owner writes the object: a new colour, and the value with it.
     *
     * @param object 0..2.
     * @return the new value.
     */
    @Operation
    public long write(@Param(name = "object") final int object)
    {
        return colours.incrementAndGet(object);
    }

    long key(final int object, final long colour)
    {
        return ((long)object << 32) | colour;
    }

    @Test
    void stressTest()
    {
        LincheckRuns.stress(RegisterSpec.class).check(getClass());
    }

    @Test
    void modelCheckingTest()
    {
        LincheckRuns.modelChecking(RegisterSpec.class).check(getClass());
    }

    /**
     * Three registers, each write a new value.
     */
    public static class RegisterSpec
    {
        private final long[] values = new long[3];

        public long read(final int object)
        {
            return values[object];
        }

        public long write(final int object)
        {
            return ++values[object];
        }
    }

    /**
     * Negative control: the cache keyed by the object alone, so a copy taken before a write is found after it.
     */
    public static class Broken extends CopyCacheLincheckTest
    {
        @Override
        long key(final int object, final long colour)
        {
            return object;
        }
    }
}
