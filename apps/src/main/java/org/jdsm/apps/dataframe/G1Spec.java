package org.jdsm.apps.dataframe;

import java.io.Serializable;

/**
 * The shape of a db-benchmark group-by table {@code G1_<rows>_<K>_<NA%>_<sorted>}, e.g. {@code G1_1e7_1e2_0_0}.
 * <p>
 * <b>Note:</b> immutable, threadsafe.
 *
 * @param rows      number of rows.
 * @param k         number of groups of the large-group keys.
 * @param naPercent percent of NA values in every column, 0 to 100.
 * @param sorted    whether rows are sorted by id1..id6.
 */
public record G1Spec(long rows, int k, int naPercent, boolean sorted) implements Serializable
{
    /**
     * Checks the ranges.
     */
    public G1Spec
    {
        if (rows < 1 || k < 1 || naPercent < 0 || naPercent > 100)
        {
            throw new DataFrameException("rows=" + rows + " and k=" + k + " must be >= 1, naPercent=" + naPercent +
                " in [0, 100]");
        }
        if (rows / k > Integer.MAX_VALUE || rows > (long)Integer.MAX_VALUE * 64)
        {
            throw new DataFrameException("rows=" + rows + " is too large for k=" + k);
        }
    }

    /**
     * Parses a table name.
     *
     * @param name such as {@code G1_1e7_1e2_0_0}.
     * @return the spec.
     */
    public static G1Spec parse(final String name)
    {
        final String[] parts = name.split("_");
        if (5 != parts.length || !"G1".equals(parts[0]) || !("0".equals(parts[4]) || "1".equals(parts[4])))
        {
            throw new DataFrameException("table name " + name + " is not G1_<rows>_<K>_<NA%>_<0|1>");
        }
        try
        {
            return new G1Spec(parseCount(parts[1]), (int)parseCount(parts[2]), Integer.parseInt(parts[3]),
                "1".equals(parts[4]));
        }
        catch (final NumberFormatException ex)
        {
            throw new DataFrameException("table name " + name + " has a bad number: " + ex.getMessage());
        }
    }

    /**
     * A count written plainly or as {@code 1e7}.
     *
     * @param text of the count.
     * @return the count.
     */
    public static long parseCount(final String text)
    {
        final double value = Double.parseDouble(text);
        if (value != Math.rint(value) || value < 0 || value > Long.MAX_VALUE)
        {
            throw new NumberFormatException(text + " is not a whole count");
        }
        return (long)value;
    }

    /**
     * Groups of id3 and id6: {@code rows / k}, at least 1.
     *
     * @return the small-group count.
     */
    public int smallGroups()
    {
        return (int)Math.max(1, rows / k);
    }

    /**
     * The table's name in the benchmark's notation.
     *
     * @return e.g. {@code G1_1e7_1e2_0_0}.
     */
    public String name()
    {
        return "G1_" + count(rows) + "_" + count(k) + "_" + naPercent + "_" + (sorted ? 1 : 0);
    }

    private static String count(final long value)
    {
        int exponent = 0;
        long mantissa = value;
        while (mantissa >= 10 && 0 == mantissa % 10)
        {
            mantissa /= 10;
            exponent++;
        }
        return exponent > 0 ? mantissa + "e" + exponent : Long.toString(value);
    }
}
