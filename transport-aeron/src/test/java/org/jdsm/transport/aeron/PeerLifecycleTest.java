package org.jdsm.transport.aeron;

import org.jdsm.NodeUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.jdsm.transport.aeron.AeronFrameDescriptor.HEADER_LENGTH;
import static org.jdsm.transport.aeron.ResponderRig.PEER_TIMEOUT_NS;
import static org.jdsm.transport.aeron.ResponderRig.START_NS;
import static org.jdsm.transport.aeron.ResponderRig.TICK_NS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Liveness of node 0's joined peer 1 through whole duty cycles of the {@link Responder} on a stepped clock
 * ({@link PeerLifecycle} on the {@link PeerLiveness} rules): death exactly at the peer timeout, a stall of this node
 * longer than the peer timeout, lost images and LEAVE.
 */
@Timeout(30)
class PeerLifecycleTest extends ResponderRigTest
{
    private static final int PEER = 1;
    private static final int PEER_SESSION = 4242;

    private ResponderRig rig;

    @BeforeEach
    void before()
    {
        rig = new ResponderRig(media, 0, 2);
        rig.join(PEER, PEER_SESSION); // at START_NS: the peer is heard then
    }

    @AfterEach
    void after()
    {
        rig.close();
    }

    private Peer peer()
    {
        return rig.peers[PEER];
    }

    private void heartbeatFromPeer()
    {
        rig.frameFrom(PEER, AeronFrameDescriptor.HEARTBEAT);
        rig.deliver(PEER_SESSION, HEADER_LENGTH);
    }

    /**
     * Run a duty cycle at every tick after the current time up to and including {@code untilNs}.
     *
     * @return the time of the first cycle after which the peer was dead, or -1.
     */
    private long tickUntil(final long untilNs)
    {
        return tickUntil(rig.clock.nanoTime(), untilNs);
    }

    private long tickUntil(final long fromNs, final long untilNs)
    {
        long nowNs = fromNs;
        while (nowNs + TICK_NS <= untilNs)
        {
            nowNs += TICK_NS;
            rig.doWorkAt(nowNs);
            if (peer().isDead())
            {
                return nowNs;
            }
        }
        return -1;
    }

    @Test
    void shouldDeclareASilentPeerDeadExactlyAtThePeerTimeout()
    {
        final PendingOperation operation = rig.operations.acquire();
        final long correlationId = rig.operations.nextCorrelationId(operation);
        operation.begin(correlationId, AeronFrameDescriptor.FETCH_ADD, PEER, 0, 8, null, 0);

        assertEquals(START_NS + PEER_TIMEOUT_NS, tickUntil(START_NS + 2 * PEER_TIMEOUT_NS),
            "heard at START_NS, a tick at START_NS + peer timeout");
        assertEquals("silent for 1000 ms (no heartbeat within the peer timeout of 1000 ms)", peer().deathReason);
        assertTrue(operation.isCompleted(), "its operation in flight fails at once");
        final NodeUnavailableException ex = assertThrows(NodeUnavailableException.class, operation::throwIfFailed);
        assertTrue(ex.getMessage().endsWith("failed: silent for 1000 ms (no heartbeat within the peer timeout of " +
            "1000 ms)"), ex.getMessage());
    }

    @Test
    void shouldKeepAPeerAliveWhileItsStreamReachesTheDriverBehindALostFrame()
    {
        // a frame of the peer's stream was lost on the way: nothing more reaches the responder until the driver has
        // it again, but the peer's later frames (its heartbeats) keep arriving at the driver, moving its high-water mark
        rig.received[PEER] = 4096;
        final long lastMoveNs = START_NS + 3 * PEER_TIMEOUT_NS;
        long deadAtNs = -1;
        for (long nowNs = START_NS + TICK_NS; nowNs <= START_NS + 6 * PEER_TIMEOUT_NS && deadAtNs < 0; nowNs += TICK_NS)
        {
            if (nowNs <= lastMoveNs && 0 == (nowNs - START_NS) % (5 * TICK_NS))
            {
                rig.received[PEER] += 64; // a heartbeat every 100 ms
            }
            rig.doWorkAt(nowNs);
            if (peer().isDead())
            {
                deadAtNs = nowNs;
            }
        }

        assertEquals(lastMoveNs + PEER_TIMEOUT_NS, deadAtNs,
            "alive while its stream moves, dead one peer timeout after it last moved");
        assertEquals("silent for 1000 ms (no heartbeat within the peer timeout of 1000 ms)", peer().deathReason);
    }

    @Test
    void shouldNotCountAStreamThatStandsStillAsHearingThePeer()
    {
        rig.received[PEER] = 4096; // received up to here before the peer fell silent: nothing new arrives

        assertEquals(START_NS + PEER_TIMEOUT_NS, tickUntil(START_NS + 2 * PEER_TIMEOUT_NS));
    }

    @Test
    void shouldKeepAPeerAliveAtATickOneNanosecondBeforeThePeerTimeout()
    {
        rig.clock.update(START_NS + 1);
        heartbeatFromPeer(); // heard at START_NS + 1: the tick at START_NS + timeout is 1 ns early

        assertEquals(START_NS + PEER_TIMEOUT_NS + TICK_NS, tickUntil(START_NS, START_NS + 2 * PEER_TIMEOUT_NS));
        assertEquals("silent for 1019 ms (no heartbeat within the peer timeout of 1000 ms)", peer().deathReason);
    }

