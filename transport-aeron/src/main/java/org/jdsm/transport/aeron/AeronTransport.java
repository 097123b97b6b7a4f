package org.jdsm.transport.aeron;

import io.aeron.Aeron;
import io.aeron.AeronCounters;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.Publication;
import io.aeron.Subscription;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;
import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;
import org.jdsm.DsmException;
import org.jdsm.NodeUnavailableException;
import org.jdsm.RemoteAccessException;
import org.jdsm.spi.HeapRegion;
import org.jdsm.spi.MessageHandler;
import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportArguments;
import org.jdsm.spi.TransportContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.jdsm.transport.aeron.AeronFrameDescriptor.HEADER_LENGTH;

/**
 * The {@link Transport} over Aeron, named {@code aeron}.
 * <p>
 * <b>Channels.</b> Each node has one subscription: over UDP on its member endpoint
 * ({@code DsmConfig.memberHost(i):memberPort(i)}), over IPC on stream {@code streamId + nodeId}; and one publication
 * to every member, itself included (a self-addressed operation takes the same path as a remote one). Publications
 * are exclusive, so every node's publication is its own Aeron session even when nodes share a media driver, and the
 * subscriber tells its peers apart by session; an exclusive publication is not threadsafe, so offers to one peer are
 * serialised by a lock ({@link Peer}).
 * <p>
 * <b>Threads.</b> Every transport of a process registers a {@link Responder} with the process's
 * {@link AeronRuntime}: one thread runs the embedded media driver's agents, the client conductor and every responder
 * in one duty cycle with a backing-off idle strategy. Requests are served there straight from the
 * {@link HeapRegion}, without waking application threads. Callers of one-sided operations offer their request on
 * the peer's publication with {@code offer} under the peer's lock (never {@code tryClaim}), then wait until the
 * responder completes their {@link PendingOperation} or the operation timeout passes ({@link NodeUnavailableException}).
 * By default ({@link AeronTransportContext#callerDrives()}) a waiting caller drives the process's duty cycle itself
 * while no other thread holds it ({@link AeronRuntime#tryDrive()}): its response is polled and its operation
 * completed on its own thread, with no hand-off to the duty-cycle thread and back, and the duty-cycle thread parks
 * meanwhile; otherwise the caller spins briefly and parks until the duty-cycle thread completes it. Writes larger than a chunk (64 KiB less a header)
 * are sent as several frames and applied as they arrive; reads larger than a chunk come back the same way, copied by
 * the responder into the caller's buffer. {@link #send} from the duty-cycle thread (from inside a
 * {@link MessageHandler}) never blocks: a back-pressured frame is queued and sent by a later duty cycle.
 * <p>
 * <b>Membership.</b> {@link #start()} runs a handshake with every member: each sends a HELLO with a fresh nonce and
 * its heap capacity; the receiver answers with a PROOF, an HMAC of the nonce under the cluster secret bound to its
 * session and heap capacity ({@link Authenticator}); a node serves a peer only once its proof checks, and the peer
 * joins when it has also accepted this node's proof. Heartbeats then flow every heartbeat interval; a peer silent
 * for the peer timeout ({@link DsmConfig#peerTimeoutNs()}), whose image goes unavailable, or that sends LEAVE (on
 * {@link #close()}) is dead for good: operations in flight to it fail at once, new ones fail at once. Without a
 * cluster secret (allowed over IPC and loopback UDP only, see {@link AeronTransportContext#conclude}) the handshake
 * runs with a public key.
 * <p>
 * <b>Refusal.</b> A node that can not verify a peer's PROOF answers it with a REFUSE (at most one per peer per second,
 * sent to the node the PROOF claims, so it can not amplify). A REFUSE is unauthenticated — the two nodes share no
 * secret — so the rule is: a REFUSE from node X is believed only while X is still joining this node, X has not
 * accepted this node's proof, this node has sent X a PROOF, and, if X has proved itself, on X's proved session;
 * {@link #start()} then fails at once with {@link ConfigurationException}
 * {@code "node N: cluster secret rejected by node X (jdsm.cluster.secret differs)"}. Any other REFUSE is dropped and
 * counted: a forged REFUSE can at worst fail the start of a node that has not yet joined, never a joined cluster.
 * <p>
 * <b>Rejected frames.</b> Every dropped frame is counted ({@link #rejectedCount()}); the first of each kind (reason
 * with its numbers taken out) from each source is reported to the error handler, repeats only in a summary at most
 * every 10 s ({@link RejectionLog}), so traffic from the network can not flood the log.
 * <p>
 * The node that created the transport owns it and closes it.
 * <p>
 * <b>Note:</b> threadsafe: many threads may have operations in flight to the same peer. One-sided operations must
 * not be called on the duty-cycle thread (from a {@link MessageHandler}): that throws {@link DsmException}.
 */
