package org.jdsm.transport.aeron;

import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.jdsm.spi.HeapRegion;
import org.jdsm.spi.MessageHandler;

import java.util.concurrent.TimeUnit;

import static org.jdsm.transport.aeron.AeronFrameDescriptor.HEADER_LENGTH;

/**
 * The agent of one node, run by its process's {@link AeronRuntime} duty cycle, and the receiving side of the node, as
 * Aeron's {@code Receiver} is the driver's: it polls the node's subscription, checks every frame's header and routes
 * it to the room that handles its type, then sends what waits and runs the timers. The rooms, each with one job:
 * <ul>
 *     <li>{@link JoinHandshake}: HELLO, PROOF, ACCEPT, REFUSE;</li>
 *     <li>{@link HeapServer}: READ, READ_INDIRECT, WRITE, COMPARE_AND_SWAP, FETCH_ADD served from the node's
 *     {@link HeapRegion};</li>
 *     <li>{@link ResponseDispatcher}: RESPONSE completes the node's own {@link PendingOperation}s, MESSAGE goes to
 *     the {@link MessageHandler};</li>
 *     <li>{@link FrameSender}: every frame sent from the duty cycle, and the backlog of what the publications did not
 *     take at once;</li>
 *     <li>{@link PeerLifecycle} on the {@link PeerLiveness} clock: HELLOs, heartbeats, joins and deaths.</li>
 * </ul>
 * Time comes from one injected {@link NanoClock}, so every room runs on a stepped clock in tests.
 * <p>
 * The checks here come before any room sees a frame: length at least a header, known version and type, source a
 * member and target this node, a frame claiming this node's own id only from this node's own session, and — for
 * everything but the handshake — a source that has proved the cluster secret on the Aeron session the frame arrived on.
 * Frames from a dead peer are counted late. Anything else is dropped, counted in {@link #rejectedCount()} and reported
 * as {@link RejectedFrameException} through a {@link RejectionLog} (first of a kind per source, then summaries); the
 * responder never throws.
 * <p>
 * <b>Note:</b> runs only on the thread that holds the duty cycle, the single writer of its state, of its rooms and of
 * its {@link Peer}s. Counters are read by any thread. Images going unavailable are reported by the client conductor,
 * possibly on another thread, through a concurrent queue ({@link PeerLifecycle#onUnavailableImage}).
 */
final class Responder implements Agent, FragmentHandler
{
    private static final int FRAGMENT_LIMIT = 64;
    private static final long HELLO_INTERVAL_LIMIT_NS = TimeUnit.MILLISECONDS.toNanos(20);

    private final int nodeId;
    private final Peer[] peers;
    private final ErrorHandler errorHandler;
    private final Subscription subscription;
    private final FragmentAssembler assembler = new FragmentAssembler(this);
    private final AeronFrameFlyweight in = new AeronFrameFlyweight();
    private final RejectionLog rejections;
    private final AtomicCounter lateCount;
    private final AtomicCounter servedCount;
    private final PeerLiveness liveness;
    private final FrameSender sender;
    private final PeerLifecycle lifecycle;
    private final JoinHandshake handshake;
    private final HeapServer heapServer;
    private final ResponseDispatcher responses;
    private boolean isHalted;

