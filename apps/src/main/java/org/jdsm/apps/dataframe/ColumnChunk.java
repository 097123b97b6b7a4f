package org.jdsm.apps.dataframe;

import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;

import java.util.Objects;

/**
 * One column's values in one row group, as the group-by kernel reads them: {@link Arrays} over plain Java arrays
 * (the baseline) or {@link Buffer} over a chunk's bytes seen through a zero-copy {@link DirectBuffer} (jdsm). Values
 * are read one at a time at their offset, or a chunk's rows at once into an array (the chunk's own, or a scratch
 * array filled in one pass) for a kernel's loop; no element object is ever decoded. NA reads as
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

    /**
     * The values of an {@code INT} or {@code STRING} column, rows {@code [0, rows())}: the chunk's own array where it
     * has one, else {@code scratch} filled. A kernel's loop over the array makes no call per value.
     *
     * @param scratch of at least {@link #rows()} elements, written if needed.
     * @return the values, read only.
     */
    public abstract int[] ints(int[] scratch);

    /**
     * The values of an integer column as {@code long}s ({@link ColumnType#NA_LONG} for NA), rows
     * {@code [0, rows())}: the chunk's own array where it has one, else {@code scratch} filled.
     *
     * @param scratch of at least {@link #rows()} elements, written if needed.
     * @return the values, read only.
     */
    public abstract long[] longs(long[] scratch);

    /**
     * The values of any numeric column as {@code double}s ({@code NaN} for NA), rows {@code [0, rows())}: the
     * chunk's own array where it has one, else {@code scratch} filled.
     *
     * @param scratch of at least {@link #rows()} elements, written if needed.
     * @return the values, read only.
     */
    public abstract double[] doubles(double[] scratch);

    /**
     * Whether {@link #ints}, {@link #longs} or {@link #doubles} of this chunk returns its own array, so a caller
     * needs no scratch array for it.
     *
     * @param kind {@code int[].class}, {@code long[].class} or {@code double[].class}.
     * @return true if the chunk holds its values in an array of that kind.
     */
    public abstract boolean holds(Class<?> kind);

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

        public int[] ints(final int[] scratch)
        {
            return ints;
        }

        public boolean holds(final Class<?> kind)
        {
            return int[].class == kind ? null != ints : long[].class == kind ? null != longs : null != doubles;
        }

        public long[] longs(final long[] scratch)
        {
            if (null != longs)
            {
                return longs;
            }
            for (int row = 0; row < rows; row++)
            {
                scratch[row] = widen(ints[row]);
            }
            return scratch;
        }

        public double[] doubles(final double[] scratch)
        {
            if (null != doubles)
            {
                return doubles;
            }
            for (int row = 0; row < rows; row++)
            {
                scratch[row] = null != ints ? toDouble(ints[row]) : toDouble(longs[row]);
            }
            return scratch;
        }
    }

    /**
     * A chunk of bytes in the platform's byte order, {@link ColumnType#width()} bytes per row.
     * <p>
     * <b>Note:</b> reads only; valid while the borrow that gave the buffer is open.
     */
    public static final class Buffer extends ColumnChunk
    {
        private static final long INT_ARRAY_BASE = UnsafeApi.arrayBaseOffset(int[].class);
        private static final long LONG_ARRAY_BASE = UnsafeApi.arrayBaseOffset(long[].class);
        private static final long DOUBLE_ARRAY_BASE = UnsafeApi.arrayBaseOffset(double[].class);

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

        public boolean holds(final Class<?> kind)
        {
            return false;
        }

        public int[] ints(final int[] scratch)
        {
            Objects.checkFromIndexSize(0, rows, scratch.length);
            UnsafeApi.copyMemory(byteArray, addressOffset, scratch, INT_ARRAY_BASE, (long)rows << 2);
            return scratch;
        }

        public long[] longs(final long[] scratch)
        {
            Objects.checkFromIndexSize(0, rows, scratch.length);
            if (type.isInt())
            {
                for (int row = 0; row < rows; row++)
                {
                    scratch[row] = widen(UnsafeApi.getInt(byteArray, addressOffset + ((long)row << 2)));
                }
            }
            else
            {
                UnsafeApi.copyMemory(byteArray, addressOffset, scratch, LONG_ARRAY_BASE, (long)rows << 3);
            }
            return scratch;
        }

        public double[] doubles(final double[] scratch)
        {
            Objects.checkFromIndexSize(0, rows, scratch.length);
            switch (type)
            {
                case DOUBLE:
                    UnsafeApi.copyMemory(byteArray, addressOffset, scratch, DOUBLE_ARRAY_BASE, (long)rows << 3);
                    break;
                case LONG:
                    for (int row = 0; row < rows; row++)
                    {
                        scratch[row] = toDouble(UnsafeApi.getLong(byteArray, addressOffset + ((long)row << 3)));
                    }
                    break;
                default:
                    for (int row = 0; row < rows; row++)
                    {
                        scratch[row] = toDouble(UnsafeApi.getInt(byteArray, addressOffset + ((long)row << 2)));
                    }
            }
            return scratch;
        }
    }
}
