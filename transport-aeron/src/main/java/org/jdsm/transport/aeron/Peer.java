package org.jdsm.transport.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;

import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a node knows of one member of its cluster (itself included): the publication to it, the state of the join
 * handshake in both directions, liveness, and the responses waiting to be sent to it.
 * <p>
 * <b>Note:</b> the duty-cycle thread is the single writer of every field; {@link #state} and {@link #accepted} are
 * volatile so callers may read them, and {@link #publication} is set before the peer is shared. The publication is an
 * {@link ExclusivePublication} (its own Aeron session even when nodes share a driver), which is not threadsafe, so
 * every offer holds {@link #lock}: application threads wait for it ({@link #offer}), the duty-cycle thread only tries
 * ({@link #tryOffer}) and treats a contended lock as back-pressure.
 */
final class Peer
{
    /** Not yet joined. */
    static final int JOINING = 0;
    /** Joined: it proved the secret to this node and accepted this node's proof. */
    static final int JOINED = 1;
    /** Crashed, left, or silent for longer than the peer timeout; never revived. */
    static final int DEAD = 2;

    /** No Aeron session bound yet. */
    static final int NO_SESSION = Integer.MIN_VALUE;

    final int nodeId;
    final byte[] nonce;
    /** Nonce of the last HELLO it sent this node, answered again with an ACCEPT once its own proof checks. */
    final byte[] helloNonce = new byte[AeronFrameDescriptor.NONCE_LENGTH];
    /** Whether {@link #helloNonce} holds a nonce it sent. */
    boolean hasHelloNonce;
    final ArrayDeque<Outbound> backlog = new ArrayDeque<>();
    final Long2LongHashMap writesInProgress = new Long2LongHashMap(Long.MIN_VALUE);
    final ReentrantLock lock = new ReentrantLock();
    ExclusivePublication publication;

    /** Aeron session it proved the secret on: frames claiming this node from any other session are rejected. */
    int sessionId = NO_SESSION;
    /** It proved the secret: this node serves it. */
    boolean proved;
    /** It verified this node's proof: it serves this node. */
    volatile boolean accepted;
    volatile int state = JOINING;
    volatile String deathReason;
    volatile boolean refusedProof;
    long lastRefuseSentNs;
    long heapCapacity = -1;
    long lastHeardNs;
    long lastSentNs;
    /** Position its stream had reached this node's driver at the last timer tick, or {@link ReceivedPositions#NONE}. */
    long receivedPosition = ReceivedPositions.NONE;
    /** Image whose receiver high-water mark counter {@link #hwmCounterId} is ({@link ImageHighWaterMarks}). */
    long hwmImageId = Long.MIN_VALUE;
    /** Counter of the receiver high-water mark of its image, or {@code NULL_COUNTER_ID}. */
    int hwmCounterId = -1;

    Peer(final int nodeId, final byte[] nonce)
    {
        this.nodeId = nodeId;
        this.nonce = nonce;
    }

    long offer(
        final DirectBuffer bufferOne,
        final int offsetOne,
        final int lengthOne,
        final DirectBuffer bufferTwo,
        final int offsetTwo,
        final int lengthTwo)
    {
        lock.lock();
        try
        {
            return AeronRuntime.offered(null == bufferTwo ?
                publication.offer(bufferOne, offsetOne, lengthOne) :
                publication.offer(bufferOne, offsetOne, lengthOne, bufferTwo, offsetTwo, lengthTwo));
        }
        finally
        {
            lock.unlock();
        }
    }

    long tryOffer(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!lock.tryLock())
        {
            return Publication.BACK_PRESSURED;
        }
        try
        {
            return AeronRuntime.offered(publication.offer(buffer, offset, length));
        }
        finally
        {
            lock.unlock();
        }
    }

    long tryOffer(
        final DirectBuffer bufferOne,
        final int offsetOne,
        final int lengthOne,
        final DirectBuffer bufferTwo,
        final int offsetTwo,
        final int lengthTwo)
    {
        if (!lock.tryLock())
        {
            return Publication.BACK_PRESSURED;
        }
        try
        {
            return AeronRuntime.offered(
                publication.offer(bufferOne, offsetOne, lengthOne, bufferTwo, offsetTwo, lengthTwo));
        }
        finally
        {
            lock.unlock();
        }
    }

    boolean isJoined()
    {
        return JOINED == state;
    }

    boolean isJoining()
    {
        return JOINING == state;
    }

    boolean isDead()
    {
        return DEAD == state;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "Peer{nodeId=" + nodeId + ", state=" + state + ", proved=" + proved + ", accepted=" + accepted +
            ", sessionId=" + sessionId + ", heapCapacity=" + heapCapacity + '}';
    }
}