public final class AeronTransport implements Transport
{
    /** Payload bytes of one chunk of a large read or write: frames stay at 64 KiB. */
    static final int CHUNK_LENGTH = 64 * 1024 - HEADER_LENGTH;

    /** Longest {@link #close()} waits for what it sent, LEAVE last, to leave the process. */
    static final long LEAVE_LINGER_NS = TimeUnit.SECONDS.toNanos(2);

    private static final long LEAVE_POLL_NS = TimeUnit.MILLISECONDS.toNanos(10);

    /** How often a caller waiting for a peer still joining checks it ({@link #awaitJoinOf}). */
    private static final long JOIN_POLL_NS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Longest a caller waits on its own completion while another thread holds the duty cycle, before trying again. */
    private static final long DRIVE_RETRY_NS = TimeUnit.MICROSECONDS.toNanos(50);

    /**
     * With {@code busy-spin}, spins of a caller waiting for the duty-cycle thread to end its cycle before it yields:
     * the cycle is short, and a yield among busy threads that outnumber the cores costs a scheduler time slice
     * (milliseconds; measured: p99 of an engine read miss 2.1 ms with an immediate yield, 23 us with these spins).
     */
    private static final int BUSY_SPINS_FOR_DUTY_CYCLE = 100;
    /**
     * Yields of a caller whose response another caller is polling before it parks: a round trip or a few of them
     * (a yield takes 0.3-3 us on a loaded machine), so a caller parks only when its response is slow.
     */
    static final int YIELDS_WHILE_ANOTHER_CALLER_DRIVES = 100;


    private final DsmConfig config;
    private final AeronTransportContext ctx;
    private final int nodeId;
    private final int nodeCount;
    private final long operationTimeoutNs;
    private final long startTimeoutNs;
    private final HeapRegion heap;
    private final MessageHandler messageHandler;
    private final ErrorHandler errorHandler;
    private final TransportCounters counters;
    private final OperationTable operations = new OperationTable();
    private final Peer[] peers;
    private final int maxMessageLength;
    private final boolean callerDrives;
    private final boolean busySpin;
    private final ThreadLocal<Sender> senders = ThreadLocal.withInitial(Sender::new);

    private volatile AeronRuntime runtime;
    private Subscription subscription;
    private volatile Responder responder;
    private volatile boolean isClosed;
    private boolean isStarted;

    /**
     * A transport for one node, not yet started.
     *
     * @param context of the node, with a concluded configuration.
     * @throws ConfigurationException if an Aeron setting is invalid, or the heap or handler is missing.
     */
    public AeronTransport(final TransportContext context)
    {
        this(context, AeronTransportContext.fromOptions(context.config()));
    }

    /**
     * A transport for one node, not yet started, with explicit Aeron settings.
     *
     * @param context of the node, with a concluded configuration.
     * @param ctx     Aeron settings, concluded here; owned by the transport from now on.
     * @throws ConfigurationException if an Aeron setting is invalid, or the heap or handler is missing.
     */
    public AeronTransport(final TransportContext context, final AeronTransportContext ctx)
    {
        this.config = context.config();
        if (null == context.heap() || null == context.messageHandler())
        {
            throw new ConfigurationException("transport=aeron needs a heap and a messageHandler");
        }
        this.ctx = ctx.conclude(config);
        this.nodeId = config.nodeId();
        this.nodeCount = config.nodeCount();
        this.operationTimeoutNs = config.operationTimeoutNs();
        this.startTimeoutNs = config.startTimeoutNs();
        this.heap = context.heap();
        this.messageHandler = context.messageHandler();
        this.counters = new TransportCounters(context.counters());
        final ErrorHandler nodeErrorHandler = context.errorHandler();
        this.errorHandler = (throwable) ->
        {
            counters.errors.increment();
            nodeErrorHandler.onError(throwable);
        };
        this.callerDrives = this.ctx.callerDrives();
        this.busySpin = "busy-spin".equals(this.ctx.idleStrategy());
        this.maxMessageLength = Math.min(ctx.termLength() >> 3, 16 * 1024 * 1024) - HEADER_LENGTH;
        this.peers = new Peer[nodeCount];
        for (int i = 0; i < nodeCount; i++)
        {
            peers[i] = new Peer(i, Authenticator.newNonce());
        }
    }

