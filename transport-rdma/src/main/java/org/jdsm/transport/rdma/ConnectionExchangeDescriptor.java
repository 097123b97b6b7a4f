package org.jdsm.transport.rdma;

import org.jdsm.spi.ClusterSecretProof;

/**
 * Layout of the payload of {@link RdmaFrameDescriptor#TYPE_HELLO} and {@link RdmaFrameDescriptor#TYPE_REGIONS} frames,
 * exchanged once per connection. Every field is little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                       Magic 'JDSM'                            |  0
 *  +---------------------------------------------------------------+
 *  |                          Node Id                              |  4
 *  +---------------------------------------------------------------+
 *  |                         Node Count                            |  8
 *  +---------------------------------------------------------------+
 *  |            Mode (0 hello, 1 direct, 2 bounce)                 | 12
 *  +---------------------------------------------------------------+
 *  |                       Heap Capacity                           | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                       Segment Length                          | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Region Count                           | 32
 *  +---------------------------------------------------------------+
 *  |                          Reserved                             | 36
 *  +---------------------------------------------------------------+
 *  |      Proof: HMAC-SHA256(secret, source|target|count), 32 B    | 40
 *  +---------------------------------------------------------------+
 *  |  Region 0: Address (64) | Length (64) | Rkey (32) | Reserved  | 72
 *  +---------------------------------------------------------------+
 *  |  Region 1 ...                                                ... 96
 * </pre>
 * A hello carries the proof and no region; regions are sent only to a peer whose hello verified, so a node that
 * does not know the cluster secret never learns an rkey. Region {@code i} covers heap offsets
 * {@code [i * segmentLength, i * segmentLength + length)}.
 * <p>
 * <b>Note:</b> constants only, so threadsafe.
 */
public final class ConnectionExchangeDescriptor
{
    /** 'JDSM' in ASCII. */
    public static final int MAGIC = 0x4D53444A;

    /** Offset of the magic. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the node id. */
    public static final int NODE_ID_OFFSET = 4;
    /** Offset of the node count. */
    public static final int NODE_COUNT_OFFSET = 8;
    /** Offset of the mode. */
    public static final int MODE_OFFSET = 12;
    /** Offset of the heap capacity. */
    public static final int HEAP_CAPACITY_OFFSET = 16;
    /** Offset of the segment length. */
    public static final int SEGMENT_LENGTH_OFFSET = 24;
    /** Offset of the region count. */
    public static final int REGION_COUNT_OFFSET = 32;
    /** Offset of the proof. */
    public static final int PROOF_OFFSET = 40;
    /** Length of the proof. */
    public static final int PROOF_LENGTH = ClusterSecretProof.PROOF_LENGTH;
    /** Where the regions start. */
    public static final int REGIONS_OFFSET = 72;

    /** Offset of the address in a region entry. */
    public static final int REGION_ADDRESS_OFFSET = 0;
    /** Offset of the length in a region entry. */
    public static final int REGION_LENGTH_OFFSET = 8;
    /** Offset of the rkey in a region entry. */
    public static final int REGION_RKEY_OFFSET = 16;
    /** Length of a region entry. */
    public static final int REGION_ENTRY_LENGTH = 24;

    /** Mode of a hello: no regions. */
    public static final int MODE_HELLO = 0;
    /** The heap is registered: peers READ/WRITE/apply atomics to it directly with the rkeys. */
    public static final int MODE_DIRECT = 1;
    /** The heap is not registered: peers send requests served through the heap's methods (bounce mode). */
    public static final int MODE_BOUNCE = 2;

    private ConnectionExchangeDescriptor()
    {
    }

    /**
     * Length of a payload with a number of regions.
     *
     * @param regionCount in the payload.
     * @return its length in bytes.
     */
    public static int length(final int regionCount)
    {
        return REGIONS_OFFSET + regionCount * REGION_ENTRY_LENGTH;
    }

    /**
     * Offset of a region entry in the payload.
     *
     * @param index of the region.
     * @return its offset from the start of the payload.
     */
    public static int regionOffset(final int index)
    {
        return REGIONS_OFFSET + index * REGION_ENTRY_LENGTH;
    }
}
