package org.jdsm.coherence;

import org.agrona.concurrent.status.AtomicCounter;
import org.jdsm.NodeCounters;
import org.jdsm.spi.CountersFile;
import org.jdsm.spi.CountersFileDescriptor;

import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A node's engine counters: one counter per {@link NodeCounters.Counter} in the node's {@link CountersFile} (type
 * {@link CountersFileDescriptor#ENGINE_COUNTER_TYPE_ID}, keyed by ordinal), where {@code ./jdsm stat} reads them from
 * outside the process. Hot paths on many threads count into one {@link LongAdder} per counter, so they do not contend
 * on one cache line (one atomic add on a shared counter would); {@link #publish()} writes the sums into the file, from
 * the node's agent once per heartbeat interval (100 ms by default) and before every {@link #snapshot()}, so
 * {@code DsmNode.counters()} reads exactly the values the file then holds. Round trips are counted where the engine
 * calls its transport, in {@link Node}: one place per kind (read, write, compare-and-swap, fetch-and-add, message;
 * staged messages at staging).
 * <p>
 * <b>Note:</b> threadsafe; {@link #publish()} is serialised, so a counter in the file never goes backwards.
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
    static final int MIRROR_OPERATIONS = NodeCounters.Counter.MIRROR_OPERATIONS.ordinal();
    static final int MIRROR_BYTES = NodeCounters.Counter.MIRROR_BYTES.ordinal();
    static final int HEARTBEATS_SENT = NodeCounters.Counter.HEARTBEATS_SENT.ordinal();
    static final int LEASED_READS = NodeCounters.Counter.LEASED_READS.ordinal();
    static final int LEASE_WAITS = NodeCounters.Counter.LEASE_WAITS.ordinal();

    private final LongAdder[] adders = new LongAdder[NodeCounters.Counter.values().length];
    /** The counters in the file, or null for counters of a component built without a node. */
    private final AtomicCounter[] published;
    /** Cache hits counted apart, per thread, by the leased hit path (see {@code ReaderLeases}). */
    private volatile LongSupplier leasedCacheHits = () -> 0;
    /** Mirror operations and bytes, counted by the node's {@code Replication} room (none without replicas). */
    private volatile LongSupplier mirrorOperations = () -> 0;
    private volatile LongSupplier mirrorBytes = () -> 0;

    /**
     * All counters at zero, in no file: for an engine component built without a node (tests, jcstress states, which
     * are made by the million), {@link #snapshot()} sums the adders.
     */
    public Counters()
    {
        for (int i = 0; i < adders.length; i++)
        {
            adders[i] = new LongAdder();
        }
        this.published = null;
    }

    /**
     * All counters at zero, allocated in a node's counters file.
     *
     * @param file of the node.
     */
    public Counters(final CountersFile file)
    {
        final NodeCounters.Counter[] counters = NodeCounters.Counter.values();
        this.published = new AtomicCounter[adders.length];
        for (int i = 0; i < adders.length; i++)
        {
            adders[i] = new LongAdder();
            published[i] = file.newCounter(CountersFileDescriptor.ENGINE_COUNTER_TYPE_ID, i,
                "engine: " + counters[i].name().toLowerCase(Locale.ROOT).replace('_', ' '));
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

    /**
     * Add the mirrors counted by the node's replication room to every snapshot.
     *
     * @param operations their number.
     * @param bytes      their bytes.
     */
    void mirrors(final LongSupplier operations, final LongSupplier bytes)
    {
        mirrorOperations = operations;
        mirrorBytes = bytes;
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
     * Write the current sums into the counters file.
     */
    public synchronized void publish()
    {
        if (null == published)
        {
            return;
        }
        for (int i = 0; i < adders.length; i++)
        {
            // partner: the acquire (volatile) read of the value by a reader, here or in another process
            published[i].proposeMaxRelease(sum(i));
        }
    }

    /**
     * A snapshot of every counter, as the counters file holds it once the current sums are published.
     *
     * @return the snapshot.
     */
    public NodeCounters snapshot()
    {
        publish();
        final long[] values = new long[adders.length];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = null == published ? sum(i) : published[i].get();
        }

        return new NodeCounters(values);
    }

    private long sum(final int counter)
    {
        final long external;
        if (CACHE_HITS == counter)
        {
            external = leasedCacheHits.getAsLong();
        }
        else if (MIRROR_OPERATIONS == counter)
        {
            external = mirrorOperations.getAsLong();
        }
        else if (MIRROR_BYTES == counter)
        {
            external = mirrorBytes.getAsLong();
        }
        else
        {
            external = 0;
        }

        return adders[counter].sum() + external;
    }
}
