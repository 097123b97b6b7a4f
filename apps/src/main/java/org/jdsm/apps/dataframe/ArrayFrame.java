package org.jdsm.apps.dataframe;

import java.util.List;

/**
 * A frame in plain Java arrays in one process, the baseline's storage: per column one array per row group
 * ({@code int[]} for {@code INT} and {@code STRING}, {@code long[]}, {@code double[]}), the same row groups as a
 * {@link DistributedFrame}.
 * <p>
 * <b>Note:</b> immutable once made, threadsafe for reading.
 */
public final class ArrayFrame
{
    private final FrameSchema schema;
    private final Object[][] chunks;

    /**
     * @param schema of the frame.
     * @param chunks {@code [column][rowGroup]} arrays of {@link FrameSchema#rowsIn} values.
     */
    public ArrayFrame(final FrameSchema schema, final Object[][] chunks)
    {
        if (chunks.length != schema.columns().size())
        {
            throw new DataFrameException(chunks.length + " columns of chunks for " + schema.names());
        }
        for (int c = 0; c < chunks.length; c++)
        {
            if (chunks[c].length != schema.rowGroups())
            {
                throw new DataFrameException("column " + schema.columns().get(c).name() + " has " + chunks[c].length +
                    " chunks, expected " + schema.rowGroups());
            }
        }
        this.schema = schema;
        this.chunks = chunks;
    }

    /**
     * @return the schema.
     */
    public FrameSchema schema()
    {
        return schema;
    }

    /**
     * The array of one column in one row group.
     *
     * @param column   index.
     * @param rowGroup index.
     * @return the array.
     */
    public Object chunk(final int column, final int rowGroup)
    {
        return chunks[column][rowGroup];
    }

    /**
     * The chunks of a row group that a query reads, for the kernel.
     *
     * @param columns  names, in the order the query reads them.
     * @param rowGroup index.
     * @return one chunk per column.
     */
    public ColumnChunk[] chunks(final List<String> columns, final int rowGroup)
    {
        final ColumnChunk[] row = new ColumnChunk[columns.size()];
        for (int i = 0; i < row.length; i++)
        {
            final int c = schema.indexOf(columns.get(i));
            row[i] = new ColumnChunk.Arrays(schema.columns().get(c).type(), chunks[c][rowGroup],
                schema.rowsIn(rowGroup));
        }
        return row;
    }

    /**
     * A whole {@code INT} or {@code STRING} column in one array.
     *
     * @param column index.
     * @return its values.
     */
    public int[] intColumn(final int column)
    {
        final int[] values = new int[Math.toIntExact(schema.rows())];
        for (int g = 0; g < schema.rowGroups(); g++)
        {
            System.arraycopy((int[])chunks[column][g], 0, values, g * schema.rowsPerChunk(), schema.rowsIn(g));
        }
        return values;
    }

    /**
     * A whole numeric column as {@code double}s, NA as {@code NaN}.
     *
     * @param column index.
     * @return its values.
     */
    public double[] doubleColumn(final int column)
    {
        final ColumnType type = schema.columns().get(column).type();
        final double[] values = new double[Math.toIntExact(schema.rows())];
        for (int g = 0; g < schema.rowGroups(); g++)
        {
            final ColumnChunk chunk = new ColumnChunk.Arrays(type, chunks[column][g], schema.rowsIn(g));
            for (int r = 0; r < chunk.rows(); r++)
            {
                values[g * schema.rowsPerChunk() + r] = chunk.getDouble(r);
            }
        }
        return values;
    }

    /**
     * The frame with its rows in a new order.
     *
     * @param order row i of the new frame is row order[i] of this one.
     * @return the new frame.
     */
    public ArrayFrame permute(final int[] order)
    {
        final Object[][] permuted = new Object[chunks.length][schema.rowGroups()];
        final int perChunk = schema.rowsPerChunk();
        for (int c = 0; c < chunks.length; c++)
        {
            for (int g = 0; g < schema.rowGroups(); g++)
            {
                final int rows = schema.rowsIn(g);
                final int first = g * perChunk;
                final Object out = java.lang.reflect.Array.newInstance(chunks[c][g].getClass().getComponentType(),
                    rows);
                for (int r = 0; r < rows; r++)
                {
                    final int from = order[first + r];
                    System.arraycopy(chunks[c][from / perChunk], from % perChunk, out, r, 1);
                }
                permuted[c][g] = out;
            }
        }
        return new ArrayFrame(schema, permuted);
    }
}
