package org.jdsm.apps.dataframe;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The db-benchmark table: deterministic for a seed whatever the chunking, the value ranges of
 * {@code groupby-datagen.R}, exact NA counts, and the sort order of a sorted table.
 */
class G1GeneratorTest
{
    @Test
    void shouldBeDeterministicForASeedWhateverTheChunking()
    {
        final G1Spec spec = new G1Spec(10_000, 10, 5, false);
        final ArrayFrame a = G1Generator.generate(spec, 42, 1000);
        final ArrayFrame b = G1Generator.generate(spec, 42, 777);
        final ArrayFrame other = G1Generator.generate(spec, 43, 1000);
        for (int c = 0; c < 9; c++)
        {
            if (8 == c)
            {
                assertArrayEquals(a.doubleColumn(c), b.doubleColumn(c));
                assertFalse(Arrays.equals(a.doubleColumn(c), other.doubleColumn(c)));
            }
            else
            {
                assertArrayEquals(a.intColumn(c), b.intColumn(c), "column " + c);
                assertFalse(Arrays.equals(a.intColumn(c), other.intColumn(c)), "column " + c);
            }
        }
        assertArrayEquals((int[])G1Generator.values(spec, 42, 3, 5000, 100),
            Arrays.copyOfRange(a.intColumn(3), 5000, 5100));
    }

    @Test
    void shouldDrawEveryColumnFromItsRange()
    {
        final G1Spec spec = new G1Spec(20_000, 10, 0, false);
        final ArrayFrame frame = G1Generator.generate(spec, 1, 4096);
        final int[][] ranges = { { 0, 9 }, { 0, 9 }, { 0, 1999 }, { 1, 10 }, { 1, 10 }, { 1, 2000 }, { 1, 5 },
            { 1, 15 } };
        for (int c = 0; c < ranges.length; c++)
        {
            final Set<Integer> seen = new HashSet<>();
            for (final int v : frame.intColumn(c))
            {
                assertTrue(v >= ranges[c][0] && v <= ranges[c][1], "column " + c + " value " + v);
                seen.add(v);
            }
            final int distinct = ranges[c][1] - ranges[c][0] + 1;
            assertTrue(seen.size() >= distinct * 0.99, "column " + c + " has " + seen.size() + " of " + distinct);
        }
        double sum = 0;
        for (final double v : frame.doubleColumn(8))
        {
            assertTrue(v >= 0 && v <= 100, "v3 " + v);
            assertEquals(Math.round(v * 1e6) / 1e6, v, 0.0, "v3 has at most 6 decimals: " + v);
            sum += v;
        }
        assertEquals(50, sum / 20_000, 1.0);
        assertEquals("id001", frame.schema().column("id1").dictionary().get(0));
        assertEquals("id0000002000", frame.schema().column("id3").dictionary().get(1999));
    }

    @Test
    void shouldMakeExactlyNaPercentOfEveryColumnNa()
    {
        final G1Spec spec = new G1Spec(12_345, 10, 7, false);
        final ArrayFrame frame = G1Generator.generate(spec, 3, 1000);
        for (int c = 0; c < 9; c++)
        {
            int na = 0;
            if (8 == c)
            {
                for (final double v : frame.doubleColumn(c))
                {
                    na += Double.isNaN(v) ? 1 : 0;
                }
            }
            else
            {
                for (final int v : frame.intColumn(c))
                {
                    na += ColumnType.NA_INT == v ? 1 : 0;
                }
            }
            assertEquals(12_345 * 7 / 100, na, "column " + c);
        }
    }

    @Test
    void shouldPermuteRowsOneToOne()
    {
        for (final long n : new long[] { 1, 2, 3, 1000, 4096, 12_345 })
        {
            final BitSet seen = new BitSet();
            for (long x = 0; x < n; x++)
            {
                final long y = G1Generator.permute(99, x, n);
                assertTrue(y >= 0 && y < n && !seen.get((int)y), "n=" + n + " x=" + x + " y=" + y);
                seen.set((int)y);
            }
        }
    }

    @Test
    void shouldSortBySixKeysWithNaFirst()
    {
        final ArrayFrame frame = G1Generator.generate(new G1Spec(5_000, 5, 10, true), 8, 512);
        final List<int[]> keys = List.of(frame.intColumn(0), frame.intColumn(1), frame.intColumn(2),
            frame.intColumn(3), frame.intColumn(4), frame.intColumn(5));
        for (int row = 1; row < 5_000; row++)
        {
            int order = 0;
            for (int k = 0; k < 6 && 0 == order; k++)
            {
                order = Integer.compare(keys.get(k)[row - 1], keys.get(k)[row]);
            }
            assertTrue(order <= 0, "row " + row);
        }
        assertEquals(ColumnType.NA_INT, keys.get(0)[0]);
        final ArrayFrame unsorted = G1Generator.generate(new G1Spec(5_000, 5, 10, false), 8, 512);
        final double[] before = unsorted.doubleColumn(8).clone();
        final double[] after = frame.doubleColumn(8).clone();
        Arrays.sort(before);
        Arrays.sort(after);
        assertArrayEquals(before, after);
    }

    @Test
    void shouldParseAndNameTables()
    {
        final G1Spec spec = G1Spec.parse("G1_1e7_1e2_5_1");

        assertEquals(new G1Spec(10_000_000, 100, 5, true), spec);
        assertEquals("G1_1e7_1e2_5_1", spec.name());
        assertEquals("G1_12345_2e1_0_0", new G1Spec(12_345, 20, 0, false).name());
        assertEquals(100_000, spec.smallGroups());
        assertEquals("table name G1_1e7_x_0_0 has a bad number: For input string: \"x\"",
            assertThrows(DataFrameException.class, () -> G1Spec.parse("G1_1e7_x_0_0")).getMessage());
        assertEquals("table name G1_1.5_1e2_0_0 has a bad number: 1.5 is not a whole count",
            assertThrows(DataFrameException.class, () -> G1Spec.parse("G1_1.5_1e2_0_0")).getMessage());
        assertEquals("table name G2_1e7_1e2_0_0 is not G1_<rows>_<K>_<NA%>_<0|1>",
            assertThrows(DataFrameException.class, () -> G1Spec.parse("G2_1e7_1e2_0_0")).getMessage());
        assertEquals("rows=0 and k=1 must be >= 1, naPercent=0 in [0, 100]",
            assertThrows(DataFrameException.class, () -> new G1Spec(0, 1, 0, false)).getMessage());
    }
}
