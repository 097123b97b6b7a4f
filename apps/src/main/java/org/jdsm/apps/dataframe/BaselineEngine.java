package org.jdsm.apps.dataframe;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The single-machine program: the group-by engine over an {@link ArrayFrame} in one process. A query is cut into
 * slices of consecutive row groups, each aggregated into its own {@link GroupTable} on a thread of the pool, and
 * the slices' tables are merged on the caller's thread. {@link DistributedEngine} is its port to jdsm.
 * <p>
 * <b>Note:</b> call from one thread; the pool is the caller's.
 */
public final class BaselineEngine
{
    private final ArrayFrame frame;
    private final ExecutorService pool;
    private final int slices;
    private long mergeNs;

    /**
     * @param frame  to query.
     * @param pool   that runs the slices.
     * @param slices per query, e.g. the pool's thread count.
     */
    public BaselineEngine(final ArrayFrame frame, final ExecutorService pool, final int slices)
    {
        if (slices < 1)
        {
            throw new DataFrameException("slices=" + slices + " must be >= 1");
        }
        this.frame = frame;
        this.pool = pool;
        this.slices = slices;
    }

    /**
     * Run queries concurrently: submit all, then merge each.
     *
     * @param queries to run.
     * @return their results, in order.
     */
    public List<QueryResult> run(final List<Query> queries)
    {
        final List<Pending> pending = new ArrayList<>();
        for (final Query query : queries)
        {
            pending.add(submit(query));
        }
        final List<QueryResult> results = new ArrayList<>();
        for (final Pending p : pending)
        {
            results.add(await(p));
        }
        return results;
    }

    /**
     * Start a query's slices.
     *
     * @param query to run.
     * @return what to {@link #await}.
     */
    public Pending submit(final Query query)
    {
        final FrameSchema schema = frame.schema();
        query.validate(schema);
        final List<String> columns = query.columns();
        final ColumnType[] types = schema.types(columns);
        final List<Future<GroupTable>> parts = new ArrayList<>();
        for (final int[] slice : slices(schema.rowGroups(), slices))
        {
            final ColumnChunk[][] chunks = new ColumnChunk[slice.length][];
            final int[] rows = new int[slice.length];
            for (int i = 0; i < slice.length; i++)
            {
                chunks[i] = frame.chunks(columns, slice[i]);
                rows[i] = schema.rowsIn(slice[i]);
            }
            parts.add(pool.submit(() -> aggregate(query, types, chunks, rows)));
        }
        return new Pending(query, types, parts);
    }

    /**
     * Merge a query's slices.
     *
     * @param pending of {@link #submit}.
     * @return the result.
     */
    public QueryResult await(final Pending pending)
    {
        final GroupTable total = GroupTable.create(pending.query, pending.types);
        for (final Future<GroupTable> part : pending.parts)
        {
            try
            {
                final GroupTable table = part.get();
                final long startNs = System.nanoTime();
                total.mergeFrom(table);
                mergeNs += System.nanoTime() - startNs;
            }
            catch (final ExecutionException ex)
            {
                throw new DataFrameException("query " + pending.query.name() + " failed: " + ex.getCause(),
                    ex.getCause());
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new DataFrameException("query " + pending.query.name() + " interrupted", ex);
            }
        }
        return total.toResult(frame.schema());
    }

    /**
     * Time the caller spent merging the slices' tables so far (not waiting for them).
     *
     * @return nanoseconds.
     */
    public long mergeNs()
    {
        return mergeNs;
    }

    static GroupTable aggregate(
        final Query query, final ColumnType[] types, final ColumnChunk[][] chunks, final int[] rows)
    {
        final GroupTable table = GroupTable.create(query, types);
        for (int i = 0; i < chunks.length; i++)
        {
            table.addRows(chunks[i], rows[i]);
        }
        return table;
    }

    /**
     * Row groups [0, count) cut into at most {@code parts} runs of consecutive groups.
     */
    static List<int[]> slices(final int count, final int parts)
    {
        final List<int[]> slices = new ArrayList<>();
        for (int s = 0; s < parts; s++)
        {
            final int from = (int)((long)count * s / parts);
            final int to = (int)((long)count * (s + 1) / parts);
            if (to > from)
            {
                final int[] slice = new int[to - from];
                for (int i = 0; i < slice.length; i++)
                {
                    slice[i] = from + i;
                }
                slices.add(slice);
            }
        }
        return slices;
    }

    /**
     * A submitted query: its slices' futures.
     * <p>
     * <b>Note:</b> owned by the thread that submitted it.
     */
    public static final class Pending
    {
        private final Query query;
        private final ColumnType[] types;
        private final List<Future<GroupTable>> parts;

        Pending(final Query query, final ColumnType[] types, final List<Future<GroupTable>> parts)
        {
            this.query = query;
            this.types = types;
            this.parts = parts;
        }
    }
}
