package org.jdsm.apps.dataframe;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A group-by query: rows that pass an optional {@link Filter}, grouped by zero or more key columns ({@code INT} or
 * {@code STRING}; no keys makes one group of the whole table), with aggregates per group. Only the columns the query
 * names ({@link #columns()}) are read: the projection is pushed down to the chunks a task is lent.
 * <p>
 * <b>Note:</b> immutable, threadsafe.
 *
 * @param name       of the query, for output.
 * @param keys       the key columns.
 * @param aggregates computed per group; a {@link Aggregate.Kind#TOP_K} must be the only one.
 * @param filter     rows kept, or {@code null} for all.
 */
public record Query(String name, List<String> keys, List<Aggregate> aggregates, Filter filter) implements Serializable
{
    /**
     * Checks the shape.
     */
    public Query
    {
        keys = List.copyOf(keys);
        aggregates = List.copyOf(aggregates);
        if (aggregates.isEmpty())
        {
            throw new DataFrameException("query " + name + " has no aggregate");
        }
        for (final Aggregate aggregate : aggregates)
        {
            if (Aggregate.Kind.TOP_K == aggregate.kind() && aggregates.size() > 1)
            {
                throw new DataFrameException("query " + name + ": TOP_K " + aggregate.name() +
                    " must be the only aggregate");
            }
        }
    }

    /**
     * A query with no filter.
     *
     * @param name       of the query.
     * @param keys       the key columns.
     * @param aggregates per group.
     * @return the query.
     */
    public static Query of(final String name, final List<String> keys, final Aggregate... aggregates)
    {
        return new Query(name, keys, List.of(aggregates), null);
    }

    /**
     * The same query over the rows that pass a filter.
     *
     * @param filter rows kept.
     * @return the filtered query.
     */
    public Query where(final Filter filter)
    {
        return new Query(name, keys, aggregates, filter);
    }

    /**
     * The columns the query reads, each once: keys, aggregate columns, filter column.
     *
     * @return the column names.
     */
    public List<String> columns()
    {
        final List<String> columns = new ArrayList<>(keys);
        for (final Aggregate aggregate : aggregates)
        {
            addOnce(columns, aggregate.column());
            addOnce(columns, aggregate.column2());
        }
        addOnce(columns, null == filter ? null : filter.column());
        return columns;
    }

    /**
     * Checks the query against a frame's columns.
     *
     * @param schema of the frame.
     * @throws DataFrameException naming the column and what is wrong with it.
     */
    public void validate(final FrameSchema schema)
    {
        for (final String key : keys)
        {
            final ColumnType type = schema.column(key).type();
            if (!type.isInt())
            {
                throw new DataFrameException("query " + name + ": key column " + key + " is " + type +
                    ", group-by keys must be INT or STRING");
            }
        }
        for (final String column : columns())
        {
            if (!keys.contains(column) && ColumnType.STRING == schema.column(column).type())
            {
                throw new DataFrameException("query " + name + ": column " + column +
                    " is STRING, aggregates and filters need a numeric column");
            }
        }
    }

    private static void addOnce(final List<String> columns, final String column)
    {
        if (null != column && !columns.contains(column))
        {
            columns.add(column);
        }
    }
}
