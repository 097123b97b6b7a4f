package org.jdsm.transport.rdma;

import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.simulator.contract.BufferHeapRegion;
import org.junit.jupiter.api.Test;

import static org.jdsm.transport.rdma.RdmaFrameDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

class HeapResponderTest
{
    private final BufferHeapRegion heap = new BufferHeapRegion(1024);
    private final HeapResponder responder = new HeapResponder(heap, 3);
    private final RdmaFrameFlyweight request = new RdmaFrameFlyweight().wrap(new UnsafeBuffer(new byte[256]), 0);
    private final RdmaFrameFlyweight response = new RdmaFrameFlyweight().wrap(new UnsafeBuffer(new byte[256]), 0);

    @Test
    void shouldServeReadWriteAndAtomicsThroughTheHeap()
    {
        final UnsafeBuffer data = new UnsafeBuffer("hello".getBytes());
        request.header(TYPE_WRITE_REQUEST, 1, 0).correlationId(77).heapOffset(16).payload(data, 0, 5);
        assertEquals(HEADER_LENGTH, responder.serve(request, true, response, 200));
        assertEquals(STATUS_OK, response.status());
        assertEquals(77, response.correlationId());
        assertEquals(3, response.sourceNodeId());

        request.header(TYPE_READ_REQUEST, 1, 0).correlationId(78).heapOffset(16).operand1(5);
        assertEquals(HEADER_LENGTH + 5, responder.serve(request, true, response, 200));
        assertEquals("hello", response.buffer().getStringWithoutLengthAscii(response.payloadOffset(), 5));

        request.header(TYPE_FETCH_ADD_REQUEST, 1, 0).heapOffset(64).operand1(5);
        responder.serve(request, true, response, 200);
        request.header(TYPE_CAS_REQUEST, 1, 0).heapOffset(64).operand1(5).operand2(9);
        responder.serve(request, true, response, 200);
        assertEquals(5, response.operand2());
        assertEquals(9, heap.buffer().getLong(64));
    }

    @Test
    void shouldReturnTheHeapsOwnRejectionAndRefuseTheUnauthenticated()
    {
        request.header(TYPE_READ_REQUEST, 1, 0).heapOffset(1020).operand1(8);
        final int length = responder.serve(request, true, response, 200);
        assertEquals(STATUS_REJECTED, response.status());
        assertEquals(BufferHeapRegion.outOfRangeMessage("read", 1020, 8, 1024),
            response.buffer().getStringWithoutLengthUtf8(response.payloadOffset(), length - HEADER_LENGTH));

        request.header(TYPE_FETCH_ADD_REQUEST, 1, 0).heapOffset(12).operand1(1);
        final int misaligned = responder.serve(request, true, response, 200);
        assertEquals(BufferHeapRegion.misalignedMessage("fetchAdd", 12),
            response.buffer().getStringWithoutLengthUtf8(response.payloadOffset(), misaligned - HEADER_LENGTH));

        request.header(TYPE_READ_REQUEST, 1, 0).heapOffset(0).operand1(201);
        final int tooLong = responder.serve(request, true, response, 200);
        assertEquals("read offset=0 length=201 outside [0, frame payload limit=200]",
            response.buffer().getStringWithoutLengthUtf8(response.payloadOffset(), tooLong - HEADER_LENGTH));

        request.header(TYPE_WRITE_REQUEST, 1, 0).heapOffset(0);
        assertEquals(HEADER_LENGTH, responder.serve(request, false, response, 200));
        assertEquals(STATUS_UNAUTHENTICATED, response.status());
    }
}
