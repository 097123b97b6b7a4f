package org.jdsm.coherence;

/**
 * Layout of a global address: one {@code long} naming an object anywhere in the cluster.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+---------------+---------------+
 *  |        colour (16 bits)       | node (8 bits) | offset 39..32 |
 *  +-------------------------------+---------------+---------------+
 *  |                        offset 31..0                           |
 *  +---------------------------------------------------------------+
 * </pre>
 * The offset is that of the block header in the home node's heap slice. The colour is the block's version: it
 * changes on every exclusive borrow of a local object and every free, so a copy cached under an old address is
 * never looked up again. Address {@link #NULL} is never a valid object.
 */
public final class GlobalAddress
{
    /** The null address. */
    public static final long NULL = 0;
    /** Bits of the offset. */
    public static final int OFFSET_BITS = 40;
    /** Bits of the node id. */
    public static final int NODE_BITS = 8;
    /** Largest colour; a block that reaches it is moved or retired. */
    public static final int MAX_COLOUR = 0xFFFF;
    /** Largest offset. */
    public static final long MAX_OFFSET = (1L << OFFSET_BITS) - 1;

    private static final int NODE_SHIFT = OFFSET_BITS;
    private static final int COLOUR_SHIFT = OFFSET_BITS + NODE_BITS;

    private GlobalAddress()
    {
    }

    /**
     * Compose an address.
     *
     * @param colour of the block.
     * @param nodeId of the home node.
     * @param offset of the block header in the home heap slice.
     * @return the address.
     */
    public static long compose(final int colour, final int nodeId, final long offset)
    {
        return ((long)colour << COLOUR_SHIFT) | ((long)nodeId << NODE_SHIFT) | offset;
    }

    /**
     * @param address global address.
     * @return its colour.
     */
    public static int colour(final long address)
    {
        return (int)(address >>> COLOUR_SHIFT);
    }

    /**
     * @param address global address.
     * @return its home node id.
     */
    public static int nodeId(final long address)
    {
        return (int)((address >>> NODE_SHIFT) & 0xFF);
    }

    /**
     * @param address global address.
     * @return offset of its block header in the home heap slice.
     */
    public static long offset(final long address)
    {
        return address & MAX_OFFSET;
    }

    /**
     * @param address global address.
     * @param colour  new colour.
     * @return the same block under another colour.
     */
    public static long withColour(final long address, final int colour)
    {
        return (address & ~(0xFFFFL << COLOUR_SHIFT)) | ((long)colour << COLOUR_SHIFT);
    }

    /**
     * A readable form, e.g. {@code node 1 offset 0x40 colour 3}.
     *
     * @param address global address.
     * @return the text.
     */
    public static String toString(final long address)
    {
        return "node " + nodeId(address) + " offset 0x" + Long.toHexString(offset(address)) + " colour " +
            colour(address);
    }
}