    /**
     * Connect to every member and wait, at most the operation timeout, until all have joined: proved the cluster
     * secret to this node and accepted this node's proof.
     *
     * @throws ConfigurationException if a node that has not joined this one refused its proof of the cluster
     *                                secret (see the class description).
     * @throws NodeUnavailableException naming the first missing node, with every missing node in the message.
     * @throws DsmException if already started or closed, or Aeron can not set up a channel (e.g. port in use).
     */
    public void start()
    {
        synchronized (this)
        {
            if (isClosed || isStarted)
            {
                throw new DsmException("transport of node " + nodeId + " already " + (isClosed ? "closed" : "started"));
            }
            isStarted = true;
            runtime = AeronRuntime.acquire(ctx, errorHandler);
            final Aeron aeron = runtime.aeron();
            for (final Peer peer : peers)
            {
                peer.publication = aeron.addExclusivePublication(publicationChannel(peer.nodeId), streamId(peer.nodeId));
            }
            final Responder[] created = new Responder[1];
            subscription = aeron.addSubscription(subscriptionChannel(), streamId(nodeId), null,
                (image) ->
                {
                    final Responder r = created[0];
                    if (null != r)
                    {
                        r.onUnavailableImage(image);
                    }
                });
            responder = new Responder(nodeId, peers, heap, messageHandler, errorHandler, operations,
                new Authenticator(config.clusterSecret()), CHUNK_LENGTH, config.peerTimeoutNs(),
                config.heartbeatIntervalNs(), subscription,
                ctx.isIpc() ? ReceivedPositions.UNKNOWN : new ImageHighWaterMarks(subscription, aeron.countersReader()),
                runtime.cycleClock(), counters);
            created[0] = responder;
            runtime.add(responder);
        }

        awaitJoined();
    }

    /**
     * @return the transport's counters.
     */
    TransportCounters counters()
    {
        return counters;
    }

    private void awaitJoined()
    {
        final long startNs = System.nanoTime();
        final long deadlineNs = startNs + startTimeoutNs;
        responder.joinWaiter(Thread.currentThread());
        try
        {
            while (true)
            {
                final List<Integer> missing = new ArrayList<>();
                for (final Peer peer : peers)
                {
                    if (!peer.isJoined())
                    {
                        missing.add(peer.nodeId);
                    }
                }
                if (missing.isEmpty())
                {
                    return;
                }
                for (final Peer peer : peers)
                {
                    if (peer.refusedProof && peer.isJoining())
                    {
                        throw new ConfigurationException("node " + nodeId + ": cluster secret rejected by node " +
                            peer.nodeId + " (jdsm.cluster.secret differs)");
                    }
                }
                final long nowNs = System.nanoTime();
                if (isClosed || nowNs >= deadlineNs)
                {
                    throw new NodeUnavailableException(missing.get(0), "join " + (isClosed ? "aborted: transport " +
                        "closed" : "timed out after " + TimeUnit.NANOSECONDS.toMillis(startTimeoutNs) + " ms (jdsm.start.timeout)") +
                        ": nodes " + missing + " did not join node " + nodeId + joinHint(missing));
                }
                runtime.wake();
                LockSupport.parkNanos(this, Math.min(deadlineNs - nowNs, TimeUnit.MILLISECONDS.toNanos(10)));
            }
        }
        finally
        {
            responder.joinWaiter(null);
        }
    }

    private String joinHint(final List<Integer> missing)
    {
        final Peer peer = peers[missing.get(0)];
        if (peer.isDead())
        {
            return " (" + peer.deathReason + ")";
        }
        if (!peer.proved && responder.rejectedCount() > 0)
        {
            return " (" + responder.rejectedCount() + " frames rejected: wrong cluster secret?)";
        }
        if (!peer.proved && !peer.publication.isConnected())
        {
            return " (never connected: not started, or not listening on its endpoint)";
        }

        return "";
    }

    /**
     * {@inheritDoc}
     */
    public int nodeId()
    {
        return nodeId;
    }

    /**
     * {@inheritDoc}
     *
     * @return false once the node crashed, left or fell silent, or this transport closed.
     * @throws RemoteAccessException if {@code nodeId} is not in [0, nodeCount).
     */
    public boolean isAvailable(final int nodeId)
    {
        TransportArguments.checkNodeId("isAvailable", nodeId, nodeCount);
        return !isClosed && !peers[nodeId].isDead();
    }

    /**
     * {@inheritDoc}
     */
    public void read(final int nodeId, final long offset, final MutableDirectBuffer dst, final int dstOffset,
        final int length)
    {
        TransportArguments.checkNodeId("read", nodeId, nodeCount);
        TransportArguments.checkLength("read", offset, length);
        dst.boundsCheck(dstOffset, length);
        invoke(AeronFrameDescriptor.READ, nodeId, offset, length, 0, 0, dst, dstOffset, null, 0);
    }

