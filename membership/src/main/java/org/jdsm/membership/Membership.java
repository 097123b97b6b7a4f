package org.jdsm.membership;

import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NoOpLock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;

import java.io.File;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's member of the membership cluster: an Aeron Cluster member (media driver, archive, consensus module
 * and the {@link MembershipService}) on its own ports, and the client side through which this node proposes
 * commands. Every node of a jdsm cluster runs one; the view changes only by commands a majority has committed, so
 * the nodes of a partitioned minority can never agree on a different view than the majority.
 * <p>
 * What it offers the engine: {@link #currentView()} and view listeners (who is live, who serves each slice),
 * {@link #proposeDead(int)} and the other proposals (futures completed when the command is committed and applied
 * here), and {@link #hasQuorum()} with quorum listeners: false, with the reason, when this node can not reach a
 * majority for the quorum timeout, so it must stop serving writes.
 * <p>
 * Files (media driver, archive, cluster) live in {@link MembershipContext#dir()}, which {@link #close()} deletes:
 * the log does not survive a restart.
 * <p>
 * <b>Note:</b> threadsafe. View listeners run on the service thread and quorum listeners on the client agent's
 * thread: they must return quickly and not block. Proposal futures complete on one of those threads.
 */
public final class Membership implements AutoCloseable
{
    /**
     * Told of every committed view change, in epoch order.
     */
    @FunctionalInterface
    public interface ViewListener
    {
        /**
         * @param view the new view.
         */
        void onViewChange(MembershipView view);
    }

    /**
     * Told when this node gains or loses a majority.
     */
    @FunctionalInterface
    public interface QuorumListener
    {
        /**
         * @param hasQuorum true if this node is part of a majority with an elected leader.
         * @param reason    why, in words (naming the election state and the timeout when it has none).
         */
        void onQuorumChange(boolean hasQuorum, String reason);
    }

    private static final String LOCAL_CONTROL_CHANNEL = "aeron:ipc?term-length=64k";
    private static final int TERM_LENGTH = 64 * 1024;
    private static final int ARCHIVE_SEGMENT_LENGTH = 1024 * 1024;
    // the driver's default 8 MiB of counter values (and 32 MiB of their metadata) is sized for a busy host; a member
    // needs a few dozen counters: the smallest allowed, 1 MiB of values, holds 8192
    private static final int COUNTERS_VALUES_LENGTH = 1024 * 1024;

    private final MembershipContext ctx;
    private final File aeronDir;
    private final MembershipService service;
    private final Map<Long, MembershipProposal> pending = new ConcurrentHashMap<>();
    private final ManyToOneConcurrentArrayQueue<MembershipProposal> toSend =
        new ManyToOneConcurrentArrayQueue<>(MembershipClientAgent.PROPOSAL_QUEUE_CAPACITY);
    private final AtomicLong nextProposalId = new AtomicLong();
    private final long incarnation = incarnation();
    private final CopyOnWriteArrayList<ViewListener> viewListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<QuorumListener> quorumListeners = new CopyOnWriteArrayList<>();
    private final SystemNanoClock clock = SystemNanoClock.INSTANCE;
    private volatile boolean hasQuorum;
    private volatile String quorumReason;
    private ClusteredMediaDriver clusteredMediaDriver;
    private ClusteredServiceContainer container;
    private AgentRunner clientRunner;
    private volatile boolean closed;

    private Membership(final MembershipContext ctx)
    {
        this.ctx = ctx;
        aeronDir = new File(ctx.dir(), "driver");
        service = new MembershipService(ctx.memberCount(), ctx.replicas(), this::onCommand);
        quorumReason = "node " + ctx.nodeId() + " has not started its membership member yet";
    }

    /**
     * Start this node's member: concludes the context, launches the Aeron Cluster member and the client agent.
     * It returns at once; {@link #hasQuorum()} turns true when a leader is elected.
     *
     * @param ctx settings, owned by the membership from here on.
     * @return the running member.
     * @throws org.jdsm.ConfigurationException if a setting is invalid.
     * @throws MembershipException             if the member could not start.
     */
    public static Membership launch(final MembershipContext ctx)
    {
        ctx.conclude();
        MembershipDirectory.removeDead(MembershipDirectory.parent());
        final Membership membership = new Membership(ctx);
        try
        {
            membership.start();
        }
        catch (final RuntimeException ex)
        {
            membership.close();
            throw new MembershipException("node " + ctx.nodeId() + ": membership member did not start in " +
                ctx.dir() + ": " + ex.getMessage(), ex);
        }
        return membership;
    }

    private void start()
    {
        final int id = ctx.nodeId();
        final String anyPortChannel = "aeron:udp?endpoint=" + ctx.endpoint(id, 0).replaceAll(":\\d+$", ":0");
        IoUtil.ensureDirectoryExists(ctx.dir(), "membership dir");
        final String aeronDirName = aeronDir.getAbsolutePath();

        final MediaDriver.Context driverCtx = new MediaDriver.Context()
            .aeronDirectoryName(aeronDirName)
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .publicationTermBufferLength(TERM_LENGTH)
            .ipcTermBufferLength(TERM_LENGTH)
            .counterValuesBufferLength(COUNTERS_VALUES_LENGTH)
            .errorHandler(ctx.errorHandler());

        final Archive.Context archiveCtx = new Archive.Context()
            .aeronDirectoryName(aeronDirName)
            .archiveDir(new File(ctx.dir(), "archive"))
            .deleteArchiveOnStart(true)
            .controlChannel("aeron:udp?endpoint=" + ctx.endpoint(id, 4))
            .localControlChannel(LOCAL_CONTROL_CHANNEL)
            .replicationChannel(anyPortChannel)
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel(anyPortChannel))
            .recordingEventsEnabled(false)
            .segmentFileLength(ARCHIVE_SEGMENT_LENGTH)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .errorHandler(ctx.errorHandler());

        final AeronArchive.Context localArchive = new AeronArchive.Context()
            .lock(NoOpLock.INSTANCE)
            .controlRequestChannel(LOCAL_CONTROL_CHANNEL)
            .controlRequestStreamId(archiveCtx.localControlStreamId())
            .controlResponseChannel(LOCAL_CONTROL_CHANNEL)
            .aeronDirectoryName(aeronDirName);

        final File clusterDir = new File(ctx.dir(), "cluster");
        final long quorumTimeoutNs = ctx.quorumTimeoutNs();
        final ConsensusModule.Context consensusCtx = new ConsensusModule.Context()
            .clusterMemberId(id)
            .clusterMembers(ctx.clusterMembers())
            .clusterDir(clusterDir)
            .deleteDirOnStart(true)
            .aeronDirectoryName(aeronDirName)
            .archiveContext(localArchive.clone())
            .serviceCount(1)
            .ingressChannel("aeron:udp?term-length=64k")
            .logChannel("aeron:udp?term-length=64k")
            .replicationChannel(anyPortChannel)
            .leaderHeartbeatTimeoutNs(quorumTimeoutNs)
            .leaderHeartbeatIntervalNs(quorumTimeoutNs / 10)
            .electionTimeoutNs(quorumTimeoutNs / 2)
            .startupCanvassTimeoutNs(ctx.startupTimeoutNs())
            .errorHandler(ctx.errorHandler());

        clusteredMediaDriver = ClusteredMediaDriver.launch(driverCtx, archiveCtx, consensusCtx);

        container = ClusteredServiceContainer.launch(new ClusteredServiceContainer.Context()
            .aeronDirectoryName(aeronDirName)
            .archiveContext(localArchive.clone())
            .clusterDir(clusterDir)
            .clusteredService(service)
            .serviceId(0)
            .errorHandler(ctx.errorHandler()));

        final MembershipClientAgent agent = new MembershipClientAgent(
            ctx, this, pending, toSend, clusteredMediaDriver.consensusModule().context(), clock);
        clientRunner = new AgentRunner(new SleepingMillisIdleStrategy(1), ctx.errorHandler(), null, agent);
        quorumReason = "node " + id + ": no leader elected yet";
        AgentRunner.startOnThread(clientRunner);
    }

    /**
     * @return this node's id.
     */
    public int nodeId()
    {
        return ctx.nodeId();
    }

    /**
     * @return the settings (concluded).
     */
    public MembershipContext context()
    {
        return ctx;
    }

    /**
     * @return the newest view this member has applied.
     */
    public MembershipView currentView()
    {
        return service.view();
    }

    /**
     * @return this member's Raft role now (leader, follower or candidate).
     */
    public Cluster.Role role()
    {
        return service.role();
    }

    /**
     * @return true if this node is part of a majority with an elected leader; false means it must not serve writes.
     */
    public boolean hasQuorum()
    {
        return hasQuorum;
    }

    /**
     * @return why {@link #hasQuorum()} is what it is, in words.
     */
    public String quorumReason()
    {
        return quorumReason;
    }

    /**
     * @param listener told of every committed view change from now on.
     */
    public void addViewListener(final ViewListener listener)
    {
        viewListeners.add(listener);
    }

    /**
     * @param listener told when this node gains or loses a majority from now on.
     */
    public void addQuorumListener(final QuorumListener listener)
    {
        quorumListeners.add(listener);
    }

    /**
     * Propose {@code declareDead(node, first live backup)}.
     *
     * @param node to declare dead.
     * @return completes with the view after the command, once committed by a majority and applied here; fails with
     * {@link MembershipRejectedException} if the state machine refused it, or {@link NoQuorumException} if it was
     * not committed within the proposal timeout.
     */
    public CompletableFuture<MembershipView> proposeDead(final int node)
    {
        return propose(MembershipCommandType.DECLARE_DEAD, node, MembershipState.FIRST_LIVE_BACKUP);
    }

    /**
     * Propose {@code declareDead(node, newHome)}.
     *
     * @param node    to declare dead.
     * @param newHome live node holding a backup of every slice the dead node serves, or
     *                {@link MembershipState#FIRST_LIVE_BACKUP}.
     * @return as {@link #proposeDead(int)}.
     */
    public CompletableFuture<MembershipView> proposeDead(final int node, final int newHome)
    {
        return propose(MembershipCommandType.DECLARE_DEAD, node, newHome);
    }

    /**
     * Propose {@code suspect(this node, node)}.
     *
     * @param node this node suspects.
     * @return as {@link #proposeDead(int)}.
     */
    public CompletableFuture<MembershipView> proposeSuspect(final int node)
    {
        return propose(MembershipCommandType.SUSPECT, node, ctx.nodeId());
    }

    /**
     * Propose {@code join(node)}.
     *
     * @param node to make live again.
     * @return as {@link #proposeDead(int)}.
     */
    public CompletableFuture<MembershipView> proposeJoin(final int node)
    {
        return propose(MembershipCommandType.JOIN, node, 0);
    }

    private CompletableFuture<MembershipView> propose(
        final MembershipCommandType type, final int node, final int argument)
    {
        final MembershipProposal proposal = new MembershipProposal(
            nextProposalId.incrementAndGet(), type, node, argument, clock.nanoTime() + ctx.proposalTimeoutNs());
        if (closed)
        {
            proposal.future.completeExceptionally(new MembershipException(
                proposal.describe(ctx.nodeId()) + ": membership is closed"));
            return proposal.future;
        }
        pending.put(proposal.proposalId, proposal);
        if (!toSend.offer(proposal))
        {
            pending.remove(proposal.proposalId);
            proposal.future.completeExceptionally(new MembershipException(proposal.describe(ctx.nodeId()) +
                ": " + MembershipClientAgent.PROPOSAL_QUEUE_CAPACITY + " proposals already wait to be sent"));
        }
        return proposal.future;
    }

    /**
     * @return the consensus module's context (its counters: election state, role, snapshots, control toggle).
     */
    ConsensusModule.Context consensusModuleContext()
    {
        return clusteredMediaDriver.consensusModule().context();
    }

    /**
     * @return the member's consensus module.
     */
    ConsensusModule consensusModule()
    {
        return clusteredMediaDriver.consensusModule();
    }

    /**
     * @return this launch's incarnation, sent with every proposal so the state machine can drop resends.
     */
    long proposerIncarnation()
    {
        return incarnation;
    }

    private static long incarnation()
    {
        long value;
        do
        {
            value = new SecureRandom().nextLong();
        }
        while (0 == value);
        return value;
    }

    String aeronDirectoryName()
    {
        return aeronDir.getAbsolutePath();
    }

    void onQuorum(final boolean quorum, final String reason)
    {
        final boolean changed = quorum != hasQuorum;
        quorumReason = reason;
        hasQuorum = quorum;
        if (changed)
        {
            for (final QuorumListener listener : quorumListeners)
            {
                listener.onQuorumChange(quorum, reason);
            }
        }
    }

    private void onCommand(
        final int proposer,
        final long proposalId,
        final int typeCode,
        final int node,
        final int argument,
        final MembershipOutcome outcome,
        final MembershipView view)
    {
        if (MembershipOutcome.APPLIED == outcome)
        {
            for (final ViewListener listener : viewListeners)
            {
                listener.onViewChange(view);
            }
        }
        if (proposer == ctx.nodeId())
        {
            final MembershipProposal proposal = pending.remove(proposalId);
            if (null != proposal)
            {
                if (MembershipOutcome.APPLIED == outcome)
                {
                    proposal.future.complete(view);
                }
                else
                {
                    proposal.future.completeExceptionally(new MembershipRejectedException(
                        proposal.describe(ctx.nodeId()) + " was committed but rejected: " + outcome.description() +
                        " (" + outcome + ") in " + view, outcome));
                }
            }
        }
    }

    /**
     * Stop the client agent, the service and the Aeron Cluster member, fail proposals still pending, and delete the
     * member's directory.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        CloseHelper.closeAll(
            clientRunner, null != clusteredMediaDriver ? clusteredMediaDriver.consensusModule() : null, container,
            clusteredMediaDriver);
        for (final MembershipProposal proposal : pending.values())
        {
            proposal.future.completeExceptionally(new MembershipException(
                proposal.describe(ctx.nodeId()) + ": membership closed before it was committed"));
        }
        pending.clear();
        hasQuorum = false;
        quorumReason = "node " + ctx.nodeId() + ": membership closed";
        IoUtil.delete(ctx.dir(), true);
    }
}
