package org.jdsm.apps.dataframe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reference for the engines written the obvious way: rows grouped by their key list in a {@code HashMap}, each
 * aggregate computed from the group's rows with plain loops (two-pass deviation and correlation, sorted median).
 */
final class BruteForce
{
    private BruteForce()
    {
    }

    static QueryResult run(final ArrayFrame frame, final Query query)
    {
        final FrameSchema schema = frame.schema();
        final int rows = (int)schema.rows();
        final List<int[]> keyColumns = new ArrayList<>();
        for (final String key : query.keys())
        {
            keyColumns.add(frame.intColumn(schema.indexOf(key)));
        }
        final double[] filterColumn = null == query.filter() ? null :
            frame.doubleColumn(schema.indexOf(query.filter().column()));
        final Map<List<Integer>, List<Integer>> groups = new LinkedHashMap<>();
        for (int row = 0; row < rows; row++)
        {
            if (null != filterColumn && !query.filter().test(filterColumn[row]))
            {
                continue;
            }
            final List<Integer> key = new ArrayList<>();
            for (final int[] column : keyColumns)
            {
                key.add(column[row]);
            }
            groups.computeIfAbsent(key, (k) -> new ArrayList<>()).add(row);
        }

        final List<List<Integer>> outKeys = new ArrayList<>();
        final List<List<Object>> outValues = new ArrayList<>();
        for (final Map.Entry<List<Integer>, List<Integer>> group : groups.entrySet())
        {
            final List<Object> values = new ArrayList<>();
            final List<Double> topK = new ArrayList<>();
            for (final Aggregate aggregate : query.aggregates())
            {
                final boolean integer = null != aggregate.column() &&
                    ColumnType.DOUBLE != schema.column(aggregate.column()).type();
                final double[] x = valuesOf(frame, aggregate.column(), group.getValue());
                switch (aggregate.kind())
                {
                    case COUNT -> values.add((long)group.getValue().size());
                    case SUM -> {
                        if (integer)
                        {
                            long sum = 0;
                            for (final double v : x)
                            {
                                sum += (long)v;
                            }
                            values.add(sum);
                        }
                        else
                        {
                            values.add(Arrays.stream(x).sum());
                        }
                    }
                    case MEAN -> values.add(0 == x.length ? Double.NaN : Arrays.stream(x).sum() / x.length);
                    case MIN -> values.add(extreme(x, false, integer));
                    case MAX -> values.add(extreme(x, true, integer));
                    case RANGE -> {
                        final double[] y = valuesOf(frame, aggregate.column2(), group.getValue());
                        final boolean both = integer && ColumnType.DOUBLE != schema.column(aggregate.column2()).type();
                        if (0 == x.length || 0 == y.length)
                        {
                            values.add(both ? (Object)ColumnType.NA_LONG : (Object)Double.NaN);
                        }
                        else
                        {
                            final double range = Arrays.stream(x).max().getAsDouble() -
                                Arrays.stream(y).min().getAsDouble();
                            values.add(both ? (Object)(long)range : (Object)range);
                        }
                    }
                    case MEDIAN -> {
                        Arrays.sort(x);
                        values.add(0 == x.length ? Double.NaN : 1 == x.length % 2 ? x[x.length / 2] :
                            (x[x.length / 2 - 1] + x[x.length / 2]) / 2);
                    }
                    case STDDEV -> {
                        if (x.length < 2)
                        {
                            values.add(Double.NaN);
                        }
                        else
                        {
                            final double mean = Arrays.stream(x).sum() / x.length;
                            double squares = 0;
                            for (final double v : x)
                            {
                                squares += (v - mean) * (v - mean);
                            }
                            values.add(Math.sqrt(squares / (x.length - 1)));
                        }
                    }
                    case R2 -> values.add(r2(frame, aggregate, group.getValue()));
                    default -> {
                        final double[] sorted = x.clone();
                        Arrays.sort(sorted);
                        for (int i = 0; i < Math.min(aggregate.k(), sorted.length); i++)
                        {
                            topK.add(sorted[sorted.length - 1 - i]);
                        }
                    }
                }
            }
            if (Aggregate.Kind.TOP_K == query.aggregates().get(0).kind())
            {
                for (final double v : topK)
                {
                    outKeys.add(group.getKey());
                    outValues.add(List.of(v));
                }
            }
            else
            {
                outKeys.add(group.getKey());
                outValues.add(values);
            }
        }
        return toResult(schema, query, outKeys, outValues);
    }

    private static Object extreme(final double[] x, final boolean max, final boolean integer)
    {
        if (0 == x.length)
        {
            return integer ? (Object)ColumnType.NA_LONG : (Object)Double.NaN;
        }
        final double v = max ? Arrays.stream(x).max().getAsDouble() : Arrays.stream(x).min().getAsDouble();
        return integer ? (Object)(long)v : (Object)v;
    }

