package org.jdsm.transport.rdma;

import com.ibm.disni.verbs.IbvRecvWR;
import com.ibm.disni.verbs.IbvSendWR;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One RC connection to one peer and everything registered for it: the {@link OperationSlot}s of one-sided
 * operations with their staging memory, the ring of send buffers for control frames and the pre-posted receive
 * buffers. Created by the joining caller or the acceptor, then driven by callers (posting) and the poller
 * (completions, receives).
 * <p>
 * Send-queue accounting: at most {@code maxInFlight} one-sided requests (one per slot) and {@code sendBuffers}
 * unretired SENDs are outstanding, and {@code queueDepth >= sendBuffers + maxInFlight} is checked by the
 * {@link RdmaTransportContext}, so the send queue never overflows.
 * <p>
 * <b>Note:</b> threadsafe as follows. Posting is serialised by one lock per link (DiSNI's post calls are not
 * threadsafe); the send sequence {@code posted} is guarded by it. The poller is the single writer of
 * {@code retired} (volatile), of receive reposting, of the deferred frames and of the down transition.
 */
final class Link
{
    private final int index;
    private final VerbsConnection connection;
    private final WorkRequestBuilder builder;
    private final SendSignalPolicy signalPolicy;
    private final OperationSlot[] slots;
    private final UnsafeBuffer sendRing;
    private final int sendRingLkey;
    private final IbvSendWR[] sendWrs;
    private final int frameSize;
    private final UnsafeBuffer receiveBuffers;
    private final int receiveLkey;
    private final IbvRecvWR[] recvWrs;
    private final ReentrantLock postLock = new ReentrantLock();
    private final ArrayDeque<byte[]> deferredFrames = new ArrayDeque<>();

    private long posted;
    private volatile long retired;
    private volatile int peerNodeId;
    private volatile boolean isHelloSent;
    private volatile boolean isAuthenticated;
    private volatile PeerRegions regions;
    private volatile String downRequest;
    private volatile String downReason;

    Link(
        final int index,
        final int peerNodeId,
        final VerbsConnection connection,
        final WorkRequestBuilder builder,
        final int maxInFlight,
        final int stagingSize,
        final int sendBuffers,
        final int signalInterval,
        final int receiveBuffers,
        final int frameSize) throws IOException
    {
        this.index = index;
        this.peerNodeId = peerNodeId;
        this.connection = connection;
        this.builder = builder;
        this.frameSize = frameSize;
        this.signalPolicy = new SendSignalPolicy(signalInterval, sendBuffers);

        final ByteBuffer staging = BufferUtil.allocateDirectAligned(maxInFlight * stagingSize, 64);
        final MemoryRegistration stagingRegistration = connection.register(staging);
        final UnsafeBuffer stagingBuffer = new UnsafeBuffer(staging);
        this.slots = new OperationSlot[maxInFlight];
        for (int i = 0; i < maxInFlight; i++)
        {
            slots[i] = new OperationSlot(
                i, new UnsafeBuffer(stagingBuffer, i * stagingSize, stagingSize), stagingRegistration.lkey());
        }

        final ByteBuffer ring = BufferUtil.allocateDirectAligned(sendBuffers * frameSize, 64);
        this.sendRingLkey = connection.register(ring).lkey();
        this.sendRing = new UnsafeBuffer(ring);
        this.sendWrs = new IbvSendWR[sendBuffers];
        for (int i = 0; i < sendBuffers; i++)
        {
            sendWrs[i] = WorkRequestBuilder.newSendWr();
        }

        final ByteBuffer receive = BufferUtil.allocateDirectAligned(receiveBuffers * frameSize, 64);
        this.receiveLkey = connection.register(receive).lkey();
        this.receiveBuffers = new UnsafeBuffer(receive);
        this.recvWrs = new IbvRecvWR[receiveBuffers];
        for (int i = 0; i < receiveBuffers; i++)
        {
            recvWrs[i] = WorkRequestBuilder.newRecvWr();
        }
    }

    int index()
    {
        return index;
    }

    VerbsConnection connection()
    {
        return connection;
    }

    int peerNodeId()
    {
        return peerNodeId;
    }

    void peerNodeId(final int peerNodeId)
    {
        this.peerNodeId = peerNodeId;
    }

    boolean isHelloSent()
    {
        return isHelloSent;
    }

    void helloSent()
    {
        isHelloSent = true;
    }

    boolean isAuthenticated()
    {
        return isAuthenticated;
    }

    void authenticated()
    {
        isAuthenticated = true;
    }

    PeerRegions regions()
    {
        return regions;
    }

    void regions(final PeerRegions regions)
    {
        this.regions = regions;
    }

    boolean isReady()
    {
        return isAuthenticated && null != regions && null == downReason;
    }

    boolean isDown()
    {
        return null != downReason;
    }

    String downReason()
    {
        return downReason;
    }

