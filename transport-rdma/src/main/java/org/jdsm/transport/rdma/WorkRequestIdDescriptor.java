package org.jdsm.transport.rdma;

/**
 * Layout of the 64-bit work-request id ({@code wr_id}) the transport gives every work request, so that the poller
 * finds what a completion belongs to without a map.
 * <pre>
 *   63    60 59        52 51                  32 31                             0
 *  +--------+------------+----------------------+--------------------------------+
 *  |  Kind  |   Link     |        Slot          |   Generation / Send Sequence   |
 *  +--------+------------+----------------------+--------------------------------+
 *    4 bits    8 bits          20 bits                    32 bits
 * </pre>
 * <ul>
 *     <li>{@link #KIND_ONE_SIDED}: slot = index of the waiting {@link OperationSlot}, low bits = its generation, so a
 *     late completion of an abandoned operation never completes a newer one;</li>
 *     <li>{@link #KIND_SEND}: slot = index in the link's send ring, low bits = low 32 bits of the send sequence;</li>
 *     <li>{@link #KIND_RECEIVE}: slot = index of the receive buffer.</li>
 * </ul>
 * The same value is the correlation id of a bounce request.
 * <p>
 * <b>Note:</b> constants and pure functions, so threadsafe.
 */
public final class WorkRequestIdDescriptor
{
    /** A one-sided READ/WRITE/atomic, or a bounce request, some caller waits for. */
    public static final int KIND_ONE_SIDED = 1;
    /** A SEND of a control frame. */
    public static final int KIND_SEND = 2;
    /** A pre-posted receive buffer. */
    public static final int KIND_RECEIVE = 3;

    /** Largest number of links (peers) a wr_id can name. */
    public static final int MAX_LINKS = 1 << 8;
    /** Largest slot count a wr_id can name. */
    public static final int MAX_SLOTS = 1 << 20;

    private static final int KIND_SHIFT = 60;
    private static final int LINK_SHIFT = 52;
    private static final int SLOT_SHIFT = 32;

    private WorkRequestIdDescriptor()
    {
    }

    /**
     * Compose a wr_id.
     *
     * @param kind     {@code KIND_*}.
     * @param link     index of the link, in [0, {@link #MAX_LINKS}).
     * @param slot     in [0, {@link #MAX_SLOTS}).
     * @param sequence generation or send sequence, low 32 bits kept.
     * @return the wr_id.
     */
    public static long wrId(final int kind, final int link, final int slot, final long sequence)
    {
        return ((long)kind << KIND_SHIFT) | ((long)(link & (MAX_LINKS - 1)) << LINK_SHIFT) |
            ((long)(slot & (MAX_SLOTS - 1)) << SLOT_SHIFT) | (sequence & 0xFFFF_FFFFL);
    }

    /**
     * @param wrId a wr_id.
     * @return its kind.
     */
    public static int kind(final long wrId)
    {
        return (int)(wrId >>> KIND_SHIFT);
    }

    /**
     * @param wrId a wr_id.
     * @return its link index.
     */
    public static int link(final long wrId)
    {
        return (int)(wrId >>> LINK_SHIFT) & (MAX_LINKS - 1);
    }

    /**
     * @param wrId a wr_id.
     * @return its slot.
     */
    public static int slot(final long wrId)
    {
        return (int)(wrId >>> SLOT_SHIFT) & (MAX_SLOTS - 1);
    }

    /**
     * @param wrId a wr_id.
     * @return its low 32 bits: a generation or the low bits of a send sequence.
     */
    public static int sequence(final long wrId)
    {
        return (int)wrId;
    }
}
