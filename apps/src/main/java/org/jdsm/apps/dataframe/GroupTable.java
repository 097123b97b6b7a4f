package org.jdsm.apps.dataframe;

import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;

import java.util.Arrays;
import java.util.List;

/**
 * The hash group-by of one {@link Query}: an open-addressing table (linear probing, load at most 1/2) from a tuple
 * of {@code int} keys to a dense group id, with one {@link Accumulator} per aggregate holding its state in primitive
 * arrays by group id. Rows are added a row group at a time ({@link #addRows}); tables of different slices merge
 * ({@link #mergeFrom}); a table travels as a partial aggregate ({@link #encode}, {@link #mergeEncoded}).
 * <pre>
 *   partial:  width (int) | groups (int) | accumulators (int) | keys, groups x width ints | each accumulator's state
 * </pre>
 * <p>
 * <b>Note:</b> not threadsafe: one thread builds a table; tables are handed over whole.
 */
public final class GroupTable
{
    private static final int INITIAL_CAPACITY = 16;

    /**
     * Groups of another table merged at a time by {@link #mergeFrom}: about one partial piece of a few keys.
     */
    static final int MERGE_BLOCK_GROUPS = 16 * 1024;

    private final Query query;
    private final int width;
    private final int[] keyColumns;
    private final int filterColumn;
    private final Accumulator[] accumulators;
    private final int[] scratch;
    private int[] mergeMap = new int[0];
    private final int[][] keyValues;
    private int[] keys;
    private int[] hashes;
    private int capacity;
    private int count;
    private int[] slots;
    private int mask;

    private GroupTable(final Query query, final ColumnType[] types)
    {
        final List<String> columns = query.columns();
        if (types.length != columns.size())
        {
            throw new DataFrameException("query " + query.name() + " reads " + columns + " but " + types.length +
                " column types were given");
        }
        this.query = query;
        width = query.keys().size();
        keyColumns = new int[width];
        for (int k = 0; k < width; k++)
        {
            keyColumns[k] = k;
        }
        filterColumn = null == query.filter() ? -1 : columns.indexOf(query.filter().column());
        accumulators = new Accumulator[query.aggregates().size()];
        for (int a = 0; a < accumulators.length; a++)
        {
            accumulators[a] = Accumulator.create(query.aggregates().get(a), columns, types);
        }
        scratch = new int[width];
        keyValues = new int[width][];
        resize(INITIAL_CAPACITY);
        slots = new int[INITIAL_CAPACITY * 2];
        mask = slots.length - 1;
    }

    /**
     * An empty table for a query.
     *
     * @param query to compute.
     * @param types of {@link Query#columns()}, in that order.
     * @return the table.
     */
    public static GroupTable create(final Query query, final ColumnType[] types)
    {
        return new GroupTable(query, types);
    }

    /**
     * Number of groups.
     *
     * @return the group count.
     */
    public int groups()
    {
        return count;
    }

    /**
     * Add the rows of one row group.
     *
     * @param chunks of the row group, one per column of {@link Query#columns()}, in that order.
     * @param rows   in the row group.
     */
    public void addRows(final ColumnChunk[] chunks, final int rows)
    {
        // the arrays filled below are this thread's, reused from row group to row group and from table to table
        final ScratchArrays scratchArrays = ScratchArrays.current();
        for (final Accumulator accumulator : accumulators)
        {
            accumulator.bind(chunks, scratchArrays);
        }
        final Filter filter = query.filter();
        final int[] ids = scratchArrays.ints(ScratchArrays.GROUP_IDS, rows);
        // each column's rows read at once (the chunk's own array, or a scratch array filled in one pass): the loops
        // below make no call per value, and both engines run the same compiled loops (reading jdsm's key chunks in
        // place instead, in loops of their own, left the JIT compiling and deoptimizing this method by turns)
        final int[][] keyValues = this.keyValues;
        for (int k = 0; k < width; k++)
        {
            final ColumnChunk keyChunk = chunks[keyColumns[k]];
            keyValues[k] = keyChunk.ints(keyChunk.holds(int[].class) ? null : scratchArrays.ints(1 + k, rows));
        }
        double[] filterValues = null;
        if (filterColumn >= 0)
        {
            filterValues = chunks[filterColumn].doubles(scratchArrays.doubles(ScratchArrays.FILTER, rows));
        }
        final int[] key = scratch;
        if (1 == width && null == filterValues)
        {
            final int[] keys = keyValues[0];
            for (int row = 0; row < rows; row++)
            {
                key[0] = keys[row];
                ids[row] = findOrInsert(key);
            }
        }
        else
        {
            for (int row = 0; row < rows; row++)
            {
                if (null != filterValues && !filter.test(filterValues[row]))
                {
                    ids[row] = -1;
                    continue;
                }
                for (int k = 0; k < key.length; k++)
                {
                    key[k] = keyValues[k][row];
                }
                ids[row] = findOrInsert(key);
            }
        }
        for (final Accumulator accumulator : accumulators)
        {
            accumulator.addBlock(ids, rows);
        }
    }

