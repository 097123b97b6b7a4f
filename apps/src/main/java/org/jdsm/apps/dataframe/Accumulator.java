package org.jdsm.apps.dataframe;

import org.agrona.DirectBuffer;
import org.jdsm.PrimitiveArrayCopy;

import java.util.Arrays;
import java.util.List;

/**
 * The per-group state of one {@link Aggregate} in a {@link GroupTable}, in primitive arrays indexed by group id: it
 * adds rows, merges another table's state through a map of group ids, writes and reads its state as a partial
 * aggregate, and gives the result column ({@code long[]} or {@code double[]}).
 * <p>
 * <b>Note:</b> not threadsafe: owned by its table.
 */
abstract class Accumulator
{
    private final int column;
    private final int column2;
    ColumnChunk chunk;
    ColumnChunk chunk2;
    private ScratchArrays scratchArrays;

    Accumulator(final int column, final int column2)
    {
        this.column = column;
        this.column2 = column2;
    }

    static Accumulator create(final Aggregate aggregate, final List<String> columns, final ColumnType[] types)
    {
        final int c = null == aggregate.column() ? -1 : columns.indexOf(aggregate.column());
        final int c2 = null == aggregate.column2() ? -1 : columns.indexOf(aggregate.column2());
        final boolean integer = c >= 0 && ColumnType.DOUBLE != types[c];
        switch (aggregate.kind())
        {
            case SUM:
                return integer ? new LongSum(c) : new DoubleSum(c);
            case MIN:
                return new Extreme(c, false, integer);
            case MAX:
                return new Extreme(c, true, integer);
            case MEAN:
                return new Mean(c);
            case COUNT:
                return new Count();
            case MEDIAN:
                return new Median(c);
            case STDDEV:
                return new StdDev(c);
            case TOP_K:
                return new TopK(c, aggregate.k());
            case R2:
                return new R2(c, c2);
            default:
                return new Range(c, c2, integer && ColumnType.DOUBLE != types[c2]);
        }
    }

    final void bind(final ColumnChunk[] chunks, final ScratchArrays scratchArrays)
    {
        chunk = column >= 0 ? chunks[column] : null;
        chunk2 = column2 >= 0 ? chunks[column2] : null;
        this.scratchArrays = scratchArrays;
    }

    /**
     * The bound chunk's rows as doubles, read at once ({@link ColumnChunk#doubles}) into the chunk's own array or
     * this thread's scratch array, so the kernel's loop makes no call per value.
     */
    final double[] doubles(final int rows)
    {
        return chunk.holds(double[].class) ? chunk.doubles(null) : chunk.doubles(scratchArrays.doubles(0, rows));
    }

    /**
     * The second bound chunk's rows as doubles, read at once.
     */
    final double[] doubles2(final int rows)
    {
        return chunk2.holds(double[].class) ? chunk2.doubles(null) : chunk2.doubles(scratchArrays.doubles(1, rows));
    }

    /**
     * The bound integer chunk's rows as longs, read at once.
     */
    final long[] longs(final int rows)
    {
        return chunk.holds(long[].class) ? chunk.longs(null) : chunk.longs(scratchArrays.longs(rows));
    }

    abstract void grow(int capacity);

    /**
     * Add the rows of the bound chunks whose group id is not negative (a negative id is a filtered row).
     */
    abstract void addBlock(int[] groups, int rows);

    /**
     * Merge another table's state of its groups [from, to), group i into group {@code map[i - from]}.
     */
    abstract void mergeFrom(Accumulator other, int[] map, int from, int to);

    /**
     * Write the state of groups [from, to).
     */
    abstract void encode(Cursor out, int from, int to);

    /**
     * Bytes {@link #encode} writes for groups [from, to).
     */
    abstract long encodedLength(int from, int to);

    /**
     * Merge the state of a partial's groups [0, groups), as {@link #encode} wrote it at {@code offset} of a buffer,
     * straight from the buffer, group i into group {@code map[i]}: the same arithmetic as {@link #mergeFrom}.
     *
     * @return the offset after this accumulator's state.
     */
    abstract int mergeEncoded(DirectBuffer in, int offset, int[] map, int groups);

    abstract Object result(int groups);

    /**
     * {@code .N}.
     */
    static final class Count extends Accumulator
    {
        private long[] n = new long[0];

        Count()
        {
            super(-1, -1);
        }

        void grow(final int capacity)
        {
            n = Arrays.copyOf(n, capacity);
        }

