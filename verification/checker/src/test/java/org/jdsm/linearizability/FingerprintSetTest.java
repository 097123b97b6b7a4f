package org.jdsm.linearizability;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FingerprintSetTest
{
    @Test
    void shouldAddOnceAndGrow()
    {
        final FingerprintSet set = new FingerprintSet(4, 1 << 12);
        for (long i = 0; i < 1_000; i++)
        {
            assertEquals(FingerprintSet.ADDED, set.add(i * 0x10000L));
        }
        for (long i = 1; i < 1_000; i++)
        {
            assertEquals(FingerprintSet.PRESENT, set.add(i * 0x10000L));
        }

        assertEquals(1_000, set.size());
        assertEquals(2_048, set.capacity());
    }

    @Test
    void shouldAnswerFullAtItsLargestCapacity()
    {
        final FingerprintSet set = new FingerprintSet(4, 8);
        for (long i = 1; i <= 6; i++)
        {
            assertEquals(FingerprintSet.ADDED, set.add(i));
        }

        assertEquals(FingerprintSet.FULL, set.add(7));
        assertEquals(FingerprintSet.PRESENT, set.add(3));
        assertEquals(8, set.capacity());
    }
}