    @Test
    void shouldKeepAPeerAliveWhileItsHeartbeatsArrive()
    {
        for (long nowNs = START_NS + TICK_NS; nowNs < START_NS + 5 * PEER_TIMEOUT_NS; nowNs += TICK_NS)
        {
            rig.doWorkAt(nowNs);
            if (0 == (nowNs - START_NS) % (5 * TICK_NS))
            {
                heartbeatFromPeer();
            }
        }

        assertTrue(peer().isJoined());
        final List<ResponderRig.Sent> sent = rig.sentTo(PEER);
        assertEquals(49, sent.size(), "a heartbeat to the peer every 100 ms over 4.98 s: " + sent.size());
        assertEquals(AeronFrameDescriptor.HEARTBEAT, sent.get(0).type());
    }

    @Test
    void shouldNotDeclarePeersDeadAtTheFirstCheckAfterAStallOfThisNodeLongerThanHalfThePeerTimeout()
    {
        tickUntil(START_NS + 400_000_000L); // the peer silent for 400 ms
        rig.sentTo(PEER);
        final long stallEndNs = START_NS + 400_000_000L + PEER_TIMEOUT_NS * 9 / 10; // e.g. a 900 ms GC pause
        rig.doWorkAt(stallEndNs);

        assertTrue(peer().isJoined(), "the silence was this node's");
        assertEquals(stallEndNs, peer().lastHeardNs, "counted as heard at the first tick after the stall");
        final List<ResponderRig.Sent> sent = rig.sentTo(PEER);
        assertEquals(1, sent.size(), sent.toString());
        assertEquals(AeronFrameDescriptor.HEARTBEAT, sent.get(0).type(), "a heartbeat at once, so the peer hears it");

        assertEquals(stallEndNs + PEER_TIMEOUT_NS, tickUntil(stallEndNs + 2 * PEER_TIMEOUT_NS),
            "a peer that stays silent is dead one full peer timeout after the stall");
    }

    @Test
    void shouldKeepAPeerThatAnswersAfterAStallOfThisNode()
    {
        final long stallEndNs = START_NS + PEER_TIMEOUT_NS * 9 / 10;
        rig.doWorkAt(stallEndNs);
        rig.clock.update(stallEndNs + PEER_TIMEOUT_NS - TICK_NS);
        heartbeatFromPeer();

        assertEquals(-1, tickUntil(stallEndNs + PEER_TIMEOUT_NS + PEER_TIMEOUT_NS / 2));
        assertTrue(peer().isJoined());
    }

    @Test
    void shouldFindThisNodeCutOffAtTheFirstCheckAfterAStallLongerThanThePeerTimeout()
    {
        final long stallEndNs = START_NS + 3 * PEER_TIMEOUT_NS; // e.g. a 3 s GC pause: the peer has declared us dead
        rig.doWorkAt(stallEndNs);

        assertTrue(peer().isDead(), "its peers, whose clocks ran on, have declared this node dead");
    }

    @Test
    void shouldNotForgiveAStallOfAtMostHalfThePeerTimeout()
    {
        tickUntil(START_NS + 600_000_000L); // silent for 600 ms
        final long afterStallNs = START_NS + 600_000_000L + PEER_TIMEOUT_NS / 2; // a 500 ms pause: not a stall
        rig.doWorkAt(afterStallNs);

        assertTrue(peer().isDead(), "silent for 1100 ms, of which 500 ms were this node's");
    }

    @Test
    void shouldDeclareAPeerDeadWhenItsImageGoesUnavailable()
    {
        rig.responder.lifecycle().onUnavailableSession(PEER_SESSION + 1);
        rig.doWorkAt(START_NS + 1);
        assertTrue(peer().isJoined(), "another session");

        rig.responder.lifecycle().onUnavailableSession(PEER_SESSION);
        rig.doWorkAt(START_NS + 2);
        assertTrue(peer().isDead());
        assertEquals("its Aeron image went unavailable (publication closed or timed out)", peer().deathReason);
    }

    @Test
    void shouldCountFramesFromAPeerThatLeftAsLateAndServeNothing()
    {
        rig.frameFrom(PEER, AeronFrameDescriptor.LEAVE);
        rig.deliver(PEER_SESSION, HEADER_LENGTH);
        assertTrue(peer().isDead());
        assertEquals("left the cluster", peer().deathReason);

        rig.frameFrom(PEER, AeronFrameDescriptor.WRITE).correlationId(7).heapOffset(0).length(4);
        rig.frame.putInt(HEADER_LENGTH, 0x01020304);
        rig.deliver(PEER_SESSION, HEADER_LENGTH + 4);
        heartbeatFromPeer();

        assertEquals(2, rig.responder.lateCount());
        assertEquals(0, rig.responder.rejectedCount());
        assertEquals(0, rig.responder.servedCount());
        assertEquals(0, rig.heap.buffer().getInt(0));
        rig.doWorkAt(START_NS + PEER_TIMEOUT_NS);
        assertEquals(List.of(), rig.sentTo(PEER), "nothing sent to a dead peer");
        assertFalse(peer().isJoined());
    }
}