        void addBlock(final int[] groups, final int rows)
        {
            for (int row = 0; row < rows; row++)
            {
                final int group = groups[row];
                if (group < 0)
                {
                    continue;
                }
                n[group]++;
            }
        }

        void mergeFrom(final Accumulator other, final int[] map, final int from, final int to)
        {
            final long[] on = ((Count)other).n;
            for (int i = from; i < to; i++)
            {
                n[map[i - from]] += on[i];
            }
        }

        void encode(final Cursor out, final int from, final int to)
        {
            out.putLongs(n, from, to);
        }

        long encodedLength(final int from, final int to)
        {
            return (long)(to - from) * Long.BYTES;
        }

        int mergeEncoded(final DirectBuffer in, final int offset, final int[] map, final int groups)
        {
            for (int i = 0; i < groups; i++)
            {
                n[map[i]] += in.getLong(offset + i * Long.BYTES);
            }
            return offset + groups * Long.BYTES;
        }

        Object result(final int groups)
        {
            return Arrays.copyOf(n, groups);
        }
    }

    /**
     * Exact sum of an integer column.
     */
    static final class LongSum extends Accumulator
    {
        private long[] sum = new long[0];

        LongSum(final int column)
        {
            super(column, -1);
        }

        void grow(final int capacity)
        {
            sum = Arrays.copyOf(sum, capacity);
        }

        void addBlock(final int[] groups, final int rows)
        {
            final long[] in = longs(rows);
            for (int row = 0; row < rows; row++)
            {
                final int group = groups[row];
                if (group < 0)
                {
                    continue;
                }
                final long v = in[row];
                if (ColumnType.NA_LONG != v)
                {
                    sum[group] += v;
                }
            }
        }

        void mergeFrom(final Accumulator other, final int[] map, final int from, final int to)
        {
            final long[] os = ((LongSum)other).sum;
            for (int i = from; i < to; i++)
            {
                sum[map[i - from]] += os[i];
            }
        }

        void encode(final Cursor out, final int from, final int to)
        {
            out.putLongs(sum, from, to);
        }

        long encodedLength(final int from, final int to)
        {
            return (long)(to - from) * Long.BYTES;
        }

        int mergeEncoded(final DirectBuffer in, final int offset, final int[] map, final int groups)
        {
            for (int i = 0; i < groups; i++)
            {
                sum[map[i]] += in.getLong(offset + i * Long.BYTES);
            }
            return offset + groups * Long.BYTES;
        }

        Object result(final int groups)
        {
            return Arrays.copyOf(sum, groups);
        }
    }

    /**
     * Sum of a {@code double} column.
     */
    static final class DoubleSum extends Accumulator
    {
        private double[] sum = new double[0];

        DoubleSum(final int column)
        {
            super(column, -1);
        }

        void grow(final int capacity)
        {
            sum = Arrays.copyOf(sum, capacity);
        }

        void addBlock(final int[] groups, final int rows)
        {
            final double[] in = doubles(rows);
            for (int row = 0; row < rows; row++)
            {
                final int group = groups[row];
                if (group < 0)
                {
                    continue;
                }
                final double v = in[row];
                if (v == v)
                {
                    sum[group] += v;
                }
            }
        }

        void mergeFrom(final Accumulator other, final int[] map, final int from, final int to)
        {
            final double[] os = ((DoubleSum)other).sum;
            for (int i = from; i < to; i++)
            {
                sum[map[i - from]] += os[i];
            }
        }

        void encode(final Cursor out, final int from, final int to)
        {
            out.putDoubles(sum, from, to);
        }

        long encodedLength(final int from, final int to)
        {
            return (long)(to - from) * Double.BYTES;
        }

        int mergeEncoded(final DirectBuffer in, final int offset, final int[] map, final int groups)
        {
            for (int i = 0; i < groups; i++)
            {
                sum[map[i]] += in.getDouble(offset + i * Double.BYTES);
            }
            return offset + groups * Double.BYTES;
        }

        Object result(final int groups)
        {
            return Arrays.copyOf(sum, groups);
        }
    }

    /**
     * Mean: a sum (exact for integer columns up to 2^53) and a count of values.
     */
    static final class Mean extends Accumulator
    {
        private double[] sum = new double[0];
        private long[] n = new long[0];

        Mean(final int column)
        {
            super(column, -1);
        }

        void grow(final int capacity)
        {
            sum = Arrays.copyOf(sum, capacity);
            n = Arrays.copyOf(n, capacity);
        }

