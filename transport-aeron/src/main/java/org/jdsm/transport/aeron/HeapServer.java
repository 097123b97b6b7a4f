package org.jdsm.transport.aeron;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.jdsm.RemoteAccessException;
import org.jdsm.spi.HeapRegion;


import static org.jdsm.transport.aeron.AeronFrameDescriptor.HEADER_LENGTH;

/**
 * Serves the one-sided requests of proved peers straight from this node's {@link HeapRegion}, as the RDMA
 * transport's {@code HeapResponder} does: READ (one response frame, or a transfer queued chunk by chunk when larger
 * than a chunk; validated, {@link AeronFrameDescriptor#READ_VALIDATED}, in one frame), READ_INDIRECT (a word, and
 * the range it points to when it is not the expected one, in one frame), WRITE (applied chunk by chunk
 * as the frames arrive, in order), COMPARE_AND_SWAP and FETCH_ADD. A request outside the heap is answered with the
 * heap's own message; a frame whose lengths do not fit together is rejected and counted, and touches nothing.
 * Serving a request allocates nothing, except when the publication back to the requester is back-pressured
 * ({@link FrameSender}).
 * <p>
 * <b>Note:</b> not threadsafe; owned by the {@link Responder} and called only on the thread that holds the duty cycle,
 * after the responder has checked the frame's header and that its source proved the secret on its session. The
 * counters it is given are read by any thread.
 */
