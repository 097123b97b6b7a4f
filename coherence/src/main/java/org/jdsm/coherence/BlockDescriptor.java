package org.jdsm.coherence;

/**
 * Layout of a heap block: an 8-byte header word, then the payload. The header is one word so it is read and
 * updated atomically.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+---------------+---------------+
 *  |        colour (16 bits)       |  size class   |     state     |
 *  +-------------------------------+---------------+---------------+
 *  |                    payload length (32 bits)                   |
 *  +---------------------------------------------------------------+
 *  |                         payload ...                          ...
 * </pre>
 * A free block keeps its colour, already advanced past every address that named it, and holds the offset of the
 * next free block of its class as its first payload word.
 */
public final class BlockDescriptor
{
    /** Length of the header. */
    public static final int HEADER_LENGTH = 8;
    /** Alignment of every block. */
    public static final int ALIGNMENT = 8;

    /** State of a block on a free list. */
    public static final int STATE_FREE = 0;
    /** State of a block that holds an object. */
    public static final int STATE_LIVE = 1;
    /** State of a block whose colour reached {@link GlobalAddress#MAX_COLOUR}: never reused. */
    public static final int STATE_RETIRED = 2;

    private BlockDescriptor()
    {
    }

    /**
     * @param colour      of the block.
     * @param sizeClass   index of its size class.
     * @param state       of the block.
     * @param length      of the payload in bytes.
     * @return the header word.
     */
    public static long header(final int colour, final int sizeClass, final int state, final int length)
    {
        return ((long)colour << 48) | ((long)(sizeClass & 0xFF) << 40) | ((long)(state & 0xFF) << 32) |
            (length & 0xFFFF_FFFFL);
    }

    /**
     * @param header word.
     * @return the colour.
     */
    public static int colour(final long header)
    {
        return (int)(header >>> 48);
    }

    /**
     * @param header word.
     * @return the size class index.
     */
    public static int sizeClass(final long header)
    {
        return (int)((header >>> 40) & 0xFF);
    }

    /**
     * @param header word.
     * @return the state.
     */
    public static int state(final long header)
    {
        return (int)((header >>> 32) & 0xFF);
    }

    /**
     * @param header word.
     * @return the payload length.
     */
    public static int length(final long header)
    {
        return (int)header;
    }

    /**
     * @param header word.
     * @param length new payload length.
     * @return the header with the new length.
     */
    public static long withLength(final long header, final int length)
    {
        return (header & 0xFFFF_FFFF_0000_0000L) | (length & 0xFFFF_FFFFL);
    }

    /**
     * @param header word.
     * @param colour new colour.
     * @return the header with the new colour.
     */
    public static long withColour(final long header, final int colour)
    {
        return (header & 0x0000_FFFF_FFFF_FFFFL) | ((long)colour << 48);
    }

    /**
     * @param header word.
     * @param state  new state.
     * @return the header with the new state.
     */
    public static long withState(final long header, final int state)
    {
        return (header & ~(0xFFL << 32)) | ((long)(state & 0xFF) << 32);
    }
}
