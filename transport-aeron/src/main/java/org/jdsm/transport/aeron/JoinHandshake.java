package org.jdsm.transport.aeron;

import org.agrona.DirectBuffer;

import java.util.concurrent.TimeUnit;

import static org.jdsm.transport.aeron.AeronFrameDescriptor.HEADER_LENGTH;

/**
 * The join handshake of one node with each peer, both directions: the peer's HELLO is answered with a PROOF of its
 * nonce (and an ACCEPT once the peer has proved itself); the peer's PROOF of this node's nonce is checked with the
 * {@link Authenticator}, which makes it proved (served, bound to the Aeron session it proved on) or answers it with a
 * REFUSE; the peer's ACCEPT of this node's session, or its REFUSE of this node's proof, is recorded. A peer is joined
 * once it is proved and has accepted this node ({@link PeerLifecycle#maybeJoined}). The HELLOs themselves are sent by
 * the {@link PeerLifecycle} timers.
 * <pre>
 *   this node                     peer
 *       | HELLO(nonce N, capacity) -->|
 *       |<-- PROOF(HMAC over N), N    |   checked here: proved, or REFUSE back
 *       |<-- HELLO(nonce M, capacity) |
 *       | PROOF(HMAC over M), M    -->|
 *       | ACCEPT(peer's session)   -->|   once the peer is proved
 *       |<-- ACCEPT(this session)     |   joined: proved and accepted
 * </pre>
 * Every frame that does not fit (wrong length, another session than the one proved, a PROOF over another nonce, an
 * ACCEPT of another session, a REFUSE after an accept) is rejected and counted, never answered.
 * <p>
 * <b>Note:</b> not threadsafe; owned by the {@link Responder} and called only on the thread that holds the duty cycle,
 * after the responder's common frame checks (header, source, target).
 */
final class JoinHandshake
{
    /** Shortest time between two REFUSE frames to one peer. */
    static final long REFUSE_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private final int nodeId;
    private final long heapCapacity;
    private final Authenticator authenticator;
    private final FrameSender sender;
    private final PeerLiveness liveness;
    private final PeerLifecycle lifecycle;
    private final RejectionLog rejections;
    private final byte[] proofBytes = new byte[AeronFrameDescriptor.PROOF_LENGTH];

    /**
     * @param nodeId        of this node.
     * @param heapCapacity  of this node, bound into its proofs.
     * @param authenticator of the cluster secret.
     * @param sender        of PROOF, ACCEPT and REFUSE frames.
     * @param liveness      clock of the peers: a proved peer is heard.
     * @param lifecycle     told when a peer may have joined, or refused this node.
     * @param rejections    where frames that do not fit are counted.
     */
    JoinHandshake(
        final int nodeId,
        final long heapCapacity,
        final Authenticator authenticator,
        final FrameSender sender,
        final PeerLiveness liveness,
        final PeerLifecycle lifecycle,
        final RejectionLog rejections)
    {
        this.nodeId = nodeId;
        this.heapCapacity = heapCapacity;
        this.authenticator = authenticator;
        this.sender = sender;
        this.liveness = liveness;
        this.lifecycle = lifecycle;
        this.rejections = rejections;
    }

