package org.jdsm.apps.dataframe;

/**
 * A DataFrame operation that can not run or gave a wrong result: an unknown column, a query that does not fit its
 * columns' types, a bad setting, or a result that differs from its reference. The message names the column, the
 * setting and the bound, or the first difference.
 * <p>
 * <b>Note:</b> immutable, threadsafe.
 */
public class DataFrameException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message naming what is wrong.
     */
    public DataFrameException(final String message)
    {
        super(message);
    }

    /**
     * @param message naming what failed.
     * @param cause   the failure underneath.
     */
    public DataFrameException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
