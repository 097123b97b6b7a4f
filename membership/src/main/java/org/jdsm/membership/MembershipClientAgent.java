package org.jdsm.membership;

import io.aeron.Aeron;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.ElectionState;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.cluster.service.Cluster;
import io.aeron.exceptions.AeronException;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The member's client side, one agent: watches whether the member is part of a majority (from the consensus
 * module's election, state and role counters), keeps an Aeron Cluster client session open through which it sends
 * proposals to the leader, and fails proposals that are not committed by their deadline.
 * <p>
 * Quorum: the member has it while its consensus module is active and no election is running, i.e. it leads a
 * majority of followers or follows a leader it has heard within the quorum timeout; a follower that stops hearing
 * its leader, and a leader that stops hearing a majority, start an election after the quorum timeout (Aeron
 * Cluster's leader heartbeat timeout), and a member in a minority never finishes one.
 * <p>
 * <b>Note:</b> runs on its own agent thread, the only user of its Aeron Cluster client; proposals arrive through
 * a many-to-one queue.
 */
final class MembershipClientAgent implements Agent
{
    static final int PROPOSAL_QUEUE_CAPACITY = 1024;
    private static final long KEEP_ALIVE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long EXPIRY_CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(5);

    private final MembershipContext ctx;
    private final Membership membership;
    private final Map<Long, MembershipProposal> pending;
    private final ManyToOneConcurrentArrayQueue<MembershipProposal> toSend;
    private final ArrayDeque<MembershipProposal> unsent = new ArrayDeque<>();
    private final AtomicCounter electionState;
    private final AtomicCounter moduleState;
    private final AtomicCounter role;
    private final NanoClock clock;
    private final ExpandableArrayBuffer sendBuffer = new ExpandableArrayBuffer(MembershipCommandDescriptor.LENGTH);
    private Aeron aeron;
    private AeronCluster.AsyncConnect connecting;
    private AeronCluster cluster;
    private long nextConnectNs;
    private long nextKeepAliveNs;
    private long nextExpiryCheckNs;
    private boolean everHadQuorum;
    private ElectionState lastElection;
    private ConsensusModule.State lastModuleState;
    private Cluster.Role lastRole;

    MembershipClientAgent(
        final MembershipContext ctx,
        final Membership membership,
        final Map<Long, MembershipProposal> pending,
        final ManyToOneConcurrentArrayQueue<MembershipProposal> toSend,
        final ConsensusModule.Context consensusModule,
        final NanoClock clock)
    {
        this.ctx = ctx;
        this.membership = membership;
        this.pending = pending;
        this.toSend = toSend;
        this.electionState = consensusModule.electionStateCounter();
        this.moduleState = consensusModule.moduleStateCounter();
        this.role = consensusModule.clusterNodeRoleCounter();
        this.clock = clock;
    }

    public void onStart()
    {
        aeron = Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(membership.aeronDirectoryName())
            .errorHandler(ctx.errorHandler()));
    }

    public int doWork()
    {
        final long nowNs = clock.nanoTime();
        int work = checkQuorum();
        work += connect(nowNs);
        if (null != cluster)
        {
            work += cluster.pollEgress();
            if (cluster.isClosed())
            {
                closeCluster(nowNs);
            }
            else
            {
                if (nowNs - nextKeepAliveNs >= 0)
                {
                    cluster.sendKeepAlive();
                    nextKeepAliveNs = nowNs + KEEP_ALIVE_INTERVAL_NS;
                }
                work += send();
            }
        }
        else
        {
            drainQueue();
        }
        if (nowNs - nextExpiryCheckNs >= 0)
        {
            nextExpiryCheckNs = nowNs + EXPIRY_CHECK_INTERVAL_NS;
            work += expire(nowNs);
        }
        return work;
    }

    public void onClose()
    {
        if (null != connecting)
        {
            connecting.close();
        }
        if (null != cluster)
        {
            cluster.close();
        }
        if (null != aeron)
        {
            aeron.close();
        }
    }

    public String roleName()
    {
        return "jdsm-membership-client-" + ctx.nodeId();
    }

    private int checkQuorum()
    {
        final ElectionState election = ElectionState.get(electionState);
        final ConsensusModule.State state = ConsensusModule.State.get(moduleState);
        final Cluster.Role memberRole = Cluster.Role.get(role);
        final boolean quorum = ElectionState.CLOSED == election &&
            (ConsensusModule.State.ACTIVE == state || ConsensusModule.State.SNAPSHOT == state) &&
            Cluster.Role.CANDIDATE != memberRole;
        if (quorum == membership.hasQuorum() && election == lastElection && state == lastModuleState &&
            memberRole == lastRole)
        {
            return 0;
        }
        lastElection = election;
        lastModuleState = state;
        lastRole = memberRole;

        final int majority = ctx.memberCount() / 2 + 1;
        final String reason;
        if (quorum)
        {
            everHadQuorum = true;
            reason = "node " + ctx.nodeId() + " is in a majority: " + memberRole + " of a cluster of " +
                ctx.memberCount() + " with an elected leader";
        }
        else if (ConsensusModule.State.CLOSED == state || ConsensusModule.State.TERMINATING == state ||
            ConsensusModule.State.QUITTING == state)
        {
            reason = "node " + ctx.nodeId() + "'s membership member has stopped (consensus module " + state +
                "; see its errors): it takes part in no majority";
        }
        else
        {
            reason = "node " + ctx.nodeId() + " can not reach a majority (" + majority + " of " + ctx.memberCount() +
                " members): " + (everHadQuorum ? "no leader it can follow, or as leader no majority of followers, " +
                "for over " + TimeUnit.NANOSECONDS.toMillis(ctx.quorumTimeoutNs()) + " ms (" +
                MembershipContext.QUORUM_TIMEOUT_PROP_NAME + ")" : "no leader elected yet") +
                "; election state " + election + ", consensus module " + state + ", role " + memberRole;
        }
        membership.onQuorum(quorum, reason);
        return 1;
    }

    private int connect(final long nowNs)
    {
        // a connect attempt waits for the leader's answer until its timeout: start one only when this member
        // follows or is an elected leader, so an attempt made during an election does not hold up the first one
        // that can succeed
        if (null != cluster || nowNs - nextConnectNs < 0 || (null == connecting && !membership.hasQuorum()))
        {
            return 0;
        }
        try
        {
            if (null == connecting)
            {
                connecting = AeronCluster.asyncConnect(new AeronCluster.Context()
                    .aeron(aeron)
                    .ownsAeronClient(false)
                    .ingressChannel("aeron:udp?term-length=64k")
                    .ingressEndpoints(ctx.ingressEndpoints())
                    .egressChannel("aeron:udp?term-length=64k|endpoint=" + ctx.host(ctx.nodeId()) + ":0")
                    .messageTimeoutNs(2 * ctx.quorumTimeoutNs())
                    .egressListener(egressListener)
                    .errorHandler(ctx.errorHandler()));
            }
            final AeronCluster connected = connecting.poll();
            if (null != connected)
            {
                connecting = null;
                cluster = connected;
                nextKeepAliveNs = nowNs + KEEP_ALIVE_INTERVAL_NS;
                resendPending();
                return 1;
            }
        }
        catch (final AeronException ex)
        {
            // no leader reachable before the message timeout (a minority, or no election yet): try again later
            if (null != connecting)
            {
                connecting.close();
                connecting = null;
            }
            nextConnectNs = nowNs + ctx.quorumTimeoutNs() / 4;
        }
        return 0;
    }

    private final EgressListener egressListener = new EgressListener()
    {
        public void onMessage(
            final long clusterSessionId,
            final long timestamp,
            final DirectBuffer buffer,
            final int offset,
            final int length,
            final Header header)
        {
            // the service sends no egress: commands are confirmed by the service applying them
        }

        public void onNewLeader(
            final long clusterSessionId,
            final long leadershipTermId,
            final int leaderMemberId,
            final String ingressEndpoints)
        {
            // what the old leader had not put in the log is lost: send again what is not confirmed yet
            resendPending();
        }
    };

    /**
     * Queue every pending proposal again, in proposal order, ahead of nothing else: the state machine drops those
     * already in the log.
     */
    private void resendPending()
    {
        drainQueue();
        unsent.clear();
        final List<MembershipProposal> ordered = new ArrayList<>(pending.values());
        ordered.sort(Comparator.comparingLong((p) -> p.proposalId));
        for (final MembershipProposal proposal : ordered)
        {
            if (!proposal.future.isDone())
            {
                unsent.addLast(proposal);
            }
        }
    }

    private void closeCluster(final long nowNs)
    {
        cluster.close();
        cluster = null;
        nextConnectNs = nowNs;
    }

    private void drainQueue()
    {
        MembershipProposal proposal;
        while (null != (proposal = toSend.poll()))
        {
            unsent.addLast(proposal);
        }
    }

    private int send()
    {
        drainQueue();
        int sent = 0;
        MembershipProposal proposal;
        while (null != (proposal = unsent.peekFirst()))
        {
            if (proposal.future.isDone())
            {
                unsent.pollFirst();
                continue;
            }
            final int length = MembershipCommandDescriptor.encode(
                sendBuffer, 0, proposal.type, ctx.nodeId(), proposal.proposalId, proposal.node, proposal.argument,
                membership.proposerIncarnation());
            if (cluster.offer(sendBuffer, 0, length) < 0)
            {
                break;
            }
            unsent.pollFirst();
            sent++;
        }
        return sent;
    }

    private int expire(final long nowNs)
    {
        int expired = 0;
        for (final MembershipProposal proposal : pending.values())
        {
            if (nowNs - proposal.deadlineNs >= 0 && pending.remove(proposal.proposalId, proposal))
            {
                proposal.future.completeExceptionally(new NoQuorumException(proposal.describe(ctx.nodeId()) +
                    " was not committed within " + TimeUnit.NANOSECONDS.toMillis(ctx.proposalTimeoutNs()) + " ms (" +
                    MembershipContext.PROPOSAL_TIMEOUT_PROP_NAME + "); " +
                    (membership.hasQuorum() ? "quorum: " : "") + membership.quorumReason()));
                expired++;
            }
        }
        return expired;
    }
}
