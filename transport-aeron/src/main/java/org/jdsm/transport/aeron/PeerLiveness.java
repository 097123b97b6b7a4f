package org.jdsm.transport.aeron;

import org.agrona.concurrent.NanoClock;

import java.util.concurrent.TimeUnit;

/**
 * The liveness clock of one node's {@link Responder}: when each peer was last heard from and last sent to, and, on
 * each timer tick, what is due for a peer: a HELLO while it has not accepted this node's proof, a heartbeat once a
 * heartbeat interval has passed since the last frame sent to it, or its death once it has been silent for the peer
 * timeout: a peer last heard at {@code t} is declared dead at the first tick at or after {@code t + peerTimeoutNs},
 * never at a tick before it. Time comes from an injected {@link NanoClock}, so tests step it deterministically.
 * <p>
 * A tick is due every {@code tickIntervalNs}. If no tick ran for more than half the peer timeout, this node itself
 * stalled (GC, starved of CPU, SIGSTOP): if for at most the peer timeout, every peer gets the benefit of the doubt and
 * counts as heard at that tick, rather than being declared dead for a silence that was this node's. If for longer than
 * the peer timeout, its peers, whose clocks ran on, have heard nothing from it for longer than the peer timeout and
 * have declared it dead for good: it is cut off, and at that tick every joined peer is due to be declared dead with
 * the stall as the reason ({@link #silence}), so the node fails at once instead of carrying on as a zombie the
 * cluster ignores. (A stall of every node at once, e.g. a whole machine suspended, ends the cluster the same way.)
 * <p>
 * <b>Note:</b> not threadsafe; used only by the thread that holds the duty cycle (the single writer of the
 * {@link Peer}s' liveness fields).
 */
final class PeerLiveness
{
    /** Nothing due. */
    static final int NONE = 0;
    /** Send a HELLO: the peer has not accepted this node's proof yet. */
    static final int SEND_HELLO = 1;
    /** Send a heartbeat: nothing was sent to the joined peer for a heartbeat interval. */
    static final int SEND_HEARTBEAT = 2;
    /** Declare the joined peer dead: silent for the peer timeout or longer. */
    static final int DECLARE_DEAD = 4;

    private final NanoClock clock;
    private final long peerTimeoutNs;
    private final long heartbeatIntervalNs;
    private final long tickIntervalNs;
    private long lastTickNs;
    /** How long this node stalled, if longer than the peer timeout: it is cut off; else 0. */
    private long cutOffStallNs;

    /**
     * @param clock               of the node.
     * @param peerTimeoutNs       silence after which a joined peer is dead.
     * @param heartbeatIntervalNs between frames sent to a joined peer.
     * @param tickIntervalNs      between ticks.
     * @param peers               whose liveness starts now: heard now, a heartbeat due at once.
     */
    PeerLiveness(
        final NanoClock clock,
        final long peerTimeoutNs,
        final long heartbeatIntervalNs,
        final long tickIntervalNs,
        final Peer[] peers)
    {
        this.clock = clock;
        this.peerTimeoutNs = peerTimeoutNs;
        this.heartbeatIntervalNs = heartbeatIntervalNs;
        this.tickIntervalNs = tickIntervalNs;
        final long nowNs = clock.nanoTime();
        this.lastTickNs = nowNs;
        for (final Peer peer : peers)
        {
            peer.lastHeardNs = nowNs;
            peer.lastSentNs = nowNs - heartbeatIntervalNs;
        }
    }

    /**
     * @return the time now, by the node's clock.
     */
    long nowNs()
    {
        return clock.nanoTime();
    }

    /**
     * A frame from the peer was accepted: it is alive now.
     *
     * @param peer heard from.
     */
    void heard(final Peer peer)
    {
        peer.lastHeardNs = clock.nanoTime();
    }

    /**
     * A frame to the peer went out: the next heartbeat is due a heartbeat interval from now.
     *
     * @param peer sent to.
     */
    void sent(final Peer peer)
    {
        peer.lastSentNs = clock.nanoTime();
    }

    /**
     * Whether a tick is due; if so, start it (and forgive the silence of every peer if this node stalled for at most
     * the peer timeout, or find this node cut off if for longer).
     *
     * @param nowNs by the node's clock.
     * @param peers of the node.
     * @return true if a tick is due: then ask {@link #due} for each peer.
     */
    boolean tryTick(final long nowNs, final Peer[] peers)
    {
        if (nowNs - lastTickNs < tickIntervalNs)
        {
            return false;
        }
        if (nowNs - lastTickNs > peerTimeoutNs)
        {
            cutOffStallNs = nowNs - lastTickNs;
        }
        else if (nowNs - lastTickNs > peerTimeoutNs / 2)
        {
            for (final Peer peer : peers)
            {
                peer.lastHeardNs = nowNs;
            }
        }
        lastTickNs = nowNs;

        return true;
    }

    /**
     * What is due for a live peer at a tick.
     *
     * @param peer  not dead.
     * @param nowNs of the tick.
     * @return {@link #NONE}, or {@link #SEND_HELLO} combined with one of {@link #DECLARE_DEAD} or
     * {@link #SEND_HEARTBEAT}.
     */
    int due(final Peer peer, final long nowNs)
    {
        int due = peer.accepted ? NONE : SEND_HELLO;
        if (peer.isJoined())
        {
            if (0 != cutOffStallNs || nowNs - peer.lastHeardNs >= peerTimeoutNs)
            {
                due |= DECLARE_DEAD;
            }
            else if (nowNs - peer.lastSentNs >= heartbeatIntervalNs)
            {
                due |= SEND_HEARTBEAT;
            }
        }

        return due;
    }

    /**
     * @param peer  declared dead at a tick.
     * @param nowNs of the tick.
     * @return why, as its death reason.
     */
    String silence(final Peer peer, final long nowNs)
    {
        if (0 != cutOffStallNs)
        {
            return "unreachable since this node stalled for " + TimeUnit.NANOSECONDS.toMillis(cutOffStallNs) +
                " ms, longer than the peer timeout of " + TimeUnit.NANOSECONDS.toMillis(peerTimeoutNs) +
                " ms (jdsm.peer.timeout): its peers have declared it dead";
        }
        return "silent for " + TimeUnit.NANOSECONDS.toMillis(nowNs - peer.lastHeardNs) +
            " ms (no heartbeat within the peer timeout of " + TimeUnit.NANOSECONDS.toMillis(peerTimeoutNs) + " ms)";
    }
}
