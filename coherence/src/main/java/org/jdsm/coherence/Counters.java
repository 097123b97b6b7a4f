package org.jdsm.coherence;

import org.jdsm.NodeCounters;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A node's live counters, one {@link LongAdder} per {@link NodeCounters.Counter} so hot paths on many threads do
 * not contend on one cache line. Round trips are counted where the engine calls its transport, in {@link Node}: one
 * place per kind (read, write, compare-and-swap, fetch-and-add, message; staged messages at staging).
 * <p>
 * <b>Note:</b> threadsafe.
 */
public final class Counters
{
    static final int CACHE_HITS = NodeCounters.Counter.CACHE_HITS.ordinal();
    static final int CACHE_MISSES = NodeCounters.Counter.CACHE_MISSES.ordinal();
    static final int CACHE_EVICTIONS = NodeCounters.Counter.CACHE_EVICTIONS.ordinal();
    static final int BYTES_FETCHED = NodeCounters.Counter.BYTES_FETCHED.ordinal();
    static final int OBJECTS_MOVED_IN = NodeCounters.Counter.OBJECTS_MOVED_IN.ordinal();
    static final int BYTES_MOVED_IN = NodeCounters.Counter.BYTES_MOVED_IN.ordinal();
    static final int COLOUR_BUMPS = NodeCounters.Counter.COLOUR_BUMPS.ordinal();
    static final int ALLOCATIONS = NodeCounters.Counter.ALLOCATIONS.ordinal();
    static final int ALLOCATIONS_ON_PEER = NodeCounters.Counter.ALLOCATIONS_ON_PEER.ordinal();
    static final int FREES = NodeCounters.Counter.FREES.ordinal();
    static final int TASKS_RUN = NodeCounters.Counter.TASKS_RUN.ordinal();
    static final int REQUESTS_REJECTED = NodeCounters.Counter.REQUESTS_REJECTED.ordinal();
    static final int ERRORS = NodeCounters.Counter.ERRORS.ordinal();
    static final int MESSAGES_STAGED = NodeCounters.Counter.MESSAGES_STAGED.ordinal();
    static final int TASKS_REJECTED = NodeCounters.Counter.TASKS_REJECTED.ordinal();
    static final int REMOTE_READS = NodeCounters.Counter.REMOTE_READS.ordinal();
    static final int REMOTE_WRITES = NodeCounters.Counter.REMOTE_WRITES.ordinal();
    static final int REMOTE_COMPARE_AND_SWAPS = NodeCounters.Counter.REMOTE_COMPARE_AND_SWAPS.ordinal();
    static final int REMOTE_FETCH_ADDS = NodeCounters.Counter.REMOTE_FETCH_ADDS.ordinal();
    static final int MESSAGES_SENT = NodeCounters.Counter.MESSAGES_SENT.ordinal();

    private final LongAdder[] adders = new LongAdder[NodeCounters.Counter.values().length];
    /** Cache hits counted apart, per thread, by the leased hit path (see {@code ReaderLeases}). */
    private volatile LongSupplier leasedCacheHits = () -> 0;

    /**
     * All counters at zero.
     */
    public Counters()
    {
        for (int i = 0; i < adders.length; i++)
        {
            adders[i] = new LongAdder();
        }
    }

    /**
     * Add the cache hits counted by the leased hit path to every snapshot.
     *
     * @param hits their sum.
     */
    void leasedCacheHits(final LongSupplier hits)
    {
        leasedCacheHits = hits;
    }

    void increment(final int counter)
    {
        adders[counter].increment();
    }

    void add(final int counter, final long delta)
    {
        adders[counter].add(delta);
    }

    /**
     * A snapshot of every counter.
     *
     * @return the snapshot.
     */
    public NodeCounters snapshot()
    {
        final long[] values = new long[adders.length];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = adders[i].sum();
        }
        values[CACHE_HITS] += leasedCacheHits.getAsLong();

        return new NodeCounters(values);
    }
}
