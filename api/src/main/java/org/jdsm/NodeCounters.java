package org.jdsm;

import org.agrona.concurrent.status.CountersReader;

import java.util.Arrays;

/**
 * An immutable snapshot of a node's counters, read with {@link #get(Counter)}. The live counters are in the node's
 * counters file ({@link org.jdsm.spi.CountersFile}), where {@code ./jdsm stat} reads the same values from outside the
 * process; {@link #from(CountersReader)} takes a snapshot of them.
 */
public final class NodeCounters
{
    /**
     * What a node counts.
     */
    public enum Counter
    {
        /** Shared borrows of remote objects served from the copy cache. */
        CACHE_HITS,
        /** Shared borrows of remote objects that fetched a copy. */
        CACHE_MISSES,
        /** Copies evicted from the cache. */
        CACHE_EVICTIONS,
        /** Bytes copied from remote heaps into the cache. */
        BYTES_FETCHED,
        /** Objects moved to this node by an exclusive borrow. */
        OBJECTS_MOVED_IN,
        /** Bytes moved to this node by exclusive borrows. */
        BYTES_MOVED_IN,
        /** Colour bumps of local objects by exclusive borrows. */
        COLOUR_BUMPS,
        /** Objects allocated in this node's heap. */
        ALLOCATIONS,
        /** Allocations placed on a peer because this node's heap was full. */
        ALLOCATIONS_ON_PEER,
        /** Objects freed from this node's heap. */
        FREES,
        /** Tasks run on this node. */
        TASKS_RUN,
        /** Malformed, forged or out-of-range requests rejected. */
        REQUESTS_REJECTED,
        /** Errors passed to the node's error handler. */
        ERRORS,
        /** Tasks and results too large for one transport message, staged in this node's heap for a one-sided read. */
        MESSAGES_STAGED,
        /**
         * Tasks, task results and failures from peers rejected by the engine's task input filter: a class a task may
         * not carry, or over a depth, reference, array or size limit.
         */
        TASKS_REJECTED,
        /**
         * One-sided reads of a peer's heap: one network round trip each. A remote {@code DCell}'s word is read with
         * an indirect read, counted here: the word, and the value it names when that changed.
         */
        REMOTE_READS,
        /** One-sided writes to a peer's heap: one network round trip each (the write and its completion). */
        REMOTE_WRITES,
        /** One-sided compare-and-swaps on a peer's heap: one network round trip each. */
        REMOTE_COMPARE_AND_SWAPS,
        /** One-sided fetch-and-adds on a peer's heap: one network round trip each. */
        REMOTE_FETCH_ADDS,
        /**
         * Two-sided control messages sent to peers by operations (allocation, free, spawn, result, mutex lease,
         * hand-over), heartbeats apart ({@link #HEARTBEATS_SENT}).
         */
        MESSAGES_SENT,
        /**
         * One-sided writes, compare-and-swaps and fetch-and-adds this node sent to a backup to mirror a change
         * ({@code jdsm.replicas} &gt; 0): one network round trip each, waited for before the change's operation
         * completes. Not in the four remote counters above; {@link #roundTrips()} includes them.
         */
        MIRROR_OPERATIONS,
        /** Bytes this node mirrored to backups ({@code jdsm.replicas} &gt; 0). */
        MIRROR_BYTES,
        /**
         * Heartbeats sent to peers (load and free heap, once per heartbeat interval when they changed): not in
         * {@link #MESSAGES_SENT}, whose difference over a run's operations therefore counts the operations' own.
         */
        HEARTBEATS_SENT,
        /**
         * Reads of a remote {@code DCell} with a lease ({@code jdsm.cell.lease}) served by the reader's lease, with no
         * round trip.
         */
        LEASED_READS,
        /** Writes to a {@code DCell} that waited for the leases remote readers may hold on its value to end. */
        LEASE_WAITS
    }

    private final long[] values;

    /**
     * @param values one per {@link Counter}, in ordinal order.
     */
    public NodeCounters(final long[] values)
    {
        if (values.length != Counter.values().length)
        {
            throw new IllegalArgumentException("values.length=" + values.length + " != " + Counter.values().length);
        }
        this.values = values.clone();
    }

    /**
     * A snapshot of the engine counters in a node's counters file: each {@link Counter} is the counter of type
     * {@link org.jdsm.spi.CountersFileDescriptor#ENGINE_COUNTER_TYPE_ID} whose int key is its ordinal; one missing
     * reads 0.
     *
     * @param counters of a node's counters file, in this process or mapped from another.
     * @return the snapshot.
     */
    public static NodeCounters from(final CountersReader counters)
    {
        final long[] values = new long[Counter.values().length];
        counters.forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (org.jdsm.spi.CountersFileDescriptor.ENGINE_COUNTER_TYPE_ID == typeId)
            {
                final int key = keyBuffer.getInt(0);
                if (key >= 0 && key < values.length)
                {
                    values[key] = counters.getCounterValue(counterId);
                }
            }
        });

        return new NodeCounters(values);
    }

    /**
     * The value of one counter.
     *
     * @param counter to read.
     * @return its value when the snapshot was taken.
     */
    public long get(final Counter counter)
    {
        return values[counter.ordinal()];
    }

    /**
     * Network round trips this node started: one-sided reads, writes, compare-and-swaps and fetch-and-adds, each one
     * request and its answer, and the mirrors of changes to backups. Control messages are one way and counted apart
     * ({@link Counter#MESSAGES_SENT}). Divide the difference of two snapshots by the operations between them for
     * round trips per operation.
     *
     * @return the sum of {@link Counter#REMOTE_READS}, {@link Counter#REMOTE_WRITES},
     * {@link Counter#REMOTE_COMPARE_AND_SWAPS}, {@link Counter#REMOTE_FETCH_ADDS} and
     * {@link Counter#MIRROR_OPERATIONS}.
     */
    public long roundTrips()
    {
        return get(Counter.REMOTE_READS) + get(Counter.REMOTE_WRITES) + get(Counter.REMOTE_COMPARE_AND_SWAPS) +
            get(Counter.REMOTE_FETCH_ADDS) + get(Counter.MIRROR_OPERATIONS);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("NodeCounters{");
        final Counter[] counters = Counter.values();
        for (int i = 0; i < counters.length; i++)
        {
            sb.append(i == 0 ? "" : ", ").append(counters[i].name()).append('=').append(values[i]);
        }

        return sb.append('}').toString();
    }

    /**
     * {@inheritDoc}
     */
    public boolean equals(final Object o)
    {
        return o instanceof NodeCounters && Arrays.equals(values, ((NodeCounters)o).values);
    }

    /**
     * {@inheritDoc}
     */
    public int hashCode()
    {
        return Arrays.hashCode(values);
    }
}
