package org.jdsm.apps.dataframe;

import java.io.Serializable;

/**
 * A row filter {@code column op value}, compared as {@code double}s; a row whose value is NA never passes.
 * <p>
 * <b>Note:</b> immutable, threadsafe.
 *
 * @param column compared.
 * @param op     comparison.
 * @param value  compared with.
 */
public record Filter(String column, Op op, double value) implements Serializable
{
    /**
     * Comparisons.
     */
    public enum Op
    {
        /** {@code <}. */
        LT,
        /** {@code <=}. */
        LE,
        /** {@code >}. */
        GT,
        /** {@code >=}. */
        GE,
        /** {@code ==}. */
        EQ,
        /** {@code !=}. */
        NE
    }

    /**
     * Whether a value passes.
     *
     * @param v the row's value, {@code NaN} for NA.
     * @return true if it passes.
     */
    public boolean test(final double v)
    {
        if (v != v)
        {
            return false;
        }
        switch (op)
        {
            case LT:
                return v < value;
            case LE:
                return v <= value;
            case GT:
                return v > value;
            case GE:
                return v >= value;
            case EQ:
                return v == value;
            default:
                return v != value;
        }
    }
}
