package org.jdsm.apps.dataframe;

/**
 * The type of a column and its width in a chunk. A {@code STRING} column stores dictionary ids as {@code int}s.
 * Missing values (NA) are {@link #NA_INT} in {@code INT} and {@code STRING} columns, {@link #NA_LONG} in
 * {@code LONG} columns and {@code NaN} in {@code DOUBLE} columns.
 * <p>
 * <b>Note:</b> immutable, threadsafe.
 */
public enum ColumnType
{
    /** 32-bit integers. */
    INT(Integer.BYTES),
    /** 64-bit integers. */
    LONG(Long.BYTES),
    /** 64-bit floating point. */
    DOUBLE(Double.BYTES),
    /** Strings as 32-bit ids into the column's {@link Dictionary}. */
    STRING(Integer.BYTES);

    /** NA of an {@code INT} or {@code STRING} column. */
    public static final int NA_INT = Integer.MIN_VALUE;

    /** NA of a {@code LONG} column, and of an integer aggregate that has no value. */
    public static final long NA_LONG = Long.MIN_VALUE;

    private final int width;

    ColumnType(final int width)
    {
        this.width = width;
    }

    /**
     * Bytes per value in a chunk.
     *
     * @return the width.
     */
    public int width()
    {
        return width;
    }

    /**
     * Whether values are read as {@code int}s: {@code INT} and {@code STRING}.
     *
     * @return true for 32-bit columns.
     */
    public boolean isInt()
    {
        return this == INT || this == STRING;
    }
}
