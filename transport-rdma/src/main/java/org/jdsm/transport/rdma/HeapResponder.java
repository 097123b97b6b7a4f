package org.jdsm.transport.rdma;

import org.jdsm.RemoteAccessException;
import org.jdsm.spi.HeapRegion;

import java.nio.charset.StandardCharsets;

import static org.jdsm.transport.rdma.RdmaFrameDescriptor.*;

/**
 * Serves the bounce-mode requests ({@code READ/WRITE/CAS/FETCH_ADD_REQUEST} frames) against this node's
 * {@link HeapRegion} through its own bounds-checked methods, writing the response frame. Used when the heap's
 * direct buffers were not given to the transport, so peers can not access it with one-sided verbs.
 * <p>
 * Owned and called by the poller only. <b>Note:</b> not threadsafe (it has no state besides its collaborators,
 * but the frames it writes belong to the poller).
 */
final class HeapResponder
{
    private final HeapRegion heap;
    private final int nodeId;

    HeapResponder(final HeapRegion heap, final int nodeId)
    {
        this.heap = heap;
        this.nodeId = nodeId;
    }

    /**
     * Serve one request and write its response.
     *
     * @param request         a validated request frame.
     * @param isAuthenticated whether the requester proved the cluster secret.
     * @param response        wrapping the buffer for the response, at least {@code maxPayload} + header long.
     * @param maxPayload      largest response payload.
     * @return the response frame length.
     */
    int serve(
        final RdmaFrameFlyweight request,
        final boolean isAuthenticated,
        final RdmaFrameFlyweight response,
        final int maxPayload)
    {
        response.header(TYPE_RESPONSE, nodeId, 0).correlationId(request.correlationId())
            .heapOffset(request.heapOffset());
        if (!isAuthenticated)
        {
            return response.status(STATUS_UNAUTHENTICATED).frameLength();
        }

        final long offset = request.heapOffset();
        try
        {
            switch (request.type())
            {
                case TYPE_READ_REQUEST:
                {
                    final long length = request.operand1();
                    if (length < 0 || length > maxPayload)
                    {
                        return reject(response, "read offset=" + offset + " length=" + length +
                            " outside [0, frame payload limit=" + maxPayload + "]", maxPayload);
                    }
                    heap.getBytes(offset, response.buffer(), response.payloadOffset(), (int)length);
                    return response.payloadLength((int)length).frameLength();
                }

                case TYPE_WRITE_REQUEST:
                    heap.putBytes(offset, request.buffer(), request.payloadOffset(), request.payloadLength());
                    return response.frameLength();

                case TYPE_CAS_REQUEST:
                    return response.operand2(heap.compareAndSwapLong(offset, request.operand1(), request.operand2()))
                        .frameLength();

                case TYPE_FETCH_ADD_REQUEST:
                    return response.operand2(heap.getAndAddLong(offset, request.operand1())).frameLength();

                default:
                    return reject(response, "frame type " + typeName(request.type()) + " is not a request",
                        maxPayload);
            }
        }
        catch (final RemoteAccessException ex)
        {
            return reject(response, ex.getMessage(), maxPayload);
        }
    }

    private static int reject(final RdmaFrameFlyweight response, final String reason, final int maxPayload)
    {
        final byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        final int length = Math.min(bytes.length, maxPayload);
        response.buffer().putBytes(response.payloadOffset(), bytes, 0, length);
        return response.status(STATUS_REJECTED).payloadLength(length).frameLength();
    }
}
