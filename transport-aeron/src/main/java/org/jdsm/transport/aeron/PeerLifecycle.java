package org.jdsm.transport.aeron;

import io.aeron.Image;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

import static org.jdsm.transport.aeron.AeronFrameDescriptor.HEADER_LENGTH;

/**
 * The lifecycle of one node's peers, from joining to death, as Aeron's {@code DriverConductor} runs the driver's
 * timers: on each tick of the {@link PeerLiveness} clock it sends the HELLOs and heartbeats that are due and declares
 * dead the joined peers silent for the peer timeout; it declares dead a peer whose Aeron image went unavailable or
 * that sent LEAVE; it marks a peer joined once both directions of the handshake are done, and wakes the thread waiting
 * in {@link AeronTransport#start()} whenever a peer joins, dies or refuses this node's proof.
 * <p>
 * A dead peer stays dead: its operations in flight fail at once, its backlog is dropped, and it is sent nothing more.
 * <p>
 * <b>Note:</b> not threadsafe, except {@link #onUnavailableImage} (called by the client conductor, possibly on another
 * thread, through a concurrent queue) and {@link #joinWaiter} (set by the starting thread). Owned by the
 * {@link Responder}; everything else runs on the thread that holds the duty cycle, the single writer of the peers'
 * states.
 */
final class PeerLifecycle
{
    private final int nodeId;
    private final Peer[] peers;
    private final long heapCapacity;
    private final OperationTable operations;
    private final FrameSender sender;
    private final PeerLiveness liveness;
    private final ReceivedPositions receivedPositions;
    private final ConcurrentLinkedQueue<Integer> lostSessions = new ConcurrentLinkedQueue<>();
    private volatile Thread joinWaiter;

    /**
     * @param nodeId       of this node.
     * @param peers        of the node, by node id.
     * @param heapCapacity of this node, announced in its HELLOs.
     * @param operations   of this node, failed when their target dies.
     * @param sender       of HELLOs and heartbeats.
     * @param liveness     clock of the peers.
     * @param received     how far the driver has received each peer's stream: a position that moved since the last
     *                     tick counts as hearing the peer.
     */
    PeerLifecycle(
        final int nodeId,
        final Peer[] peers,
        final long heapCapacity,
        final OperationTable operations,
        final FrameSender sender,
        final PeerLiveness liveness,
        final ReceivedPositions received)
    {
        this.nodeId = nodeId;
        this.peers = peers;
        this.heapCapacity = heapCapacity;
        this.operations = operations;
        this.sender = sender;
        this.liveness = liveness;
        this.receivedPositions = received;
    }

    /**
     * Handler for images of the node's subscription that go unavailable; called by the client conductor.
     *
     * @param image that went unavailable.
     */
    void onUnavailableImage(final Image image)
    {
        onUnavailableSession(image.sessionId());
    }

    /**
     * The Aeron session of an image that went unavailable; threadsafe.
     *
     * @param sessionId of the image.
     */
    void onUnavailableSession(final int sessionId)
    {
        lostSessions.add(sessionId);
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
        sender.dropBacklog(peer);
        peer.writesInProgress.clear();
        wakeJoinWaiter();
    }

    /**
     * Mark a joining peer joined once it has proved the secret to this node and accepted this node's proof.
     *
     * @param peer whose handshake moved on.
     */
    void maybeJoined(final Peer peer)
    {
        if (peer.proved && peer.accepted && Peer.JOINING == peer.state)
        {
            liveness.heard(peer);
            peer.state = Peer.JOINED;
            wakeJoinWaiter();
        }
    }

    /**
     * Wake the thread waiting in {@link AeronTransport#start()}, if any.
     */
    void wakeJoinWaiter()
    {
        final Thread thread = joinWaiter;
        if (null != thread)
        {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Declare dead every peer whose image went unavailable since the last call.
     *
     * @return sessions handled.
     */
    int drainLostSessions()
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

    /**
     * A peer whose frames reach this node's driver is alive even when the node can not poll them yet: a frame lost on
     * the way holds back the rest of the stream, its heartbeats included, until the driver has it again (Aeron's NAK
     * and retransmit), which on a loaded machine took longer than the peer timeout. So the driver's high-water mark of
     * the peer's stream moving since the last tick counts as hearing the peer.
     *
     * @param peer joined.
     */
    private void hearStreamProgress(final Peer peer)
    {
        final long position = receivedPositions.receivedPosition(peer);
        if (ReceivedPositions.NONE == position)
        {
            return;
        }
        if (position > peer.receivedPosition && ReceivedPositions.NONE != peer.receivedPosition)
        {
            liveness.heard(peer);
        }
        peer.receivedPosition = position;
    }

    /**
     * Run the timers if a tick is due: HELLOs to peers that have not accepted this node, heartbeats, deaths.
     *
     * @param nowNs by the node's clock.
     * @return work done.
     */
    int onTimer(final long nowNs)
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
            if (peer.isJoined())
            {
                hearStreamProgress(peer);
            }
            final int due = liveness.due(peer, nowNs);
            if (0 != (due & PeerLiveness.SEND_HELLO))
            {
                sender.frame(AeronFrameDescriptor.HELLO, peer).arg0(heapCapacity).length(AeronFrameDescriptor.NONCE_LENGTH);
                sender.buffer().putBytes(HEADER_LENGTH, peer.nonce);
                sender.offerOnce(peer, HEADER_LENGTH + AeronFrameDescriptor.NONCE_LENGTH);
                workCount++;
            }
            if (0 != (due & PeerLiveness.DECLARE_DEAD))
            {
                declareDead(peer, liveness.silence(peer, nowNs));
                workCount++;
            }
            else if (0 != (due & PeerLiveness.SEND_HEARTBEAT))
            {
                sender.frame(AeronFrameDescriptor.HEARTBEAT, peer);
                sender.offerOnce(peer, HEADER_LENGTH);
                workCount++;
            }
        }

        return workCount;
    }
}
