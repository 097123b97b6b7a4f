package org.jdsm.apps.dataframe;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A table built from chunks of bytes (on or off the heap, alone or mixed with arrays) gives exactly (tolerance 0) what the same rows in plain arrays give, for every question,
 * while another table of another question is built on the same thread row group by row group: the kernel's scratch
 * arrays, which every table of a thread shares, carry nothing from one row group or table to the next.
 */
class GroupTableTest
{
    private static final int ROWS_PER_CHUNK = 4096;

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 })
    void shouldAggregateChunksOfBytesExactlyAsArraysWhileAnotherTableSharesTheThread(final int question)
    {
        final ArrayFrame arrays = G1Generator.generate(new G1Spec(30_000, 20, 5, false), 7, ROWS_PER_CHUNK);
        // 11: min and max of a double column, which no question has
        final Query query = 11 == question ? Query.of("min max v3 by id2", List.of("id2"),
            Aggregate.of(Aggregate.Kind.MIN, "v3", "min_v3"), Aggregate.of(Aggregate.Kind.MAX, "v3", "max_v3")) :
            Queries.questions().get(question - 1);
        final Query other = Queries.questions().get(question % 10);
        final ColumnType[] types = arrays.schema().types(query.columns());
        final ColumnType[] otherTypes = arrays.schema().types(other.columns());

        final GroupTable expected = GroupTable.create(query, types);
        final GroupTable expectedOther = GroupTable.create(other, otherTypes);
        final GroupTable inPlace = GroupTable.create(query, types);
        final GroupTable mixed = GroupTable.create(query, types);
        final GroupTable inPlaceOther = GroupTable.create(other, otherTypes);
        for (int g = 0; g < arrays.schema().rowGroups(); g++)
        {
            final int rows = arrays.schema().rowsIn(g);
            expected.addRows(arrays.chunks(query.columns(), g), rows);
            expectedOther.addRows(arrays.chunks(other.columns(), g), rows);
            inPlaceOther.addRows(bytes(arrays, other, otherTypes, g, false, 0 == g % 2), rows);
            inPlace.addRows(bytes(arrays, query, types, g, false, 1 == g % 2), rows);
            mixed.addRows(bytes(arrays, query, types, g, true, 0 == g % 2), rows);
        }

        final FrameSchema schema = arrays.schema();
        assertNull(inPlace.toResult(schema).difference(expected.toResult(schema), 0.0), "keys read in place");
        assertNull(mixed.toResult(schema).difference(expected.toResult(schema), 0.0), "first column in an array");
        assertNull(inPlaceOther.toResult(schema).difference(expectedOther.toResult(schema), 0.0), other.name());
    }

    /**
     * A row group's chunks as bytes in the platform's order, on the heap or off it; with {@code firstInArray}, the
     * query's first column stays in its array.
     */
    private static ColumnChunk[] bytes(
        final ArrayFrame arrays,
        final Query query,
        final ColumnType[] types,
        final int rowGroup,
        final boolean firstInArray,
        final boolean offHeap)
    {
        final int rows = arrays.schema().rowsIn(rowGroup);
        final ColumnChunk[] chunks = new ColumnChunk[types.length];
        for (int c = 0; c < chunks.length; c++)
        {
            final Object array = arrays.chunk(arrays.schema().indexOf(query.columns().get(c)), rowGroup);
            if (0 == c && firstInArray)
            {
                chunks[c] = new ColumnChunk.Arrays(types[c], array, rows);
                continue;
            }
            final byte[] bytes = DistributedFrame.toBytes(array);
            final UnsafeBuffer buffer;
            if (offHeap)
            {
                final ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
                direct.put(bytes);
                buffer = new UnsafeBuffer(direct);
            }
            else
            {
                buffer = new UnsafeBuffer(bytes);
            }
            chunks[c] = new ColumnChunk.Buffer(types[c], buffer, rows);
        }
        return chunks;
    }
}