final class HeapServer
{
    private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);

    private final HeapRegion heap;
    private final long heapCapacity;
    private final int chunkLength;
    private final FrameSender sender;
    private final PeerLiveness liveness;
    private final RejectionLog rejections;
    private final AtomicCounter servedCount;
    private final AtomicCounter lateCount;

    /**
     * @param heap        of this node.
     * @param sender      of the responses.
     * @param liveness    clock of the node, for the rejection log.
     * @param rejections  where frames that do not fit are counted.
     * @param servedCount requests served, rejected by the heap or not.
     * @param lateCount   chunks of writes no longer in progress.
     */
    HeapServer(
        final HeapRegion heap,
        final FrameSender sender,
        final PeerLiveness liveness,
        final RejectionLog rejections,
        final AtomicCounter servedCount,
        final AtomicCounter lateCount)
    {
        this.heap = heap;
        this.heapCapacity = heap.capacity();
        this.chunkLength = sender.chunkLength();
        this.sender = sender;
        this.liveness = liveness;
        this.rejections = rejections;
        this.servedCount = servedCount;
        this.lateCount = lateCount;
    }

    /**
     * A READ request.
     *
     * @param peer           that sent it.
     * @param frameSessionId Aeron session it arrived on.
     * @param in             flyweight over the frame.
     * @param payloadLength  of the frame.
     */
    void onRead(final Peer peer, final int frameSessionId, final AeronFrameFlyweight in, final int payloadLength)
    {
        if (!expectNoPayload(peer, frameSessionId, AeronFrameDescriptor.READ, payloadLength))
        {
            return;
        }
        final long mode = in.arg0();
        if (0 != mode && AeronFrameDescriptor.READ_VALIDATED != mode)
        {
            reject(peer.nodeId, frameSessionId, "READ arg0=" + mode + " is neither 0 nor READ_VALIDATED");
            return;
        }
        servedCount.increment();

        final long correlationId = in.correlationId();
        final long offset = in.heapOffset();
        final int length = in.length();
        final boolean validated = AeronFrameDescriptor.READ_VALIDATED == mode;
        if (!inRange(offset, length))
        {
            respondRejection(peer, correlationId, AeronFrameDescriptor.READ, offset, length);
        }
        else if (validated && (0 != (offset & 7) || length < Long.BYTES || length > chunkLength))
        {
            sender.respondError(peer, correlationId, "readValidated offset=" + offset + " length=" + length +
                ": must be an 8-byte aligned word and more, at most " + chunkLength + " bytes in all");
        }
        else if (length <= chunkLength)
        {
            readInOneFrame(peer, correlationId, offset, length, validated);
        }
        else
        {
            sender.queueReadTransfer(peer, correlationId, offset, length);
        }
    }

    /**
     * A READ_INDIRECT request: the word at the offset, read atomically, answered as arg 0; when it is not the
     * expected one (arg 0 of the request) and points to a range of this heap ({@link HeapRegion#indirectOffset})
     * that fits one frame, the range as payload, copied between two reads of its sequence word as a validated read.
     *
     * @param peer           that sent it.
     * @param frameSessionId Aeron session it arrived on.
     * @param in             flyweight over the frame.
     * @param payloadLength  of the frame.
     */
    void onReadIndirect(
        final Peer peer, final int frameSessionId, final AeronFrameFlyweight in, final int payloadLength)
    {
        if (!expectNoPayload(peer, frameSessionId, AeronFrameDescriptor.READ_INDIRECT, payloadLength))
        {
            return;
        }
        servedCount.increment();

        final long correlationId = in.correlationId();
        final long wordOffset = in.heapOffset();
        final int length = in.length();
        if (!inRange(wordOffset, Long.BYTES))
        {
            respondRejection(peer, correlationId, AeronFrameDescriptor.READ, wordOffset, Long.BYTES);
            return;
        }
        if (0 != (wordOffset & 7) || length < Long.BYTES || length > chunkLength)
        {
            sender.respondError(peer, correlationId, "readIndirect wordOffset=" + wordOffset + " length=" + length +
                ": the word must be 8-byte aligned and the range an aligned word and more, at most " + chunkLength +
                " bytes");
            return;
        }

        try
        {
            final long word = heap.getLongVolatile(wordOffset);
            final long rangeOffset = word == in.arg0() ? -1 : heap.indirectOffset(word);
            final boolean follow = rangeOffset >= 0 && 0 == (rangeOffset & 7) && inRange(rangeOffset, length);
            final int responseLength = follow ? length : 0;
            sender.frame(AeronFrameDescriptor.RESPONSE, peer).correlationId(correlationId).length(responseLength)
                .arg0(word);
            if (follow)
            {
                heap.getBytesValidated(rangeOffset, sender.buffer(), HEADER_LENGTH, length);
            }
            sender.sendOrQueue(peer, sender.buffer(), 0, HEADER_LENGTH + responseLength);
        }
        catch (final RemoteAccessException ex)
        {
            sender.respondError(peer, correlationId, ex.getMessage());
        }
    }

    /**
     * Answer a read with one response frame; a validated one copies the range between two volatile reads of its
     * first word, a seqlock reader's ({@link HeapRegion#getBytesValidated}): the response's first word is that word
     * when both reads saw it, else 0.
     */
    private void readInOneFrame(
        final Peer peer, final long correlationId, final long offset, final int length, final boolean validated)
    {
        sender.frame(AeronFrameDescriptor.RESPONSE, peer).correlationId(correlationId).length(length);
        try
        {
            if (validated)
            {
                heap.getBytesValidated(offset, sender.buffer(), HEADER_LENGTH, length);
            }
            else
            {
                heap.getBytes(offset, sender.buffer(), HEADER_LENGTH, length);
            }
            sender.sendOrQueue(peer, sender.buffer(), 0, HEADER_LENGTH + length);
        }
        catch (final RemoteAccessException ex)
        {
            sender.respondError(peer, correlationId, ex.getMessage());
        }
    }

    /**
     * A WRITE request, or one chunk of it.
     *
     * @param peer           that sent it.
     * @param frameSessionId Aeron session it arrived on.
     * @param in             flyweight over the frame.
     * @param buffer         holding the payload.
     * @param offset         of the payload.
     * @param payloadLength  of the frame.
     */
    void onWrite(
        final Peer peer,
        final int frameSessionId,
        final AeronFrameFlyweight in,
        final DirectBuffer buffer,
        final int offset,
        final int payloadLength)
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
                respondRejection(peer, correlationId, AeronFrameDescriptor.WRITE, heapOffset, length);
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
            sender.respondError(peer, correlationId, ex.getMessage());
            return;
        }

        final int received = chunkOffset + payloadLength;
        if (received == length)
        {
            if (0 != chunkOffset)
            {
                peer.writesInProgress.remove(correlationId);
            }
            sender.respondResult(peer, correlationId, 0);
        }
        else if (0 != chunkOffset || payloadLength < length)
        {
            peer.writesInProgress.put(correlationId, received);
        }
    }

    /**
     * A COMPARE_AND_SWAP or FETCH_ADD request.
     *
     * @param peer           that sent it.
     * @param frameSessionId Aeron session it arrived on.
     * @param in             flyweight over the frame.
     * @param type           of the frame.
     * @param payloadLength  of the frame.
     */
    void onAtomic(
        final Peer peer, final int frameSessionId, final AeronFrameFlyweight in, final int type, final int payloadLength)
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
            result = AeronFrameDescriptor.COMPARE_AND_SWAP == type ?
                heap.compareAndSwapLong(in.heapOffset(), in.arg0(), in.arg1()) :
                heap.getAndAddLong(in.heapOffset(), in.arg0());
        }
        catch (final RemoteAccessException ex)
        {
            sender.respondError(peer, correlationId, ex.getMessage());
            return;
        }
        sender.respondResult(peer, correlationId, result);
    }

    private boolean expectNoPayload(final Peer peer, final int frameSessionId, final int type, final int payloadLength)
    {
        if (0 != payloadLength)
        {
            reject(peer.nodeId, frameSessionId, AeronFrameDescriptor.typeName(type) + " payload length=" + payloadLength +
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
            if (AeronFrameDescriptor.READ == kind)
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
        sender.respondError(peer, correlationId, message);
    }

    private void reject(final int source, final int frameSessionId, final String reason)
    {
        rejections.reject(source, frameSessionId, reason, liveness.nowNs());
    }
}
