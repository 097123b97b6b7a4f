package org.jdsm.coherence;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One copy of a remote object (its block header as fetched, then its payload) in a node's {@link CopyCache}, keyed by its global address with colour. The copy
 * is pinned while a {@link org.jdsm.Ref} reads it; only unpinned copies are evicted.
 * <p>
 * <b>Note:</b> the pin count is updated by CAS from any thread; the bytes are written once by the thread that
 * fetched them, before {@link #publish()}, and read only after {@link #isFilled()} returns true.
 */
public final class CacheEntry
{
    /** Pin count of an evicted entry: it can not be pinned again. */
    static final int EVICTED = -1;
    /** The entry of a Ref opened through a box's lease: never pinned nor unpinned. */
    static final CacheEntry LEASED = new CacheEntry(-1, -1, 0);

    private static final AtomicIntegerFieldUpdater<CacheEntry> PINS =
        AtomicIntegerFieldUpdater.newUpdater(CacheEntry.class, "pins");

    final long key;
    final long arenaOffset;
    final int length;
    final UnsafeBuffer fetchBuffer = new UnsafeBuffer(0, 0);
    final UnsafeBuffer payload = new UnsafeBuffer(0, 0);
    volatile int pins = 1;
    volatile boolean filled;
    volatile boolean failed;
    boolean referenced = true;
    /** Index in the cache's CLOCK, guarded by the cache's lock. */
    int clockIndex;

    CacheEntry(final long key, final long arenaOffset, final int length)
    {
        this.key = key;
        this.arenaOffset = arenaOffset;
        this.length = length;
    }

    /**
     * The address with colour this copy was taken of.
     *
     * @return the key.
     */
    public long key()
    {
        return key;
    }

    /**
     * The copied payload, valid while pinned.
     *
     * @return the view.
     */
    public UnsafeBuffer payload()
    {
        return payload;
    }

    /**
     * Pin the entry unless it was evicted.
     *
     * @return true if pinned.
     */
    public boolean tryPin()
    {
        while (true)
        {
            final int current = pins;
            if (current < 0)
            {
                return false;
            }
            if (PINS.compareAndSet(this, current, current + 1))
            {
                referenced = true;
                return true;
            }
        }
    }

    /**
     * Release a pin taken by {@link #tryPin()} or at insertion.
     */
    public void unpin()
    {
        PINS.getAndDecrement(this);
    }

    /**
     * Evict the entry if nothing pins it.
     *
     * @return true if it is now evicted.
     */
    boolean tryEvict()
    {
        return PINS.compareAndSet(this, 0, EVICTED);
    }

    /**
     * Whether the bytes have been fetched and published.
     *
     * @return true once published.
     */
    public boolean isFilled()
    {
        return filled;
    }

    void publish()
    {
        // volatile write: pairs with the volatile read in isFilled(), publishing the payload bytes
        filled = true;
    }
}
