package org.jdsm.transport.rdma;

import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.jdsm.DsmException;

import java.util.function.IntFunction;

import static org.jdsm.transport.rdma.WorkRequestIdDescriptor.*;

/**
 * Turns work completions, given as {@code (wr_id, status, opcode, byte_len)}, and bounce responses into the
 * completion of the right waiting {@link OperationSlot}, the retirement of SENDs, or the delivery of a received
 * frame. A completion whose wr_id names no link, no slot, or a slot of another generation is counted in
 * {@link #unknownCount()} and reported to the {@link ErrorHandler}, never applied.
 * <p>
 * Owned and called by the poller only. <b>Note:</b> not threadsafe; the counters may be read from any thread.
 */
final class CompletionDispatcher
{
    /**
     * Receives the frames that arrive in receive buffers.
     */
    @FunctionalInterface
    interface ReceiveListener
    {
        /**
         * A frame arrived.
         *
         * @param link        it arrived on.
         * @param bufferIndex of the receive buffer holding it, to repost when done.
         * @param byteLength  received.
         */
        void onReceive(Link link, int bufferIndex, int byteLength);
    }

    private final IntFunction<Link> links;
    private final ReceiveListener receiveListener;
    private final ErrorHandler errorHandler;
    private volatile long unknownCount;
    private volatile long abandonedCount;
    private volatile long failedCount;

    CompletionDispatcher(final IntFunction<Link> links, final ReceiveListener receiveListener,
        final ErrorHandler errorHandler)
    {
        this.links = links;
        this.receiveListener = receiveListener;
        this.errorHandler = errorHandler;
    }

    /**
     * One work completion.
     *
     * @param wrId       of the work request.
     * @param status     {@code IBV_WC_*} status.
     * @param opcode     {@code IBV_WC_*} opcode.
     * @param byteLength transferred.
     */
    void onCompletion(final long wrId, final int status, final int opcode, final int byteLength)
    {
        final Link link = links.apply(link(wrId));
        if (null == link)
        {
            unknown(wrId, status, opcode, byteLength, "no link " + link(wrId));
            return;
        }

        switch (kind(wrId))
        {
            case KIND_ONE_SIDED:
            {
                final OperationSlot slot = link.slot(slot(wrId));
                if (null == slot || slot.generation() != sequence(wrId))
                {
                    unknown(wrId, status, opcode, byteLength, null == slot ? "no slot " + slot(wrId) :
                        "stale generation " + sequence(wrId) + " of slot " + slot(wrId));
                    return;
                }
                final boolean isSuccess = VerbsCodes.WC_SUCCESS == status;
                if (!isSuccess)
                {
                    failedCount++;
                }
                final int state = slot.state();
                if (OperationSlot.PENDING != state && OperationSlot.ABANDONED != state)
                {
                    unknown(wrId, status, opcode, byteLength, "slot " + slot(wrId) + " not pending");
                    return;
                }
                if (!slot.complete(status, opcode, byteLength, 0,
                    isSuccess ? OperationSlot.FAILURE_NONE : OperationSlot.FAILURE_COMPLETION, null))
                {
                    abandonedCount++;
                }
                if (!isSuccess && !VerbsCodes.isAccessError(status))
                {
                    link.markDown(VerbsCodes.statusName(status));
                }
                break;
            }

            case KIND_SEND:
                if (VerbsCodes.WC_SUCCESS == status)
                {
                    link.onSendCompleted(sequence(wrId));
                }
                else
                {
                    failedCount++;
                    failLink(link, "SEND", status, opcode);
                }
                break;

            case KIND_RECEIVE:
                if (VerbsCodes.WC_SUCCESS == status)
                {
                    receiveListener.onReceive(link, slot(wrId), byteLength);
                }
                else
                {
                    failedCount++;
                    failLink(link, "RECV", status, opcode);
                }
                break;

            default:
                unknown(wrId, status, opcode, byteLength, "unknown kind " + kind(wrId));
        }
    }

    /**
     * A bounce response arrived for a waiting operation.
     *
     * @param link          it arrived on.
     * @param correlationId the wr_id of the waiting operation.
     * @param status        {@code RdmaFrameDescriptor.STATUS_*}.
     * @param result        of an atomic.
     * @param payload       read data, or the rejection reason.
     * @param offset        of the payload.
     * @param length        of the payload.
     */
    void onResponse(
        final Link link,
        final long correlationId,
        final int status,
        final long result,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        final OperationSlot slot = KIND_ONE_SIDED == kind(correlationId) && link(correlationId) == link.index() ?
            link.slot(slot(correlationId)) : null;
        if (null == slot || slot.generation() != sequence(correlationId) || OperationSlot.PENDING != slot.state())
        {
            if (null != slot && OperationSlot.ABANDONED == slot.state() &&
                slot.generation() == sequence(correlationId))
            {
                slot.complete(VerbsCodes.WC_SUCCESS, VerbsCodes.WC_OPCODE_RECV, length, result,
                    OperationSlot.FAILURE_NONE, null);
                abandonedCount++;
                return;
            }
            unknown(correlationId, status, VerbsCodes.WC_OPCODE_RECV, length, "response matches no waiting operation");
            return;
        }

        if (RdmaFrameDescriptor.STATUS_OK == status)
        {
            if (length > slot.staging().capacity())
            {
                slot.complete(VerbsCodes.WC_SUCCESS, VerbsCodes.WC_OPCODE_RECV, length, result,
                    OperationSlot.FAILURE_MALFORMED, "response of " + length + " bytes exceeds staging of " +
                    slot.staging().capacity());
                return;
            }
            slot.staging().putBytes(0, payload, offset, length);
            slot.complete(VerbsCodes.WC_SUCCESS, VerbsCodes.WC_OPCODE_RECV, length, result,
                OperationSlot.FAILURE_NONE, null);
        }
        else if (RdmaFrameDescriptor.STATUS_REJECTED == status)
        {
            slot.complete(VerbsCodes.WC_SUCCESS, VerbsCodes.WC_OPCODE_RECV, length, result,
                OperationSlot.FAILURE_REJECTED, payload.getStringWithoutLengthUtf8(offset, length));
        }
        else
        {
            slot.complete(VerbsCodes.WC_SUCCESS, VerbsCodes.WC_OPCODE_RECV, length, result,
                OperationSlot.FAILURE_UNAUTHENTICATED, null);
        }
    }

    /**
     * @return completions whose wr_id matched nothing waiting.
     */
    long unknownCount()
    {
        return unknownCount;
    }

    /**
     * @return completions of operations whose caller had timed out, freed on arrival.
     */
    long abandonedCount()
    {
        return abandonedCount;
    }

    /**
     * @return completions with an error status.
     */
    long failedCount()
    {
        return failedCount;
    }

    private void failLink(final Link link, final String what, final int status, final int opcode)
    {
        if (VerbsCodes.WC_WR_FLUSH_ERR != status || !link.isDown())
        {
            link.markDown(what + " completion " + VerbsCodes.statusName(status) + " (opcode " +
                VerbsCodes.opcodeName(opcode) + ")");
        }
    }

    private void unknown(final long wrId, final int status, final int opcode, final int byteLength,
        final String why)
    {
        unknownCount++;
        errorHandler.onError(new DsmException("work completion with unknown wr_id=0x" + Long.toHexString(wrId) +
            " (" + why + ") status=" + VerbsCodes.statusName(status) + " opcode=" + VerbsCodes.opcodeName(opcode) +
            " byte_len=" + byteLength));
    }
}
