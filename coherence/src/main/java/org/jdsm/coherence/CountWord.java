package org.jdsm.coherence;

/**
 * The layout of a count word, the word a {@code DArc} or {@code DCell} counts its handles in, which only
 * {@link HeapAccess#fetchAdd} changes: the count in the low {@link #COUNT_BITS} bits (signed: a handle count, at most
 * 2<sup>31</sup> - 1), and in the high 32 bits the <em>position</em> of the word's value in the order its additions
 * were decided, modulo 2<sup>32</sup>.
 * <p>
 * With backups ({@code jdsm.replicas} ≥ 1) an addition is decided at the slice's last live holder and applied at
 * the holders before it as a swap of whole words. Decided at the last holder of the slice's holder table, it adds
 * {@code delta + }{@link #POSITION_UNIT}, so a value never comes back while fewer than 2<sup>32</sup> additions
 * are decided: a holder that shows a later position than a writer's value before has that writer's addition (see
 * {@code Replication.followFetchAdd}), and a writer that is late never finds its value before again after a holder
 * caught up. While the last holder is dead an addition waits for the hand-over's table and is decided at its last
 * holder; only a {@code Replication} without a hand-over room (tests of that room alone) decides at a holder before
 * it, adding {@code delta} only. Without backups the position stays 0 and the word is the count.
 * <p>
 * <b>Note:</b> static functions only; threadsafe.
 */
final class CountWord
{
    /** Bits of the count. */
    static final int COUNT_BITS = 32;

    /** What one addition adds to the position bits. */
    static final long POSITION_UNIT = 1L << COUNT_BITS;

    private CountWord()
    {
    }

    /**
     * @param word a count word.
     * @return its count, sign-extended from {@link #COUNT_BITS} bits.
     */
    static long count(final long word)
    {
        return (word << (Long.SIZE - COUNT_BITS)) >> (Long.SIZE - COUNT_BITS);
    }

    /**
     * @param word  a count word at a holder.
     * @param other a count word of the same sequence of decided values.
     * @return true if {@code word}'s position is after {@code other}'s, within half the positions' range.
     */
    static boolean isAfter(final long word, final long other)
    {
        return (int)((word >>> COUNT_BITS) - (other >>> COUNT_BITS)) > 0;
    }
}
