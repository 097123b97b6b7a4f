package org.jdsm.apps.dataframe;

import java.io.Serializable;

/**
 * One aggregate of a group-by: its kind, the columns it reads and the name of its result column. NA values are
 * skipped (R's {@code na.rm = TRUE}); {@link Kind#COUNT} counts rows, NA or not.
 * <p>
 * <b>Note:</b> immutable, threadsafe.
 *
 * @param kind    of aggregate.
 * @param column  it reads, {@code null} for {@link Kind#COUNT}.
 * @param column2 the second column of {@link Kind#R2} and {@link Kind#RANGE}, else {@code null}.
 * @param k       values per group of {@link Kind#TOP_K}, else 0.
 * @param name    of the result column.
 */
public record Aggregate(Kind kind, String column, String column2, int k, String name) implements Serializable
{
    /**
     * What an aggregate computes per group.
     */
    public enum Kind
    {
        /** Sum; exact {@code long} for integer columns. */
        SUM,
        /** Smallest value. */
        MIN,
        /** Largest value. */
        MAX,
        /** Arithmetic mean. */
        MEAN,
        /** Number of rows. */
        COUNT,
        /** Median; the mean of the middle two for an even count. */
        MEDIAN,
        /** Sample standard deviation (n - 1). */
        STDDEV,
        /** The k largest values, one result row each, largest first. */
        TOP_K,
        /** Squared Pearson correlation of two columns, the r² of their regression. */
        R2,
        /** {@code max(column) - min(column2)}. */
        RANGE
    }

    /**
     * Checks the columns the kind needs.
     */
    public Aggregate
    {
        if ((Kind.COUNT == kind) != (null == column))
        {
            throw new DataFrameException(kind + " " + name + (null == column ? " needs a column" :
                " takes no column"));
        }
        if ((Kind.R2 == kind || Kind.RANGE == kind) != (null != column2))
        {
            throw new DataFrameException(kind + " " + name + (null == column2 ? " needs a second column" :
                " takes one column"));
        }
        if ((Kind.TOP_K == kind) != (k > 0))
        {
            throw new DataFrameException(kind + " " + name + " k=" + k + (Kind.TOP_K == kind ? " must be >= 1" :
                " must be 0"));
        }
    }

    /**
     * @param column to sum.
     * @return {@code sum(column)} named {@code column}.
     */
    public static Aggregate sum(final String column)
    {
        return new Aggregate(Kind.SUM, column, null, 0, column);
    }

    /**
     * @param column to average.
     * @return {@code mean(column)} named {@code column}.
     */
    public static Aggregate mean(final String column)
    {
        return new Aggregate(Kind.MEAN, column, null, 0, column);
    }

    /**
     * @param kind   of a one-column aggregate.
     * @param column it reads.
     * @param name   of the result column.
     * @return the aggregate.
     */
    public static Aggregate of(final Kind kind, final String column, final String name)
    {
        return new Aggregate(kind, column, null, 0, name);
    }

    /**
     * @return {@code .N} named {@code count}.
     */
    public static Aggregate count()
    {
        return new Aggregate(Kind.COUNT, null, null, 0, "count");
    }

    /**
     * @param column to rank.
     * @param k      values kept per group.
     * @param name   of the result column.
     * @return the k largest values.
     */
    public static Aggregate topK(final String column, final int k, final String name)
    {
        return new Aggregate(Kind.TOP_K, column, null, k, name);
    }

    /**
     * @param kind    {@link Kind#R2} or {@link Kind#RANGE}.
     * @param column  first column.
     * @param column2 second column.
     * @param name    of the result column.
     * @return the aggregate.
     */
    public static Aggregate of(final Kind kind, final String column, final String column2, final String name)
    {
        return new Aggregate(kind, column, column2, 0, name);
    }
}
