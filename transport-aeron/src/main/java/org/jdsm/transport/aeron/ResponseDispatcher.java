package org.jdsm.transport.aeron;

import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;
import org.jdsm.spi.MessageHandler;


/**
 * Completes this node's own {@link PendingOperation}s from the RESPONSE frames of proved peers and delivers their
 * MESSAGE frames to the node's {@link MessageHandler}. A response is matched to its operation by correlation id and
 * claimed before it is applied, so a response that arrives after its operation timed out (or was answered) is only
 * counted as late; one from another node than the operation's target, or whose lengths do not continue the
 * operation, is rejected and counted, and the operation keeps waiting.
 * <p>
 * <b>Note:</b> not threadsafe; owned by the {@link Responder} and called only on the thread that holds the duty cycle,
 * after the responder has checked the frame's header and that its source proved the secret on its session. A handler
 * that throws is reported to the error handler.
 */
final class ResponseDispatcher
{
    private final OperationTable operations;
    private final MessageHandler messageHandler;
    private final ErrorHandler errorHandler;
    private final PeerLiveness liveness;
    private final RejectionLog rejections;
    private final AtomicCounter lateCount;

    /**
     * @param operations     of this node in flight.
     * @param messageHandler of this node's control messages.
     * @param errorHandler   for handlers that throw.
     * @param liveness       clock of the node, for the rejection log.
     * @param rejections     where frames that do not fit are counted.
     * @param lateCount      responses for operations no longer waiting.
     */
    ResponseDispatcher(
        final OperationTable operations,
        final MessageHandler messageHandler,
        final ErrorHandler errorHandler,
        final PeerLiveness liveness,
        final RejectionLog rejections,
        final AtomicCounter lateCount)
    {
        this.operations = operations;
        this.messageHandler = messageHandler;
        this.errorHandler = errorHandler;
        this.liveness = liveness;
        this.rejections = rejections;
        this.lateCount = lateCount;
    }

    /**
     * A RESPONSE: complete (or, for a chunk of a read, progress) the operation it answers.
     *
     * @param peer           that sent it.
     * @param frameSessionId Aeron session it arrived on.
     * @param in             flyweight over the frame.
     * @param buffer         holding the payload.
     * @param offset         of the payload.
     * @param payloadLength  of the frame.
     */
    void onResponse(
        final Peer peer,
        final int frameSessionId,
        final AeronFrameFlyweight in,
        final DirectBuffer buffer,
        final int offset,
        final int payloadLength)
    {
        final long correlationId = in.correlationId();
        final PendingOperation operation = operations.find(correlationId);
        if (null == operation || !operation.tryClaim(correlationId))
        {
            lateCount.increment();
            return;
        }
        if (operation.targetId != peer.nodeId)
        {
            operation.unclaim();
            reject(peer.nodeId, frameSessionId, "RESPONSE correlationId=" + correlationId + " for an operation on node " +
                operation.targetId);
            return;
        }

        if (AeronFrameDescriptor.STATUS_REMOTE_ACCESS_ERROR == in.status())
        {
            operation.completeRemoteError(buffer.getStringWithoutLengthUtf8(offset, payloadLength));
        }
        else if (AeronFrameDescriptor.READ_INDIRECT == operation.kind)
        {
            // the word as arg 0; the range, when followed, whole in this one frame
            if (in.chunkOffset() != 0 || in.length() != payloadLength ||
                (0 != payloadLength && payloadLength != operation.length))
            {
                operation.unclaim();
                reject(peer.nodeId, frameSessionId, "RESPONSE length=" + in.length() + " chunkOffset=" +
                    in.chunkOffset() + " payload length=" + payloadLength + " to readIndirect length=" +
                    operation.length + ": neither the word alone nor the whole range");
                return;
            }
            operation.dst.putLong(operation.dstOffset, in.arg0());
            if (0 != payloadLength)
            {
                operation.dst.putBytes(operation.dstOffset + Long.BYTES, buffer, offset, payloadLength);
            }
            operation.complete(0 != payloadLength ? 1 : 0);
        }
        else if (AeronFrameDescriptor.READ != operation.kind)
        {
            if (0 != payloadLength)
            {
                operation.unclaim();
                reject(peer.nodeId, frameSessionId, "RESPONSE to " + PendingOperation.kindName(operation.kind) +
                    " with payload length=" + payloadLength);
                return;
            }
            operation.complete(in.arg0());
        }
        else
        {
            final int chunkOffset = in.chunkOffset();
            if (in.length() != operation.length || chunkOffset != operation.received ||
                payloadLength > operation.length - operation.received)
            {
                operation.unclaim();
                reject(peer.nodeId, frameSessionId, "RESPONSE length=" + in.length() + " chunkOffset=" + chunkOffset +
                    " payload length=" + payloadLength + " does not continue read length=" + operation.length +
                    " received=" + operation.received);
                return;
            }
            operation.dst.putBytes(operation.dstOffset + chunkOffset, buffer, offset, payloadLength);
            operation.received += payloadLength;
            if (operation.received == operation.length)
            {
                operation.complete(0);
            }
            else
            {
                operation.unclaim();
            }
        }
    }

    /**
     * A MESSAGE: deliver it to the message handler.
     *
     * @param peer           that sent it.
     * @param frameSessionId Aeron session it arrived on.
     * @param in             flyweight over the frame.
     * @param buffer         holding the payload.
     * @param offset         of the payload.
     * @param payloadLength  of the frame.
     */
    void onMessage(
        final Peer peer,
        final int frameSessionId,
        final AeronFrameFlyweight in,
        final DirectBuffer buffer,
        final int offset,
        final int payloadLength)
    {
        if (in.length() != payloadLength)
        {
            reject(peer.nodeId, frameSessionId, "MESSAGE length=" + in.length() + " != payload length=" +
                payloadLength);
            return;
        }
        try
        {
            messageHandler.onMessage(peer.nodeId, buffer, offset, payloadLength);
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(ex);
        }
    }

    private void reject(final int source, final int frameSessionId, final String reason)
    {
        rejections.reject(source, frameSessionId, reason, liveness.nowNs());
    }
}