    /**
     * A HELLO: remember its nonce and answer it.
     *
     * @param peer           it claims to come from.
     * @param frameSessionId Aeron session it arrived on.
     * @param buffer         holding the payload.
     * @param offset         of the payload.
     * @param length         of the payload.
     */
    void onHello(
        final Peer peer, final int frameSessionId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (AeronFrameDescriptor.NONCE_LENGTH != length)
        {
            reject(peer.nodeId, frameSessionId, "HELLO payload length=" + length + " != " + AeronFrameDescriptor.NONCE_LENGTH);
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
        sender.frame(AeronFrameDescriptor.PROOF, peer).arg0(heapCapacity);
        sender.buffer().putBytes(HEADER_LENGTH, proofBytes);
        sender.buffer().putBytes(HEADER_LENGTH + AeronFrameDescriptor.PROOF_LENGTH, peer.helloNonce);
        sender.offerOnce(peer, HEADER_LENGTH + AeronFrameDescriptor.PROOF_PAYLOAD_LENGTH);

        if (peer.proved)
        {
            sender.frame(AeronFrameDescriptor.ACCEPT, peer).arg0(peer.sessionId);
            sender.offerOnce(peer, HEADER_LENGTH);
        }
    }

    /**
     * A PROOF: check it against this node's nonce and the cluster secret.
     *
     * @param peer           it claims to come from.
     * @param frameSessionId Aeron session it arrived on.
     * @param capacity       heap capacity the peer declares (arg 0).
     * @param buffer         holding the payload.
     * @param offset         of the payload.
     * @param length         of the payload.
     */
    void onProof(
        final Peer peer,
        final int frameSessionId,
        final long capacity,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (AeronFrameDescriptor.PROOF_PAYLOAD_LENGTH != length)
        {
            reject(peer.nodeId, frameSessionId, "PROOF payload length=" + length + " != " +
                AeronFrameDescriptor.PROOF_PAYLOAD_LENGTH);
            return;
        }
        if (Peer.NO_SESSION != peer.sessionId && peer.sessionId != frameSessionId)
        {
            reject(peer.nodeId, frameSessionId, "PROOF on a session other than the one it proved the secret on");
            return;
        }

        if (!sameNonce(buffer, offset + AeronFrameDescriptor.PROOF_LENGTH, peer.nonce))
        {
            // not an answer to this node's HELLO (another node with the same id, or a HELLO of an earlier run):
            // nothing to say about the secret, so no REFUSE
            reject(peer.nodeId, frameSessionId, "PROOF over a nonce other than this node's");
            return;
        }

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
            lifecycle.maybeJoined(peer);
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
     * Answer a PROOF over this node's nonce that does not match with a REFUSE, at most once per
     * {@link #REFUSE_INTERVAL_NS} per peer: the PROOF may be forged, and the REFUSE goes to the node it claims to come
     * from, so it can not be used to amplify.
     */
    private void refuse(final Peer peer)
    {
        final long nowNs = liveness.nowNs();
        if (nowNs - peer.lastRefuseSentNs < REFUSE_INTERVAL_NS && 0 != peer.lastRefuseSentNs)
        {
            return;
        }
        peer.lastRefuseSentNs = nowNs;
        sender.frame(AeronFrameDescriptor.REFUSE, peer).arg0(AeronFrameDescriptor.REFUSE_PROOF_MISMATCH);
        sender.offerOnce(peer, HEADER_LENGTH);
    }

    /**
     * A REFUSE is unauthenticated (the refusing node could not check this node's proof, so the two share no secret):
     * it is believed only while it can do no harm beyond failing this node's own start — the sender has not accepted
     * this node, this node has sent it a PROOF, and if the sender has proved itself, on its proved session.
     *
     * @param peer           it claims to come from.
     * @param frameSessionId Aeron session it arrived on.
     * @param reason         arg 0 of the frame.
     * @param payloadLength  of the frame.
     */
    void onRefuse(final Peer peer, final int frameSessionId, final long reason, final int payloadLength)
    {
        if (0 != payloadLength)
        {
            reject(peer.nodeId, frameSessionId, AeronFrameDescriptor.typeName(AeronFrameDescriptor.REFUSE) +
                " payload length=" + payloadLength + " != 0");
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
        if (AeronFrameDescriptor.REFUSE_PROOF_MISMATCH != reason)
        {
            reject(peer.nodeId, frameSessionId, "REFUSE reason=" + reason + " unknown");
            return;
        }
        if (!peer.refusedProof)
        {
            peer.refusedProof = true;
            lifecycle.wakeJoinWaiter();
        }
    }

    /**
     * An ACCEPT from a proved peer: it verified this node's proof on this node's session.
     *
     * @param peer           it comes from, proved on this session.
     * @param frameSessionId Aeron session it arrived on.
     * @param acceptedSession arg 0 of the frame: the session whose proof the peer accepted.
     * @param payloadLength  of the frame.
     */
    void onAccept(final Peer peer, final int frameSessionId, final long acceptedSession, final int payloadLength)
    {
        if (0 != payloadLength)
        {
            reject(peer.nodeId, frameSessionId, AeronFrameDescriptor.typeName(AeronFrameDescriptor.ACCEPT) +
                " payload length=" + payloadLength + " != 0");
            return;
        }
        if (acceptedSession != ownSessionTo(peer))
        {
            reject(peer.nodeId, frameSessionId, "ACCEPT of session " + acceptedSession +
                ", not this node's session " + ownSessionTo(peer) + " (another node with the same id?)");
            return;
        }
        if (!peer.accepted)
        {
            peer.accepted = true;
            lifecycle.maybeJoined(peer);
        }
    }

    /**
     * @param peer of this node.
     * @return the Aeron session of this node's publication to the peer.
     */
    static int ownSessionTo(final Peer peer)
    {
        return peer.publication.sessionId();
    }

    private void reject(final int source, final int frameSessionId, final String reason)
    {
        rejections.reject(source, frameSessionId, reason, liveness.nowNs());
    }
}
