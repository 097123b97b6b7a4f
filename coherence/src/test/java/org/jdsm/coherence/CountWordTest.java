package org.jdsm.coherence;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CountWordTest
{
    @Test
    void shouldKeepTheCountAndMoveThePositionOnByOnePerAdditionEitherWay()
    {
        long word = 1; // a count word as the allocation writes it: count 1, position 0
        final long[] deltas = {1, -1, 5, -3, -2};
        long count = 1;
        for (final long delta : deltas)
        {
            final long before = word;
            word += delta + CountWord.POSITION_UNIT;
            count += delta;
            assertEquals(count, CountWord.count(word));
            assertTrue(CountWord.isAfter(word, before), "the position went up with " + delta);
            assertFalse(CountWord.isAfter(before, word));
        }
        assertEquals(1, CountWord.count(word), "back to the count it started with");
        assertNotEquals(1, word, "but not to the word: its position is " + deltas.length);
    }

    @Test
    void shouldKeepTheLargestHandleCountApartFromThePosition()
    {
        final long word = Integer.MAX_VALUE + 5 * CountWord.POSITION_UNIT;
        assertEquals(Integer.MAX_VALUE, CountWord.count(word));
        assertTrue(CountWord.isAfter(word, Integer.MAX_VALUE + 4 * CountWord.POSITION_UNIT));
    }

    @Test
    void shouldReadACountWithoutPositionAsItself()
    {
        assertEquals(0, CountWord.count(0));
        assertEquals(42, CountWord.count(42));
        assertEquals(-1, CountWord.count(-1), "sign-extended from 32 bits");
        assertFalse(CountWord.isAfter(7, 7));
    }

    @Test
    void shouldOrderPositionsAcrossTheirWrapWithinHalfTheirRange()
    {
        final long last = (0xFFFF_FFFFL << CountWord.COUNT_BITS) | 3; // the last position before the wrap, count 3
        final long next = last + 1 + CountWord.POSITION_UNIT; // position 0 again, count 4
        assertEquals(4, CountWord.count(next));
        assertTrue(CountWord.isAfter(next, last));
        assertFalse(CountWord.isAfter(last, next));
        final long far = 3 + (0x7FFF_FFFFL << CountWord.COUNT_BITS);
        assertTrue(CountWord.isAfter(far, 3), "2^31 - 1 positions on");
        assertFalse(CountWord.isAfter(far + CountWord.POSITION_UNIT, 3), "2^31 on: taken as behind");
        assertTrue(CountWord.isAfter(3 + (32_768L << CountWord.COUNT_BITS), 3),
            "32,768 positions on: ahead (behind when positions had 16 bits)");
    }
}