        void addBlock(final int[] groups, final int rows)
        {
            final double[] in = doubles(rows);
            for (int row = 0; row < rows; row++)
            {
                final int group = groups[row];
                if (group < 0)
                {
                    continue;
                }
                final double v = in[row];
                if (v == v)
                {
                    sum[group] += v;
                    n[group]++;
                }
            }
        }

        void mergeFrom(final Accumulator other, final int[] map, final int from, final int to)
        {
            final Mean o = (Mean)other;
            for (int i = from; i < to; i++)
            {
                sum[map[i - from]] += o.sum[i];
                n[map[i - from]] += o.n[i];
            }
        }

        void encode(final Cursor out, final int from, final int to)
        {
            out.putDoubles(sum, from, to);
            out.putLongs(n, from, to);
        }

        long encodedLength(final int from, final int to)
        {
            return (long)(to - from) * (Double.BYTES + Long.BYTES);
        }

        int mergeEncoded(final DirectBuffer in, final int offset, final int[] map, final int groups)
        {
            final int counts = offset + groups * Double.BYTES;
            for (int i = 0; i < groups; i++)
            {
                sum[map[i]] += in.getDouble(offset + i * Double.BYTES);
                n[map[i]] += in.getLong(counts + i * Long.BYTES);
            }
            return counts + groups * Long.BYTES;
        }

        Object result(final int groups)
        {
            final double[] mean = new double[groups];
            for (int i = 0; i < groups; i++)
            {
                mean[i] = 0 == n[i] ? Double.NaN : sum[i] / n[i];
            }
            return mean;
        }
    }

    /**
     * Minimum or maximum; a {@code long} result for an integer column.
     */
    static final class Extreme extends Accumulator
    {
        private final boolean max;
        private final boolean integer;
        private double[] value = new double[0];
        private long[] n = new long[0];

        Extreme(final int column, final boolean max, final boolean integer)
        {
            super(column, -1);
            this.max = max;
            this.integer = integer;
        }

        void grow(final int capacity)
        {
            value = Arrays.copyOf(value, capacity);
            n = Arrays.copyOf(n, capacity);
        }

        void addBlock(final int[] groups, final int rows)
        {
            final double[] in = doubles(rows);
            for (int row = 0; row < rows; row++)
            {
                final int group = groups[row];
                if (group < 0)
                {
                    continue;
                }
                final double v = in[row];
                if (v == v)
                {
                    offer(group, v, 1);
                }
            }
        }

        private void offer(final int group, final double v, final long count)
        {
            if (0 == n[group] || (max ? v > value[group] : v < value[group]))
            {
                value[group] = v;
            }
            n[group] += count;
        }

        void mergeFrom(final Accumulator other, final int[] map, final int from, final int to)
        {
            final Extreme o = (Extreme)other;
            for (int i = from; i < to; i++)
            {
                if (o.n[i] > 0)
                {
                    offer(map[i - from], o.value[i], o.n[i]);
                }
            }
        }

        void encode(final Cursor out, final int from, final int to)
        {
            out.putDoubles(value, from, to);
            out.putLongs(n, from, to);
        }

        long encodedLength(final int from, final int to)
        {
            return (long)(to - from) * (Double.BYTES + Long.BYTES);
        }

        int mergeEncoded(final DirectBuffer in, final int offset, final int[] map, final int groups)
        {
            final int counts = offset + groups * Double.BYTES;
            for (int i = 0; i < groups; i++)
            {
                final long count = in.getLong(counts + i * Long.BYTES);
                if (count > 0)
                {
                    offer(map[i], in.getDouble(offset + i * Double.BYTES), count);
                }
            }
            return counts + groups * Long.BYTES;
        }

        Object result(final int groups)
        {
            return extremes(value, n, groups, integer);
        }

        static Object extremes(final double[] value, final long[] n, final int groups, final boolean integer)
        {
            if (integer)
            {
                final long[] result = new long[groups];
                for (int i = 0; i < groups; i++)
                {
                    result[i] = 0 == n[i] ? ColumnType.NA_LONG : (long)value[i];
                }
                return result;
            }
            final double[] result = new double[groups];
            for (int i = 0; i < groups; i++)
            {
                result[i] = 0 == n[i] ? Double.NaN : value[i];
            }
            return result;
        }
    }

    /**
     * {@code max(column) - min(column2)}: a maximum and a minimum side by side.
     */
    static final class Range extends Accumulator
    {
        private final Extreme high;
        private final Extreme low;
        private final boolean integer;