    /**
     * Merge another table of the same query into this one.
     *
     * @param other table, left unchanged.
     */
    public void mergeFrom(final GroupTable other)
    {
        // a block of groups at a time, keys then each aggregate, as a partial piece is merged (mergeEncoded): the
        // block's map and its groups' state stay in the cache between the passes
        for (int from = 0; from < other.count; from += MERGE_BLOCK_GROUPS)
        {
            final int to = Math.min(other.count, from + MERGE_BLOCK_GROUPS);
            final int[] map = mapKeys(other.keys, from, to);
            for (int a = 0; a < accumulators.length; a++)
            {
                accumulators[a].mergeFrom(other.accumulators[a], map, from, to);
            }
        }
    }

    /**
     * Write the groups [from, to) of the table as a partial aggregate, self-contained: it merges alone
     * ({@link #mergeEncoded}).
     *
     * @param out  where to write, from its position.
     * @param from first group.
     * @param to   end of the groups.
     */
    void encode(final Cursor out, final int from, final int to)
    {
        out.putInt(width);
        out.putInt(to - from);
        out.putInt(accumulators.length);
        out.putInts(keys, from * width, to * width);
        for (final Accumulator accumulator : accumulators)
        {
            accumulator.encode(out, from, to);
        }
    }

    /**
     * Bytes {@link #encode(Cursor, int, int)} writes for the groups [from, to).
     *
     * @param from first group.
     * @param to   end of the groups.
     * @return the length in bytes.
     */
    long encodedLength(final int from, final int to)
    {
        long length = 3L * Integer.BYTES + (long)(to - from) * width * Integer.BYTES;
        for (final Accumulator accumulator : accumulators)
        {
            length += accumulator.encodedLength(from, to);
        }
        return length;
    }

    /**
     * Merge a partial aggregate written by {@link #encode(Cursor, int, int)} for the same query straight from its
     * bytes (no table made of it: its keys are copied once into a reused array, its aggregates' state read in
     * place), as {@link #mergeFrom} would merge the table it was written from.
     *
     * @param buffer holding the partial from index 0.
     * @throws DataFrameException if the partial does not fit this table's query.
     */
    void mergeEncoded(final DirectBuffer buffer)
    {
        final int width = buffer.getInt(0);
        final int groups = buffer.getInt(Integer.BYTES);
        final int accumulators = buffer.getInt(2 * Integer.BYTES);
        if (width != this.width || accumulators != this.accumulators.length || groups < 0)
        {
            throw new DataFrameException("partial of " + width + " keys, " + accumulators + " aggregates and " +
                groups + " groups does not fit query " + query.name());
        }
        if (3L * Integer.BYTES + (long)groups * width * Integer.BYTES > buffer.capacity())
        {
            throw new DataFrameException("partial of " + groups + " groups of " + width + " keys is longer than its " +
                buffer.capacity() + " bytes");
        }
        final int keyCount = groups * width;
        // the piece's keys read where they are (inside the buffer, checked above) by the loop mergeFrom runs over a
        // table's keys
        final int[] map = mapKeysInPlace(buffer.byteArray(), buffer.addressOffset() + 3 * Integer.BYTES, groups);
        int offset = 3 * Integer.BYTES + keyCount * Integer.BYTES;
        for (final Accumulator accumulator : this.accumulators)
        {
            offset = accumulator.mergeEncoded(buffer, offset, map, groups);
        }
    }

    /**
     * The result: one row per group, or per kept value of a {@link Aggregate.Kind#TOP_K}.
     *
     * @param schema of the frame, for the key columns' dictionaries.
     * @return the result.
     */
    public QueryResult toResult(final FrameSchema schema)
    {
        final Dictionary[] dictionaries = new Dictionary[width];
        for (int k = 0; k < width; k++)
        {
            dictionaries[k] = schema.column(query.keys().get(k)).dictionary();
        }
        final Object[] values = new Object[accumulators.length];
        for (int a = 0; a < values.length; a++)
        {
            values[a] = accumulators[a].result(count);
        }
        int[] rowGroups = null;
        if (accumulators[0] instanceof Accumulator.TopK)
        {
            final Accumulator.TopK top = (Accumulator.TopK)accumulators[0];
            rowGroups = new int[((double[])values[0]).length];
            int row = 0;
            for (int g = 0; g < count; g++)
            {
                for (int j = 0; j < top.count(g); j++)
                {
                    rowGroups[row++] = g;
                }
            }
        }
        final int rows = null == rowGroups ? count : rowGroups.length;
        final int[][] keyColumns = new int[width][rows];
        for (int row = 0; row < rows; row++)
        {
            final int g = null == rowGroups ? row : rowGroups[row];
            for (int k = 0; k < width; k++)
            {
                keyColumns[k][row] = keys[g * width + k];
            }
        }
        final String[] names = new String[accumulators.length];
        for (int a = 0; a < names.length; a++)
        {
            names[a] = query.aggregates().get(a).name();
        }
        return new QueryResult(query.name(), query.keys(), dictionaries, keyColumns, List.of(names), values, rows);
    }

