package org.jdsm.apps.dataframe;

import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.DBox;
import org.jdsm.DsmNode;
import org.jdsm.NodeUnavailableException;
import org.jdsm.Ref;
import org.jdsm.apps.TaskResult;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The group-by engine on jdsm, the port of {@link BaselineEngine}: a query is cut into slices of consecutive row
 * groups of one node, each aggregated by a task spawned near its chunks ({@code spawnNear}), which reads them in
 * place through the shared borrows it is lent and returns its {@link GroupTable} as partial aggregates: inline
 * when small, else in {@link DBox}es of about {@code partBytes} allocated on its node (a task's result travels in
 * one message), each a self-contained range of groups. The driver merges them, reading each box in place.
 * <p>
 * <b>Note:</b> call from the driver's thread.
 */
public final class DistributedEngine
{
    /** Longest wait for one task; a dead node fails it sooner, with {@link NodeUnavailableException}. */
    public static final long TASK_TIMEOUT_S = 1800;

    /** A partial up to this size travels inline in the task's result. */
    public static final int INLINE_BYTES = 128 * 1024;

    private final DsmNode node;
    private final DistributedFrame frame;
    private final int slices;
    private final int partBytes;
    private long partialBytes;
    private long mergeNs;
    private final long[] partialBytesByNode;

    /**
     * @param node      the driver.
     * @param frame     to query.
     * @param slices    per node per query, e.g. the nodes' worker threads.
     * @param partBytes largest box of a partial aggregate; at most the nodes' largest object.
     */
    public DistributedEngine(final DsmNode node, final DistributedFrame frame, final int slices, final int partBytes)
    {
        checkSizes(slices, partBytes);
        this.node = node;
        this.frame = frame;
        this.slices = slices;
        this.partBytes = partBytes;
        this.partialBytesByNode = new long[node.nodeCount()];
    }

