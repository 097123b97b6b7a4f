package org.jdsm.transport.aeron;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PeerLiveness} on a stepped clock: when a peer is greeted, heartbeated and declared dead, to the nanosecond.
 */
class PeerLivenessTest
{
    private static final long TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(1000);
    private static final long HEARTBEAT_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long TICK_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long START_NS = 123_456_789L;

    private long nowNs = START_NS;
    private final Peer self = new Peer(0, new byte[16]);
    private final Peer peer = new Peer(1, new byte[16]);
    private final Peer[] peers = { self, peer };
    private final PeerLiveness liveness = new PeerLiveness(() -> nowNs, TIMEOUT_NS, HEARTBEAT_NS, TICK_NS, peers);

    private void join(final Peer joined)
    {
        joined.accepted = true;
        joined.state = Peer.JOINED;
    }

    @Test
    void shouldDeclareAJoinedPeerDeadAtTheFirstTickWhenSilenceReachesThePeerTimeout()
    {
        join(peer);
        liveness.heard(peer);
        final long heardNs = nowNs;
        long deadAtNs = -1;
        while (deadAtNs < 0 && nowNs - heardNs < 2 * TIMEOUT_NS)
        {
            nowNs += TICK_NS;
            if (liveness.tryTick(nowNs, peers) && 0 != (liveness.due(peer, nowNs) & PeerLiveness.DECLARE_DEAD))
            {
                deadAtNs = nowNs;
            }
        }

        assertEquals(heardNs + TIMEOUT_NS, deadAtNs, "silence of exactly the timeout is death");
        assertEquals("silent for 1000 ms (no heartbeat within the peer timeout of 1000 ms)",
            liveness.silence(peer, deadAtNs));
    }

    @Test
    void shouldKeepAPeerAliveUntilOneNanosecondBeforeThePeerTimeout()
    {
        join(peer);
        final PeerLiveness stepped = new PeerLiveness(() -> nowNs, TIMEOUT_NS, HEARTBEAT_NS, 1, peers);
        final long heardNs = nowNs;
        nowNs = heardNs + TIMEOUT_NS / 2;
        assertTrue(stepped.tryTick(nowNs, peers));
        assertEquals(0, stepped.due(peer, nowNs) & PeerLiveness.DECLARE_DEAD);
        nowNs = heardNs + TIMEOUT_NS - 1;
        assertTrue(stepped.tryTick(nowNs, peers));
        assertEquals(0, stepped.due(peer, nowNs) & PeerLiveness.DECLARE_DEAD, "silent for 1 ns less than the timeout");
        nowNs = heardNs + TIMEOUT_NS;
        assertTrue(stepped.tryTick(nowNs, peers));
        assertEquals(PeerLiveness.DECLARE_DEAD, stepped.due(peer, nowNs) & PeerLiveness.DECLARE_DEAD,
            "silent for exactly the timeout");
    }

    @Test
    void shouldForgiveSilenceWhenThisNodeStalledForMoreThanHalfButAtMostThePeerTimeout()
    {
        join(peer);
        liveness.heard(peer);
        final long heardNs = nowNs;
        nowNs = heardNs + TIMEOUT_NS; // no tick for the whole timeout: this node stalled, its peers still wait
        assertTrue(liveness.tryTick(nowNs, peers));
        assertEquals(0, liveness.due(peer, nowNs) & PeerLiveness.DECLARE_DEAD);
        assertEquals(nowNs, peer.lastHeardNs);
        nowNs += TIMEOUT_NS - 1; // heard at the stall's end: silent for 1 ns less than the timeout since, still alive
        assertTrue(liveness.tryTick(nowNs, peers));
        assertEquals(0, liveness.due(peer, nowNs) & PeerLiveness.DECLARE_DEAD);
    }

    @Test
    void shouldFindThisNodeCutOffWhenItStalledForLongerThanThePeerTimeoutEvenIfAFrameArrivedFirst()
    {
        join(peer);
        final long stalledAtNs = nowNs;
        // its peers' clocks ran on: they have declared this node dead
        nowNs = stalledAtNs + TIMEOUT_NS + TimeUnit.MILLISECONDS.toNanos(1);
        liveness.heard(peer); // a frame the peer sent before, polled before the first tick after the stall
        assertTrue(liveness.tryTick(nowNs, peers));
        assertEquals(PeerLiveness.DECLARE_DEAD, liveness.due(peer, nowNs) & PeerLiveness.DECLARE_DEAD);
        assertEquals("unreachable since this node stalled for 1001 ms, longer than the peer timeout of 1000 ms " +
            "(jdsm.peer.timeout): its peers have declared it dead", liveness.silence(peer, nowNs));
        nowNs += TICK_NS;
        assertTrue(liveness.tryTick(nowNs, peers));
        assertEquals(PeerLiveness.DECLARE_DEAD, liveness.due(peer, nowNs) & PeerLiveness.DECLARE_DEAD,
            "cut off for good");
    }

    @Test
    void shouldTickOncePerTickInterval()
    {
        nowNs += TICK_NS - 1;
        assertFalse(liveness.tryTick(nowNs, peers));
        nowNs += 1;
        assertTrue(liveness.tryTick(nowNs, peers));
        assertFalse(liveness.tryTick(nowNs, peers));
    }

    @Test
    void shouldGreetUntilAcceptedAndHeartbeatAJoinedPeerEveryHeartbeatInterval()
    {
        nowNs += TICK_NS;
        assertTrue(liveness.tryTick(nowNs, peers));
        assertEquals(PeerLiveness.SEND_HELLO, liveness.due(peer, nowNs), "not accepted, not joined");

        join(peer);
        assertEquals(PeerLiveness.SEND_HEARTBEAT, liveness.due(peer, nowNs), "nothing sent yet");
        liveness.sent(peer);
        nowNs += HEARTBEAT_NS - 1;
        assertEquals(PeerLiveness.NONE, liveness.due(peer, nowNs));
        nowNs += 1;
        assertEquals(PeerLiveness.SEND_HEARTBEAT, liveness.due(peer, nowNs));

        peer.accepted = false;
        assertEquals(PeerLiveness.SEND_HELLO | PeerLiveness.SEND_HEARTBEAT, liveness.due(peer, nowNs));
    }
}
