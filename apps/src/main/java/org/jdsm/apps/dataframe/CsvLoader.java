package org.jdsm.apps.dataframe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loads a CSV file into an {@link ArrayFrame}: a header naming the columns in order, then one row a line, fields
 * separated by commas and not quoted (as the db-benchmark writes its tables). An empty field or {@code NA} is NA;
 * {@code STRING} columns get a dictionary in order of first appearance. A line with the wrong number of fields or
 * a value that does not parse fails with a {@link CsvException} naming the line and column.
 * <p>
 * <b>Note:</b> stateless, threadsafe.
 */
public final class CsvLoader
{
    private CsvLoader()
    {
    }

    /**
     * The columns of a db-benchmark group-by CSV file ({@code id1..id3} strings, {@code id4..v2} ints, {@code v3}
     * double).
     *
     * @return names and types.
     */
    public static List<ColumnSpec> groupByColumns()
    {
        final List<ColumnSpec> columns = new ArrayList<>();
        for (final ColumnSpec column : G1Generator.schema(new G1Spec(1, 1, 0, false), 1).columns())
        {
            columns.add(new ColumnSpec(column.name(), column.type(), null == column.dictionary() ? null :
                Dictionary.of()));
        }
        return columns;
    }

    /**
     * Load a file.
     *
     * @param file         to read, UTF-8.
     * @param columns      expected, in order; dictionaries are replaced by the loaded ones.
     * @param rowsPerChunk rows per row group.
     * @return the frame.
     * @throws CsvException on a bad line or value.
     */
    public static ArrayFrame load(final Path file, final List<ColumnSpec> columns, final int rowsPerChunk)
    {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            return load(reader, file.toString(), columns, rowsPerChunk);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("reading " + file + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Load from a reader.
     *
     * @param reader       of the CSV text.
     * @param source       name for messages.
     * @param columns      expected, in order.
     * @param rowsPerChunk rows per row group.
     * @return the frame.
     * @throws IOException on a read failure.
     * @throws CsvException on a bad line or value.
     */
    public static ArrayFrame load(
        final BufferedReader reader, final String source, final List<ColumnSpec> columns, final int rowsPerChunk)
        throws IOException
    {
        final int width = columns.size();
        final String header = reader.readLine();
        final List<String> names = new ArrayList<>();
        for (final ColumnSpec column : columns)
        {
            names.add(column.name());
        }
        if (null == header || !Arrays.asList(header.trim().split(",", -1)).equals(names))
        {
            throw new CsvException(source + " line 1: header " + (null == header ? "missing" : "'" + header + "'") +
                ", expected " + String.join(",", names), 1, 0);
        }
        final Dictionary.Builder[] dictionaries = new Dictionary.Builder[width];
        final List<List<Object>> chunks = new ArrayList<>();
        for (int c = 0; c < width; c++)
        {
            dictionaries[c] = ColumnType.STRING == columns.get(c).type() ? new Dictionary.Builder() : null;
            chunks.add(new ArrayList<>());
        }
        Object[] current = newChunk(columns, rowsPerChunk);
        final int[] starts = new int[width + 1];
        long line = 1;
        long rows = 0;
        int inChunk = 0;
        for (String text = reader.readLine(); null != text; text = reader.readLine())
        {
            line++;
            if (text.isEmpty())
            {
                continue;
            }
            int fields = 0;
            starts[0] = 0;
            for (int i = 0; i < text.length() && fields < width; i++)
            {
                if (',' == text.charAt(i))
                {
                    starts[++fields] = i + 1;
                }
            }
            if (fields != width - 1)
            {
                final int found = fields < width - 1 ? fields + 1 : text.split(",", -1).length;
                throw new CsvException(source + " line " + line + ": " + found + " fields, expected " + width,
                    line, 0);
            }
            starts[width] = text.length() + 1;
            for (int c = 0; c < width; c++)
            {
                final String field = text.substring(starts[c], starts[c + 1] - 1);
                parse(columns.get(c), dictionaries[c], field, current[c], inChunk, source, line, c);
            }
            inChunk++;
            rows++;
            if (inChunk == rowsPerChunk)
            {
                for (int c = 0; c < width; c++)
                {
                    chunks.get(c).add(current[c]);
                }
                current = newChunk(columns, rowsPerChunk);
                inChunk = 0;
            }
        }
        if (inChunk > 0)
        {
            for (int c = 0; c < width; c++)
            {
                chunks.get(c).add(trim(current[c], inChunk));
            }
        }
        final List<ColumnSpec> loaded = new ArrayList<>();
        final Object[][] arrays = new Object[width][];
        for (int c = 0; c < width; c++)
        {
            final ColumnSpec column = columns.get(c);
            loaded.add(new ColumnSpec(column.name(), column.type(),
                null == dictionaries[c] ? null : dictionaries[c].build()));
            arrays[c] = chunks.get(c).toArray();
        }
        return new ArrayFrame(new FrameSchema(loaded, rows, rowsPerChunk), arrays);
    }

    private static void parse(
        final ColumnSpec column,
        final Dictionary.Builder dictionary,
        final String field,
        final Object chunk,
        final int row,
        final String source,
        final long line,
        final int c)
    {
        final boolean na = field.isEmpty() || "NA".equals(field);
        try
        {
            if (ColumnType.STRING == column.type())
            {
                ((int[])chunk)[row] = na ? ColumnType.NA_INT : dictionary.idOf(field);
            }
            else if (ColumnType.INT == column.type())
            {
                ((int[])chunk)[row] = na ? ColumnType.NA_INT : checkedInt(Integer.parseInt(field));
            }
            else if (ColumnType.LONG == column.type())
            {
                ((long[])chunk)[row] = na ? ColumnType.NA_LONG : checkedLong(Long.parseLong(field));
            }
            else
            {
                ((double[])chunk)[row] = na ? Double.NaN : Double.parseDouble(field);
            }
        }
        catch (final NumberFormatException ex)
        {
            throw new CsvException(source + " line " + line + ", column " + (c + 1) + " (" + column.name() + "): '" +
                field + "' is not " + (ColumnType.DOUBLE == column.type() ? "a number" : "an integer") +
                (ColumnType.DOUBLE == column.type() ? "" : " in range"), line, c + 1);
        }
    }

    private static int checkedInt(final int value)
    {
        if (ColumnType.NA_INT == value)
        {
            throw new NumberFormatException("the NA value");
        }
        return value;
    }

    private static long checkedLong(final long value)
    {
        if (ColumnType.NA_LONG == value)
        {
            throw new NumberFormatException("the NA value");
        }
        return value;
    }

    private static Object[] newChunk(final List<ColumnSpec> columns, final int rows)
    {
        final Object[] chunk = new Object[columns.size()];
        for (int c = 0; c < chunk.length; c++)
        {
            final ColumnType type = columns.get(c).type();
            chunk[c] = ColumnType.DOUBLE == type ? new double[rows] : ColumnType.LONG == type ? new long[rows] :
                new int[rows];
        }
        return chunk;
    }

    private static Object trim(final Object array, final int rows)
    {
        if (array instanceof int[])
        {
            return Arrays.copyOf((int[])array, rows);
        }
        if (array instanceof long[])
        {
            return Arrays.copyOf((long[])array, rows);
        }
        return Arrays.copyOf((double[])array, rows);
    }

    /**
     * Write a frame as CSV in the loader's format (NA as an empty field), e.g. to save a generated table.
     *
     * @param frame to write.
     * @param file  to write.
     */
    public static void write(final ArrayFrame frame, final Path file)
    {
        final FrameSchema schema = frame.schema();
        try (java.io.BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
        {
            writer.write(String.join(",", schema.names()));
            writer.write('\n');
            final StringBuilder line = new StringBuilder();
            for (int g = 0; g < schema.rowGroups(); g++)
            {
                for (int r = 0; r < schema.rowsIn(g); r++)
                {
                    line.setLength(0);
                    for (int c = 0; c < schema.columns().size(); c++)
                    {
                        final ColumnSpec column = schema.columns().get(c);
                        line.append(c > 0 ? "," : "").append(text(column, frame.chunk(c, g), r));
                    }
                    writer.write(line.append('\n').toString());
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("writing " + file + ": " + ex.getMessage(), ex);
        }
    }

    private static String text(final ColumnSpec column, final Object chunk, final int row)
    {
        if (chunk instanceof double[])
        {
            final double v = ((double[])chunk)[row];
            return v != v ? "" : Double.toString(v);
        }
        if (chunk instanceof long[])
        {
            final long v = ((long[])chunk)[row];
            return ColumnType.NA_LONG == v ? "" : Long.toString(v);
        }
        final int v = ((int[])chunk)[row];
        return ColumnType.NA_INT == v ? "" : null != column.dictionary() ? column.dictionary().get(v) :
            Integer.toString(v);
    }
}
