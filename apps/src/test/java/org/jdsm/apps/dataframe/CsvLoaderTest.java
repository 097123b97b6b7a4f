package org.jdsm.apps.dataframe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The CSV loader: a written table loads back with the same values and query results, and bad lines are reported
 * by line and column.
 */
class CsvLoaderTest
{
    private static final String HEADER = "id1,id2,id3,id4,id5,id6,v1,v2,v3\n";

    @Test
    void shouldLoadWhatWasWrittenWithNas(@TempDir final Path directory)
    {
        final ArrayFrame generated = G1Generator.generate(new G1Spec(3_000, 10, 5, false), 6, 500);
        final Path file = directory.resolve("G1_3000_1e1_5_0.csv");
        CsvLoader.write(generated, file);
        final ArrayFrame loaded = CsvLoader.load(file, CsvLoader.groupByColumns(), 700);

        assertEquals(3_000, loaded.schema().rows());
        for (int c = 0; c < 9; c++)
        {
            final ColumnSpec column = generated.schema().columns().get(c);
            if (ColumnType.DOUBLE == column.type())
            {
                assertArrayEquals(generated.doubleColumn(c), loaded.doubleColumn(c));
            }
            else if (ColumnType.STRING == column.type())
            {
                final int[] a = generated.intColumn(c);
                final int[] b = loaded.intColumn(c);
                for (int row = 0; row < a.length; row++)
                {
                    assertEquals(column.dictionary().get(a[row]),
                        loaded.schema().columns().get(c).dictionary().get(b[row]), "row " + row);
                }
            }
            else
            {
                assertArrayEquals(generated.intColumn(c), loaded.intColumn(c));
            }
        }
        final Query q3 = Queries.questions().get(2);
        assertEquals(BruteForce.run(generated, q3).rows(), BruteForce.run(loaded, q3).rows());
        final Query q5 = Queries.questions().get(4);
        assertNull(BruteForce.run(generated, q5).difference(BruteForce.run(loaded, q5), 1e-9));
    }

    @Test
    void shouldNameLineAndColumnOfABadValue()
    {
        final CsvException badInt = assertThrows(CsvException.class, () -> load(HEADER +
            "id001,id002,id0000000003,1,2,3,4,5,6.5\n" +
            "id001,id002,id0000000003,1,2,3,x4,5,6.5\n"));
        assertEquals("t.csv line 3, column 7 (v1): 'x4' is not an integer in range", badInt.getMessage());
        assertEquals(3, badInt.line());
        assertEquals(7, badInt.column());

        assertEquals("t.csv line 2, column 9 (v3): '6.5.1' is not a number", assertThrows(CsvException.class,
            () -> load(HEADER + "id001,id002,id0000000003,1,2,3,4,5,6.5.1\n")).getMessage());
        assertEquals("t.csv line 2, column 4 (id4): '99999999999' is not an integer in range",
            assertThrows(CsvException.class,
            () -> load(HEADER + "id001,id002,id0000000003,99999999999,2,3,4,5,6.5\n")).getMessage());
    }

    @Test
    void shouldNameTheLineWithTheWrongFieldCount()
    {
        final CsvException missing = assertThrows(CsvException.class, () -> load(HEADER +
            "id001,id002,id0000000003,1,2,3,4,5,6.5\n\n" +
            "id001,id002,id0000000003,1,2,3,4,5\n"));
        assertEquals("t.csv line 4: 8 fields, expected 9", missing.getMessage());
        assertEquals(4, missing.line());
        assertEquals(0, missing.column());
        assertEquals("t.csv line 2: 10 fields, expected 9", assertThrows(CsvException.class,
            () -> load(HEADER + "id001,id002,id0000000003,1,2,3,4,5,6.5,7\n")).getMessage());
        assertEquals("t.csv line 1: header 'id1,id2', expected id1,id2,id3,id4,id5,id6,v1,v2,v3",
            assertThrows(CsvException.class, () -> load("id1,id2\n")).getMessage());
    }

    @Test
    void shouldReadEmptyAndNaFieldsAsNa() throws Exception
    {
        final ArrayFrame frame = load(HEADER + ",NA,id0000000003,,2,NA,4,,\n" +
            "id001,id002,id0000000003,1,2,3,4,5,6.5\n");

        assertEquals(ColumnType.NA_INT, frame.intColumn(0)[0]);
        assertEquals(ColumnType.NA_INT, frame.intColumn(1)[0]);
        assertEquals(0, frame.intColumn(2)[0]);
        assertEquals(ColumnType.NA_INT, frame.intColumn(3)[0]);
        assertEquals(ColumnType.NA_INT, frame.intColumn(5)[0]);
        assertEquals(ColumnType.NA_INT, frame.intColumn(7)[0]);
        assertEquals(Double.NaN, frame.doubleColumn(8)[0]);
        assertEquals(2, frame.schema().rows());
        assertEquals("id001", frame.schema().column("id1").dictionary().get(frame.intColumn(0)[1]));
    }

    private static ArrayFrame load(final String text) throws Exception
    {
        return CsvLoader.load(new BufferedReader(new StringReader(text)), "t.csv", CsvLoader.groupByColumns(), 2);
    }
}