        Range(final int column, final int column2, final boolean integer)
        {
            super(column, column2);
            this.high = new Extreme(column, true, integer);
            this.low = new Extreme(column2, false, integer);
            this.integer = integer;
        }

        void grow(final int capacity)
        {
            high.grow(capacity);
            low.grow(capacity);
        }

        void addBlock(final int[] groups, final int rows)
        {
            final double[] in = doubles(rows);
            final double[] in2 = doubles2(rows);
            for (int row = 0; row < rows; row++)
            {
                final int group = groups[row];
                if (group < 0)
                {
                    continue;
                }
                final double hi = in[row];
                if (hi == hi)
                {
                    high.offer(group, hi, 1);
                }
                final double lo = in2[row];
                if (lo == lo)
                {
                    low.offer(group, lo, 1);
                }
            }
        }

        void mergeFrom(final Accumulator other, final int[] map, final int from, final int to)
        {
            high.mergeFrom(((Range)other).high, map, from, to);
            low.mergeFrom(((Range)other).low, map, from, to);
        }

        void encode(final Cursor out, final int from, final int to)
        {
            high.encode(out, from, to);
            low.encode(out, from, to);
        }

        long encodedLength(final int from, final int to)
        {
            return high.encodedLength(from, to) + low.encodedLength(from, to);
        }

        int mergeEncoded(final DirectBuffer in, final int offset, final int[] map, final int groups)
        {
            return low.mergeEncoded(in, high.mergeEncoded(in, offset, map, groups), map, groups);
        }

        Object result(final int groups)
        {
            if (integer)
            {
                final long[] result = new long[groups];
                for (int i = 0; i < groups; i++)
                {
                    result[i] = 0 == high.n[i] || 0 == low.n[i] ? ColumnType.NA_LONG :
                        (long)high.value[i] - (long)low.value[i];
                }
                return result;
            }
            final double[] result = new double[groups];
            for (int i = 0; i < groups; i++)
            {
                result[i] = 0 == high.n[i] || 0 == low.n[i] ? Double.NaN : high.value[i] - low.value[i];
            }
            return result;
        }
    }

    /**
     * Sample standard deviation by Welford's update, merged by Chan's formula.
     */
    static final class StdDev extends Accumulator
    {
        private long[] n = new long[0];
        private double[] mean = new double[0];
        private double[] m2 = new double[0];

        StdDev(final int column)
        {
            super(column, -1);
        }

        void grow(final int capacity)
        {
            n = Arrays.copyOf(n, capacity);
            mean = Arrays.copyOf(mean, capacity);
            m2 = Arrays.copyOf(m2, capacity);
        }

        void addBlock(final int[] groups, final int rows)
        {
            final double[] in = doubles(rows);
            for (int row = 0; row < rows; row++)
            {
                final int group = groups[row];
                if (group < 0)
                {
                    continue;
                }
                final double v = in[row];
                if (v == v)
                {
                    final long count = ++n[group];
                    final double delta = v - mean[group];
                    mean[group] += delta / count;
                    m2[group] += delta * (v - mean[group]);
                }
            }
        }

        void mergeFrom(final Accumulator other, final int[] map, final int from, final int to)
        {
            final StdDev o = (StdDev)other;
            for (int i = from; i < to; i++)
            {
                final long nb = o.n[i];
                if (0 == nb)
                {
                    continue;
                }
                final int g = map[i - from];
                final long na = n[g];
                final long total = na + nb;
                final double delta = o.mean[i] - mean[g];
                mean[g] += delta * nb / total;
                m2[g] += o.m2[i] + delta * delta * ((double)na * nb / total);
                n[g] = total;
            }
        }

        void encode(final Cursor out, final int from, final int to)
        {
            out.putLongs(n, from, to);
            out.putDoubles(mean, from, to);
            out.putDoubles(m2, from, to);
        }

        long encodedLength(final int from, final int to)
        {
            return (long)(to - from) * (Long.BYTES + 2 * Double.BYTES);
        }

        int mergeEncoded(final DirectBuffer in, final int offset, final int[] map, final int groups)
        {
            final int means = offset + groups * Long.BYTES;
            final int m2s = means + groups * Double.BYTES;
            for (int i = 0; i < groups; i++)
            {
                final long nb = in.getLong(offset + i * Long.BYTES);
                if (0 == nb)
                {
                    continue;
                }
                final int g = map[i];
                final long na = n[g];
                final long total = na + nb;
                final double delta = in.getDouble(means + i * Double.BYTES) - mean[g];
                mean[g] += delta * nb / total;
                m2[g] += in.getDouble(m2s + i * Double.BYTES) + delta * delta * ((double)na * nb / total);
                n[g] = total;
            }
            return m2s + groups * Double.BYTES;
        }