    /**
     * {@inheritDoc}
     * <p>
     * Checked by the peer's duty cycle ({@link AeronFrameDescriptor#READ_VALIDATED}) when the range fits one response
     * frame ({@link #CHUNK_LENGTH} bytes), one round trip as a plain read; a larger range is a plain read.
     */
    public boolean readValidated(
        final int nodeId, final long offset, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        TransportArguments.checkNodeId("readValidated", nodeId, nodeCount);
        TransportArguments.checkSequenceWord("readValidated", offset, length);
        dst.boundsCheck(dstOffset, length);
        final boolean validated = length <= CHUNK_LENGTH;
        invoke(AeronFrameDescriptor.READ, nodeId, offset, length,
            validated ? AeronFrameDescriptor.READ_VALIDATED : 0, 0, dst, dstOffset, null, 0);

        return validated;
    }

    /**
     * {@inheritDoc}
     * <p>
     * Served by the peer's duty cycle ({@link AeronFrameDescriptor#READ_INDIRECT}) in one round trip when the range
     * fits one response frame ({@link #CHUNK_LENGTH} bytes); a larger range is never copied (false).
     */
    public boolean readIndirect(
        final int nodeId,
        final long wordOffset,
        final long expected,
        final MutableDirectBuffer dst,
        final int dstOffset,
        final int length)
    {
        TransportArguments.checkNodeId("readIndirect", nodeId, nodeCount);
        TransportArguments.checkIndirect("readIndirect", wordOffset, length);
        if (length > CHUNK_LENGTH)
        {
            return Transport.super.readIndirect(nodeId, wordOffset, expected, dst, dstOffset, length); // the word alone
        }
        dst.boundsCheck(dstOffset, Long.BYTES + length);

        return 0 != invoke(
            AeronFrameDescriptor.READ_INDIRECT, nodeId, wordOffset, length, expected, 0, dst, dstOffset, null, 0);
    }

    /**
     * {@inheritDoc}
     */
    public void write(final int nodeId, final long offset, final DirectBuffer src, final int srcOffset,
        final int length)
    {
        TransportArguments.checkNodeId("write", nodeId, nodeCount);
        TransportArguments.checkLength("write", offset, length);
        src.boundsCheck(srcOffset, length);
        invoke(AeronFrameDescriptor.WRITE, nodeId, offset, length, 0, 0, null, 0, src, srcOffset);
    }

    /**
     * {@inheritDoc}
     */
    public long compareAndSwap(final int nodeId, final long offset, final long expected, final long update)
    {
        TransportArguments.checkNodeId("compareAndSwap", nodeId, nodeCount);
        return invoke(AeronFrameDescriptor.COMPARE_AND_SWAP, nodeId, offset, Long.BYTES, expected, update, null, 0, null, 0);
    }

    /**
     * {@inheritDoc}
     */
    public long fetchAdd(final int nodeId, final long offset, final long delta)
    {
        TransportArguments.checkNodeId("fetchAdd", nodeId, nodeCount);
        return invoke(AeronFrameDescriptor.FETCH_ADD, nodeId, offset, Long.BYTES, delta, 0, null, 0, null, 0);
    }

