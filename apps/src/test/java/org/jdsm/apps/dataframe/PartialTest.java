package org.jdsm.apps.dataframe;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A table shipped as {@link Partial} pieces and merged straight from their bytes ({@link GroupTable#mergeEncoded})
 * gives exactly what merging the table itself ({@link GroupTable#mergeFrom}) gives, for every question, into an
 * empty table and into one that already holds the same groups: a piece's length is the bytes it writes, and each
 * aggregate reads its own state from the bytes with the same arithmetic as from a table.
 */
class PartialTest
{
    private static final int ROWS_PER_CHUNK = 4096;

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 })
    void shouldMergePiecesFromTheirBytesExactlyAsTheTableItself(final int question)
    {
        final ArrayFrame arrays = G1Generator.generate(new G1Spec(40_000, 20, 5, false), 3, ROWS_PER_CHUNK);
        final Query query = Queries.questions().get(question - 1);
        final ColumnType[] types = arrays.schema().types(query.columns());
        final GroupTable table = aggregate(arrays, query, types);

        final int groups = table.groups();
        final int[] bounds = { 0, 1, groups / 2, groups - 1, groups };
        final GroupTable fromBytes = GroupTable.create(query, types);
        final GroupTable fromTable = GroupTable.create(query, types);
        for (int round = 0; round < 2; round++)
        {
            // the second round merges into groups that already hold values: Chan's update, min/max, top-k, lists
            for (int p = 0; p + 1 < bounds.length; p++)
            {
                final Partial piece = Partial.of(table, bounds[p], bounds[p + 1]);
                final byte[] bytes = piece.toBytes();
                assertEquals(piece.length(), bytes.length, "length of piece " + p);
                final UnsafeBuffer copy = new UnsafeBuffer(new byte[bytes.length]);
                Partial.CODEC.encode(Partial.CODEC.decode(new UnsafeBuffer(bytes), 0, bytes.length, null), copy, 0,
                    null);
                assertArrayEquals(bytes, copy.byteArray(), "piece " + p + " through its codec");
                fromBytes.mergeEncoded(new UnsafeBuffer(bytes));
            }
            fromTable.mergeFrom(table);
            assertNull(fromBytes.toResult(arrays.schema()).difference(fromTable.toResult(arrays.schema()), 0.0),
                "round " + round);
        }
    }

    @Test
    void shouldRejectAPartialOfAnotherQuery()
    {
        final ArrayFrame arrays = G1Generator.generate(new G1Spec(4_000, 20, 0, false), 3, ROWS_PER_CHUNK);
        final Query q1 = Queries.questions().get(0);
        final Query q10 = Queries.questions().get(9);
        final GroupTable table = aggregate(arrays, q10, arrays.schema().types(q10.columns()));
        final byte[] bytes = Partial.of(table, 0, table.groups()).toBytes();
        final GroupTable other = GroupTable.create(q1, arrays.schema().types(q1.columns()));

        final DataFrameException ex =
            assertThrows(DataFrameException.class, () -> other.mergeEncoded(new UnsafeBuffer(bytes)));
        assertEquals("partial of 6 keys, 2 aggregates and " + table.groups() + " groups does not fit query " +
            q1.name(), ex.getMessage());
    }

    private static GroupTable aggregate(final ArrayFrame arrays, final Query query, final ColumnType[] types)
    {
        final GroupTable table = GroupTable.create(query, types);
        for (int g = 0; g < arrays.schema().rowGroups(); g++)
        {
            final ColumnChunk[] chunks = new ColumnChunk[types.length];
            for (int c = 0; c < chunks.length; c++)
            {
                chunks[c] = new ColumnChunk.Arrays(types[c],
                    arrays.chunk(arrays.schema().indexOf(query.columns().get(c)), g), arrays.schema().rowsIn(g));
            }
            table.addRows(chunks, arrays.schema().rowsIn(g));
        }
        return table;
    }
}
