package org.jdsm.transport.rdma;

import org.agrona.MutableDirectBuffer;

import org.jdsm.spi.ClusterSecretProof;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.jdsm.transport.rdma.ConnectionExchangeDescriptor.*;

/**
 * Flyweight over the connection-exchange payload laid out as {@link ConnectionExchangeDescriptor} describes, with
 * the proof of the cluster secret.
 * <p>
 * Owned by the thread that builds or decodes the exchange (the joining caller or the poller); <b>Note:</b> not
 * threadsafe.
 */
public final class ConnectionExchangeFlyweight
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final byte[] NO_PROOF = new byte[PROOF_LENGTH];

    private MutableDirectBuffer buffer;
    private int offset;

    /**
     * Point this flyweight at a payload.
     *
     * @param buffer holding the payload.
     * @param offset at which it starts.
     * @return this for a fluent API.
     */
    public ConnectionExchangeFlyweight wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * Write the fixed part.
     *
     * @param nodeId         of the sender.
     * @param nodeCount      of the cluster.
     * @param mode           {@code MODE_*}.
     * @param heapCapacity   of the sender's heap.
     * @param segmentLength  of the sender's heap segments.
     * @param regionCount    regions that follow.
     * @return this for a fluent API.
     */
    public ConnectionExchangeFlyweight header(
        final int nodeId,
        final int nodeCount,
        final int mode,
        final long heapCapacity,
        final long segmentLength,
        final int regionCount)
    {
        buffer.putInt(offset + MAGIC_OFFSET, MAGIC, ORDER);
        buffer.putInt(offset + NODE_ID_OFFSET, nodeId, ORDER);
        buffer.putInt(offset + NODE_COUNT_OFFSET, nodeCount, ORDER);
        buffer.putInt(offset + MODE_OFFSET, mode, ORDER);
        buffer.putLong(offset + HEAP_CAPACITY_OFFSET, heapCapacity, ORDER);
        buffer.putLong(offset + SEGMENT_LENGTH_OFFSET, segmentLength, ORDER);
        buffer.putInt(offset + REGION_COUNT_OFFSET, regionCount, ORDER);
        buffer.putInt(offset + REGION_COUNT_OFFSET + 4, 0, ORDER);
        buffer.putBytes(offset + PROOF_OFFSET, NO_PROOF);
        return this;
    }

    /**
     * Write one region entry.
     *
     * @param index   of the region.
     * @param address of its first byte in the sender's address space.
     * @param length  in bytes.
     * @param rkey    peers use to access it.
     * @return this for a fluent API.
     */
    public ConnectionExchangeFlyweight region(final int index, final long address, final long length, final int rkey)
    {
        final int entry = offset + regionOffset(index);
        buffer.putLong(entry + REGION_ADDRESS_OFFSET, address, ORDER);
        buffer.putLong(entry + REGION_LENGTH_OFFSET, length, ORDER);
        buffer.putInt(entry + REGION_RKEY_OFFSET, rkey, ORDER);
        buffer.putInt(entry + REGION_RKEY_OFFSET + 4, 0, ORDER);
        return this;
    }

    /**
     * Write the proof that the sender knows the cluster secret.
     *
     * @param proof of {@link #PROOF_LENGTH} bytes, from {@link #proof(String, int, int, int)}.
     * @return this for a fluent API.
     */
    public ConnectionExchangeFlyweight proof(final byte[] proof)
    {
        buffer.putBytes(offset + PROOF_OFFSET, proof, 0, PROOF_LENGTH);
        return this;
    }

    /**
     * Check a received payload before any field is trusted.
     *
     * @param payloadLength bytes received.
     * @param nodeCount     expected.
     * @return null when well formed, else why not.
     */
    public String validate(final int payloadLength, final int nodeCount)
    {
        if (payloadLength < REGIONS_OFFSET)
        {
            return "exchange of " + payloadLength + " bytes shorter than " + REGIONS_OFFSET;
        }
        if (magic() != MAGIC)
        {
            return "exchange magic=0x" + Integer.toHexString(magic()) + " != 0x" + Integer.toHexString(MAGIC);
        }
        if (nodeCount() != nodeCount)
        {
            return "exchange nodeCount=" + nodeCount() + " != local nodeCount=" + nodeCount;
        }
        if (nodeId() < 0 || nodeId() >= nodeCount)
        {
            return "exchange nodeId=" + nodeId() + " out of range [0, " + nodeCount + ")";
        }
        if (regionCount() < 0 || payloadLength != length(regionCount()))
        {
            return "exchange regionCount=" + regionCount() + " does not match payload length " + payloadLength;
        }
        return null;
    }

    /**
     * @return the magic number.
     */
    public int magic()
    {
        return buffer.getInt(offset + MAGIC_OFFSET, ORDER);
    }

    /**
     * @return the sender's node id.
     */
    public int nodeId()
    {
        return buffer.getInt(offset + NODE_ID_OFFSET, ORDER);
    }

    /**
     * @return the sender's node count.
     */
    public int nodeCount()
    {
        return buffer.getInt(offset + NODE_COUNT_OFFSET, ORDER);
    }

    /**
     * @return the mode, one of {@code MODE_*}.
     */
    public int mode()
    {
        return buffer.getInt(offset + MODE_OFFSET, ORDER);
    }

    /**
     * @return the sender's heap capacity.
     */
    public long heapCapacity()
    {
        return buffer.getLong(offset + HEAP_CAPACITY_OFFSET, ORDER);
    }

    /**
     * @return the sender's segment length.
     */
    public long segmentLength()
    {
        return buffer.getLong(offset + SEGMENT_LENGTH_OFFSET, ORDER);
    }

    /**
     * @return the number of region entries.
     */
    public int regionCount()
    {
        return buffer.getInt(offset + REGION_COUNT_OFFSET, ORDER);
    }

    /**
     * @param index of a region.
     * @return its address.
     */
    public long regionAddress(final int index)
    {
        return buffer.getLong(offset + regionOffset(index) + REGION_ADDRESS_OFFSET, ORDER);
    }

    /**
     * @param index of a region.
     * @return its length.
     */
    public long regionLength(final int index)
    {
        return buffer.getLong(offset + regionOffset(index) + REGION_LENGTH_OFFSET, ORDER);
    }

    /**
     * @param index of a region.
     * @return its rkey.
     */
    public int regionRkey(final int index)
    {
        return buffer.getInt(offset + regionOffset(index) + REGION_RKEY_OFFSET, ORDER);
    }

    /**
     * Whether the proof matches the one expected, in constant time.
     *
     * @param expected proof.
     * @return true if equal.
     */
    public boolean proofMatches(final byte[] expected)
    {
        final byte[] actual = new byte[PROOF_LENGTH];
        buffer.getBytes(offset + PROOF_OFFSET, actual);
        return ClusterSecretProof.matches(expected, actual);
    }

    /**
     * The proof a node sends to a peer: the {@link ClusterSecretProof} (HMAC-SHA256 keyed with the cluster secret) of
     * {@code "jdsm-rdma-hello:<source>-><target>/<nodeCount>"} in ASCII, or zeros when no secret is set. It proves
     * knowledge of the secret without revealing it; it is not a defence against replay on the same fabric, which
     * RDMA-CM does not encrypt.
     *
     * @param secret       of the cluster, or null.
     * @param sourceNodeId sender.
     * @param targetNodeId receiver.
     * @param nodeCount    of the cluster.
     * @return {@link #PROOF_LENGTH} bytes.
     */
    public static byte[] proof(final String secret, final int sourceNodeId, final int targetNodeId, final int nodeCount)
    {
        if (null == secret)
        {
            return NO_PROOF.clone();
        }

        return new ClusterSecretProof(secret).prove(("jdsm-rdma-hello:" + sourceNodeId + "->" + targetNodeId + "/" +
            nodeCount).getBytes(StandardCharsets.US_ASCII));
    }
}