    /**
     * @param nodeId              of this node.
     * @param peers               of the node, by node id, with their publications.
     * @param heap                of this node, served to proved peers.
     * @param messageHandler      of this node's control messages.
     * @param errorHandler        of this node: rejections, handler failures, publication failures.
     * @param operations          of this node in flight.
     * @param authenticator       of the cluster secret.
     * @param chunkLength         largest payload of one frame.
     * @param peerTimeoutNs       silence after which a joined peer is dead.
     * @param heartbeatIntervalNs between frames sent to a joined peer.
     * @param subscription        of this node, polled by {@link #doWork()}.
     * @param received            how far the driver has received each peer's stream, for its liveness.
     * @param clock               of the node: the only source of time of the responder and its rooms.
     * @param counters            of the transport, in the node's counters file.
     */
    Responder(
        final int nodeId,
        final Peer[] peers,
        final HeapRegion heap,
        final MessageHandler messageHandler,
        final ErrorHandler errorHandler,
        final OperationTable operations,
        final Authenticator authenticator,
        final int chunkLength,
        final long peerTimeoutNs,
        final long heartbeatIntervalNs,
        final Subscription subscription,
        final ReceivedPositions received,
        final NanoClock clock,
        final TransportCounters counters)
    {
        this.nodeId = nodeId;
        this.peers = peers;
        this.errorHandler = errorHandler;
        this.subscription = subscription;
        final long helloIntervalNs = Math.min(heartbeatIntervalNs, HELLO_INTERVAL_LIMIT_NS);
        this.liveness = new PeerLiveness(clock, peerTimeoutNs, heartbeatIntervalNs, helloIntervalNs, peers);
        this.lateCount = counters.late;
        this.servedCount = counters.served;
        this.rejections = new RejectionLog(nodeId, peers.length, errorHandler, counters, (session) ->
        {
            final Image image = subscription.imageBySessionId(session);
            return null == image ? null : image.sourceIdentity();
        });
        this.sender = new FrameSender(nodeId, peers, heap, errorHandler, liveness, chunkLength);
        this.lifecycle = new PeerLifecycle(
            nodeId, peers, heap.capacity(), operations, sender, liveness, received);
        this.handshake = new JoinHandshake(
            nodeId, heap.capacity(), authenticator, sender, liveness, lifecycle, rejections);
        this.heapServer = new HeapServer(heap, sender, liveness, rejections, servedCount, lateCount);
        this.responses = new ResponseDispatcher(
            operations, messageHandler, errorHandler, liveness, rejections, lateCount);
    }

    /**
     * Handler for images of the node's subscription that go unavailable; called by the client conductor.
     *
     * @param image that went unavailable.
     */
    void onUnavailableImage(final Image image)
    {
        lifecycle.onUnavailableImage(image);
    }

    /**
     * The thread waiting in {@link AeronTransport#start()}, unparked when a peer joins or dies.
     *
     * @param thread waiting, or null.
     */
    void joinWaiter(final Thread thread)
    {
        lifecycle.joinWaiter(thread);
    }

    /**
     * @return frames dropped as malformed, unauthenticated or forged.
     */
    long rejectedCount()
    {
        return rejections.count();
    }

    /**
     * @return responses (and chunks of writes) that arrived for operations no longer waiting for them.
     */
    long lateCount()
    {
        return lateCount.get();
    }

    /**
     * @return one-sided requests served, rejected by the heap or not.
     */
    long servedCount()
    {
        return servedCount.get();
    }

    /**
     * @return the lifecycle of the node's peers: timers, joins, deaths.
     */
    PeerLifecycle lifecycle()
    {
        return lifecycle;
    }

    /**
     * Stop serving and sending at once, as a crash would, for tests of peer death within one process.
     */
    void halt()
    {
        isHalted = true;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "jdsm-aeron-responder-" + nodeId;
    }

    /**
     * One duty cycle: poll, send what is waiting, run timers.
     *
     * @return work done.
     */
    public int doWork()
    {
        if (isHalted)
        {
            return 0;
        }

        int workCount = 0;
        try
        {
            workCount += subscription.poll(assembler, FRAGMENT_LIMIT);
            workCount += lifecycle.drainLostSessions();
            workCount += sender.progressBacklogs();
            final long nowNs = liveness.nowNs();
            workCount += lifecycle.onTimer(nowNs);
            workCount += rejections.summarise(nowNs);
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(ex);
        }

        return workCount;
    }

    /**
     * A lean duty cycle, run by a caller waiting for its response between full ones: poll and send what is waiting,
     * as {@link #doWork()}, but leave the timers (HELLOs, heartbeats, deaths, rejection summaries: intervals of
     * milliseconds and more) to the full cycles that the duty cycle still runs every
     * {@link AeronRuntime#FULL_CYCLE_INTERVAL_NS}, so that a lean cycle does not read the clock for them.
     *
     * @return work done.
     */
    int doLeanWork()
    {
        if (isHalted)
        {
            return 0;
        }

        int workCount = 0;
        try
        {
            workCount += subscription.poll(assembler, FRAGMENT_LIMIT);
            workCount += lifecycle.drainLostSessions();
            workCount += sender.progressBacklogs();
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(ex);
        }

        return workCount;
    }

    /**
     * Send the {@code MESSAGE} frame of a control message from the duty-cycle thread, e.g. from inside a handler.
     *
     * @param peer   to send to.
     * @param buffer holding the message.
     * @param offset of the message.
     * @param length of the message.
     */
    void sendMessage(final Peer peer, final DirectBuffer buffer, final int offset, final int length)
    {
        sender.sendMessage(peer, buffer, offset, length);
    }

