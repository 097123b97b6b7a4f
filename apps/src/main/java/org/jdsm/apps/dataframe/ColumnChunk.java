package org.jdsm.apps.dataframe;

import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;

import java.util.Objects;

/**
 * One column's values in one row group, as the group-by kernel reads them: {@link Arrays} over plain Java arrays
 * (the baseline) or {@link Buffer} over a chunk's bytes seen through a zero-copy {@link DirectBuffer} (jdsm). Values
 * are read one at a time at their offset; no element object is ever decoded. NA reads as
 * {@link ColumnType#NA_INT}, {@link ColumnType#NA_LONG} or {@code NaN}, whatever the accessor.
 * <p>
 * <b>Note:</b> reads only; threadsafe as long as the data under it does not change.
 */
public abstract class ColumnChunk
{
    /** The type of the column. */
    protected final ColumnType type;
    /** Rows in the chunk. */
    protected final int rows;

    ColumnChunk(final ColumnType type, final int rows)
    {
        this.type = type;
        this.rows = rows;
    }

    /**
     * Rows in the chunk.
     *
     * @return the row count.
     */
    public final int rows()
    {
        return rows;
    }

    /**
     * The value of an {@code INT} or {@code STRING} column.
     *
     * @param row in the chunk.
     * @return the value.
     */
    public abstract int getInt(int row);

    /**
     * The value of an integer column as a {@code long}.
     *
     * @param row in the chunk.
     * @return the value, {@link ColumnType#NA_LONG} for NA.
     */
    public abstract long getLong(int row);

    /**
     * The value of any numeric column as a {@code double}.
     *
     * @param row in the chunk.
     * @return the value, {@code NaN} for NA.
     */
    public abstract double getDouble(int row);

    static long widen(final int value)
    {
        return ColumnType.NA_INT == value ? ColumnType.NA_LONG : value;
    }

    static double toDouble(final int value)
    {
        return ColumnType.NA_INT == value ? Double.NaN : value;
    }

    static double toDouble(final long value)
    {
        return ColumnType.NA_LONG == value ? Double.NaN : value;
    }

    /**
     * A chunk of a plain Java array: {@code int[]}, {@code long[]} or {@code double[]} by type.
     * <p>
     * <b>Note:</b> reads only.
     */
    public static final class Arrays extends ColumnChunk
    {
        private final int[] ints;
        private final long[] longs;
        private final double[] doubles;

        /**
         * @param type  of the column.
         * @param array {@code int[]} for {@code INT} and {@code STRING}, {@code long[]}, {@code double[]}.
         * @param rows  rows used of the array.
         */
        public Arrays(final ColumnType type, final Object array, final int rows)
        {
            super(type, rows);
            ints = type.isInt() ? (int[])array : null;
            longs = ColumnType.LONG == type ? (long[])array : null;
            doubles = ColumnType.DOUBLE == type ? (double[])array : null;
        }

        public int getInt(final int row)
        {
            return ints[row];
        }

        public long getLong(final int row)
        {
            return null != ints ? widen(ints[row]) : longs[row];
        }

        public double getDouble(final int row)
        {
            return null != doubles ? doubles[row] : null != ints ? toDouble(ints[row]) : toDouble(longs[row]);
        }
    }

    /**
     * A chunk of bytes in the platform's byte order, {@link ColumnType#width()} bytes per row.
     * <p>
     * <b>Note:</b> reads only; valid while the borrow that gave the buffer is open.
     */
    public static final class Buffer extends ColumnChunk
    {
        private final byte[] byteArray;
        private final long addressOffset;

        /**
         * @param type   of the column.
         * @param buffer over the chunk's bytes; read in place, so its memory must stay where it is while this is
         *               read (as a borrow's buffer does until the borrow closes).
         * @param rows   rows in the chunk.
         */
        public Buffer(final ColumnType type, final DirectBuffer buffer, final int rows)
        {
            super(type, rows);
            if (buffer.capacity() < (long)rows * type.width())
            {
                throw new DataFrameException("chunk of " + buffer.capacity() + " bytes is short for " + rows +
                    " rows of " + type);
            }
            this.byteArray = buffer.byteArray();
            this.addressOffset = buffer.addressOffset();
        }

        // The capacity is checked once above, so a row checked against the chunk's rows is inside the buffer: the
        // reads below take one index check (which the JIT hoists out of a loop over rows) instead of a bounds check
        // of the buffer per value.

        public int getInt(final int row)
        {
            return UnsafeApi.getInt(byteArray, addressOffset + ((long)Objects.checkIndex(row, rows) << 2));
        }

        public long getLong(final int row)
        {
            final long at = addressOffset + ((long)Objects.checkIndex(row, rows) << (type.isInt() ? 2 : 3));
            return type.isInt() ? widen(UnsafeApi.getInt(byteArray, at)) : UnsafeApi.getLong(byteArray, at);
        }

        public double getDouble(final int row)
        {
            Objects.checkIndex(row, rows);
            switch (type)
            {
                case DOUBLE:
                    return UnsafeApi.getDouble(byteArray, addressOffset + ((long)row << 3));
                case LONG:
                    return toDouble(UnsafeApi.getLong(byteArray, addressOffset + ((long)row << 3)));
                default:
                    return toDouble(UnsafeApi.getInt(byteArray, addressOffset + ((long)row << 2)));
            }
        }
    }
}