        Object result(final int groups)
        {
            final double[] sd = new double[groups];
            for (int i = 0; i < groups; i++)
            {
                sd[i] = n[i] < 2 ? Double.NaN : Math.sqrt(m2[i] / (n[i] - 1));
            }
            return sd;
        }
    }

    /**
     * Median: every value of the group, selected when the result is made.
     */
    static final class Median extends Accumulator
    {
        private static final double[] NONE = new double[0];
        private double[][] values = new double[0][];
        private int[] n = new int[0];

        Median(final int column)
        {
            super(column, -1);
        }

        void grow(final int capacity)
        {
            final int old = values.length;
            values = Arrays.copyOf(values, capacity);
            Arrays.fill(values, old, capacity, NONE);
            n = Arrays.copyOf(n, capacity);
        }

        void addBlock(final int[] groups, final int rows)
        {
            final double[] in = doubles(rows);
            for (int row = 0; row < rows; row++)
            {
                final int group = groups[row];
                if (group < 0)
                {
                    continue;
                }
                final double v = in[row];
                if (v == v)
                {
                    append(group, v);
                }
            }
        }

        private void append(final int group, final double v)
        {
            double[] list = values[group];
            final int count = n[group];
            if (count == list.length)
            {
                list = Arrays.copyOf(list, Math.max(4, count * 2));
                values[group] = list;
            }
            list[count] = v;
            n[group] = count + 1;
        }

        void mergeFrom(final Accumulator other, final int[] map, final int from, final int to)
        {
            final Median o = (Median)other;
            for (int i = from; i < to; i++)
            {
                final int g = map[i - from];
                final int count = o.n[i];
                if (n[g] + count > values[g].length)
                {
                    values[g] = Arrays.copyOf(values[g], n[g] + count);
                }
                System.arraycopy(o.values[i], 0, values[g], n[g], count);
                n[g] += count;
            }
        }

        void encode(final Cursor out, final int from, final int to)
        {
            out.putInts(n, from, to);
            for (int i = from; i < to; i++)
            {
                out.putDoubles(values[i], 0, n[i]);
            }
        }

        long encodedLength(final int from, final int to)
        {
            long values = 0;
            for (int i = from; i < to; i++)
            {
                values += n[i];
            }
            return (long)(to - from) * Integer.BYTES + values * Double.BYTES;
        }

        int mergeEncoded(final DirectBuffer in, final int offset, final int[] map, final int groups)
        {
            int at = offset + groups * Integer.BYTES;
            for (int i = 0; i < groups; i++)
            {
                final int g = map[i];
                final int count = in.getInt(offset + i * Integer.BYTES);
                if (n[g] + count > values[g].length)
                {
                    values[g] = Arrays.copyOf(values[g], n[g] + count);
                }
                PrimitiveArrayCopy.getDoubles(in, at, values[g], n[g], count);
                n[g] += count;
                at += count * Double.BYTES;
            }
            return at;
        }

        Object result(final int groups)
        {
            final double[] median = new double[groups];
            for (int i = 0; i < groups; i++)
            {
                median[i] = median(values[i], n[i]);
            }
            return median;
        }

        static double median(final double[] values, final int count)
        {
            if (0 == count)
            {
                return Double.NaN;
            }
            Arrays.sort(values, 0, count);
            final int half = count >>> 1;
            return 1 == (count & 1) ? values[half] : (values[half - 1] + values[half]) / 2;
        }
    }

    /**
     * The k largest values of each group, kept sorted largest first.
     */
    static final class TopK extends Accumulator
    {
        private final int k;
        private double[] top = new double[0];
        private int[] n = new int[0];

        TopK(final int column, final int k)
        {
            super(column, -1);
            this.k = k;
        }

        void grow(final int capacity)
        {
            top = Arrays.copyOf(top, capacity * k);
            n = Arrays.copyOf(n, capacity);
        }

        void addBlock(final int[] groups, final int rows)
        {
            final double[] in = doubles(rows);
            for (int row = 0; row < rows; row++)
            {
                final int group = groups[row];
                if (group < 0)
                {
                    continue;
                }
                final double v = in[row];
                if (v == v)
                {
                    offer(group, v);
                }
            }
        }