    private static double r2(final ArrayFrame frame, final Aggregate aggregate, final List<Integer> rows)
    {
        final double[] xs = column(frame, aggregate.column());
        final double[] ys = column(frame, aggregate.column2());
        final List<double[]> pairs = new ArrayList<>();
        for (final int row : rows)
        {
            if (!Double.isNaN(xs[row]) && !Double.isNaN(ys[row]))
            {
                pairs.add(new double[] { xs[row], ys[row] });
            }
        }
        if (pairs.size() < 2)
        {
            return Double.NaN;
        }
        // exact: n Sxy - Sx Sy etc. in BigDecimal, rounded once at the end
        final java.math.BigDecimal n = java.math.BigDecimal.valueOf(pairs.size());
        java.math.BigDecimal sx = java.math.BigDecimal.ZERO;
        java.math.BigDecimal sy = java.math.BigDecimal.ZERO;
        java.math.BigDecimal sxx = java.math.BigDecimal.ZERO;
        java.math.BigDecimal syy = java.math.BigDecimal.ZERO;
        java.math.BigDecimal sxy = java.math.BigDecimal.ZERO;
        for (final double[] p : pairs)
        {
            final java.math.BigDecimal x = new java.math.BigDecimal(p[0]);
            final java.math.BigDecimal y = new java.math.BigDecimal(p[1]);
            sx = sx.add(x);
            sy = sy.add(y);
            sxx = sxx.add(x.multiply(x));
            syy = syy.add(y.multiply(y));
            sxy = sxy.add(x.multiply(y));
        }
        final java.math.BigDecimal cxy = n.multiply(sxy).subtract(sx.multiply(sy));
        final java.math.BigDecimal cxx = n.multiply(sxx).subtract(sx.multiply(sx));
        final java.math.BigDecimal cyy = n.multiply(syy).subtract(sy.multiply(sy));
        if (0 == cxx.signum() || 0 == cyy.signum())
        {
            return Double.NaN;
        }
        return cxy.multiply(cxy).divide(cxx.multiply(cyy), java.math.MathContext.DECIMAL128).doubleValue();
    }

    private static double[] valuesOf(final ArrayFrame frame, final String column, final List<Integer> rows)
    {
        if (null == column)
        {
            return new double[0];
        }
        final double[] all = column(frame, column);
        return rows.stream().mapToDouble((row) -> all[row]).filter((v) -> !Double.isNaN(v)).toArray();
    }

    private static final Map<ArrayFrame, Map<String, double[]>> COLUMN_CACHE = new java.util.WeakHashMap<>();

    private static synchronized double[] column(final ArrayFrame frame, final String column)
    {
        return COLUMN_CACHE.computeIfAbsent(frame, (f) -> new java.util.HashMap<>())
            .computeIfAbsent(column, (c) -> frame.doubleColumn(frame.schema().indexOf(c)));
    }

    private static QueryResult toResult(
        final FrameSchema schema, final Query query, final List<List<Integer>> keys, final List<List<Object>> values)
    {
        final int rows = keys.size();
        final int width = query.keys().size();
        final int[][] keyColumns = new int[width][rows];
        final Dictionary[] dictionaries = new Dictionary[width];
        for (int k = 0; k < width; k++)
        {
            dictionaries[k] = schema.column(query.keys().get(k)).dictionary();
            for (int row = 0; row < rows; row++)
            {
                keyColumns[k][row] = keys.get(row).get(k);
            }
        }
        final List<String> names = new ArrayList<>();
        for (final Aggregate aggregate : query.aggregates())
        {
            names.add(aggregate.name());
        }
        final Object[] columns = new Object[names.size()];
        for (int c = 0; c < columns.length; c++)
        {
            final boolean isLong = rows > 0 && values.get(0).get(c) instanceof Long;
            if (isLong || (0 == rows && integerResult(schema, query.aggregates().get(c))))
            {
                final long[] column = new long[rows];
                for (int row = 0; row < rows; row++)
                {
                    column[row] = (Long)values.get(row).get(c);
                }
                columns[c] = column;
            }
            else
            {
                final double[] column = new double[rows];
                for (int row = 0; row < rows; row++)
                {
                    column[row] = (Double)values.get(row).get(c);
                }
                columns[c] = column;
            }
        }
        return new QueryResult(query.name(), query.keys(), dictionaries, keyColumns, names, columns, rows);
    }

    private static boolean integerResult(final FrameSchema schema, final Aggregate aggregate)
    {
        final boolean integer = null != aggregate.column() &&
            ColumnType.DOUBLE != schema.column(aggregate.column()).type();
        switch (aggregate.kind())
        {
            case COUNT:
                return true;
            case SUM:
            case MIN:
            case MAX:
                return integer;
            case RANGE:
                return integer && ColumnType.DOUBLE != schema.column(aggregate.column2()).type();
            default:
                return false;
        }
    }
}
