package org.jdsm.coherence;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The read lease a {@link CellHandle} holds on a remote cell's value: the word it leased and when the lease ends on
 * this node's clock, a pair kept consistent by a seqlock. A reader that finds the pair changing, or the lease over,
 * reads the word from the cell's home instead; of two threads recording a lease at once, one records it.
 * <p>
 * <b>Note:</b> threadsafe, lock-free; reading allocates nothing. One per handle, owned by it.
 */
final class CellLease
{
    private static final VarHandle SEQUENCE;

    static
    {
        try
        {
            SEQUENCE = MethodHandles.lookup().findVarHandle(CellLease.class, "sequence", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Even while the pair is stable, odd while a thread records a new one. */
    @SuppressWarnings("unused")
    private volatile long sequence;
    private long word = GlobalAddress.NULL;
    private long endNs;

    /**
     * The leased word, if the lease has not ended at {@code nowNs}.
     *
     * @param nowNs {@link System#nanoTime()}, read before the call.
     * @return the word, or {@link GlobalAddress#NULL} if there is no lease in force.
     */
    long word(final long nowNs)
    {
        final long before = (long)SEQUENCE.getAcquire(this);
        if (0 != (before & 1))
        {
            return GlobalAddress.NULL;
        }
        final long word = this.word;
        final long endNs = this.endNs;
        VarHandle.acquireFence(); // the two loads above happen before the sequence's second load
        if ((long)SEQUENCE.getVolatile(this) != before || nowNs - endNs >= 0)
        {
            return GlobalAddress.NULL;
        }

        return word;
    }

    /**
     * Record a lease unless another thread is recording one.
     *
     * @param word  leased, flags cleared.
     * @param endNs when the lease ends, by {@link System#nanoTime()}.
     */
    void record(final long word, final long endNs)
    {
        final long current = (long)SEQUENCE.getVolatile(this);
        if (0 == (current & 1) && SEQUENCE.compareAndSet(this, current, current + 1))
        {
            this.word = word;
            this.endNs = endNs;
            SEQUENCE.setRelease(this, current + 2);
        }
    }
}
