package org.jdsm.transport.aeron;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.jdsm.transport.aeron.AeronFrameDescriptor.HEADER_LENGTH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The states of the join handshake ({@link JoinHandshake}) of node 0 with peer 1, through the {@link Responder}'s
 * frame checks, on a stepped clock: what is answered, what is rejected and counted, and when a peer joins.
 */
@Timeout(30)
class JoinHandshakeTest extends ResponderRigTest
{
    private static final int PEER = 1;
    private static final int PEER_SESSION = 4242;
    private static final int OTHER_SESSION = 4343;

    private ResponderRig rig;

    @BeforeEach
    void before()
    {
        rig = new ResponderRig(media, 0, 2);
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

    @Test
    void shouldJoinAPeerAfterHelloProofAndAccept()
    {
        final byte[] peerNonce = Authenticator.newNonce();
        rig.hello(PEER, PEER_SESSION, peerNonce);

        List<ResponderRig.Sent> sent = rig.sentTo(PEER);
        assertEquals(1, sent.size(), sent.toString());
        final ResponderRig.Sent proof = sent.get(0);
        assertEquals(AeronFrameDescriptor.PROOF, proof.type());
        assertEquals(ResponderRig.HEAP_CAPACITY, proof.frame.arg0());
        final byte[] expected = new byte[AeronFrameDescriptor.PROOF_LENGTH];
        new Authenticator(ResponderRig.SECRET)
            .prove(0, PEER, peerNonce, rig.ownSessionTo(PEER), ResponderRig.HEAP_CAPACITY, expected);
        final byte[] actual = new byte[AeronFrameDescriptor.PROOF_LENGTH];
        proof.buffer.getBytes(HEADER_LENGTH, actual);
        assertArrayEquals(expected, actual, "PROOF of the peer's nonce, bound to this node's session");
        assertTrue(peer().isJoining());
        assertFalse(peer().proved);

        rig.validProof(PEER, PEER_SESSION);
        assertTrue(peer().proved);
        assertEquals(PEER_SESSION, peer().sessionId);
        assertEquals(ResponderRig.HEAP_CAPACITY, peer().heapCapacity);
        assertTrue(peer().isJoining(), "proved, but it has not accepted this node yet");
        sent = rig.sentTo(PEER);
        assertEquals(2, sent.size(), sent.toString());
        assertEquals(AeronFrameDescriptor.PROOF, sent.get(0).type(), "its HELLO answered again at once");
        assertEquals(AeronFrameDescriptor.ACCEPT, sent.get(1).type());
        assertEquals(PEER_SESSION, sent.get(1).frame.arg0(), "ACCEPT names the session the peer proved on");

        rig.accept(PEER, PEER_SESSION, rig.ownSessionTo(PEER));
        assertTrue(peer().isJoined());
        assertEquals(0, rig.responder.rejectedCount());
        assertEquals(List.of(), rig.errors);
    }

    @Test
    void shouldAnswerAWrongSecretWithOneRefusePerIntervalAndCountIt()
    {
        rig.proof(PEER, PEER_SESSION, "another-secret", peer().nonce, PEER_SESSION, ResponderRig.HEAP_CAPACITY);

        assertFalse(peer().proved);
        assertEquals(1, rig.responder.rejectedCount());
        List<ResponderRig.Sent> sent = rig.sentTo(PEER);
        assertEquals(1, sent.size(), sent.toString());
        assertEquals(AeronFrameDescriptor.REFUSE, sent.get(0).type());
        assertEquals(AeronFrameDescriptor.REFUSE_PROOF_MISMATCH, sent.get(0).frame.arg0());

        rig.clock.advance(JoinHandshake.REFUSE_INTERVAL_NS - 1);
        rig.proof(PEER, PEER_SESSION, "another-secret", peer().nonce, PEER_SESSION, ResponderRig.HEAP_CAPACITY);
        assertEquals(2, rig.responder.rejectedCount());
        assertEquals(List.of(), rig.sentTo(PEER), "no second REFUSE within the interval");

        rig.clock.advance(1);
        rig.proof(PEER, PEER_SESSION, "another-secret", peer().nonce, PEER_SESSION, ResponderRig.HEAP_CAPACITY);
        assertEquals(3, rig.responder.rejectedCount());
        assertEquals(AeronFrameDescriptor.REFUSE, rig.sentTo(PEER).get(0).type(), "a REFUSE again after the interval");
        assertEquals(1, rig.errors.size(), "repeats are counted, not reported: " + rig.errors);
    }

    @Test
    void shouldReportARefuseOfThisNodesProofToTheJoinerAtOnce()
    {
        rig.hello(PEER, PEER_SESSION, Authenticator.newNonce()); // this node answers with its PROOF
        rig.responder.joinWaiter(Thread.currentThread());
        rig.frameFrom(PEER, AeronFrameDescriptor.REFUSE).arg0(AeronFrameDescriptor.REFUSE_PROOF_MISMATCH);
        rig.deliver(PEER_SESSION, HEADER_LENGTH);

        assertTrue(peer().refusedProof);
        assertEquals(0, rig.responder.rejectedCount());
        final long startNs = System.nanoTime();
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(5)); // returns at once: the REFUSE unparked the joiner
        assertTrue(System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(4), "the joiner was woken");
    }

