package org.jdsm.apps.dataframe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The db-benchmark group-by table ({@code groupby-datagen.R}): id1 and id2 from K strings {@code id001..},
 * id3 from rows/K strings {@code id0000000001..}, id4 and id5 in 1..K, id6 in 1..rows/K, v1 in 1..5, v2 in 1..15,
 * v3 uniform in [0, 100) rounded to 6 decimals; with NA% &gt; 0 exactly {@code rows * NA% / 100} rows of each
 * column are NA; sorted tables are ordered by id1..id6, NA first (data.table's {@code setkey}).
 * <p>
 * R's random streams are not reproduced bit for bit; the distributions are. Every value is a pure function of
 * (seed, column, row) — a SplitMix64 hash, NA rows chosen by a keyed Feistel permutation of the rows — so any node
 * generates any chunk on its own and a table is the same for a seed on any number of nodes.
 * <p>
 * <b>Note:</b> stateless, threadsafe.
 */
public final class G1Generator
{
    /** The columns, in order. */
    public static final List<String> COLUMNS = List.of("id1", "id2", "id3", "id4", "id5", "id6", "v1", "v2", "v3");

    /** The seed of {@code groupby-datagen.R}. */
    public static final long DEFAULT_SEED = 108;

    private G1Generator()
    {
    }

    /**
     * The table's schema.
     *
     * @param spec         of the table.
     * @param rowsPerChunk rows per row group.
     * @return the schema.
     */
    public static FrameSchema schema(final G1Spec spec, final int rowsPerChunk)
    {
        final Dictionary large = Dictionary.formatted("id%03d", spec.k());
        final List<ColumnSpec> columns = new ArrayList<>();
        columns.add(new ColumnSpec("id1", ColumnType.STRING, large));
        columns.add(new ColumnSpec("id2", ColumnType.STRING, large));
        columns.add(new ColumnSpec("id3", ColumnType.STRING, Dictionary.formatted("id%010d", spec.smallGroups())));
        columns.add(new ColumnSpec("id4", ColumnType.INT, null));
        columns.add(new ColumnSpec("id5", ColumnType.INT, null));
        columns.add(new ColumnSpec("id6", ColumnType.INT, null));
        columns.add(new ColumnSpec("v1", ColumnType.INT, null));
        columns.add(new ColumnSpec("v2", ColumnType.INT, null));
        columns.add(new ColumnSpec("v3", ColumnType.DOUBLE, null));
        return new FrameSchema(columns, spec.rows(), rowsPerChunk);
    }

    /**
     * The values of one column over a range of rows of an unsorted table.
     *
     * @param spec     of the table.
     * @param seed     of the table.
     * @param column   index in {@link #COLUMNS}.
     * @param firstRow of the range.
     * @param rows     in the range.
     * @return an {@code int[]} (dictionary ids for id1..id3) or, for v3, a {@code double[]}.
     */
    public static Object values(final G1Spec spec, final long seed, final int column, final long firstRow,
        final int rows)
    {
        final long naCount = spec.rows() * spec.naPercent() / 100;
        final long columnSeed = mix(seed * 0x632BE59BD9B4E019L + column + 1);
        if (8 == column)
        {
            final double[] v = new double[rows];
            for (int i = 0; i < rows; i++)
            {
                final long row = firstRow + i;
                v[i] = isNa(columnSeed, row, spec.rows(), naCount) ? Double.NaN :
                    Math.round((mix(columnSeed + row * 0x9E3779B97F4A7C15L) >>> 11) * 0x1.0p-53 * 1e8) / 1e6;
            }
            return v;
        }
        if (column < 0 || column >= COLUMNS.size())
        {
            throw new DataFrameException("column=" + column + " not in [0, " + COLUMNS.size() + ")");
        }
        final int range = new int[] { spec.k(), spec.k(), spec.smallGroups(), spec.k(), spec.k(),
            spec.smallGroups(), 5, 15 }[column];
        final int base = column < 3 ? 0 : 1;
        final int[] v = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            final long row = firstRow + i;
            v[i] = isNa(columnSeed, row, spec.rows(), naCount) ? ColumnType.NA_INT :
                base + (int)(((mix(columnSeed + row * 0x9E3779B97F4A7C15L) >>> 32) * range) >>> 32);
        }
        return v;
    }

    /**
     * The whole table in plain arrays, sorted when the spec says so.
     *
     * @param spec         of the table.
     * @param seed         of the table.
     * @param rowsPerChunk rows per row group.
     * @return the frame.
     */
    public static ArrayFrame generate(final G1Spec spec, final long seed, final int rowsPerChunk)
    {
        final FrameSchema schema = schema(spec, rowsPerChunk);
        final Object[][] chunks = new Object[COLUMNS.size()][schema.rowGroups()];
        for (int c = 0; c < chunks.length; c++)
        {
            for (int g = 0; g < chunks[c].length; g++)
            {
                chunks[c][g] = values(spec, seed, c, (long)g * rowsPerChunk, schema.rowsIn(g));
            }
        }
        final ArrayFrame frame = new ArrayFrame(schema, chunks);
        return spec.sorted() ? sortByKeys(frame, COLUMNS.subList(0, 6)) : frame;
    }

    /**
     * The rows of a frame ordered by key columns, NA first, strings in their dictionary's string order; stable.
     *
     * @param frame to sort.
     * @param keys  INT or STRING columns, most significant first.
     * @return a new frame.
     */
    public static ArrayFrame sortByKeys(final ArrayFrame frame, final List<String> keys)
    {
        final FrameSchema schema = frame.schema();
        if (schema.rows() > Integer.MAX_VALUE - 8)
        {
            throw new DataFrameException("rows=" + schema.rows() + " too many to sort in one array");
        }
        final int rows = (int)schema.rows();
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            order[i] = i;
        }
        for (int k = keys.size() - 1; k >= 0; k--)
        {
            final int column = schema.indexOf(keys.get(k));
            final int[] values = frame.intColumn(column);
            final int[] rank = ranks(schema.columns().get(column), values);
            int max = 0;
            for (final int r : rank)
            {
                max = Math.max(max, r);
            }
            final int[] counts = new int[max + 2];
            for (final int row : order)
            {
                counts[rank[row] + 1]++;
            }
            for (int i = 1; i < counts.length; i++)
            {
                counts[i] += counts[i - 1];
            }
            final int[] next = new int[rows];
            for (final int row : order)
            {
                next[counts[rank[row]]++] = row;
            }
            order = next;
        }
        return frame.permute(order);
    }

    private static int[] ranks(final ColumnSpec column, final int[] values)
    {
        int[] byId = null;
        if (null != column.dictionary())
        {
            final Dictionary dictionary = column.dictionary();
            final Integer[] ids = new Integer[dictionary.size()];
            for (int i = 0; i < ids.length; i++)
            {
                ids[i] = i;
            }
            Arrays.sort(ids, Comparator.comparing(dictionary::get));
            byId = new int[ids.length];
            for (int i = 0; i < ids.length; i++)
            {
                byId[ids[i]] = i;
            }
        }
        int min = Integer.MAX_VALUE;
        for (final int v : values)
        {
            if (ColumnType.NA_INT != v)
            {
                min = Math.min(min, null == byId ? v : byId[v]);
            }
        }
        final int[] rank = new int[values.length];
        for (int i = 0; i < values.length; i++)
        {
            final int v = values[i];
            rank[i] = ColumnType.NA_INT == v ? 0 : 1 + (null == byId ? v : byId[v]) - min;
        }
        return rank;
    }

    /**
     * Whether a row of a column is NA: its place in a keyed permutation of the rows is below the NA count, so
     * exactly {@code naCount} rows are.
     */
    static boolean isNa(final long columnSeed, final long row, final long rows, final long naCount)
    {
        return naCount > 0 && permute(columnSeed, row, rows) < naCount;
    }

    /**
     * A bijection of [0, n): a 4-round Feistel network on the smallest even bit width that covers n, walked until
     * it lands inside.
     */
    static long permute(final long key, final long x, final long n)
    {
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1));
        bits += bits & 1;
        final int half = bits / 2;
        final long mask = (1L << half) - 1;
        long value = x;
        do
        {
            long left = value >>> half;
            long right = value & mask;
            for (int round = 0; round < 4; round++)
            {
                final long next = left ^ (mix(key + round * 0xD1B54A32D192ED03L + right) & mask);
                left = right;
                right = next;
            }
            value = (left << half) | right;
        }
        while (value >= n);
        return value;
    }

    static long mix(final long seed)
    {
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
