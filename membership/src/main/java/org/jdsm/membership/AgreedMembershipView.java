package org.jdsm.membership;

import org.jdsm.NodeUnavailableException;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntPredicate;

/**
 * The engine's {@link org.jdsm.spi.MembershipView} backed by a {@link Membership} agreed by a majority: a node is
 * declared dead only once a majority has committed {@code declareDead} of it, and a node without a majority refuses
 * writes.
 * <p>
 * When the engine asks about a node its transport reports unavailable (after {@code jdsm.peer.timeout} of silence)
 * and the agreed view still has it live, this view proposes {@code declareDead(node, first live backup)} once
 * (again only if that proposal failed) and answers false until the command is committed and applied here; the
 * engine polls until {@link #decisionTimeoutNs()}. Without a majority ({@link Membership#hasQuorum()} false) it proposes
 * nothing and {@link #checkCanServeWrites()} throws {@link NodeUnavailableException} naming the quorum reason. At
 * start, before the first leader is elected, a write waits up to the member's startup and quorum timeouts for one.
 * <p>
 * A node the agreed view has dead (e.g. cut off, declared dead by the majority, then reconnected) refuses writes
 * for good.
 * <p>
 * <b>Note:</b> threadsafe. Owns its {@link Membership} and closes it in {@link #close()}.
 */
public final class AgreedMembershipView implements org.jdsm.spi.MembershipView
{
    private final Membership membership;
    private final IntPredicate isAvailable;
    private final AtomicIntegerArray proposed;
    private final long firstQuorumTimeoutNs;
    private volatile boolean hadQuorum;

    /**
     * @param membership  this node's member, launched; closed with this view.
     * @param isAvailable the transport's verdict on a peer ({@code Transport::isAvailable}): a node is proposed
     *                    dead only once this is false for it.
     */
    public AgreedMembershipView(final Membership membership, final IntPredicate isAvailable)
    {
        this.membership = membership;
        this.isAvailable = isAvailable;
        this.proposed = new AtomicIntegerArray(membership.context().memberCount());
        this.firstQuorumTimeoutNs = membership.context().startupTimeoutNs() + 2 * membership.context().quorumTimeoutNs();
    }

    /**
     * @return the member this view asks.
     */
    public Membership membership()
    {
        return membership;
    }

    /**
     * {@inheritDoc}
     * <p>
     * True only once the committed view has the node dead; may propose its death (see the class).
     */
    public boolean isDeclaredDead(final int nodeId)
    {
        if (!membership.currentView().isLive(nodeId))
        {
            return true;
        }
        if (nodeId != membership.nodeId() && !isAvailable.test(nodeId) && membership.hasQuorum() &&
            proposed.compareAndSet(nodeId, 0, 1))
        {
            membership.proposeDead(nodeId).whenComplete((view, failure) ->
            {
                if (null != failure)
                {
                    proposed.set(nodeId, 0); // not committed (no quorum, timed out, rejected): propose again if asked
                }
            });
        }

        return !membership.currentView().isLive(nodeId);
    }

    /**
     * {@inheritDoc}
     * <p>
     * Refuses while this node's member is not part of a majority with an elected leader.
     */
    public void checkCanServeWrites()
    {
        final int self = membership.nodeId();
        if (!membership.currentView().isLive(self))
        {
            throw new NodeUnavailableException(self, "node " + self + " stops serving writes (jdsm.membership=" +
                "agreed): the majority declared it dead and serves its slice elsewhere (" + membership.currentView() +
                "); restart the cluster to bring it back");
        }
        if (membership.hasQuorum())
        {
            hadQuorum = true;
            return;
        }
        if (!hadQuorum)
        {
            awaitFirstQuorum();
            if (membership.hasQuorum())
            {
                hadQuorum = true;
                return;
            }
        }

        throw new NodeUnavailableException(membership.nodeId(), "node " + membership.nodeId() +
            " stops serving writes (jdsm.membership=agreed), it may not act on its own view: " +
            membership.quorumReason());
    }

    private void awaitFirstQuorum()
    {
        final long deadlineNs = System.nanoTime() + firstQuorumTimeoutNs;
        while (!membership.hasQuorum() && System.nanoTime() - deadlineNs < 0)
        {
            try
            {
                Thread.sleep(1);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * The proposal timeout plus two quorum timeouts: time for the survivors to notice a dead leader, elect another
     * and commit the proposal there (a proposal not yet in the log is resent to the new leader).
     */
    public long decisionTimeoutNs()
    {
        return membership.context().proposalTimeoutNs() + 2 * membership.context().quorumTimeoutNs();
    }

    /**
     * Close the member.
     */
    public void close()
    {
        membership.close();
    }

    /**
     * @return e.g. {@code AgreedMembershipView{node=1, quorum=true, view=...}}.
     */
    public String toString()
    {
        return "AgreedMembershipView{node=" + membership.nodeId() + ", quorum=" + membership.hasQuorum() +
            ", view=" + membership.currentView() + ", firstQuorumTimeoutMs=" +
            TimeUnit.NANOSECONDS.toMillis(firstQuorumTimeoutNs) + "}";
    }
}
