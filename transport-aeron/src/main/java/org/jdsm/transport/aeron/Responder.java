package org.jdsm.transport.aeron;

import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.jdsm.RemoteAccessException;
import org.jdsm.spi.HeapRegion;
import org.jdsm.spi.MessageHandler;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.jdsm.transport.aeron.FrameDescriptor.HEADER_LENGTH;

/**
 * The agent of one node, run by its process's {@link AeronRuntime} duty cycle: it polls the node's subscription and
 * serves one-sided requests straight from the node's {@link HeapRegion}, completes the node's own
 * {@link PendingOperation}s from responses, delivers control messages to the {@link MessageHandler}, runs the join
 * handshake, sends heartbeats and declares silent peers dead.
 * <p>
 * Every frame is checked before it is served: length at least a header, known version and type, source a member and
 * target this node, lengths consistent with the frame, and — for everything but the handshake — a source that has
 * proved the cluster secret on the Aeron session the frame arrived on. Anything else is dropped, counted in
 * {@link #rejectedCount()} and reported as {@link RejectedFrameException} through a {@link RejectionLog} (first of a
 * kind per source, then summaries); the responder never throws. A PROOF that does not match is answered with a
 * REFUSE (see {@link AeronTransport}). A request
 * the heap rejects is answered with the heap's message. Serving a request allocates nothing, except when the
 * publication back to the requester is back-pressured (the response is then copied into a pooled
 * {@link Outbound}).
 * <p>
 * <b>Note:</b> runs only on the duty-cycle thread, which is the single writer of its state and of its
 * {@link Peer}s. Counters are read by any thread. Images going unavailable are reported by the client conductor,
 * possibly on another thread, through a concurrent queue.
 */