    /**
     * Check the sizes the constructor takes, before any frame is placed.
     *
     * @param slices    per node per query.
     * @param partBytes largest box of a partial aggregate.
     * @throws DataFrameException naming the size out of range.
     */
    static void checkSizes(final int slices, final int partBytes)
    {
        if (slices < 1 || partBytes < 1024)
        {
            throw new DataFrameException("slices=" + slices + " must be >= 1 and partBytes=" + partBytes +
                " >= 1024");
        }
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
     * Start a query's slices near their chunks.
     *
     * @param query to run.
     * @return what to {@link #await}.
     */
    @SuppressWarnings("unchecked")
    public Pending submit(final Query query)
    {
        final FrameSchema schema = frame.schema();
        query.validate(schema);
        final List<String> columns = query.columns();
        final ColumnType[] types = schema.types(columns);
        final int[] columnIndex = new int[columns.size()];
        for (int i = 0; i < columnIndex.length; i++)
        {
            columnIndex[i] = schema.indexOf(columns.get(i));
        }
        final int anchor = 0 == columnIndex.length ? 0 : columnIndex[0];
        final List<CompletableFuture<Object>> parts = new ArrayList<>();
        final List<Integer> homes = new ArrayList<>();
        final List<Ref<byte[]>[][]> lent = new ArrayList<>();
        final List<Ref<ChunkBox>[][]> elements = new ArrayList<>();
        for (int n = 0; n < node.nodeCount(); n++)
        {
            final int[] local = rowGroupsOn(n);
            for (final int[] positions : BaselineEngine.slices(local.length, slices))
            {
                // the anchor column's element first: the task goes near its chunk even when no column is read
                final int width = Math.max(1, columnIndex.length);
                final Ref<ChunkBox>[][] borrowed = new Ref[positions.length][width];
                final Ref<byte[]>[][] refs = new Ref[positions.length][columnIndex.length];
                final int[] rows = new int[positions.length];
                elements.add(borrowed);
                lent.add(refs);
                for (int i = 0; i < positions.length; i++)
                {
                    rows[i] = schema.rowsIn(local[positions[i]]);
                    borrowed[i][0] = frame.readChunk(anchor, local[positions[i]]);
                    for (int c = 0; c < columnIndex.length; c++)
                    {
                        if (c > 0)
                        {
                            borrowed[i][c] = frame.readChunk(columnIndex[c], local[positions[i]]);
                        }
                        refs[i][c] = borrowed[i][c].get().data().read();
                    }
                }
                final int partBytes = this.partBytes;
                homes.add(n);
                parts.add(node.spawnNear(borrowed[0][0].get().data(),
                    (n1) -> aggregate(n1, query, types, refs, rows, partBytes)));
            }
        }
        return new Pending(query, types, parts, homes, lent, elements);
    }

    /**
     * Merge a query's partial aggregates.
     *
     * @param pending of {@link #submit}.
     * @return the result.
     */
    public QueryResult await(final Pending pending)
    {
        final GroupTable total = GroupTable.create(pending.query, pending.types);
        try
        {
            for (int p = 0; p < pending.parts.size(); p++)
            {
                final Object part = await(pending.parts.get(p), "query " + pending.query.name());
                final long startNs = System.nanoTime();
                final long bytes = merge(total, part);
                mergeNs += System.nanoTime() - startNs;
                partialBytes += bytes;
                partialBytesByNode[pending.homes.get(p)] += bytes;
            }
        }
        finally
        {
            // the chunks' borrows before the borrows of the elements they were reached through
            for (final Ref<byte[]>[][] refs : pending.lent)
            {
                closeAll(refs);
            }
            for (final Ref<ChunkBox>[][] borrowed : pending.elements)
            {
                closeAll(borrowed);
            }
        }
        return total.toResult(frame.schema());
    }

    /**
     * Bytes of partial aggregates merged by the driver so far.
     *
     * @return the byte count.
     */
    public long partialBytes()
    {
        return partialBytes;
    }

    /**
     * Time the driver spent reading and merging partial aggregates so far (not waiting for them).
     *
     * @return nanoseconds.
     */
    public long mergeNs()
    {
        return mergeNs;
    }

    /**
     * Bytes of partial aggregates merged by the driver so far, by the node whose tasks made them.
     *
     * @return a copy of the byte counts by node id.
     */
    public long[] partialBytesByNode()
    {
        return partialBytesByNode.clone();
    }

    static Object aggregate(
        final DsmNode node,
        final Query query,
        final ColumnType[] types,
        final Ref<byte[]>[][] refs,
        final int[] rows,
        final int partBytes)
    {
        final GroupTable table = GroupTable.create(query, types);
        for (int i = 0; i < refs.length; i++)
        {
            final ColumnChunk[] chunks = new ColumnChunk[types.length];
            for (int c = 0; c < chunks.length; c++)
            {
                chunks[c] = new ColumnChunk.Buffer(types[c], refs[i][c].buffer(), rows[i]);
            }
            table.addRows(chunks, rows[i]);
        }
        return ship(node, table, partBytes);
    }

    /**
     * A table as self-contained partials of about {@code partBytes} each (a group range each, the range sized from
     * the bytes per group of the previous one, starting from one group and growing at most 16 times a step, so a
     * table of large groups, e.g. median lists, is never encoded as one piece past the nodes' largest object): the
     * byte arrays themselves when they add up to at most {@link #INLINE_BYTES}, else boxes allocated on this node,
     * each written straight into its box ({@link Partial#CODEC}).
     */
    static Object ship(final DsmNode node, final GroupTable table, final int partBytes)
    {
        final int groups = table.groups();
        final List<Partial> pieces = new ArrayList<>();
        long total = 0;
        int step = 1;
        for (int from = 0; from < groups || pieces.isEmpty(); )
        {
            final int to = Math.min(groups, from + step);
            final Partial piece = Partial.of(table, from, to);
            pieces.add(piece);
            total += piece.length();
            final long sized = (long)partBytes * Math.max(1, to - from) / Math.max(1, piece.length());
            step = (int)Math.max(1, Math.min(sized, 16L * (to - from)));
            from = to;
        }
        if (total <= INLINE_BYTES)
        {
            final byte[][] inline = new byte[pieces.size()][];
            for (int b = 0; b < inline.length; b++)
            {
                inline[b] = pieces.get(b).toBytes();
            }
            return inline;
        }
        final DBox<?>[] boxes = new DBox<?>[pieces.size()];
        for (int b = 0; b < boxes.length; b++)
        {
            boxes[b] = node.allocOn(node.nodeId(), Partial.CODEC, pieces.get(b));
        }
        return boxes;
    }

    /**
     * Merge a task's partials into a table: inline arrays, or boxes read in place (a remote one fetched into this
     * node's cache) and freed, each merged straight from its bytes.
     *
     * @return bytes merged.
     */
    @SuppressWarnings("unchecked")
    private static long merge(final GroupTable total, final Object part)
    {
        long bytes = 0;
        if (part instanceof byte[][])
        {
            for (final byte[] piece : (byte[][])part)
            {
                total.mergeEncoded(new UnsafeBuffer(piece));
                bytes += piece.length;
            }
            return bytes;
        }
        for (final DBox<Partial> box : (DBox<Partial>[])part)
        {
            try (Ref<Partial> ref = box.read())
            {
                total.mergeEncoded(ref.buffer());
                bytes += ref.length();
            }
            box.close();
        }
        return bytes;
    }

    private static void closeAll(final Ref<?>[][] refs)
    {
        for (final Ref<?>[] row : refs)
        {
            for (final Ref<?> ref : row)
            {
                if (null != ref)
                {
                    ref.close();
                }
            }
        }
    }

    private int[] rowGroupsOn(final int nodeId)
    {
        final int count = frame.schema().rowGroups();
        int local = 0;
        for (int g = 0; g < count; g++)
        {
            local += frame.home(g) == nodeId ? 1 : 0;
        }
        final int[] groups = new int[local];
        local = 0;
        for (int g = 0; g < count; g++)
        {
            if (frame.home(g) == nodeId)
            {
                groups[local++] = g;
            }
        }
        return groups;
    }

    /**
     * Wait for a task; a dead node anywhere in its cause chain is rethrown as {@link NodeUnavailableException}.
     *
     * @param future of the task.
     * @param what   the task, for messages.
     * @param <R>    type of the result.
     * @return the result.
     */
    static <R> R await(final CompletableFuture<R> future, final String what)
    {
        return TaskResult.await(future, "dataframe " + what, TASK_TIMEOUT_S, DataFrameException::new);
    }

    /**
     * A submitted query: its tasks' futures and the borrows lent to them, closed once it is merged.
     * <p>
     * <b>Note:</b> owned by the driver's thread.
     */
    public static final class Pending
    {
        private final Query query;
        private final ColumnType[] types;
        private final List<CompletableFuture<Object>> parts;
        private final List<Integer> homes;
        private final List<Ref<byte[]>[][]> lent;
        private final List<Ref<ChunkBox>[][]> elements;

        Pending(
            final Query query,
            final ColumnType[] types,
            final List<CompletableFuture<Object>> parts,
            final List<Integer> homes,
            final List<Ref<byte[]>[][]> lent,
            final List<Ref<ChunkBox>[][]> elements)
        {
            this.query = query;
            this.types = types;
            this.parts = parts;
            this.homes = homes;
            this.lent = lent;
            this.elements = elements;
        }
    }
}