    /**
     * The group id of a key, or -1.
     *
     * @param key tuple.
     * @return the group id.
     */
    int find(final int[] key)
    {
        final int hash = hash(key);
        for (int i = hash & mask; ; i = (i + 1) & mask)
        {
            final int slot = slots[i];
            if (0 == slot)
            {
                return -1;
            }
            if (hashes[slot - 1] == hash && sameKey(slot - 1, key))
            {
                return slot - 1;
            }
        }
    }

    /**
     * The group id of a key, adding a group when it is new.
     *
     * @param key tuple.
     * @return the group id.
     */
    int findOrInsert(final int[] key)
    {
        final int hash = hash(key);
        int i = hash & mask;
        while (true)
        {
            final int slot = slots[i];
            if (0 == slot)
            {
                break;
            }
            if (hashes[slot - 1] == hash && sameKey(slot - 1, key))
            {
                return slot - 1;
            }
            i = (i + 1) & mask;
        }
        final int group = count;
        if (group == capacity)
        {
            resize(capacity * 2);
        }
        System.arraycopy(key, 0, keys, group * width, width);
        hashes[group] = hash;
        count = group + 1;
        slots[i] = group + 1;
        if (count * 2 > slots.length)
        {
            rehash(slots.length * 2);
        }
        return group;
    }

    /**
     * The group id in this table of each of the groups [from, to) whose key tuples are in {@code keys}, adding the
     * new ones: the map from those groups (index minus {@code from}) to this table's, valid until the next call.
     */
    private int[] mapKeys(final int[] keys, final int from, final int to)
    {
        if (mergeMap.length < to - from)
        {
            mergeMap = new int[to - from];
        }
        final int[] map = mergeMap;
        final int[] key = scratch;
        for (int g = from; g < to; g++)
        {
            final int base = g * width;
            for (int k = 0; k < width; k++)
            {
                key[k] = keys[base + k];
            }
            map[g - from] = findOrInsert(key);
        }
        return map;
    }

    /**
     * {@link #mapKeys} of {@code groups} key tuples of {@code width} ints each, read in place from a buffer's memory
     * ({@code byteArray} null for off-heap memory, {@code offset} then its address) that the caller checked holds
     * them.
     */
    private int[] mapKeysInPlace(final byte[] byteArray, final long offset, final int groups)
    {
        if (mergeMap.length < groups)
        {
            mergeMap = new int[groups];
        }
        final int[] map = mergeMap;
        final int[] key = scratch;
        long at = offset;
        for (int g = 0; g < groups; g++)
        {
            for (int k = 0; k < width; k++)
            {
                key[k] = UnsafeApi.getInt(byteArray, at);
                at += Integer.BYTES;
            }
            map[g] = findOrInsert(key);
        }
        return map;
    }

    private boolean sameKey(final int group, final int[] key)
    {
        final int base = group * width;
        for (int k = 0; k < width; k++)
        {
            if (keys[base + k] != key[k])
            {
                return false;
            }
        }
        return true;
    }

    private void resize(final int newCapacity)
    {
        keys = null == keys ? new int[newCapacity * width] : Arrays.copyOf(keys, newCapacity * width);
        hashes = null == hashes ? new int[newCapacity] : Arrays.copyOf(hashes, newCapacity);
        for (final Accumulator accumulator : accumulators)
        {
            accumulator.grow(newCapacity);
        }
        capacity = newCapacity;
    }

    private void rehash(final int slotCount)
    {
        slots = new int[slotCount];
        mask = slotCount - 1;
        for (int g = 0; g < count; g++)
        {
            int i = hashes[g] & mask;
            while (0 != slots[i])
            {
                i = (i + 1) & mask;
            }
            slots[i] = g + 1;
        }
    }

    static int hash(final int[] key)
    {
        long h = 0x9E3779B97F4A7C15L;
        for (final int k : key)
        {
            h = (h ^ k) * 0xC2B2AE3D27D4EB4FL;
            h ^= h >>> 31;
        }
        h *= 0xFF51AFD7ED558CCDL;
        return (int)(h ^ (h >>> 32));
    }
}
