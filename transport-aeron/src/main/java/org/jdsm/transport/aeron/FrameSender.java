package org.jdsm.transport.aeron;

import io.aeron.Publication;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.RemoteAccessException;
import org.jdsm.spi.HeapRegion;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

import static org.jdsm.transport.aeron.AeronFrameDescriptor.HEADER_LENGTH;

/**
 * The sending side of one node's {@link Responder}, as Aeron's {@code Sender} is the driver's: it encodes the
 * frames the duty-cycle thread sends (responses, handshake frames, heartbeats, control messages from inside a
 * {@link org.jdsm.spi.MessageHandler}) into one reused send buffer and offers them to the peer's publication without
 * ever blocking. A frame the publication does not take at once is copied into a pooled {@link Outbound} in the peer's
 * backlog, and a read larger than a chunk is queued as a transfer whose chunks are read from the heap as the
 * publication takes them; {@link #progressBacklogs()} sends what waits, at most {@link #CHUNKS_PER_DUTY_CYCLE} frames
 * per peer per duty cycle. Handshake frames and heartbeats are offered once ({@link #offerOnce}), never queued: the
 * timers send them again.
 * <p>
 * <b>Note:</b> not threadsafe; owned by the {@link Responder} and used only by the thread that holds the duty cycle
 * (the single writer of the peers' backlogs and of the send buffer).
 */
final class FrameSender
{
    /** Most frames sent from one peer's backlog per duty cycle. */
    static final int CHUNKS_PER_DUTY_CYCLE = 8;

    private final int nodeId;
    private final Peer[] peers;
    private final HeapRegion heap;
    private final ErrorHandler errorHandler;
    private final PeerLiveness liveness;
    private final int chunkLength;
    private final AeronFrameFlyweight out = new AeronFrameFlyweight();
    private final UnsafeBuffer sendBuffer;
    private final ArrayDeque<Outbound> outboundPool = new ArrayDeque<>();

    /**
     * @param nodeId       of this node, the source of every frame.
     * @param peers        of the node, by node id.
     * @param heap         read for large read transfers.
     * @param errorHandler for publications that can no longer take frames.
     * @param liveness     told of every frame sent, which puts off the next heartbeat.
     * @param chunkLength  largest payload of one frame.
     */
    FrameSender(
        final int nodeId,
        final Peer[] peers,
        final HeapRegion heap,
        final ErrorHandler errorHandler,
        final PeerLiveness liveness,
        final int chunkLength)
    {
        this.nodeId = nodeId;
        this.peers = peers;
        this.heap = heap;
        this.errorHandler = errorHandler;
        this.liveness = liveness;
        this.chunkLength = chunkLength;
        this.sendBuffer = new UnsafeBuffer(new byte[HEADER_LENGTH + chunkLength]);
    }

    /**
     * Start a frame to a peer in the send buffer: its header, every other field zero.
     *
     * @param type of the frame.
     * @param peer it goes to.
     * @return the flyweight over the frame, to set the other fields.
     */
    AeronFrameFlyweight frame(final byte type, final Peer peer)
    {
        return out.wrap(sendBuffer, 0).header(type, nodeId, peer.nodeId);
    }

    /**
     * @return the send buffer, whose payload starts at {@link AeronFrameDescriptor#HEADER_LENGTH}.
     */
    UnsafeBuffer buffer()
    {
        return sendBuffer;
    }

    /**
     * @return largest payload of one frame.
     */
    int chunkLength()
    {
        return chunkLength;
    }

    /**
     * Offer the frame in the send buffer once, dropping it if the publication does not take it.
     *
     * @param peer   to send to.
     * @param length of the frame.
     */
    void offerOnce(final Peer peer, final int length)
    {
        if (peer.tryOffer(sendBuffer, 0, length) > 0)
        {
            liveness.sent(peer);
        }
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
     * Send the {@code MESSAGE} frame of a control message from the duty-cycle thread, e.g. from inside a handler;
     * to a peer still joining it waits in the backlog until the peer has joined (see {@link #progressBacklogs()}).
     *
     * @param peer   to send to.
     * @param buffer holding the message.
     * @param offset of the message.
     * @param length of the message.
     */
    void sendMessage(final Peer peer, final DirectBuffer buffer, final int offset, final int length)
    {
        out.wrap(sendBuffer, 0).header(AeronFrameDescriptor.MESSAGE, nodeId, peer.nodeId).length(length);
        if (peer.isDead())
        {
            return;
        }
        if (peer.backlog.isEmpty() && !peer.isJoining())
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
     * Answer a request with its result.
     *
     * @param peer          that sent the request.
     * @param correlationId of the request.
     * @param result        arg 0 of the response.
     */
    void respondResult(final Peer peer, final long correlationId, final long result)
    {
        out.wrap(sendBuffer, 0).header(AeronFrameDescriptor.RESPONSE, nodeId, peer.nodeId)
            .correlationId(correlationId).arg0(result);
        sendOrQueue(peer, sendBuffer, 0, HEADER_LENGTH);
    }

    /**
     * Answer a request with a {@link AeronFrameDescriptor#STATUS_REMOTE_ACCESS_ERROR} and its message, cut at a chunk.
     *
     * @param peer          that sent the request.
     * @param correlationId of the request.
     * @param message       why it was rejected, or null.
     */
    void respondError(final Peer peer, final long correlationId, final String message)
    {
        final String text = null == message ? "rejected" : message;
        out.wrap(sendBuffer, 0).header(AeronFrameDescriptor.RESPONSE, nodeId, peer.nodeId)
            .correlationId(correlationId).status(AeronFrameDescriptor.STATUS_REMOTE_ACCESS_ERROR);
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        final int length = Math.min(bytes.length, chunkLength);
        sendBuffer.putBytes(HEADER_LENGTH, bytes, 0, length);
        out.length(length);
        sendOrQueue(peer, sendBuffer, 0, HEADER_LENGTH + length);
    }

    /**
     * Queue the response to a read larger than a chunk: its chunks are read from the heap as they are sent.
     *
     * @param peer          that sent the read.
     * @param correlationId of the read.
     * @param heapOffset    of the bytes, checked in range.
     * @param length        of the read.
     */
    void queueReadTransfer(final Peer peer, final long correlationId, final long heapOffset, final int length)
    {
        final Outbound outbound = newOutbound();
        outbound.kind = Outbound.READ_TRANSFER;
        outbound.correlationId = correlationId;
        outbound.heapOffset = heapOffset;
        outbound.length = length;
        outbound.position = 0;
        peer.backlog.addLast(outbound);
    }

    /**
     * Send what waits in every peer's backlog, as far as the publications take it.
     *
     * @return frames sent.
     */
    int progressBacklogs()
    {
        int workCount = 0;
        for (final Peer peer : peers)
        {
            // a peer still joining has not proved this node yet: what waits for it (a message a handler sent before
            // this node's start() returned) would be rejected ahead of this node's PROOF, so it waits for the join
            if (!peer.backlog.isEmpty() && !peer.isJoining())
            {
                workCount += progressBacklog(peer);
            }
        }

        return workCount;
    }

    /**
     * Drop everything waiting to be sent to a peer that died, back to the pool.
     *
     * @param peer declared dead.
     */
    void dropBacklog(final Peer peer)
    {
        while (!peer.backlog.isEmpty())
        {
            outboundPool.addLast(peer.backlog.pollFirst());
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
                out.wrap(sendBuffer, 0).header(AeronFrameDescriptor.RESPONSE, nodeId, peer.nodeId)
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