    /**
     * {@inheritDoc}
     */
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final int frameSessionId = header.sessionId();
        if (length < HEADER_LENGTH)
        {
            reject(-1, frameSessionId, "frame length=" + length + " < header length=" + HEADER_LENGTH);
            return;
        }

        in.wrap(buffer, offset);
        final int type = in.type();
        final int source = in.source();
        if (AeronFrameDescriptor.CURRENT_VERSION != in.version())
        {
            reject(source, frameSessionId, "version=" + in.version() + " != " + AeronFrameDescriptor.CURRENT_VERSION);
            return;
        }
        if (source < 0 || source >= peers.length)
        {
            reject(source, frameSessionId, "source=" + source + " is not a member of [0, " + peers.length + ")");
            return;
        }
        if (in.target() != nodeId)
        {
            reject(source, frameSessionId, "target=" + in.target() + " != this node");
            return;
        }

        final Peer peer = peers[source];
        if (source == nodeId && frameSessionId != JoinHandshake.ownSessionTo(peer))
        {
            // only this node's own publication speaks for its id: another node claiming the id must not answer (or
            // spoil) this node's handshake with itself
            reject(source, frameSessionId, "a frame from another node claiming this node's id " + nodeId);
            return;
        }
        if (peer.isDead())
        {
            lateCount.increment();
            return;
        }

        final int payloadOffset = offset + HEADER_LENGTH;
        final int payloadLength = length - HEADER_LENGTH;
        switch (type)
        {
            case AeronFrameDescriptor.HELLO:
                handshake.onHello(peer, frameSessionId, buffer, payloadOffset, payloadLength);
                return;
            case AeronFrameDescriptor.PROOF:
                handshake.onProof(peer, frameSessionId, in.arg0(), buffer, payloadOffset, payloadLength);
                return;
            case AeronFrameDescriptor.REFUSE:
                handshake.onRefuse(peer, frameSessionId, in.arg0(), payloadLength);
                return;
            default:
                break;
        }

        if (type < AeronFrameDescriptor.ACCEPT || type > AeronFrameDescriptor.MAX_TYPE)
        {
            reject(source, frameSessionId, "type=" + AeronFrameDescriptor.typeName(type) + " unknown");
            return;
        }
        if (!peer.proved || peer.sessionId != frameSessionId)
        {
            reject(source, frameSessionId, AeronFrameDescriptor.typeName(type) + " from a node that has not proved " +
                "the cluster secret on this session");
            return;
        }

        liveness.heard(peer);
        switch (type)
        {
            case AeronFrameDescriptor.ACCEPT:
                handshake.onAccept(peer, frameSessionId, in.arg0(), payloadLength);
                break;
            case AeronFrameDescriptor.HEARTBEAT:
                if (0 != payloadLength)
                {
                    reject(peer.nodeId, frameSessionId, AeronFrameDescriptor.typeName(type) + " payload length=" +
                        payloadLength + " != 0");
                }
                break;
            case AeronFrameDescriptor.LEAVE:
                lifecycle.declareDead(peer, "left the cluster");
                break;
            case AeronFrameDescriptor.READ:
                heapServer.onRead(peer, frameSessionId, in, payloadLength);
                break;
            case AeronFrameDescriptor.READ_INDIRECT:
                heapServer.onReadIndirect(peer, frameSessionId, in, payloadLength);
                break;
            case AeronFrameDescriptor.WRITE:
                heapServer.onWrite(peer, frameSessionId, in, buffer, payloadOffset, payloadLength);
                break;
            case AeronFrameDescriptor.COMPARE_AND_SWAP:
            case AeronFrameDescriptor.FETCH_ADD:
                heapServer.onAtomic(peer, frameSessionId, in, type, payloadLength);
                break;
            case AeronFrameDescriptor.RESPONSE:
                responses.onResponse(peer, frameSessionId, in, buffer, payloadOffset, payloadLength);
                break;
            default:
                responses.onMessage(peer, frameSessionId, in, buffer, payloadOffset, payloadLength);
                break;
        }
    }

    private void reject(final int source, final int frameSessionId, final String reason)
    {
        rejections.reject(source, frameSessionId, reason, liveness.nowNs());
    }
}
