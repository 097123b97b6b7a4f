package org.jdsm.apps.dataframe;

import java.util.Arrays;
import java.util.List;

/**
 * The result of a {@link Query}: key columns (dictionary ids or ints) and value columns ({@code long[]} or
 * {@code double[]}), one row per group in no particular order, or for a {@link Aggregate.Kind#TOP_K} the group's
 * values in consecutive rows, largest first. Integer NA is {@link ColumnType#NA_LONG}, double NA {@code NaN}.
 * <p>
 * <b>Note:</b> immutable once made, threadsafe.
 */
public final class QueryResult
{
    private final String query;
    private final List<String> keyNames;
    private final Dictionary[] dictionaries;
    private final int[][] keys;
    private final List<String> valueNames;
    private final Object[] values;
    private final int rows;

    /**
     * @param query        name.
     * @param keyNames     of the key columns.
     * @param dictionaries of the key columns, {@code null} for an {@code INT} key.
     * @param keys         key columns, {@code [key][row]}.
     * @param valueNames   of the value columns.
     * @param values       value columns, each a {@code long[]} or {@code double[]} of {@code rows}.
     * @param rows         number of rows.
     */
    public QueryResult(
        final String query,
        final List<String> keyNames,
        final Dictionary[] dictionaries,
        final int[][] keys,
        final List<String> valueNames,
        final Object[] values,
        final int rows)
    {
        this.query = query;
        this.keyNames = List.copyOf(keyNames);
        this.dictionaries = dictionaries;
        this.keys = keys;
        this.valueNames = List.copyOf(valueNames);
        this.values = values;
        this.rows = rows;
    }

    /**
     * @return the query's name.
     */
    public String query()
    {
        return query;
    }

    /**
     * @return number of rows.
     */
    public int rows()
    {
        return rows;
    }

    /**
     * @return names of the key columns.
     */
    public List<String> keyNames()
    {
        return keyNames;
    }

    /**
     * @return names of the value columns.
     */
    public List<String> valueNames()
    {
        return valueNames;
    }

    /**
     * A key of a row.
     *
     * @param key column index.
     * @param row index.
     * @return the dictionary id or int, {@link ColumnType#NA_INT} for NA.
     */
    public int key(final int key, final int row)
    {
        return keys[key][row];
    }

    /**
     * A value column.
     *
     * @param column index.
     * @return a {@code long[]} or {@code double[]}.
     */
    public Object values(final int column)
    {
        return values[column];
    }

    /**
     * The first difference from another result of the same query: a missing or extra row, or a value that differs,
     * integers exactly, doubles by more than a relative tolerance (NaN equals NaN). Rows may be in any order, but
     * the values of one group of a top-k must be in the same order.
     *
     * @param other             result.
     * @param relativeTolerance for doubles, e.g. 1e-9.
     * @return {@code null} if equal, else what differs.
     */
    public String difference(final QueryResult other, final double relativeTolerance)
    {
        if (!keyNames.equals(other.keyNames) || !valueNames.equals(other.valueNames))
        {
            return query + ": columns " + keyNames + valueNames + " vs " + other.keyNames + other.valueNames;
        }
        if (rows != other.rows)
        {
            return query + ": " + rows + " rows vs " + other.rows;
        }
        final int width = keyNames.size();
        final ColumnType[] types = new ColumnType[width];
        Arrays.fill(types, ColumnType.INT);
        final GroupTable index = GroupTable.create(Query.of("index", keyNames, Aggregate.count()), types);
        final int[] key = new int[width];
        final int[] first = new int[other.rows];
        for (int row = other.rows - 1; row >= 0; row--)
        {
            other.keyOf(row, key);
            first[index.findOrInsert(key)] = row;
        }
        int rank = 0;
        for (int row = 0; row < rows; row++)
        {
            keyOf(row, key);
            rank = row > 0 && sameKey(row - 1, key) ? rank + 1 : 0;
            final int group = index.find(key);
            final int match = group < 0 ? -1 : first[group] + rank;
            if (match < 0 || match >= other.rows || !other.sameKey(match, key))
            {
                return query + ": row " + describeRow(row) + " has no match" + (rank > 0 ? " at rank " + rank : "");
            }
            for (int c = 0; c < values.length; c++)
            {
                final String wrong = differs(values[c], other.values[c], row, match, relativeTolerance);
                if (null != wrong)
                {
                    return query + ": " + valueNames.get(c) + " of " + describeKey(row) + " " + wrong;
                }
            }
        }
        return null;
    }

    /**
     * The first rows, for printing.
     *
     * @param maxRows to show.
     * @return one line per row.
     */
    public String head(final int maxRows)
    {
        final StringBuilder text = new StringBuilder();
        for (int row = 0; row < Math.min(rows, maxRows); row++)
        {
            text.append(describeRow(row)).append('\n');
        }
        return text.toString();
    }

    private String describeKey(final int row)
    {
        final StringBuilder text = new StringBuilder("(");
        for (int k = 0; k < keyNames.size(); k++)
        {
            final int id = keys[k][row];
            text.append(k > 0 ? ", " : "").append(keyNames.get(k)).append('=')
                .append(null != dictionaries[k] ? dictionaries[k].get(id) : ColumnType.NA_INT == id ? "NA" : id);
        }
        return text.append(')').toString();
    }

    private String describeRow(final int row)
    {
        final StringBuilder text = new StringBuilder(describeKey(row));
        for (int c = 0; c < values.length; c++)
        {
            text.append(' ').append(valueNames.get(c)).append('=');
            if (values[c] instanceof long[])
            {
                final long v = ((long[])values[c])[row];
                text.append(ColumnType.NA_LONG == v ? "NA" : Long.toString(v));
            }
            else
            {
                text.append(((double[])values[c])[row]);
            }
        }
        return text.toString();
    }

    private void keyOf(final int row, final int[] key)
    {
        for (int k = 0; k < key.length; k++)
        {
            key[k] = keys[k][row];
        }
    }

    private boolean sameKey(final int row, final int[] key)
    {
        for (int k = 0; k < key.length; k++)
        {
            if (keys[k][row] != key[k])
            {
                return false;
            }
        }
        return true;
    }

    private static String differs(
        final Object mine, final Object theirs, final int row, final int match, final double relativeTolerance)
    {
        if (mine instanceof long[] && theirs instanceof long[])
        {
            final long a = ((long[])mine)[row];
            final long b = ((long[])theirs)[match];
            return a == b ? null : a + " vs " + b;
        }
        if (mine instanceof double[] && theirs instanceof double[])
        {
            final double a = ((double[])mine)[row];
            final double b = ((double[])theirs)[match];
            if ((a != a && b != b) || a == b ||
                Math.abs(a - b) <= relativeTolerance * Math.max(Math.abs(a), Math.abs(b)))
            {
                return null;
            }
            return a + " vs " + b;
        }
        return "is " + mine.getClass().getSimpleName() + " vs " + theirs.getClass().getSimpleName();
    }
}
