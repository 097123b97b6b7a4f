package org.jdsm.apps.dataframe;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The columns of a frame, in order, and how its rows are cut into row groups: row group g holds rows
 * {@code [g * rowsPerChunk, min(rows, (g + 1) * rowsPerChunk))} of every column, one chunk per column.
 * <p>
 * <b>Note:</b> immutable, threadsafe.
 *
 * @param columns      in order.
 * @param rows         number of rows.
 * @param rowsPerChunk rows in every row group but the last.
 */
public record FrameSchema(List<ColumnSpec> columns, long rows, int rowsPerChunk) implements Serializable
{
    /**
     * Checks the sizes.
     */
    public FrameSchema
    {
        columns = List.copyOf(columns);
        if (rows < 0 || rowsPerChunk < 1)
        {
            throw new DataFrameException("rows=" + rows + " must be >= 0 and rowsPerChunk=" + rowsPerChunk +
                " >= 1");
        }
        if ((rows + rowsPerChunk - 1) / rowsPerChunk > Integer.MAX_VALUE)
        {
            throw new DataFrameException("rows=" + rows + " makes more than 2^31 row groups of " + rowsPerChunk);
        }
    }

    /**
     * Rows per chunk so that the widest column's chunk holds {@code chunkBytes}.
     *
     * @param chunkBytes bytes of the widest chunk, e.g. 1 MiB.
     * @return rows per chunk.
     */
    public static int rowsPerChunk(final int chunkBytes)
    {
        if (chunkBytes < Long.BYTES)
        {
            throw new DataFrameException("chunkBytes=" + chunkBytes + " must be >= " + Long.BYTES);
        }

        return chunkBytes / Long.BYTES;
    }

    /**
     * The index of a column.
     *
     * @param name of the column.
     * @return its index.
     * @throws DataFrameException naming the column if there is none.
     */
    public int indexOf(final String name)
    {
        for (int i = 0; i < columns.size(); i++)
        {
            if (columns.get(i).name().equals(name))
            {
                return i;
            }
        }
        throw new DataFrameException("no column " + name + " in " + names());
    }

    /**
     * A column by name.
     *
     * @param name of the column.
     * @return its spec.
     */
    public ColumnSpec column(final String name)
    {
        return columns.get(indexOf(name));
    }

    /**
     * The column names.
     *
     * @return the names in order.
     */
    public List<String> names()
    {
        final List<String> names = new ArrayList<>();
        for (final ColumnSpec column : columns)
        {
            names.add(column.name());
        }
        return names;
    }

    /**
     * Number of row groups.
     *
     * @return the count.
     */
    public int rowGroups()
    {
        return (int)((rows + rowsPerChunk - 1) / rowsPerChunk);
    }

    /**
     * Rows in a row group.
     *
     * @param rowGroup index.
     * @return its row count.
     */
    public int rowsIn(final int rowGroup)
    {
        return (int)Math.min(rowsPerChunk, rows - (long)rowGroup * rowsPerChunk);
    }

    /**
     * The types of named columns.
     *
     * @param names of the columns.
     * @return their types, in the same order.
     */
    public ColumnType[] types(final List<String> names)
    {
        final ColumnType[] types = new ColumnType[names.size()];
        for (int i = 0; i < types.length; i++)
        {
            types[i] = column(names.get(i)).type();
        }
        return types;
    }
}
