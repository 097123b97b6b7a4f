package org.jdsm.apps.dataframe;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A table shipped as {@link Partial} pieces and read back, piece after piece, into one reused decoder table
 * ({@link GroupTable#decodeFrom}) merges to the table itself, for every question: a piece's length is the bytes it
 * writes, and a smaller piece read after a larger one leaves nothing of the larger behind.
 */
class PartialTest
{
    private static final double TOLERANCE = 1e-9;
    private static final int ROWS_PER_CHUNK = 4096;

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 })
    void shouldMergePiecesReadIntoOneDecoderToTheTableItself(final int question)
    {
        final ArrayFrame arrays = G1Generator.generate(new G1Spec(40_000, 20, 5, false), 3, ROWS_PER_CHUNK);
        final Query query = Queries.questions().get(question - 1);
        final ColumnType[] types = arrays.schema().types(query.columns());
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

        // the largest piece first, then ever smaller ones: each read must replace all the decoder held
        final int groups = table.groups();
        final int[] bounds = { 0, groups * 3 / 4, groups * 7 / 8, groups - 1, groups };
        final GroupTable total = GroupTable.create(query, types);
        final GroupTable decoder = GroupTable.decoder(query, types);
        for (int p = 0; p + 1 < bounds.length; p++)
        {
            final Partial piece = Partial.of(table, bounds[p], bounds[p + 1]);
            final byte[] bytes = piece.toBytes();
            assertEquals(piece.length(), bytes.length, "length of piece " + p);
            final UnsafeBuffer read = new UnsafeBuffer(new byte[bytes.length]);
            Partial.CODEC.encode(Partial.CODEC.decode(new UnsafeBuffer(bytes), 0, bytes.length, null), read, 0,
                null);
            assertArrayEquals(bytes, read.byteArray(), "piece " + p + " through its codec");
            decoder.decodeFrom(new UnsafeBuffer(bytes));
            assertEquals(bounds[p + 1] - bounds[p], decoder.groups(), "groups read from piece " + p);
            total.mergeFrom(decoder);
        }
        assertNull(total.toResult(arrays.schema()).difference(table.toResult(arrays.schema()), TOLERANCE));
    }
}
