package org.jdsm.transport.rdma;

import org.jdsm.RemoteAccessException;

/**
 * A peer's heap as it described it in its {@link RdmaFrameDescriptor#TYPE_REGIONS} frame: its mode, capacity, segment
 * length and, in direct mode, the address and rkey of each registered segment. Checks every one-sided operation
 * before it is posted, since in direct mode the peer's CPU takes no part and its {@code HeapRegion} checks do not
 * run: the same ranges are rejected here with {@link RemoteAccessException}.
 * <p>
 * <b>Note:</b> immutable once decoded, so threadsafe; published to callers through the link's volatile field.
 */
final class PeerRegions
{
    private final int nodeId;
    private final int mode;
    private final long capacity;
    private final long segmentLength;
    private final long[] addresses;
    private final long[] lengths;
    private final int[] rkeys;

    PeerRegions(
        final int nodeId,
        final int mode,
        final long capacity,
        final long segmentLength,
        final long[] addresses,
        final long[] lengths,
        final int[] rkeys)
    {
        this.nodeId = nodeId;
        this.mode = mode;
        this.capacity = capacity;
        this.segmentLength = segmentLength;
        this.addresses = addresses;
        this.lengths = lengths;
        this.rkeys = rkeys;
    }

    /**
     * Decode a validated exchange payload.
     *
     * @param exchange wrapping the payload.
     * @param error    receives why the regions are inconsistent.
     * @return the regions, or null with {@code error[0]} set when they are inconsistent.
     */
    static PeerRegions decode(final ConnectionExchangeFlyweight exchange, final String[] error)
    {
        final int count = exchange.regionCount();
        final long capacity = exchange.heapCapacity();
        final long segmentLength = exchange.segmentLength();
        final int mode = exchange.mode();
        if (mode != ConnectionExchangeDescriptor.MODE_DIRECT && mode != ConnectionExchangeDescriptor.MODE_BOUNCE)
        {
            error[0] = "regions mode=" + mode + " unknown";
            return null;
        }
        if (capacity <= 0 || segmentLength <= 0)
        {
            error[0] = "regions capacity=" + capacity + " segmentLength=" + segmentLength + " must be > 0";
            return null;
        }
        final long expectedCount = mode == ConnectionExchangeDescriptor.MODE_DIRECT ?
            (capacity + segmentLength - 1) / segmentLength : 0;
        if (count != expectedCount)
        {
            error[0] = "regions count=" + count + " != " + expectedCount + " for capacity=" + capacity +
                " segmentLength=" + segmentLength;
            return null;
        }

        final long[] addresses = new long[count];
        final long[] lengths = new long[count];
        final int[] rkeys = new int[count];
        for (int i = 0; i < count; i++)
        {
            addresses[i] = exchange.regionAddress(i);
            lengths[i] = exchange.regionLength(i);
            rkeys[i] = exchange.regionRkey(i);
            final long expectedLength = Math.min(segmentLength, capacity - i * segmentLength);
            if (lengths[i] != expectedLength)
            {
                error[0] = "region " + i + " length=" + lengths[i] + " != " + expectedLength;
                return null;
            }
        }

        return new PeerRegions(exchange.nodeId(), mode, capacity, segmentLength, addresses, lengths, rkeys);
    }

    boolean isDirect()
    {
        return ConnectionExchangeDescriptor.MODE_DIRECT == mode;
    }

    long capacity()
    {
        return capacity;
    }

    long segmentLength()
    {
        return segmentLength;
    }

    /**
     * Check a range against the peer's heap: inside the capacity and inside one segment.
     *
     * @param operation name for the message.
     * @param offset    in the peer's heap.
     * @param length    in bytes.
     * @return the segment index.
     * @throws RemoteAccessException naming the operation, range, node and heap bounds.
     */
    int checkRange(final String operation, final long offset, final int length)
    {
        if (offset < 0 || length < 0 || offset > capacity - length ||
            offset / segmentLength != (offset + Math.max(length, 1) - 1) / segmentLength)
        {
            throw new RemoteAccessException(operation + " offset=" + offset + " length=" + length +
                " out of range of node " + nodeId + " heap [0, " + capacity + ") in segments of " + segmentLength);
        }
        return (int)(offset / segmentLength);
    }

    /**
     * Check an atomic's word: 8-byte aligned and in range.
     *
     * @param operation name for the message.
     * @param offset    of the word.
     * @return the segment index.
     * @throws RemoteAccessException naming the operation and offset.
     */
    int checkWord(final String operation, final long offset)
    {
        if ((offset & 7) != 0)
        {
            throw new RemoteAccessException(
                operation + " offset=" + offset + " on node " + nodeId + " is not 8-byte aligned");
        }
        return checkRange(operation, offset, Long.BYTES);
    }

    long address(final int segment, final long offset)
    {
        return addresses[segment] + (offset - segment * segmentLength);
    }

    int rkey(final int segment)
    {
        return rkeys[segment];
    }
}