    /**
     * {@inheritDoc}
     * <p>
     * Returns once Aeron has taken the message. A message to a node known to be dead is dropped without error (as the
     * simulated transport does), counted in {@link #droppedMessageCount()}. On the duty-cycle thread (from inside a
     * {@link MessageHandler}) a back-pressured message is queued, never waited for; on any other thread the offer is
     * retried until the operation timeout.
     *
     * @throws DsmException if {@code length > }{@link #maxMessageLength()}, or the transport is not started.
     * @throws NodeUnavailableException if the peer's publication stays back-pressured or unconnected for the
     *                                  operation timeout.
     */
    public void send(final int nodeId, final DirectBuffer buffer, final int offset, final int length)
    {
        TransportArguments.checkNodeId("send", nodeId, nodeCount);
        buffer.boundsCheck(offset, length);
        if (length > maxMessageLength)
        {
            throw new DsmException("send length=" + length + " > maxMessageLength=" + maxMessageLength);
        }
        checkStarted("send");
        final Peer peer = peers[nodeId];
        if (isClosed || peer.isDead())
        {
            counters.dropped.increment();
            return;
        }

        if (runtime.isDutyCycleThread())
        {
            responder.sendMessage(peer, buffer, offset, length);
            return;
        }

        final long deadlineNs = System.nanoTime() + operationTimeoutNs;
        awaitJoinOf(peer, deadlineNs);
        final Sender sender = senders.get();
        sender.frame.wrap(sender.header, 0).header(AeronFrameDescriptor.MESSAGE, this.nodeId, nodeId).length(length);
        final String outcome = offer(peer, sender.header, buffer, offset, length, deadlineNs, null);
        if (null != outcome)
        {
            // a client ended by a liveness timeout: this node stalled past the peer timeout and is being cut off
            if (peer.isDead() || isClosed || runtime.isClientClosed())
            {
                counters.dropped.increment();
                return;
            }
            throw new NodeUnavailableException(nodeId, "send length=" + length + " " + outcome);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @return an eighth of the term length, less a frame header: 512 KiB - 56 by default.
     */
    public int maxMessageLength()
    {
        return maxMessageLength;
    }

    /**
     * Leave the cluster: tell every joined peer (so they mark this node unavailable at once) and wait, at most
     * {@link #LEAVE_LINGER_NS}, until the driver has sent everything offered before, LEAVE last; fail operations still
     * in flight, close the channels and release the process's runtime (the last one closes the embedded driver and
     * removes its directory). Idempotent.
     */
    public void close()
    {
        synchronized (this)
        {
            if (isClosed)
            {
                return;
            }
            isClosed = true;
        }

        // a client ended by a liveness timeout (this process stalled past it) has closed its publications: no LEAVE
        final boolean isClientClosed = null != runtime && runtime.isClientClosed();
        if (null != responder)
        {
            if (!isClientClosed)
            {
                leaveAll();
            }
            runtime.remove(responder);
        }
        operations.failAll(-1, "failed: the transport of node " + nodeId + " closed");

        if (null != runtime)
        {
            if (!isClientClosed)
            {
                for (final Peer peer : peers)
                {
                    CloseHelper.close(errorHandler, peer.publication);
                }
                CloseHelper.close(errorHandler, subscription);
            }
            runtime.release(errorHandler);
        }
    }

    /**
     * Offer LEAVE to every joined peer, retrying while back-pressured, then keep the duty cycle running until the
     * media driver has sent each UDP publication past its LEAVE, the peer is gone, or {@link #LEAVE_LINGER_NS} has
     * passed: what this node sent before closing, LEAVE last, reaches its peers even when the process exits (and its
     * embedded driver closes) right after. Without it a peer would see a node that left as silent.
     */
    private void leaveAll()
    {
        final long deadlineNs = System.nanoTime() + LEAVE_LINGER_NS;
        final boolean canWait = !runtime.isDutyCycleThread();
        final AeronFrameFlyweight frame = new AeronFrameFlyweight();
        final UnsafeBuffer leave = new UnsafeBuffer(new byte[HEADER_LENGTH]);
        final long[] leavePositions = new long[peers.length];
        for (int i = 0; i < peers.length; i++)
        {
            final Peer peer = peers[i];
            if (peer.isJoined() && peer.nodeId != nodeId)
            {
                frame.wrap(leave, 0).header(AeronFrameDescriptor.LEAVE, nodeId, peer.nodeId);
                long position;
                while ((position = peer.offer(leave, 0, HEADER_LENGTH, null, 0, 0)) < 0 && canWait &&
                    (Publication.BACK_PRESSURED == position || Publication.ADMIN_ACTION == position) &&
                    peer.isJoined() && System.nanoTime() < deadlineNs)
                {
                    runtime.awaitDutyCycles(1, LEAVE_POLL_NS);
                }
                leavePositions[i] = position;
            }
        }

        final CountersReader counters = runtime.aeron().countersReader();
        for (int i = 0; i < peers.length && canWait; i++)
        {
            final Peer peer = peers[i];
            if (leavePositions[i] > 0)
            {
                final long registrationId = peer.publication.originalRegistrationId();
                final int counterId = counters.findByTypeIdAndRegistrationId(
                    AeronCounters.DRIVER_SENDER_POSITION_TYPE_ID, registrationId);
                while (CountersReader.NULL_COUNTER_ID != counterId &&
                    counters.getCounterRegistrationId(counterId) == registrationId &&
                    counters.getCounterValue(counterId) < leavePositions[i] &&
                    peer.isJoined() && System.nanoTime() < deadlineNs)
                {
                    runtime.awaitDutyCycles(1, LEAVE_POLL_NS);
                }
            }
        }
        runtime.awaitDutyCycles(3, TimeUnit.MILLISECONDS.toNanos(100));
    }

    /**
     * @return frames dropped by this node's responder as malformed, unauthenticated or forged.
     */
    public long rejectedCount()
    {
        return null == responder ? 0 : responder.rejectedCount();
    }

    /**
     * @return responses that arrived after their operation timed out, and chunks of abandoned writes.
     */
    public long lateCount()
    {
        return null == responder ? 0 : responder.lateCount();
    }

    /**
     * @return one-sided requests this node served for peers (and itself), including those the heap rejected.
     */
    public long servedCount()
    {
        return null == responder ? 0 : responder.servedCount();
    }

    /**
     * @return errors reported to the configuration's error handler by this transport.
     */
    public long errorCount()
    {
        return counters.errors.get();
    }

    /**
     * @return messages dropped because their target was dead or this transport closed.
     */
    public long droppedMessageCount()
    {
        return counters.dropped.get();
    }

    /**
     * The heap capacity a peer declared when it joined.
     *
     * @param nodeId of the peer.
     * @return its capacity in bytes, or -1 if it has not proved the secret yet.
     */
    public long peerHeapCapacity(final int nodeId)
    {
        TransportArguments.checkNodeId("peerHeapCapacity", nodeId, nodeCount);
        return peers[nodeId].heapCapacity;
    }

    /**
     * @return the concluded Aeron settings.
     */
    public AeronTransportContext context()
    {
        return ctx;
    }

    /**
     * @return the media driver directory this transport uses, once started.
     */
    public String aeronDirectoryName()
    {
        return null == runtime ? null : runtime.aeronDirectoryName();
    }

    /**
     * Stop serving, answering and heartbeating at once, without telling anyone: what a crash looks like to peers.
     * For tests of peer death among nodes of one process; {@link #close()} still releases everything.
     */
    void halt()
    {
        if (null != responder)
        {
            runtime.remove(responder);
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "AeronTransport{nodeId=" + nodeId + ", nodeCount=" + nodeCount + ", " + ctx + '}';
    }

    /**
     * Wait until a peer that is still joining this node has joined, died or the deadline passed. This node serves
     * the peers that joined it before its own {@link #start()} returns, so a handler may send to (or, with replicas,
     * mirror a change to) a peer whose handshake with this node is not done. Offered at once, that frame would be the
     * first on this node's new session to the peer, ahead of this node's PROOF: the peer rejects it as unproved
     * ("... from a node that has not proved the cluster secret on this session") and never answers it.
     *
     * @param peer       to send to.
     * @param deadlineNs of the operation, by {@link System#nanoTime()}.
     */
    private void awaitJoinOf(final Peer peer, final long deadlineNs)
    {
        while (peer.isJoining() && !isClosed && System.nanoTime() < deadlineNs)
        {
            runtime.wake(); // the handshake runs on the duty cycle, as in awaitJoined
            LockSupport.parkNanos(this, JOIN_POLL_NS);
        }
    }

    private long invoke(
        final byte kind,
        final int nodeId,
        final long offset,
        final int length,
        final long arg0,
        final long arg1,
        final MutableDirectBuffer dst,
        final int dstOffset,
        final DirectBuffer src,
        final int srcOffset)
    {
        checkStarted(PendingOperation.kindName(kind));
        if (runtime.isDutyCycleThread())
        {
            throw new DsmException(PendingOperation.describe(kind, offset, length) + " to node " + nodeId +
                " called on the Aeron duty-cycle thread (from a MessageHandler): it would wait for itself");
        }
        final Peer peer = peers[nodeId];
        throwIfUnavailable(peer, kind, offset, length);

        final long deadlineNs = System.nanoTime() + operationTimeoutNs;
        awaitJoinOf(peer, deadlineNs);
        final PendingOperation operation = operations.acquire();
        try
        {
            final long correlationId = operations.nextCorrelationId(operation);
            operation.begin(correlationId, kind, nodeId, offset, length, dst, dstOffset);
            if (peer.isDead() || isClosed)
            {
                if (operation.tryClaim(correlationId))
                {
                    operation.completeUnavailable(unavailableReason(peer));
                }
            }
            else
            {
                operation.frame.wrap(operation.header, 0).header(kind, this.nodeId, nodeId)
                    .correlationId(correlationId).heapOffset(offset).length(length).arg0(arg0).arg1(arg1);
                final String outcome = AeronFrameDescriptor.WRITE == kind ?
                    offerChunks(peer, operation, src, srcOffset, length, deadlineNs) :
                    offer(peer, operation.header, null, 0, 0, deadlineNs, operation);
                if (null != outcome && operation.tryClaim(correlationId))
                {
                    operation.completeUnavailable(peer.isDead() ? unavailableReason(peer) : outcome);
                }
            }

            if (!await(operation, deadlineNs))
            {
                throw new NodeUnavailableException(nodeId,
                    PendingOperation.timedOut(kind, offset, length, operationTimeoutNs));
            }
            operation.throwIfFailed();
            return operation.result;
        }
        finally
        {
            operations.release(operation);
        }
    }

    /**
     * Wait for an operation's completion on the calling thread. With {@link AeronTransportContext#callerDrives()}
     * the caller drives the process's duty cycle itself whenever no other thread holds it, idling with
     * {@link #newCallerIdleStrategy()} (yields, no spin, unless {@code busy-spin} is configured), so its response is
     * polled and its operation completed on this thread. While the duty-cycle thread is in a cycle, the caller yields
     * and asks it to leave the next one to it; while another caller drives (which completes this operation as well),
     * it yields and looks again, up to {@link #YIELDS_WHILE_ANOTHER_CALLER_DRIVES} times, then wakes that caller and
     * parks on its own completion for a while (unparked when it completes), then tries again.
     * None of these waits spins: with more busy threads than cores (several nodes on a small machine) a spinning
     * waiter takes the core that the thread producing its response needs.
     *
     * @return true if completed, false if timed out.
     */
    private boolean await(final PendingOperation operation, final long deadlineNs)
    {
        if (!callerDrives)
        {
            return operation.await(deadlineNs);
        }
        IdleStrategy idleStrategy = operation.idleStrategy;
        if (null == idleStrategy)
        {
            idleStrategy = newCallerIdleStrategy();
            operation.idleStrategy = idleStrategy;
        }

        return driveUntil(operation, idleStrategy, deadlineNs) || operation.await(deadlineNs);
    }

    /**
     * {@inheritDoc}
     * <p>
     * With {@link AeronTransportContext#callerDrives()} the caller drives the duty cycle as for a one-sided
     * operation ({@link #await(PendingOperation, long)}), so the message handler that completes the response runs on
     * this thread: a remote allocation or a task's result reaches its caller without a hand-off from the duty-cycle
     * thread, which stays parked for up to {@code idle.max.park} after a caller drove (a remote allocation took
     * 0.3-1 ms that way, {@code PingPongMeasurementTest}'s alloc row).
     */
    public boolean awaitResponse(final CompletableFuture<?> response, final long timeoutNs) throws InterruptedException
    {
        if (!callerDrives || response.isDone() || runtime.isDutyCycleThread())
        {
            return Transport.super.awaitResponse(response, timeoutNs);
        }
        if (Thread.interrupted())
        {
            throw new InterruptedException("interrupted before waiting for a response on node " + nodeId);
        }

        return driveUntil(new AwaitedResponse(response), newCallerIdleStrategy(), System.nanoTime() + timeoutNs) ||
            response.isDone();
    }

    /**
     * Drive the duty cycle on the calling thread until {@code awaited} completes or the deadline passes. While the
     * duty-cycle thread is in a cycle, the caller yields and asks it to leave the next one to it; while another caller
     * drives (which completes this one as well), it yields and looks again, and only after
     * {@link #YIELDS_WHILE_ANOTHER_CALLER_DRIVES} yields wakes that caller and parks for a while (unparked when this
     * one completes), then tries again. Parking at once cost a futex wake-up and a context switch per operation of
     * every caller but the driving one: with two client threads per node, kv on 2 nodes ran 10-60% more operations
     * a second (a third more in most runs) once such callers yielded first, twice as many with four, three times as
     * many with sixteen. None of these waits spins: with more busy threads than cores (several nodes on a small
     * machine) a spinning waiter takes the core that the thread producing its response needs, where a yield gives
     * it away.
     *
     * @return true if completed, false once the deadline passed.
     */
    private boolean driveUntil(final AwaitedCompletion awaited, final IdleStrategy idleStrategy, final long deadlineNs)
    {
        int spinsForDutyCycle = busySpin ? 0 : BUSY_SPINS_FOR_DUTY_CYCLE;
        int yieldsWhileAnotherDrives = 0;
        while (!awaited.isCompleted())
        {
            final long nowNs = System.nanoTime();
            if (nowNs >= deadlineNs)
            {
                return false;
            }
            if (runtime.tryDrive())
            {
                try
                {
                    idleStrategy.reset();
                    while (!awaited.isCompleted() && runtime.lastDriveNs() < deadlineNs)
                    {
                        idleStrategy.idle(runtime.drive()); // reads the clock for its cycle and this deadline
                    }
                }
                finally
                {
                    runtime.stopDriving();
                }
            }
            else if (runtime.isRunnerDriving())
            {
                runtime.callerWantsToDrive(); // the duty-cycle thread is in one short cycle and leaves the next to us
                if (spinsForDutyCycle < BUSY_SPINS_FOR_DUTY_CYCLE)
                {
                    spinsForDutyCycle++;
                    Thread.onSpinWait(); // busy-spin only: busy threads were asked for
                }
                else
                {
                    Thread.yield(); // not a spin: on a loaded machine the duty-cycle thread may need this core
                }
            }
            else if (yieldsWhileAnotherDrives < YIELDS_WHILE_ANOTHER_CALLER_DRIVES)
            {
                // another caller drives and completes this one too: give the core away and look again, rather than
                // park and be woken (a futex wake-up and a context switch per operation, the dearest part of a round
                // trip when several callers of a node wait at once)
                yieldsWhileAnotherDrives++;
                Thread.yield();
            }
            else
            {
                runtime.wake(); // another caller drives: it completes this one too; wake it if it idles
                runtime.parkedCaller(1);
                try
                {
                    if (!awaited.isCompleted())
                    {
                        // unparked on completion, or by the driving caller handing the duty cycle over when it stops
                        LockSupport.parkNanos(awaited, Math.min(deadlineNs, nowNs + DRIVE_RETRY_NS) - nowNs);
                    }
                }
                finally
                {
                    runtime.parkedCaller(-1);
                }
            }
        }

        return true;
    }

    /**
     * @return how a caller driving the duty cycle idles while it waits for its own response: as configured if
     * {@code busy-spin} or {@code sleep}, else (the default {@code backoff}, {@code yield}) yielding, never spinning,
     * then parking if the response takes long ({@link CallerIdleStrategy}).
     */
    private IdleStrategy newCallerIdleStrategy()
    {
        final String name = ctx.idleStrategy();
        return "busy-spin".equals(name) || "sleep".equals(name) ?
            ctx.newIdleStrategy() : new CallerIdleStrategy(ctx.idleMaxParkNs());
    }

    private String offerChunks(
        final Peer peer,
        final PendingOperation operation,
        final DirectBuffer src,
        final int srcOffset,
        final int length,
        final long deadlineNs)
    {
        int position = 0;
        do
        {
            final int chunk = Math.min(CHUNK_LENGTH, length - position);
            operation.frame.chunkOffset(position);
            final String outcome = offer(peer, operation.header, src, srcOffset + position, chunk, deadlineNs, operation);
            if (null != outcome)
            {
                return outcome;
            }
            position += chunk;
        }
        while (position < length && operation.isPending());

        return null;
    }

    /**
     * Offer a frame from a thread other than the duty-cycle thread, retrying while back-pressured or not yet
     * connected, until the deadline, the peer's death, or (for an operation) its completion.
     *
     * @return null if offered, else why not.
     */
    private String offer(
        final Peer peer,
        final DirectBuffer header,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength,
        final long deadlineNs,
        final PendingOperation operation)
    {
        while (true)
        {
            final long result = peer.offer(header, 0, HEADER_LENGTH, payload, payloadOffset, payloadLength);
            if (result > 0)
            {
                if (null == operation || !callerDrives)
                {
                    // a message: sent now on this thread (with caller.drives, over UDP: over IPC the subscriber reads
                    // it where it was offered), else the duty cycle is woken to send it or poll it; an operation's
                    // caller drives the duty cycle that sends it, or wakes who does
                    if (callerDrives && !ctx.isIpc())
                    {
                        if (runtime.sendOffered(ctx.mtuLength()))
                        {
                            counters.sentOnOffer.increment();
                        }
                    }
                    else
                    {
                        runtime.wake();
                    }
                }
                return null;
            }
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
            {
                return "failed: publication " + (Publication.CLOSED == result ? "closed" : "at its maximum position");
            }
            if (peer.isDead() || isClosed)
            {
                return unavailableReason(peer);
            }
            if (null != operation && !operation.isPending())
            {
                return null;
            }
            if (System.nanoTime() >= deadlineNs)
            {
                return "timed out after " + TimeUnit.NANOSECONDS.toMillis(operationTimeoutNs) + " ms: publication " +
                    (Publication.NOT_CONNECTED == result ? "not connected" : "back-pressured");
            }
            runtime.wake();
            Thread.yield();
        }
    }

    private void throwIfUnavailable(final Peer peer, final byte kind, final long offset, final int length)
    {
        if (peer.isDead() || isClosed)
        {
            throw new NodeUnavailableException(peer.nodeId,
                PendingOperation.describe(kind, offset, length) + " " + unavailableReason(peer));
        }
    }

    private String unavailableReason(final Peer peer)
    {
        if (isClosed)
        {
            return "rejected: the transport of node " + nodeId + " is closed";
        }

        return "rejected: node " + peer.nodeId + " " + peer.deathReason;
    }

    private void checkStarted(final String operation)
    {
        if (null == responder)
        {
            throw new DsmException(operation + " on the transport of node " + nodeId + " before start()");
        }
    }

    private String publicationChannel(final int target)
    {
        final ChannelUriStringBuilder builder = new ChannelUriStringBuilder()
            .termLength(ctx.termLength());
        if (ctx.isIpc())
        {
            return builder.media("ipc").build();
        }

        return builder.media("udp")
            .endpoint(config.memberHost(target) + ":" + config.memberPort(target))
            .mtu(ctx.mtuLength())
            .build();
    }

    private String subscriptionChannel()
    {
        if (ctx.isIpc())
        {
            return "aeron:ipc";
        }

        return new ChannelUriStringBuilder().media("udp")
            .endpoint(config.memberHost(nodeId) + ":" + config.memberPort(nodeId))
            .build();
    }

    private int streamId(final int target)
    {
        return ctx.isIpc() ? ctx.streamId() + target : ctx.streamId();
    }

    /**
     * Per-thread header for messages sent from application threads.
     */
    private static final class Sender
    {
        final UnsafeBuffer header = new UnsafeBuffer(new byte[HEADER_LENGTH]);
        final AeronFrameFlyweight frame = new AeronFrameFlyweight();
    }
}
