package org.jdsm.apps.dataframe;

/**
 * A CSV file that does not fit its schema: the message names the source, the line (1 is the header) and, for a bad
 * value, the column by number (from 1) and name.
 * <p>
 * <b>Note:</b> immutable, threadsafe.
 */
public final class CsvException extends DataFrameException
{
    private static final long serialVersionUID = 1L;

    private final long line;
    private final int column;

    /**
     * @param message naming the line and column.
     * @param line    from 1.
     * @param column  from 1, or 0 when the whole line is wrong.
     */
    public CsvException(final String message, final long line, final int column)
    {
        super(message);
        this.line = line;
        this.column = column;
    }

    /**
     * @return the line, from 1.
     */
    public long line()
    {
        return line;
    }

    /**
     * @return the column, from 1, or 0 when the whole line is wrong.
     */
    public int column()
    {
        return column;
    }
}
