package org.jdsm.membership;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The membership state machine: deterministic, pure Java, no clock and no randomness, so every member that applies
 * the same committed commands in the same order holds the same state and {@link #view()}.
 * <p>
 * It starts with every configured node live, slice {@code s} served by node {@code s}, and each slice's backups the
 * next {@code replicas} nodes after it in ring order. Commands:
 * <ul>
 *     <li>{@link #join(int)}: a dead node is live again; it can hold backups (its old slice stays where it is);</li>
 *     <li>{@link #suspect(int, int)}: a live reporter suspects a live node; recorded in the view, until the node
 *     is declared dead;</li>
 *     <li>{@link #declareDead(int, int)}: a live node is dead; each slice it served moves to the new home named (a
 *     live node holding a backup of every such slice) or, with {@link #FIRST_LIVE_BACKUP}, to that slice's first
 *     live backup, or is lost ({@link MembershipView#NO_HOME}) when it has none; the dead node is dropped from
 *     every backup list and the lists are refilled from live nodes in ring order.</li>
 * </ul>
 * A command that would break a rule (see {@link MembershipOutcome}) changes nothing. Every applied command adds one
 * to the epoch.
 * <p>
 * <b>Note:</b> not threadsafe: one thread applies commands (Aeron Cluster's service thread); views it hands out
 * are immutable.
 */
public final class MembershipState
{
    /** {@code newHome} of {@link #declareDead(int, int)}: each slice moves to its own first live backup. */
    public static final int FIRST_LIVE_BACKUP = -1;
    /** Most backups per slice. */
    public static final int MAX_REPLICAS = 2;
    /** Most nodes: the node id has 8 bits in a global address. */
    public static final int MAX_NODE_COUNT = 256;

    private static final int SNAPSHOT_VERSION = 1;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final int nodeCount;
    private final int replicas;
    private long epoch;
    private final boolean[] live;
    private final int[] home;
    private final int[][] backups;
    private final int[][] suspectedBy;
    private final long[] proposerIncarnation;
    private final long[] proposerLastId;
    private MembershipView view;

    /**
     * The initial state: every node live, each serving its own slice.
     *
     * @param nodeCount nodes in the cluster, 1 to {@link #MAX_NODE_COUNT}.
     * @param replicas  backups per slice, 0 to {@link #MAX_REPLICAS} and less than nodeCount.
     * @throws IllegalArgumentException naming the value out of range.
     */
    public MembershipState(final int nodeCount, final int replicas)
    {
        if (nodeCount < 1 || nodeCount > MAX_NODE_COUNT)
        {
            throw new IllegalArgumentException("nodeCount=" + nodeCount + " out of range [1, " + MAX_NODE_COUNT + "]");
        }
        if (replicas < 0 || replicas > MAX_REPLICAS || replicas >= nodeCount)
        {
            throw new IllegalArgumentException("replicas=" + replicas + " out of range [0, " +
                Math.min(MAX_REPLICAS, nodeCount - 1) + "] for nodeCount=" + nodeCount);
        }
        this.nodeCount = nodeCount;
        this.replicas = replicas;
        live = new boolean[nodeCount];
        home = new int[nodeCount];
        backups = new int[nodeCount][];
        suspectedBy = new int[nodeCount][];
        proposerIncarnation = new long[nodeCount];
        proposerLastId = new long[nodeCount];
        for (int i = 0; i < nodeCount; i++)
        {
            live[i] = true;
            home[i] = i;
            backups[i] = new int[0];
            suspectedBy[i] = new int[0];
        }
        refillBackups();
    }

    /**
     * @return the current view (the same instance until the next applied command).
     */
    public MembershipView view()
    {
        if (null == view)
        {
            view = new MembershipView(epoch, live, home, backups, suspectedBy, replicas);
        }
        return view;
    }

    /**
     * @return the epoch: applied commands so far, or as of the snapshot this state was loaded from.
     */
    public long epoch()
    {
        return epoch;
    }

    /**
     * Apply one proposal as read from the log, dropping a resend: a proposal whose proposer, incarnation and a
     * proposal id no higher than the last seen from it were already in the log.
     *
     * @param proposer    node that proposed it.
     * @param incarnation of the proposer (random per launch).
     * @param proposalId  the proposer's id for it, increasing per incarnation.
     * @param typeCode    {@link MembershipCommandType#code()}.
     * @param node        the node the command is about.
     * @param argument    as {@link #apply(int, int, int)}.
     * @return {@link MembershipOutcome#DUPLICATE} for a resend, else what applying it did.
     */
    public MembershipOutcome apply(
        final int proposer,
        final long incarnation,
        final long proposalId,
        final int typeCode,
        final int node,
        final int argument)
    {
        if (inRange(proposer))
        {
            if (incarnation == proposerIncarnation[proposer] && proposalId <= proposerLastId[proposer])
            {
                return MembershipOutcome.DUPLICATE;
            }
            proposerIncarnation[proposer] = incarnation;
            proposerLastId[proposer] = proposalId;
        }
        return apply(typeCode, node, argument);
    }

    /**
     * Apply one command as read from the log.
     *
     * @param typeCode {@link MembershipCommandType#code()}.
     * @param node     the node the command is about.
     * @param argument the reporter for {@code suspect}, the new home for {@code declareDead}, ignored for
     *                 {@code join}.
     * @return what applying it did.
     */
    public MembershipOutcome apply(final int typeCode, final int node, final int argument)
    {
        final MembershipCommandType type = MembershipCommandType.get(typeCode);
        if (null == type)
        {
            return MembershipOutcome.UNKNOWN_COMMAND;
        }
        switch (type)
        {
            case JOIN:
                return join(node);
            case SUSPECT:
                return suspect(argument, node);
            case DECLARE_DEAD:
                return declareDead(node, argument);
            default:
                return MembershipOutcome.UNKNOWN_COMMAND;
        }
    }

    /**
     * {@code join(node)}: a node not live becomes live; backup lists short of {@code replicas} take it in.
     *
     * @param node id.
     * @return {@link MembershipOutcome#APPLIED}, or why not.
     */
    public MembershipOutcome join(final int node)
    {
        if (!inRange(node))
        {
            return MembershipOutcome.UNKNOWN_NODE;
        }
        if (live[node])
        {
            return MembershipOutcome.ALREADY_LIVE;
        }
        live[node] = true;
        refillBackups();
        return changed();
    }

    /**
     * {@code suspect(reporter, node)}: record that a live reporter suspects a live node.
     *
     * @param reporter id of the suspecting node.
     * @param node     id of the suspected node.
     * @return {@link MembershipOutcome#APPLIED}, or why not.
     */
    public MembershipOutcome suspect(final int reporter, final int node)
    {
        if (!inRange(reporter) || !inRange(node))
        {
            return MembershipOutcome.UNKNOWN_NODE;
        }
        if (reporter == node)
        {
            return MembershipOutcome.SELF_SUSPICION;
        }
        if (!live[reporter])
        {
            return MembershipOutcome.REPORTER_NOT_LIVE;
        }
        if (!live[node])
        {
            return MembershipOutcome.NOT_LIVE;
        }
        if (indexOf(suspectedBy[node], reporter) >= 0)
        {
            return MembershipOutcome.ALREADY_SUSPECTED;
        }
        suspectedBy[node] = append(suspectedBy[node], reporter);
        return changed();
    }

    /**
     * {@code declareDead(node, newHome)}: a live node is dead and the slices it served move.
     *
     * @param node    id of the dead node.
     * @param newHome a live node other than the dead one holding a backup of every slice the dead node serves, or
     *                {@link #FIRST_LIVE_BACKUP}.
     * @return {@link MembershipOutcome#APPLIED}, or why not.
     */
    public MembershipOutcome declareDead(final int node, final int newHome)
    {
        if (!inRange(node) || (FIRST_LIVE_BACKUP != newHome && !inRange(newHome)))
        {
            return MembershipOutcome.UNKNOWN_NODE;
        }
        if (!live[node])
        {
            return MembershipOutcome.NOT_LIVE;
        }
        if (FIRST_LIVE_BACKUP != newHome)
        {
            if (newHome == node || !live[newHome])
            {
                return MembershipOutcome.NEW_HOME_NOT_LIVE;
            }
            for (int slice = 0; slice < nodeCount; slice++)
            {
                if (home[slice] == node && indexOf(backups[slice], newHome) < 0)
                {
                    return MembershipOutcome.NEW_HOME_NOT_A_BACKUP;
                }
            }
        }

        live[node] = false;
        suspectedBy[node] = new int[0];
        for (int other = 0; other < nodeCount; other++)
        {
            suspectedBy[other] = remove(suspectedBy[other], node);
        }
        for (int slice = 0; slice < nodeCount; slice++)
        {
            backups[slice] = remove(backups[slice], node);
            if (home[slice] == node)
            {
                final int moveTo = FIRST_LIVE_BACKUP != newHome ? newHome : firstLive(backups[slice]);
                home[slice] = moveTo;
                backups[slice] = MembershipView.NO_HOME == moveTo ? new int[0] : remove(backups[slice], moveTo);
            }
        }
        refillBackups();
        return changed();
    }

    /**
     * @return bytes {@link #encode(MutableDirectBuffer, int)} writes for the current state.
     */
    public int encodedLength()
    {
        int length = 4 * 4 + 8;
        for (int i = 0; i < nodeCount; i++)
        {
            length += 1 + 4 + 4 + 4 * backups[i].length + 4 + 4 * suspectedBy[i].length + 16;
        }
        return length;
    }

    /**
     * Write the state (a snapshot), little-endian.
     *
     * @param buffer to write into, with room for {@link #encodedLength()} bytes.
     * @param offset to start at.
     * @return bytes written.
     */
    public int encode(final MutableDirectBuffer buffer, final int offset)
    {
        int at = offset;
        buffer.putInt(at, SNAPSHOT_VERSION, ORDER);
        buffer.putInt(at + 4, nodeCount, ORDER);
        buffer.putInt(at + 8, replicas, ORDER);
        buffer.putInt(at + 12, 0, ORDER);
        buffer.putLong(at + 16, epoch, ORDER);
        at += 24;
        for (int i = 0; i < nodeCount; i++)
        {
            buffer.putByte(at++, (byte)(live[i] ? 1 : 0));
            buffer.putInt(at, home[i], ORDER);
            at = putInts(buffer, at + 4, backups[i]);
            at = putInts(buffer, at, suspectedBy[i]);
            buffer.putLong(at, proposerIncarnation[i], ORDER);
            buffer.putLong(at + 8, proposerLastId[i], ORDER);
            at += 16;
        }
        return at - offset;
    }

    /**
     * Read a state written by {@link #encode(MutableDirectBuffer, int)}.
     *
     * @param buffer holding it.
     * @param offset where it starts.
     * @param length bytes available.
     * @return the state.
     * @throws MembershipException if the bytes are not a valid snapshot, naming what is wrong.
     */
    public static MembershipState decode(final DirectBuffer buffer, final int offset, final int length)
    {
        try
        {
            if (length < 24)
            {
                throw new MembershipException("snapshot of " + length + " bytes is shorter than its 24 byte header");
            }
            final int version = buffer.getInt(offset, ORDER);
            if (SNAPSHOT_VERSION != version)
            {
                throw new MembershipException("snapshot version=" + version + ", expected " + SNAPSHOT_VERSION);
            }
            final MembershipState state = new MembershipState(
                buffer.getInt(offset + 4, ORDER), buffer.getInt(offset + 8, ORDER));
            state.epoch = buffer.getLong(offset + 16, ORDER);
            final int end = offset + length;
            int at = offset + 24;
            for (int i = 0; i < state.nodeCount; i++)
            {
                checkRoom(at + 9, end);
                state.live[i] = 0 != buffer.getByte(at++);
                state.home[i] = buffer.getInt(at, ORDER);
                at += 4;
                state.backups[i] = getInts(buffer, at, end);
                at += 4 + 4 * state.backups[i].length;
                checkRoom(at + 4, end);
                state.suspectedBy[i] = getInts(buffer, at, end);
                at += 4 + 4 * state.suspectedBy[i].length;
                checkRoom(at + 16, end);
                state.proposerIncarnation[i] = buffer.getLong(at, ORDER);
                state.proposerLastId[i] = buffer.getLong(at + 8, ORDER);
                at += 16;
            }
            state.checkDecoded();
            state.view = null;
            return state;
        }
        catch (final IllegalArgumentException ex)
        {
            throw new MembershipException("snapshot holds an invalid state: " + ex.getMessage(), ex);
        }
    }

    private void checkDecoded()
    {
        for (int i = 0; i < nodeCount; i++)
        {
            if (home[i] != MembershipView.NO_HOME && !inRange(home[i]))
            {
                throw new MembershipException("snapshot home of slice " + i + "=" + home[i] + " out of range [-1, " +
                    nodeCount + ")");
            }
            for (final int node : backups[i])
            {
                if (!inRange(node))
                {
                    throw new MembershipException("snapshot backup of slice " + i + "=" + node + " out of range [0, " +
                        nodeCount + ")");
                }
            }
            for (final int node : suspectedBy[i])
            {
                if (!inRange(node))
                {
                    throw new MembershipException("snapshot reporter suspecting node " + i + "=" + node +
                        " out of range [0, " + nodeCount + ")");
                }
            }
        }
    }

    private MembershipOutcome changed()
    {
        epoch++;
        view = null;
        return MembershipOutcome.APPLIED;
    }

    private void refillBackups()
    {
        for (int slice = 0; slice < nodeCount; slice++)
        {
            if (MembershipView.NO_HOME == home[slice])
            {
                continue;
            }
            for (int step = 1; step <= nodeCount && backups[slice].length < replicas; step++)
            {
                final int candidate = (slice + step) % nodeCount;
                if (live[candidate] && candidate != home[slice] && indexOf(backups[slice], candidate) < 0)
                {
                    backups[slice] = append(backups[slice], candidate);
                }
            }
        }
    }

    private int firstLive(final int[] nodes)
    {
        for (final int n : nodes)
        {
            if (live[n])
            {
                return n;
            }
        }
        return MembershipView.NO_HOME;
    }

    private boolean inRange(final int node)
    {
        return node >= 0 && node < nodeCount;
    }

    private static int indexOf(final int[] values, final int value)
    {
        for (int i = 0; i < values.length; i++)
        {
            if (values[i] == value)
            {
                return i;
            }
        }
        return -1;
    }

    private static int[] append(final int[] values, final int value)
    {
        final int[] result = Arrays.copyOf(values, values.length + 1);
        result[values.length] = value;
        return result;
    }

    private static int[] remove(final int[] values, final int value)
    {
        final int index = indexOf(values, value);
        if (index < 0)
        {
            return values;
        }
        final int[] result = new int[values.length - 1];
        System.arraycopy(values, 0, result, 0, index);
        System.arraycopy(values, index + 1, result, index, values.length - index - 1);
        return result;
    }

    private static int putInts(final MutableDirectBuffer buffer, final int offset, final int[] values)
    {
        buffer.putInt(offset, values.length, ORDER);
        int at = offset + 4;
        for (final int v : values)
        {
            buffer.putInt(at, v, ORDER);
            at += 4;
        }
        return at;
    }

    private static int[] getInts(final DirectBuffer buffer, final int offset, final int end)
    {
        checkRoom(offset + 4, end);
        final int count = buffer.getInt(offset, ORDER);
        if (count < 0 || count > MAX_NODE_COUNT)
        {
            throw new MembershipException("snapshot list length=" + count + " out of range [0, " +
                MAX_NODE_COUNT + "]");
        }
        checkRoom(offset + 4 + 4 * count, end);
        final int[] values = new int[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = buffer.getInt(offset + 4 + 4 * i, ORDER);
        }
        return values;
    }

    private static void checkRoom(final int needed, final int end)
    {
        if (needed > end)
        {
            throw new MembershipException("snapshot truncated: needs " + needed + " bytes, has " + end);
        }
    }
}
