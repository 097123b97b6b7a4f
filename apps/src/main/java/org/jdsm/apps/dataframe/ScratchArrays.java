package org.jdsm.apps.dataframe;

import java.util.Arrays;

/**
 * The arrays the group-by kernel fills while it adds one row group ({@link GroupTable#addRows}): the rows' group
 * ids, and a column's values where a chunk does not hold them in an array of the kind a loop reads. One set per
 * thread, reused by every table that thread builds, so a slice or a task allocates none of them (a {@code long[]} or
 * {@code double[]} of a 1 MiB chunk's rows is a humongous object for G1, which a fresh one per slice would pay for).
 * An array is valid until the next call for the same slot on the same thread.
 * <p>
 * <b>Note:</b> not threadsafe: {@link #current()} gives each thread its own.
 */
final class ScratchArrays
{
    /** Slot of the group ids of a row group's rows; key column k is slot {@code 1 + k}. */
    static final int GROUP_IDS = 0;
    /** Slots of {@code double[]}: an accumulator's first and second column, and the filter's column. */
    static final int DOUBLE_SLOTS = 3;
    /** Slot of a filter column's values. */
    static final int FILTER = 2;

    private static final ThreadLocal<ScratchArrays> CURRENT = ThreadLocal.withInitial(ScratchArrays::new);

    private int[][] ints = new int[0][];
    private final double[][] doubles = new double[DOUBLE_SLOTS][0];
    private long[] longs = new long[0];

    private ScratchArrays()
    {
    }

    /**
     * The calling thread's arrays.
     *
     * @return the arrays of this thread.
     */
    static ScratchArrays current()
    {
        return CURRENT.get();
    }

    /**
     * An {@code int[]} of at least {@code length} elements, contents undefined.
     *
     * @param slot   {@link #GROUP_IDS} or a key column's.
     * @param length needed.
     * @return the array of the slot.
     */
    int[] ints(final int slot, final int length)
    {
        if (slot >= ints.length)
        {
            ints = Arrays.copyOf(ints, slot + 1);
        }
        int[] array = ints[slot];
        if (null == array || array.length < length)
        {
            array = new int[length];
            ints[slot] = array;
        }
        return array;
    }

    /**
     * A {@code double[]} of at least {@code length} elements, contents undefined.
     *
     * @param slot   in {@code [0, DOUBLE_SLOTS)}.
     * @param length needed.
     * @return the array of the slot.
     */
    double[] doubles(final int slot, final int length)
    {
        double[] array = doubles[slot];
        if (array.length < length)
        {
            array = new double[length];
            doubles[slot] = array;
        }
        return array;
    }

    /**
     * A {@code long[]} of at least {@code length} elements, contents undefined.
     *
     * @param length needed.
     * @return the array.
     */
    long[] longs(final int length)
    {
        if (longs.length < length)
        {
            longs = new long[length];
        }
        return longs;
    }
}