        private void offer(final int group, final double v)
        {
            final int base = group * k;
            int count = n[group];
            if (count == k)
            {
                if (v <= top[base + k - 1])
                {
                    return;
                }
                count--;
            }
            int i = base + count;
            while (i > base && top[i - 1] < v)
            {
                top[i] = top[i - 1];
                i--;
            }
            top[i] = v;
            n[group] = count + 1;
        }

        void mergeFrom(final Accumulator other, final int[] map, final int from, final int to)
        {
            final TopK o = (TopK)other;
            for (int i = from; i < to; i++)
            {
                for (int j = 0; j < o.n[i]; j++)
                {
                    offer(map[i - from], o.top[i * k + j]);
                }
            }
        }

        void encode(final Cursor out, final int from, final int to)
        {
            out.putInts(n, from, to);
            out.putDoubles(top, from * k, to * k);
        }

        long encodedLength(final int from, final int to)
        {
            return (long)(to - from) * Integer.BYTES + (long)(to - from) * k * Double.BYTES;
        }

        int mergeEncoded(final DirectBuffer in, final int offset, final int[] map, final int groups)
        {
            final int tops = offset + groups * Integer.BYTES;
            for (int i = 0; i < groups; i++)
            {
                final int count = in.getInt(offset + i * Integer.BYTES);
                for (int j = 0; j < count; j++)
                {
                    offer(map[i], in.getDouble(tops + (i * k + j) * Double.BYTES));
                }
            }
            return tops + groups * k * Double.BYTES;
        }

        Object result(final int groups)
        {
            int rows = 0;
            for (int i = 0; i < groups; i++)
            {
                rows += n[i];
            }
            final double[] result = new double[rows];
            int row = 0;
            for (int i = 0; i < groups; i++)
            {
                System.arraycopy(top, i * k, result, row, n[i]);
                row += n[i];
            }
            return result;
        }

        int count(final int group)
        {
            return n[group];
        }
    }

    /**
     * r² of two columns from n, Σx, Σy, Σx², Σy², Σxy (exact for integer columns while the sums stay below 2^53).
     */
    static final class R2 extends Accumulator
    {
        private double[][] sums = new double[6][0];

        R2(final int column, final int column2)
        {
            super(column, column2);
        }

        void grow(final int capacity)
        {
            for (int s = 0; s < sums.length; s++)
            {
                sums[s] = Arrays.copyOf(sums[s], capacity);
            }
        }

        void addBlock(final int[] groups, final int rows)
        {
            final double[] in = doubles(rows);
            final double[] in2 = doubles2(rows);
            for (int row = 0; row < rows; row++)
            {
                final int group = groups[row];
                if (group < 0)
                {
                    continue;
                }
                final double x = in[row];
                final double y = in2[row];
                if (x == x && y == y)
                {
                    sums[0][group] += 1;
                    sums[1][group] += x;
                    sums[2][group] += y;
                    sums[3][group] += x * x;
                    sums[4][group] += y * y;
                    sums[5][group] += x * y;
                }
            }
        }

        void mergeFrom(final Accumulator other, final int[] map, final int from, final int to)
        {
            final double[][] os = ((R2)other).sums;
            for (int s = 0; s < sums.length; s++)
            {
                for (int i = from; i < to; i++)
                {
                    sums[s][map[i - from]] += os[s][i];
                }
            }
        }

        void encode(final Cursor out, final int from, final int to)
        {
            for (final double[] sum : sums)
            {
                out.putDoubles(sum, from, to);
            }
        }

        long encodedLength(final int from, final int to)
        {
            return (long)sums.length * (to - from) * Double.BYTES;
        }

        int mergeEncoded(final DirectBuffer in, final int offset, final int[] map, final int groups)
        {
            for (int s = 0; s < sums.length; s++)
            {
                final int base = offset + s * groups * Double.BYTES;
                for (int i = 0; i < groups; i++)
                {
                    sums[s][map[i]] += in.getDouble(base + i * Double.BYTES);
                }
            }
            return offset + sums.length * groups * Double.BYTES;
        }

        Object result(final int groups)
        {
            final double[] r2 = new double[groups];
            for (int i = 0; i < groups; i++)
            {
                final double n = sums[0][i];
                final double sxy = n * sums[5][i] - sums[1][i] * sums[2][i];
                final double sxx = n * sums[3][i] - sums[1][i] * sums[1][i];
                final double syy = n * sums[4][i] - sums[2][i] * sums[2][i];
                r2[i] = n < 2 || 0 == sxx || 0 == syy ? Double.NaN : sxy * sxy / (sxx * syy);
            }
            return r2;
        }
    }
}