    /**
     * Any thread: ask the poller to take the link down.
     *
     * @param reason for the message of later operations.
     */
    void requestDown(final String reason)
    {
        if (null == downRequest)
        {
            downRequest = reason;
        }
    }

    String downRequest()
    {
        return downRequest;
    }

    /**
     * Poller only: mark the link down, close the queue pair and fail every pending operation, since a closed
     * queue pair reports no more completions.
     *
     * @param reason why.
     */
    void markDown(final String reason)
    {
        if (null != downReason)
        {
            return;
        }
        downReason = reason;
        postLock.lock();
        try
        {
            connection.close();
        }
        finally
        {
            postLock.unlock();
        }
        for (final OperationSlot slot : slots)
        {
            slot.complete(VerbsCodes.WC_WR_FLUSH_ERR, 0, 0, 0, OperationSlot.FAILURE_MALFORMED,
                "connection down: " + reason);
        }
    }

    OperationSlot slot(final int index)
    {
        return index >= 0 && index < slots.length ? slots[index] : null;
    }

    int slotCount()
    {
        return slots.length;
    }

    /**
     * Claim a free slot, scanning from a start index spread by thread so callers rarely collide.
     *
     * @return the slot, or null when all are in use.
     */
    OperationSlot claimSlot()
    {
        final int count = slots.length;
        final int start = (int)(Thread.currentThread().getId() % count);
        for (int i = 0; i < count; i++)
        {
            final OperationSlot slot = slots[(start + i) % count];
            if (slot.tryClaim())
            {
                return slot;
            }
        }
        return null;
    }

    void postOneSided(final IbvSendWR wr) throws IOException
    {
        postLock.lock();
        try
        {
            connection.postSend(wr);
        }
        finally
        {
            postLock.unlock();
        }
    }

    UnsafeBuffer sendRing()
    {
        return sendRing;
    }

    /**
     * Lock the link for sending and find the next free send-ring slot. On success the caller holds the post lock
     * and must call {@link #postFrame(int)}, which releases it.
     *
     * @return offset of the free slot in {@link #sendRing()}, or -1 when the ring is full (lock not held).
     */
    int lockSendSlot()
    {
        postLock.lock();
        if (posted - retired >= sendWrs.length)
        {
            postLock.unlock();
            return -1;
        }
        return (int)(posted % sendWrs.length) * frameSize;
    }

    /**
     * Post the frame built in the slot {@link #lockSendSlot()} returned, then release the post lock.
     *
     * @param frameLength of the frame.
     * @throws IOException when the post fails.
     */
    void postFrame(final int frameLength) throws IOException
    {
        try
        {
            final long sequence = posted;
            final int slot = (int)(sequence % sendWrs.length);
            final long wrId = WorkRequestIdDescriptor.wrId(WorkRequestIdDescriptor.KIND_SEND, index, slot, sequence);
            builder.send(sendWrs[slot], wrId, sendRing.addressOffset() + (long)slot * frameSize, sendRingLkey,
                frameLength, signalPolicy.shouldSignal(sequence, retired));
            connection.postSend(sendWrs[slot]);
            posted = sequence + 1;
        }
        finally
        {
            postLock.unlock();
        }
    }

    /**
     * Poller: a signalled SEND completed, so it and every SEND before it are retired.
     *
     * @param sequenceLow low 32 bits of its sequence, from the wr_id.
     */
    void onSendCompleted(final int sequenceLow)
    {
        final long current = retired;
        long sequence = (current & ~0xFFFF_FFFFL) | (sequenceLow & 0xFFFF_FFFFL);
        if (sequence < current - 1)
        {
            sequence += 1L << 32;
        }
        if (sequence + 1 > current)
        {
            retired = sequence + 1;
        }
    }

    long retired()
    {
        return retired;
    }

    ArrayDeque<byte[]> deferredFrames()
    {
        return deferredFrames;
    }

    int frameSize()
    {
        return frameSize;
    }

    int receiveBufferCount()
    {
        return recvWrs.length;
    }

    UnsafeBuffer receiveBuffers()
    {
        return receiveBuffers;
    }

    /**
     * Post one receive buffer.
     *
     * @param bufferIndex of the buffer.
     * @throws IOException when the post fails.
     */
    void postReceive(final int bufferIndex) throws IOException
    {
        final long wrId = WorkRequestIdDescriptor.wrId(WorkRequestIdDescriptor.KIND_RECEIVE, index, bufferIndex, 0);
        builder.receive(recvWrs[bufferIndex], wrId, receiveBuffers.addressOffset() + (long)bufferIndex * frameSize,
            frameSize, receiveLkey);
        connection.postRecv(recvWrs[bufferIndex]);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "Link{index=" + index + ", peerNodeId=" + peerNodeId + ", remote=" + connection.remoteAddress() +
            ", authenticated=" + isAuthenticated + ", regions=" + (null != regions) + ", down=" + downReason + '}';
    }
}
