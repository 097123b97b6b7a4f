package org.jdsm.transport.aeron;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.locks.LockSupport;

/**
 * How a caller driving the duty cycle idles while it waits for the response to its own one-sided operation: it
 * spins a few times (about a microsecond), then yields, then, if the response takes long (a slow or dead peer),
 * parks with exponential backoff up to the longest park. It spins little: the response is a network round trip
 * away, and on a machine with fewer cores than busy threads (several nodes on a small machine) a spinning waiter
 * holds the core the peer's process needs to produce that response, while a yield gives it away and comes back as
 * soon as nothing else is runnable. Any work done resets it.
 * <p>
 * <b>Note:</b> not threadsafe; one per waiting operation slot, used by the thread that owns the slot.
 */
final class CallerIdleStrategy implements IdleStrategy
{
    /** Spins before yielding: a few, ~1 us, for a response already on its way. */
    static final int MAX_SPINS = 10;
    /** Yields before parking: several milliseconds of waiting on a loaded machine, less on an idle one. */
    static final int MAX_YIELDS = 10_000;
    private static final long MIN_PARK_NS = 1_000;

    private final long maxParkNs;
    private int spins;
    private int yields;
    private long parkNs = MIN_PARK_NS;

    /**
     * @param maxParkNs longest park once it stops yielding ({@code jdsm.aeron.idle.max.park}).
     */
    CallerIdleStrategy(final long maxParkNs)
    {
        this.maxParkNs = Math.max(MIN_PARK_NS, maxParkNs);
    }

    /**
     * {@inheritDoc}
     */
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
        }
        else
        {
            idle();
        }
    }

    /**
     * {@inheritDoc}
     */
    public void idle()
    {
        if (spins < MAX_SPINS)
        {
            spins++;
            Thread.onSpinWait();
        }
        else if (yields < MAX_YIELDS)
        {
            yields++;
            Thread.yield();
        }
        else
        {
            LockSupport.parkNanos(parkNs);
            parkNs = Math.min(parkNs << 1, maxParkNs);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void reset()
    {
        spins = 0;
        yields = 0;
        parkNs = MIN_PARK_NS;
    }

    /**
     * {@inheritDoc}
     */
    public String alias()
    {
        return "caller-yield";
    }
}
