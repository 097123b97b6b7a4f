package org.jdsm.membership;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Layout of one membership command in the cluster log (a client's ingress message), little-endian:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Type (MembershipCommandType code)            |
 *  +---------------------------------------------------------------+
 *  |                  Proposer node id                             |
 *  +---------------------------------------------------------------+
 *  |                  Proposal id (per proposer)                   |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Node the command is about                    |
 *  +---------------------------------------------------------------+
 *  |                  Argument (reporter / new home / 0)           |
 *  +---------------------------------------------------------------+
 *  |                  Proposer incarnation (random per launch)     |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 * A proposer resends its unconfirmed proposals when the leader changes; the state machine drops a proposal whose
 * (incarnation, proposal id) it has already seen from that proposer.
 * <b>Note:</b> stateless and threadsafe.
 */
public final class MembershipCommandDescriptor
{
    /** Offset of the type code. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of the proposer's node id. */
    public static final int PROPOSER_OFFSET = 4;
    /** Offset of the proposal id. */
    public static final int PROPOSAL_ID_OFFSET = 8;
    /** Offset of the node the command is about. */
    public static final int NODE_OFFSET = 16;
    /** Offset of the argument. */
    public static final int ARGUMENT_OFFSET = 20;
    /** Offset of the proposer's incarnation. */
    public static final int INCARNATION_OFFSET = 24;
    /** Length of a command. */
    public static final int LENGTH = 32;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private MembershipCommandDescriptor()
    {
    }

    /**
     * Write one command.
     *
     * @param buffer     to write into.
     * @param offset     where the command starts.
     * @param type       of command.
     * @param proposer   node proposing it.
     * @param proposalId proposer's id for it.
     * @param node       the command is about.
     * @param argument    reporter, new home or 0.
     * @param incarnation of the proposer: random per launch, never 0.
     * @return {@link #LENGTH}.
     */
    public static int encode(
        final MutableDirectBuffer buffer,
        final int offset,
        final MembershipCommandType type,
        final int proposer,
        final long proposalId,
        final int node,
        final int argument,
        final long incarnation)
    {
        buffer.putInt(offset + TYPE_OFFSET, type.code(), ORDER);
        buffer.putInt(offset + PROPOSER_OFFSET, proposer, ORDER);
        buffer.putLong(offset + PROPOSAL_ID_OFFSET, proposalId, ORDER);
        buffer.putInt(offset + NODE_OFFSET, node, ORDER);
        buffer.putInt(offset + ARGUMENT_OFFSET, argument, ORDER);
        buffer.putLong(offset + INCARNATION_OFFSET, incarnation, ORDER);
        return LENGTH;
    }

    /**
     * @param buffer holding a command.
     * @param offset where it starts.
     * @return its type code.
     */
    public static int type(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + TYPE_OFFSET, ORDER);
    }

    /**
     * @param buffer holding a command.
     * @param offset where it starts.
     * @return its proposer's node id.
     */
    public static int proposer(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + PROPOSER_OFFSET, ORDER);
    }

    /**
     * @param buffer holding a command.
     * @param offset where it starts.
     * @return its proposal id.
     */
    public static long proposalId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + PROPOSAL_ID_OFFSET, ORDER);
    }

    /**
     * @param buffer holding a command.
     * @param offset where it starts.
     * @return the node it is about.
     */
    public static int node(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + NODE_OFFSET, ORDER);
    }

    /**
     * @param buffer holding a command.
     * @param offset where it starts.
     * @return its proposer's incarnation.
     */
    public static long incarnation(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + INCARNATION_OFFSET, ORDER);
    }

    /**
     * @param buffer holding a command.
     * @param offset where it starts.
     * @return its argument.
     */
    public static int argument(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + ARGUMENT_OFFSET, ORDER);
    }
}
