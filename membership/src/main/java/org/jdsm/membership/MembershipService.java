package org.jdsm.membership;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * The Aeron Cluster service of one member: applies each committed command (ingress messages reach a service only
 * once a majority has them in its log) to the {@link MembershipState}, publishes the new view, takes and loads
 * snapshots of the state.
 * <p>
 * <b>Note:</b> its callbacks run on the service container's thread, the state's single writer; {@link #view()} and
 * {@link #role()} may be read from any thread.
 */
final class MembershipService implements ClusteredService
{
    /**
     * Told of every committed command, on the service thread, after it was applied.
     */
    interface CommandListener
    {
        /**
         * @param proposer   node that proposed it.
         * @param proposalId the proposer's id for it.
         * @param typeCode   the command's type code.
         * @param node       the node it is about.
         * @param argument   its argument.
         * @param outcome    what applying it did.
         * @param view       the view after it.
         */
        void onCommand(
            int proposer,
            long proposalId,
            int typeCode,
            int node,
            int argument,
            MembershipOutcome outcome,
            MembershipView view);
    }

    private final int nodeCount;
    private final int replicas;
    private final CommandListener listener;
    private final ExpandableArrayBuffer snapshotBuffer = new ExpandableArrayBuffer(256);
    private MembershipState state;
    private IdleStrategy idleStrategy;
    private volatile MembershipView view;
    private volatile Cluster.Role role = Cluster.Role.FOLLOWER;

    MembershipService(final int nodeCount, final int replicas, final CommandListener listener)
    {
        this.nodeCount = nodeCount;
        this.replicas = replicas;
        this.listener = listener;
        state = new MembershipState(nodeCount, replicas);
        view = state.view();
    }

    MembershipView view()
    {
        return view;
    }

    Cluster.Role role()
    {
        return role;
    }

    public void onStart(final Cluster cluster, final Image snapshotImage)
    {
        idleStrategy = cluster.idleStrategy();
        if (null != snapshotImage)
        {
            final MembershipState[] loaded = new MembershipState[1];
            final FragmentHandler handler = (buffer, offset, length, header) ->
                loaded[0] = MembershipState.decode(buffer, offset, length);
            while (null == loaded[0])
            {
                if (0 == snapshotImage.poll(handler, 1))
                {
                    if (snapshotImage.isEndOfStream() || snapshotImage.isClosed())
                    {
                        throw new MembershipException("membership snapshot ended before its state was read");
                    }
                    idleStrategy.idle();
                }
            }
            if (loaded[0].view().nodeCount() != nodeCount || loaded[0].view().replicas() != replicas)
            {
                throw new MembershipException("membership snapshot is of nodeCount=" + loaded[0].view().nodeCount() +
                    " replicas=" + loaded[0].view().replicas() + ", this member has nodeCount=" + nodeCount +
                    " replicas=" + replicas);
            }
            state = loaded[0];
            view = state.view();
        }
    }

    public void onSessionOpen(final ClientSession session, final long timestamp)
    {
    }

    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason)
    {
    }

    public void onSessionMessage(
        final ClientSession session,
        final long timestamp,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header)
    {
        final int proposer;
        final long proposalId;
        final int typeCode;
        final int node;
        final int argument;
        final MembershipOutcome outcome;
        if (length != MembershipCommandDescriptor.LENGTH)
        {
            // not one of ours: every member ignores it the same way
            proposer = -1;
            proposalId = -1;
            typeCode = 0;
            node = -1;
            argument = 0;
            outcome = MembershipOutcome.UNKNOWN_COMMAND;
        }
        else
        {
            proposer = MembershipCommandDescriptor.proposer(buffer, offset);
            proposalId = MembershipCommandDescriptor.proposalId(buffer, offset);
            typeCode = MembershipCommandDescriptor.type(buffer, offset);
            node = MembershipCommandDescriptor.node(buffer, offset);
            argument = MembershipCommandDescriptor.argument(buffer, offset);
            outcome = state.apply(proposer, MembershipCommandDescriptor.incarnation(buffer, offset), proposalId,
                typeCode, node, argument);
        }
        if (MembershipOutcome.APPLIED == outcome)
        {
            view = state.view();
        }
        listener.onCommand(proposer, proposalId, typeCode, node, argument, outcome, view);
    }

    public void onTimerEvent(final long correlationId, final long timestamp)
    {
    }

    public void onTakeSnapshot(final ExclusivePublication snapshotPublication)
    {
        final int length = state.encodedLength();
        snapshotBuffer.checkLimit(length);
        state.encode(snapshotBuffer, 0);
        long result;
        while ((result = snapshotPublication.offer(snapshotBuffer, 0, length)) < 0)
        {
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
            {
                throw new MembershipException("membership snapshot publication refused the state: result=" + result);
            }
            idleStrategy.idle();
        }
    }

    public void onRoleChange(final Cluster.Role newRole)
    {
        role = newRole;
    }

    public void onTerminate(final Cluster cluster)
    {
    }
}