final class Responder implements Agent, FragmentHandler
{
    private static final int FRAGMENT_LIMIT = 64;
    private static final int CHUNKS_PER_DUTY_CYCLE = 8;
    private static final long HELLO_INTERVAL_LIMIT_NS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Shortest time between two REFUSE frames to one peer. */
    static final long REFUSE_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);

    private final int nodeId;
    private final Peer[] peers;
    private final HeapRegion heap;
    private final long heapCapacity;
    private final MessageHandler messageHandler;
    private final ErrorHandler errorHandler;
    private final OperationTable operations;
    private final Authenticator authenticator;
    private final int chunkLength;
    private final long helloIntervalNs;
    private final Subscription subscription;
    private final FragmentAssembler assembler = new FragmentAssembler(this);
    private final FrameFlyweight in = new FrameFlyweight();
    private final FrameFlyweight out = new FrameFlyweight();
    private final UnsafeBuffer sendBuffer;
    private final byte[] proofBytes = new byte[FrameDescriptor.PROOF_LENGTH];
    private final ArrayDeque<Outbound> outboundPool = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Integer> lostSessions = new ConcurrentLinkedQueue<>();
    private final RejectionLog rejections;
    private final AtomicCounter lateCount;
    private final AtomicCounter servedCount;
    private volatile Thread joinWaiter;
    private final PeerLiveness liveness;
    private boolean isHalted;

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
        final NanoClock clock,
        final TransportCounters counters)
    {
        this.nodeId = nodeId;
        this.peers = peers;
        this.heap = heap;
        this.heapCapacity = heap.capacity();
        this.messageHandler = messageHandler;
        this.errorHandler = errorHandler;
        this.operations = operations;
        this.authenticator = authenticator;
        this.chunkLength = chunkLength;
        this.helloIntervalNs = Math.min(heartbeatIntervalNs, HELLO_INTERVAL_LIMIT_NS);
        this.subscription = subscription;
        this.sendBuffer = new UnsafeBuffer(new byte[HEADER_LENGTH + chunkLength]);
        this.liveness = new PeerLiveness(clock, peerTimeoutNs, heartbeatIntervalNs, helloIntervalNs, peers);
        this.lateCount = counters.late;
        this.servedCount = counters.served;
        this.rejections = new RejectionLog(nodeId, peers.length, errorHandler, counters, (session) ->
        {
            final Image image = subscription.imageBySessionId(session);
            return null == image ? null : image.sourceIdentity();
        });
    }

    /**
     * Handler for images of the node's subscription that go unavailable; called by the client conductor.
     *
     * @param image that went unavailable.
     */
    void onUnavailableImage(final Image image)
    {
        lostSessions.add(image.sessionId());
    }

    /**
     * The thread waiting in {@link AeronTransport#start()}, unparked when a peer joins or dies.
     *
     * @param thread waiting, or null.
     */
    void joinWaiter(final Thread thread)
    {
        joinWaiter = thread;
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
            workCount += drainLostSessions();
            for (final Peer peer : peers)
            {
                if (!peer.backlog.isEmpty())
                {
                    workCount += progressBacklog(peer);
                }
            }
            final long nowNs = liveness.nowNs();
            workCount += onTimer(nowNs);
            workCount += rejections.summarise(nowNs);
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(ex);
        }

        return workCount;
    }

    /**
     * Send a frame from the duty-cycle thread, queueing a copy if the publication is back-pressured: never blocks.
     *
     * @param peer   to send to.
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @param length of the frame.
     */
    void sendOrQueue(final Peer peer, final DirectBuffer buffer, final int offset, final int length)
    {
        if (peer.isDead())
        {
            return;
        }
        if (peer.backlog.isEmpty())
        {
            final long result = peer.tryOffer(buffer, offset, length);
            if (result > 0)
            {
                liveness.sent(peer);
                return;
            }
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
            {
                errorHandler.onError(new RemoteAccessException("node " + nodeId + " publication to node " +
                    peer.nodeId + " can not take frames: offer returned " + result));
                return;
            }
        }

        final Outbound outbound = newOutbound();
        outbound.kind = Outbound.FRAME;
        outbound.frame.putBytes(0, buffer, offset, length);
        outbound.frameLength = length;
        peer.backlog.addLast(outbound);
    }

    /**
     * Send the {@code MESSAGE} frame of a control message from the duty-cycle thread, e.g. from inside a handler.
     */
    void sendMessage(final Peer peer, final DirectBuffer buffer, final int offset, final int length)
    {
        out.wrap(sendBuffer, 0).header(FrameDescriptor.MESSAGE, nodeId, peer.nodeId).length(length);
        if (peer.isDead())
        {
            return;
        }
        if (peer.backlog.isEmpty())
        {
            final long result = peer.tryOffer(sendBuffer, 0, HEADER_LENGTH, buffer, offset, length);
            if (result > 0)
            {
                return;
            }
        }

        final Outbound outbound = newOutbound();
        outbound.kind = Outbound.FRAME;
        outbound.frame.putBytes(0, sendBuffer, 0, HEADER_LENGTH);
        outbound.frame.putBytes(HEADER_LENGTH, buffer, offset, length);
        outbound.frameLength = HEADER_LENGTH + length;
        peer.backlog.addLast(outbound);
    }

    /**
     * Declare a peer dead: fail its operations in flight, drop what waits to be sent to it.
     *
     * @param peer   that died.
     * @param reason why, e.g. {@code "left the cluster"}.
     */
    void declareDead(final Peer peer, final String reason)
    {
        if (peer.isDead() || peer.nodeId == nodeId)
        {
            return;
        }
        peer.deathReason = reason;
        peer.state = Peer.DEAD;
        operations.failAll(peer.nodeId, "failed: " + reason);
        while (!peer.backlog.isEmpty())
        {
            outboundPool.addLast(peer.backlog.pollFirst());
        }
        peer.writesInProgress.clear();
        wakeJoinWaiter();
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
        if (FrameDescriptor.CURRENT_VERSION != in.version())
        {
            reject(source, frameSessionId, "version=" + in.version() + " != " + FrameDescriptor.CURRENT_VERSION);
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
        if (source == nodeId && frameSessionId != ownSessionTo(peer))
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
            case FrameDescriptor.HELLO:
                onHello(peer, frameSessionId, buffer, payloadOffset, payloadLength);
                return;
            case FrameDescriptor.PROOF:
                onProof(peer, frameSessionId, buffer, payloadOffset, payloadLength);
                return;
            case FrameDescriptor.REFUSE:
                onRefuse(peer, frameSessionId, payloadLength);
                return;
            default:
                break;
        }

        if (type < FrameDescriptor.ACCEPT || type > FrameDescriptor.MAX_TYPE)
        {
            reject(source, frameSessionId, "type=" + FrameDescriptor.typeName(type) + " unknown");
            return;
        }
        if (!peer.proved || peer.sessionId != frameSessionId)
        {
            reject(source, frameSessionId, FrameDescriptor.typeName(type) + " from a node that has not proved " +
                "the cluster secret on this session");
            return;
        }

        liveness.heard(peer);
        switch (type)
        {
            case FrameDescriptor.ACCEPT:
                onAccept(peer, frameSessionId, payloadLength);
                break;
            case FrameDescriptor.HEARTBEAT:
                expectNoPayload(peer, frameSessionId, type, payloadLength);
                break;
            case FrameDescriptor.LEAVE:
                declareDead(peer, "left the cluster");
                break;
            case FrameDescriptor.READ:
                onRead(peer, frameSessionId, payloadLength);
                break;
            case FrameDescriptor.WRITE:
                onWrite(peer, frameSessionId, buffer, payloadOffset, payloadLength);
                break;
            case FrameDescriptor.COMPARE_AND_SWAP:
            case FrameDescriptor.FETCH_ADD:
                onAtomic(peer, frameSessionId, type, payloadLength);
                break;
            case FrameDescriptor.RESPONSE:
                onResponse(peer, frameSessionId, buffer, payloadOffset, payloadLength);
                break;
            default:
                onMessage(peer, frameSessionId, buffer, payloadOffset, payloadLength);
                break;
        }
    }

    private void onHello(
        final Peer peer, final int frameSessionId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (FrameDescriptor.NONCE_LENGTH != length)
        {
            reject(peer.nodeId, frameSessionId, "HELLO payload length=" + length + " != " + FrameDescriptor.NONCE_LENGTH);
            return;
        }
        if (Peer.NO_SESSION != peer.sessionId && peer.sessionId != frameSessionId)
        {
            reject(peer.nodeId, frameSessionId, "HELLO on a session other than the one it proved the secret on");
            return;
        }

        buffer.getBytes(offset, peer.helloNonce);
        peer.hasHelloNonce = true;
        answerHello(peer);
    }

    /**
     * Answer the peer's last HELLO: a PROOF of its nonce and, once the peer has proved the secret to this node, an
     * ACCEPT after it (the peer checks the PROOF first, so the ACCEPT is never refused as coming from an unproved
     * node). Called on a HELLO and again when the peer's own PROOF checks, so the peer joins at once instead of at
     * its next HELLO: a driver may otherwise run its whole program and leave inside one HELLO interval, with a
     * server it counted as joined still waiting for this node's ACCEPT.
     */
    private void answerHello(final Peer peer)
    {
        authenticator.prove(
            nodeId, peer.nodeId, peer.helloNonce, peer.publication.sessionId(), heapCapacity, proofBytes);
        out.wrap(sendBuffer, 0).header(FrameDescriptor.PROOF, nodeId, peer.nodeId).arg0(heapCapacity);
        sendBuffer.putBytes(HEADER_LENGTH, proofBytes);
        sendBuffer.putBytes(HEADER_LENGTH + FrameDescriptor.PROOF_LENGTH, peer.helloNonce);
        offerOnce(peer, HEADER_LENGTH + FrameDescriptor.PROOF_PAYLOAD_LENGTH);

        if (peer.proved)
        {
            out.wrap(sendBuffer, 0).header(FrameDescriptor.ACCEPT, nodeId, peer.nodeId).arg0(peer.sessionId);
            offerOnce(peer, HEADER_LENGTH);
        }
    }

    private void onProof(
        final Peer peer, final int frameSessionId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (FrameDescriptor.PROOF_PAYLOAD_LENGTH != length)
        {
            reject(peer.nodeId, frameSessionId, "PROOF payload length=" + length + " != " +
                FrameDescriptor.PROOF_PAYLOAD_LENGTH);
            return;
        }
        if (Peer.NO_SESSION != peer.sessionId && peer.sessionId != frameSessionId)
        {
            reject(peer.nodeId, frameSessionId, "PROOF on a session other than the one it proved the secret on");
            return;
        }

        if (!sameNonce(buffer, offset + FrameDescriptor.PROOF_LENGTH, peer.nonce))
        {
            // not an answer to this node's HELLO (another node with the same id, or a HELLO of an earlier run):
            // nothing to say about the secret, so no REFUSE
            reject(peer.nodeId, frameSessionId, "PROOF over a nonce other than this node's");
            return;
        }

        final long capacity = in.arg0();
        buffer.getBytes(offset, proofBytes);
        if (!authenticator.verify(peer.nodeId, nodeId, peer.nonce, frameSessionId, capacity, proofBytes))
        {
            reject(peer.nodeId, frameSessionId, "PROOF does not match the cluster secret");
            refuse(peer);
            return;
        }

        if (!peer.proved)
        {
            peer.proved = true;
            peer.sessionId = frameSessionId;
            peer.heapCapacity = capacity;
            liveness.heard(peer);
            maybeJoined(peer);
            if (peer.hasHelloNonce)
            {
                answerHello(peer);
            }
        }
    }

    private static boolean sameNonce(final DirectBuffer buffer, final int offset, final byte[] nonce)
    {
        for (int i = 0; i < nonce.length; i++)
        {
            if (buffer.getByte(offset + i) != nonce[i])
            {
                return false;
            }
        }

        return true;
    }

    /**
     * Answer a PROOF over this node's nonce that does not match with a REFUSE, at most once per {@link #REFUSE_INTERVAL_NS} per peer: the
     * PROOF may be forged, and the REFUSE goes to the node it claims to come from, so it can not be used to amplify.
     */
    private void refuse(final Peer peer)
    {
        final long nowNs = liveness.nowNs();
        if (nowNs - peer.lastRefuseSentNs < REFUSE_INTERVAL_NS && 0 != peer.lastRefuseSentNs)
        {
            return;
        }
        peer.lastRefuseSentNs = nowNs;
        out.wrap(sendBuffer, 0).header(FrameDescriptor.REFUSE, nodeId, peer.nodeId)
            .arg0(FrameDescriptor.REFUSE_PROOF_MISMATCH);
        offerOnce(peer, HEADER_LENGTH);
    }

    /**
     * A REFUSE is unauthenticated (the refusing node could not check this node's proof, so the two share no secret):
     * it is believed only while it can do no harm beyond failing this node's own start — the sender has not accepted
     * this node, this node has sent it a PROOF, and if the sender has proved itself, on its proved session.
     */
    private void onRefuse(final Peer peer, final int frameSessionId, final int payloadLength)
    {
        if (!expectNoPayload(peer, frameSessionId, FrameDescriptor.REFUSE, payloadLength))
        {
            return;
        }
        if (peer.accepted || !peer.isJoining())
        {
            reject(peer.nodeId, frameSessionId, "REFUSE from a node that already accepted this node's proof");
            return;
        }
        if (peer.proved && peer.sessionId != frameSessionId)
        {
            reject(peer.nodeId, frameSessionId, "REFUSE on a session other than the one it proved the secret on");
            return;
        }
        if (!peer.hasHelloNonce)
        {
            reject(peer.nodeId, frameSessionId, "REFUSE from a node this node has sent no PROOF");
            return;
        }
        if (FrameDescriptor.REFUSE_PROOF_MISMATCH != in.arg0())
        {
            reject(peer.nodeId, frameSessionId, "REFUSE reason=" + in.arg0() + " unknown");
            return;
        }
        if (!peer.refusedProof)
        {
            peer.refusedProof = true;
            wakeJoinWaiter();
        }
    }

    private void onAccept(final Peer peer, final int frameSessionId, final int payloadLength)
    {
        if (!expectNoPayload(peer, frameSessionId, FrameDescriptor.ACCEPT, payloadLength))
        {
            return;
        }
        if (in.arg0() != ownSessionTo(peer))
        {
            reject(peer.nodeId, frameSessionId, "ACCEPT of session " + in.arg0() + ", not this node's session " +
                ownSessionTo(peer) + " (another node with the same id?)");
            return;
        }
        if (!peer.accepted)
        {
            peer.accepted = true;
            maybeJoined(peer);
        }
    }

    private static int ownSessionTo(final Peer peer)
    {
        return peer.publication.sessionId();
    }

    private void maybeJoined(final Peer peer)
    {
        if (peer.proved && peer.accepted && Peer.JOINING == peer.state)
        {
            liveness.heard(peer);
            peer.state = Peer.JOINED;
            wakeJoinWaiter();
        }
    }

    private void onRead(final Peer peer, final int frameSessionId, final int payloadLength)
    {
        if (!expectNoPayload(peer, frameSessionId, FrameDescriptor.READ, payloadLength))
        {
            return;
        }
        servedCount.increment();

        final long correlationId = in.correlationId();
        final long offset = in.heapOffset();
        final int length = in.length();
        if (!inRange(offset, length))
        {
            respondRejection(peer, correlationId, FrameDescriptor.READ, offset, length);
        }
        else if (length <= chunkLength)
        {
            out.wrap(sendBuffer, 0).header(FrameDescriptor.RESPONSE, nodeId, peer.nodeId)
                .correlationId(correlationId).length(length);
            try
            {
                heap.getBytes(offset, sendBuffer, HEADER_LENGTH, length);
                sendOrQueue(peer, sendBuffer, 0, HEADER_LENGTH + length);
            }
            catch (final RemoteAccessException ex)
            {
                respondError(peer, correlationId, ex.getMessage());
            }
        }
        else
        {
            final Outbound outbound = newOutbound();
            outbound.kind = Outbound.READ_TRANSFER;
            outbound.correlationId = correlationId;
            outbound.heapOffset = offset;
            outbound.length = length;
            outbound.position = 0;
            peer.backlog.addLast(outbound);
        }
    }

    private void onWrite(
        final Peer peer, final int frameSessionId, final DirectBuffer buffer, final int offset, final int payloadLength)
    {
        final long correlationId = in.correlationId();
        final long heapOffset = in.heapOffset();
        final int length = in.length();
        final int chunkOffset = in.chunkOffset();
        if (length < 0 || chunkOffset < 0 || payloadLength > chunkLength ||
            (long)chunkOffset + payloadLength > length)
        {
            reject(peer.nodeId, frameSessionId, "WRITE length=" + length + " chunkOffset=" + chunkOffset +
                " payload length=" + payloadLength + " inconsistent");
            return;
        }

        if (0 == chunkOffset)
        {
            servedCount.increment();
            if (!inRange(heapOffset, length))
            {
                respondRejection(peer, correlationId, FrameDescriptor.WRITE, heapOffset, length);
                return;
            }
            if (payloadLength < length)
            {
                if (peer.writesInProgress.containsKey(correlationId))
                {
                    reject(peer.nodeId, frameSessionId, "WRITE correlationId=" + correlationId + " started twice");
                    return;
                }
                peer.writesInProgress.put(correlationId, 0);
            }
        }
        else if (peer.writesInProgress.get(correlationId) != chunkOffset)
        {
            lateCount.increment(); // the rest of a write already rejected, or that timed out at its requester
            return;
        }

        try
        {
            heap.putBytes(heapOffset + chunkOffset, buffer, offset, payloadLength);
        }
        catch (final RemoteAccessException ex)
        {
            peer.writesInProgress.remove(correlationId);
            respondError(peer, correlationId, ex.getMessage());
            return;
        }

        final int received = chunkOffset + payloadLength;
        if (received == length)
        {
            if (0 != chunkOffset)
            {
                peer.writesInProgress.remove(correlationId);
            }
            respondResult(peer, correlationId, 0);
        }
        else if (0 != chunkOffset || payloadLength < length)
        {
            peer.writesInProgress.put(correlationId, received);
        }
    }

    private void onAtomic(final Peer peer, final int frameSessionId, final int type, final int payloadLength)
    {
        if (!expectNoPayload(peer, frameSessionId, type, payloadLength))
        {
            return;
        }
        servedCount.increment();

        final long correlationId = in.correlationId();
        final long result;
        try
        {
            result = FrameDescriptor.COMPARE_AND_SWAP == type ?
                heap.compareAndSwapLong(in.heapOffset(), in.arg0(), in.arg1()) :
                heap.getAndAddLong(in.heapOffset(), in.arg0());
        }
        catch (final RemoteAccessException ex)
        {
            respondError(peer, correlationId, ex.getMessage());
            return;
        }
        respondResult(peer, correlationId, result);
    }

    private void onResponse(
        final Peer peer, final int frameSessionId, final DirectBuffer buffer, final int offset, final int payloadLength)
    {
        final long correlationId = in.correlationId();
        final PendingOperation operation = operations.find(correlationId);
        if (null == operation || !operation.tryClaim(correlationId))
        {
            lateCount.increment();
            return;
        }
        if (operation.targetId != peer.nodeId)
        {
            operation.unclaim();
            reject(peer.nodeId, frameSessionId, "RESPONSE correlationId=" + correlationId + " for an operation on node " +
                operation.targetId);
            return;
        }

        if (FrameDescriptor.STATUS_REMOTE_ACCESS_ERROR == in.status())
        {
            operation.completeRemoteError(buffer.getStringWithoutLengthUtf8(offset, payloadLength));
        }
        else if (FrameDescriptor.READ != operation.kind)
        {
            if (0 != payloadLength)
            {
                operation.unclaim();
                reject(peer.nodeId, frameSessionId, "RESPONSE to " + PendingOperation.kindName(operation.kind) +
                    " with payload length=" + payloadLength);
                return;
            }
            operation.complete(in.arg0());
        }
        else
        {
            final int chunkOffset = in.chunkOffset();
            if (in.length() != operation.length || chunkOffset != operation.received ||
                payloadLength > operation.length - operation.received)
            {
                operation.unclaim();
                reject(peer.nodeId, frameSessionId, "RESPONSE length=" + in.length() + " chunkOffset=" + chunkOffset +
                    " payload length=" + payloadLength + " does not continue read length=" + operation.length +
                    " received=" + operation.received);
                return;
            }
            operation.dst.putBytes(operation.dstOffset + chunkOffset, buffer, offset, payloadLength);
            operation.received += payloadLength;
            if (operation.received == operation.length)
            {
                operation.complete(0);
            }
            else
            {
                operation.unclaim();
            }
        }
    }

    private void onMessage(
        final Peer peer, final int frameSessionId, final DirectBuffer buffer, final int offset, final int payloadLength)
    {
        if (in.length() != payloadLength)
        {
            reject(peer.nodeId, frameSessionId, "MESSAGE length=" + in.length() + " != payload length=" +
                payloadLength);
            return;
        }
        try
        {
            messageHandler.onMessage(peer.nodeId, buffer, offset, payloadLength);
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(ex);
        }
    }

    private boolean expectNoPayload(final Peer peer, final int frameSessionId, final int type, final int payloadLength)
    {
        if (0 != payloadLength)
        {
            reject(peer.nodeId, frameSessionId, FrameDescriptor.typeName(type) + " payload length=" + payloadLength +
                " != 0");
            return false;
        }

        return true;
    }

    private boolean inRange(final long offset, final int length)
    {
        return offset >= 0 && length >= 0 && offset <= heapCapacity - length;
    }

    /**
     * Answer an out-of-range request with the heap's own message: the heap checks the range before it touches the
     * (empty) buffer, so it throws its {@link RemoteAccessException}; a heap that would not gets a message in the
     * same form.
     */
    private void respondRejection(
        final Peer peer, final long correlationId, final byte kind, final long offset, final int length)
    {
        String message = null;
        try
        {
            if (FrameDescriptor.READ == kind)
            {
                heap.getBytes(offset, EMPTY, 0, length);
            }
            else
            {
                heap.putBytes(offset, EMPTY, 0, length);
            }
        }
        catch (final RemoteAccessException ex)
        {
            message = ex.getMessage();
        }
        catch (final RuntimeException ex)
        {
            message = null;
        }
        if (null == message)
        {
            message = PendingOperation.describe(kind, offset, length) + " out of range [0, " + heapCapacity + ")";
        }
        respondError(peer, correlationId, message);
    }

    private void respondResult(final Peer peer, final long correlationId, final long result)
    {
        out.wrap(sendBuffer, 0).header(FrameDescriptor.RESPONSE, nodeId, peer.nodeId)
            .correlationId(correlationId).arg0(result);
        sendOrQueue(peer, sendBuffer, 0, HEADER_LENGTH);
    }

    private void respondError(final Peer peer, final long correlationId, final String message)
    {
        final String text = null == message ? "rejected" : message;
        out.wrap(sendBuffer, 0).header(FrameDescriptor.RESPONSE, nodeId, peer.nodeId)
            .correlationId(correlationId).status(FrameDescriptor.STATUS_REMOTE_ACCESS_ERROR);
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        final int length = Math.min(bytes.length, chunkLength);
        sendBuffer.putBytes(HEADER_LENGTH, bytes, 0, length);
        out.length(length);
        sendOrQueue(peer, sendBuffer, 0, HEADER_LENGTH + length);
    }

    private void offerOnce(final Peer peer, final int length)
    {
        if (peer.tryOffer(sendBuffer, 0, length) > 0)
        {
            liveness.sent(peer);
        }
    }

    private int progressBacklog(final Peer peer)
    {
        int workCount = 0;
        while (workCount < CHUNKS_PER_DUTY_CYCLE && !peer.backlog.isEmpty())
        {
            final Outbound outbound = peer.backlog.peekFirst();
            if (Outbound.FRAME == outbound.kind)
            {
                if (peer.tryOffer(outbound.frame, 0, outbound.frameLength) < 0)
                {
                    break;
                }
                recycle(peer.backlog.pollFirst());
            }
            else
            {
                final int length = Math.min(chunkLength, outbound.length - outbound.position);
                out.wrap(sendBuffer, 0).header(FrameDescriptor.RESPONSE, nodeId, peer.nodeId)
                    .correlationId(outbound.correlationId).length(outbound.length).chunkOffset(outbound.position);
                try
                {
                    heap.getBytes(outbound.heapOffset + outbound.position, sendBuffer, HEADER_LENGTH, length);
                }
                catch (final RemoteAccessException ex)
                {
                    recycle(peer.backlog.pollFirst());
                    respondError(peer, outbound.correlationId, ex.getMessage());
                    continue;
                }
                if (peer.tryOffer(sendBuffer, 0, HEADER_LENGTH + length) < 0)
                {
                    break;
                }
                outbound.position += length;
                if (outbound.position == outbound.length)
                {
                    recycle(peer.backlog.pollFirst());
                }
            }
            liveness.sent(peer);
            workCount++;
        }

        return workCount;
    }

    private int onTimer(final long nowNs)
    {
        if (!liveness.tryTick(nowNs, peers))
        {
            return 0;
        }

        int workCount = 0;
        for (final Peer peer : peers)
        {
            if (peer.isDead())
            {
                continue;
            }
            final int due = liveness.due(peer, nowNs);
            if (0 != (due & PeerLiveness.SEND_HELLO))
            {
                out.wrap(sendBuffer, 0).header(FrameDescriptor.HELLO, nodeId, peer.nodeId).arg0(heapCapacity)
                    .length(FrameDescriptor.NONCE_LENGTH);
                sendBuffer.putBytes(HEADER_LENGTH, peer.nonce);
                offerOnce(peer, HEADER_LENGTH + FrameDescriptor.NONCE_LENGTH);
                workCount++;
            }
            if (0 != (due & PeerLiveness.DECLARE_DEAD))
            {
                declareDead(peer, liveness.silence(peer, nowNs));
                workCount++;
            }
            else if (0 != (due & PeerLiveness.SEND_HEARTBEAT))
            {
                out.wrap(sendBuffer, 0).header(FrameDescriptor.HEARTBEAT, nodeId, peer.nodeId);
                offerOnce(peer, HEADER_LENGTH);
                workCount++;
            }
        }

        return workCount;
    }

    private int drainLostSessions()
    {
        int workCount = 0;
        Integer lost;
        while (null != (lost = lostSessions.poll()))
        {
            for (final Peer peer : peers)
            {
                if (peer.sessionId == lost && peer.nodeId != nodeId)
                {
                    declareDead(peer, "its Aeron image went unavailable (publication closed or timed out)");
                }
            }
            workCount++;
        }

        return workCount;
    }

    private void reject(final int source, final int frameSessionId, final String reason)
    {
        rejections.reject(source, frameSessionId, reason, liveness.nowNs());
    }

    private void wakeJoinWaiter()
    {
        final Thread thread = joinWaiter;
        if (null != thread)
        {
            LockSupport.unpark(thread);
        }
    }

    private Outbound newOutbound()
    {
        final Outbound outbound = outboundPool.pollFirst();
        return null != outbound ? outbound : new Outbound();
    }

    private void recycle(final Outbound outbound)
    {
        outboundPool.addLast(outbound);
    }
}