    @Test
    void shouldRejectARefuseFromANodeThisNodeSentNoProof()
    {
        rig.frameFrom(PEER, AeronFrameDescriptor.REFUSE).arg0(AeronFrameDescriptor.REFUSE_PROOF_MISMATCH);
        rig.deliver(PEER_SESSION, HEADER_LENGTH);

        assertFalse(peer().refusedProof);
        assertEquals(1, rig.responder.rejectedCount());
        assertTrue(rig.errors.get(0).getMessage().endsWith("REFUSE from a node this node has sent no PROOF"),
            rig.errors.toString());
    }

    @Test
    void shouldRejectARefuseFromANodeThatAlreadyAcceptedThisNode()
    {
        rig.join(PEER, PEER_SESSION);
        rig.frameFrom(PEER, AeronFrameDescriptor.REFUSE).arg0(AeronFrameDescriptor.REFUSE_PROOF_MISMATCH);
        rig.deliver(PEER_SESSION, HEADER_LENGTH);

        assertFalse(peer().refusedProof);
        assertTrue(peer().isJoined());
        assertEquals(1, rig.responder.rejectedCount());
    }

    @Test
    void shouldRejectAProofOverAnotherNonceWithoutRefusing()
    {
        rig.proof(PEER, PEER_SESSION, ResponderRig.SECRET, Authenticator.newNonce(), PEER_SESSION,
            ResponderRig.HEAP_CAPACITY);

        assertFalse(peer().proved);
        assertEquals(1, rig.responder.rejectedCount());
        assertEquals(List.of(), rig.sentTo(PEER), "nothing to say about the secret: no REFUSE");
        assertTrue(rig.errors.get(0).getMessage().endsWith("PROOF over a nonce other than this node's"));
    }

    @Test
    void shouldRefuseAProofReplayedOnAnotherSession()
    {
        // a PROOF bound to the peer's session, replayed by someone else on theirs: the MAC does not match
        rig.proof(PEER, OTHER_SESSION, ResponderRig.SECRET, peer().nonce, PEER_SESSION, ResponderRig.HEAP_CAPACITY);

        assertFalse(peer().proved);
        assertEquals(1, rig.responder.rejectedCount());
        assertEquals(AeronFrameDescriptor.REFUSE, rig.sentTo(PEER).get(0).type());
    }

    @Test
    void shouldRejectAProofReplayedOnAnotherSessionAfterThePeerProvedItself()
    {
        rig.validProof(PEER, PEER_SESSION);
        rig.sentTo(PEER);
        rig.proof(PEER, OTHER_SESSION, ResponderRig.SECRET, peer().nonce, PEER_SESSION, ResponderRig.HEAP_CAPACITY);

        assertEquals(PEER_SESSION, peer().sessionId, "still bound to the session it proved on");
        assertEquals(1, rig.responder.rejectedCount());
        assertEquals(List.of(), rig.sentTo(PEER));
        assertTrue(rig.errors.get(0).getMessage()
            .endsWith("PROOF on a session other than the one it proved the secret on"));
    }

