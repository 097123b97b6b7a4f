package org.jdsm.coherence;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.RemoteAccessException;
import org.jdsm.spi.Transport;

import static org.jdsm.coherence.BlockDescriptor.HEADER_LENGTH;

/**
 * Copies of remote objects in a node's {@link CopyCache}, and the one-sided reads of peers' heaps that fill them:
 * the remote half of {@link EngineHeap}. A cache hit returns the pinned copy; a miss reads the object's header and
 * payload from its home with one {@link Transport#read} (counted {@link Counters#REMOTE_READS}), checks the header's
 * state, colour and length, and publishes the copy under its {@link CopyKeys key}.
 * <p>
 * <b>Note:</b> threadsafe: the cache is; a hit takes no lock. One per node, owned by its {@link EngineHeap}.
 */
final class RemoteCopies
{
    private final CopyCache cache;
    private final CopyKeys copyKeys;
    private final Counters counters;
    private final Transport transport;
    private final Replication replication;

    RemoteCopies(final CopyCache cache, final CopyKeys copyKeys, final Counters counters, final Transport transport)
    {
        this(cache, copyKeys, counters, transport, null);
    }

    RemoteCopies(
        final CopyCache cache,
        final CopyKeys copyKeys,
        final Counters counters,
        final Transport transport,
        final Replication replication)
    {
        this.replication = replication;
        this.cache = cache;
        this.copyKeys = copyKeys;
        this.counters = counters;
        this.transport = transport;
    }

    /**
     * @param address global address with colour.
     * @return the key of its copy.
     */
    long keyOf(final long address)
    {
        return copyKeys.keyOf(address);
    }

    /**
     * Pin a copy of a remote object in the cache, fetching it on a miss.
     *
     * @param address    global address with colour.
     * @param lengthHint payload length if known, else -1.
     * @return the pinned, filled entry.
     */
    CacheEntry pin(final long address, final int lengthHint)
    {
        final long key = copyKeys.keyOf(address);
        CacheEntry entry = cache.lookup(key);
        if (null != entry)
        {
            counters.increment(Counters.CACHE_HITS);
            return entry;
        }

        final int length = lengthHint >= 0 ? lengthHint : remoteLength(address);
        entry = cache.insert(key, length);
        if (entry.isFilled())
        {
            counters.increment(Counters.CACHE_HITS);
            return entry;
        }

        try
        {
            fetch(address, length, entry.fetchBuffer, 0);
            cache.publish(entry);
        }
        catch (final RuntimeException ex)
        {
            cache.abandon(entry);
            throw ex;
        }
        counters.increment(Counters.CACHE_MISSES);
        counters.add(Counters.BYTES_FETCHED, length);

        return entry;
    }

    /**
     * Give back the slot of a copy of an object its owner on this node freed (see {@link CopyCache#drop}).
     *
     * @param entry the copy.
     */
    void drop(final CacheEntry entry)
    {
        cache.drop(entry);
    }

    /**
     * Read an object, header and payload, from its home into a buffer, and check the header.
     *
     * @param address   of the object.
     * @param length    of its payload.
     * @param dst       to read into: the header at {@code dstOffset}, then the payload.
     * @param dstOffset in {@code dst}.
     * @throws RemoteAccessException if the object is not live, stale or of another length.
     */
    void fetch(final long address, final int length, final MutableDirectBuffer dst, final int dstOffset)
    {
        read(
            GlobalAddress.nodeId(address), GlobalAddress.offset(address), dst, dstOffset, HEADER_LENGTH + length);
        checkHeader(address, dst.getLong(dstOffset), length);
    }

    int remoteLength(final long address)
    {
        final UnsafeBuffer header = new UnsafeBuffer(new byte[HEADER_LENGTH]);
        read(GlobalAddress.nodeId(address), GlobalAddress.offset(address), header, 0, HEADER_LENGTH);
        checkHeader(address, header.getLong(0), -1);

        return BlockDescriptor.length(header.getLong(0));
    }

    /**
     * One-sided read of a peer's heap: the one place the engine calls {@link Transport#read}, counted.
     */
    void read(
        final int peer, final long offset, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        counters.increment(Counters.REMOTE_READS);
        if (null == replication)
        {
            transport.read(peer, offset, dst, dstOffset, length);
        }
        else
        {
            // the slice's serving holder: its node, or its first live backup once it is dead
            replication.read(peer, offset, dst, dstOffset, length);
        }
    }

    /**
     * Read a remote block, header first, that its home checks was not freed while it was copied
     * ({@link Transport#readValidated}, the header its sequence word), counted as {@link Counters#REMOTE_READS}.
     * With backups a plain read: a backup applies its mirror's bytes in no order a reader could check against.
     *
     * @return true if checked: the copy's header is 0 (not live) when the block changed during the copy.
     */
    boolean readValidated(
        final int peer, final long offset, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        if (null != replication)
        {
            read(peer, offset, dst, dstOffset, length);
            return false;
        }
        counters.increment(Counters.REMOTE_READS);

        return transport.readValidated(peer, offset, dst, dstOffset, length);
    }

    private static void checkHeader(final long address, final long header, final int expectedLength)
    {
        if (BlockDescriptor.state(header) != BlockDescriptor.STATE_LIVE)
        {
            throw new RemoteAccessException(EngineHeap.describe(address) + " is not live at its home: freed or never allocated");
        }
        if (BlockDescriptor.colour(header) != GlobalAddress.colour(address))
        {
            throw new RemoteAccessException(EngineHeap.describe(address) + " is stale: its block now has colour " +
                BlockDescriptor.colour(header));
        }
        if (expectedLength >= 0 && BlockDescriptor.length(header) != expectedLength)
        {
            throw new RemoteAccessException(EngineHeap.describe(address) + " has length " + BlockDescriptor.length(header) +
                ", expected " + expectedLength);
        }
    }
}