    @Test
    void shouldRejectAProofThatClaimsAnotherHeapCapacity()
    {
        rig.proof(PEER, PEER_SESSION, ResponderRig.SECRET, peer().nonce, PEER_SESSION, ResponderRig.HEAP_CAPACITY);
        assertTrue(peer().proved);

        final ResponderRig other = new ResponderRig(media, 0, 2);
        try
        {
            // proof computed over one capacity, frame claiming another: arg 0 is bound into the MAC
            final byte[] proof = new byte[AeronFrameDescriptor.PROOF_LENGTH];
            new Authenticator(ResponderRig.SECRET).prove(PEER, 0, other.peers[PEER].nonce, PEER_SESSION,
                ResponderRig.HEAP_CAPACITY, proof);
            other.frameFrom(PEER, AeronFrameDescriptor.PROOF).arg0(2L * ResponderRig.HEAP_CAPACITY);
            other.frame.putBytes(HEADER_LENGTH, proof);
            other.frame.putBytes(HEADER_LENGTH + AeronFrameDescriptor.PROOF_LENGTH, other.peers[PEER].nonce);
            other.deliver(PEER_SESSION, HEADER_LENGTH + AeronFrameDescriptor.PROOF_PAYLOAD_LENGTH);

            assertFalse(other.peers[PEER].proved);
            assertEquals(1, other.responder.rejectedCount());
        }
        finally
        {
            other.close();
        }
    }

    @Test
    void shouldAnswerADuplicateHelloAgainWithoutChangingState()
    {
        rig.join(PEER, PEER_SESSION);
        rig.hello(PEER, PEER_SESSION, Authenticator.newNonce());

        final List<ResponderRig.Sent> sent = rig.sentTo(PEER);
        assertEquals(2, sent.size(), sent.toString());
        assertEquals(AeronFrameDescriptor.PROOF, sent.get(0).type());
        assertEquals(AeronFrameDescriptor.ACCEPT, sent.get(1).type());
        assertTrue(peer().isJoined());
        assertEquals(0, rig.responder.rejectedCount());
    }

    @Test
    void shouldRejectAHelloOnAnotherSessionThanTheProvedOne()
    {
        rig.join(PEER, PEER_SESSION);
        rig.hello(PEER, OTHER_SESSION, Authenticator.newNonce());

        assertEquals(List.of(), rig.sentTo(PEER));
        assertEquals(1, rig.responder.rejectedCount());
        assertTrue(peer().isJoined());
    }

    @Test
    void shouldRejectAHelloWithANonceOfTheWrongLength()
    {
        rig.frameFrom(PEER, AeronFrameDescriptor.HELLO).arg0(ResponderRig.HEAP_CAPACITY);
        rig.deliver(PEER_SESSION, HEADER_LENGTH + AeronFrameDescriptor.NONCE_LENGTH - 1);

        assertFalse(peer().hasHelloNonce);
        assertEquals(List.of(), rig.sentTo(PEER));
        assertEquals(1, rig.responder.rejectedCount());
    }

    @Test
    void shouldRejectAnAcceptBeforeTheProof()
    {
        rig.accept(PEER, PEER_SESSION, rig.ownSessionTo(PEER));

        assertFalse(peer().accepted);
        assertEquals(1, rig.responder.rejectedCount());
        assertTrue(rig.errors.get(0).getMessage()
            .endsWith("ACCEPT from a node that has not proved the cluster secret on this session"));
    }

    @Test
    void shouldRejectAnAcceptOfAnotherSession()
    {
        rig.validProof(PEER, PEER_SESSION);
        rig.accept(PEER, PEER_SESSION, rig.ownSessionTo(PEER) + 1);

        assertFalse(peer().accepted);
        assertTrue(peer().isJoining());
        assertEquals(1, rig.responder.rejectedCount());
    }

    @Test
    void shouldRejectAFrameFromAnotherNodeClaimingThisNodesId()
    {
        rig.hello(0, OTHER_SESSION, Authenticator.newNonce());

        assertFalse(rig.peers[0].hasHelloNonce);
        assertEquals(List.of(), rig.sentTo(0));
        assertEquals(1, rig.responder.rejectedCount());
        assertTrue(rig.errors.get(0).getMessage().endsWith("a frame from another node claiming this node's id 0"));
    }
}
