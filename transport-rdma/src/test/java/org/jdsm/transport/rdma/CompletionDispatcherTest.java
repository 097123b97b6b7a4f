package org.jdsm.transport.rdma;

import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.DsmException;
import org.jdsm.NodeUnavailableException;
import org.jdsm.RemoteAccessException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.jdsm.transport.rdma.WorkRequestIdDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

class CompletionDispatcherTest
{
    private final FakeConnection connection = new FakeConnection();
    private final List<Throwable> errors = new ArrayList<>();
    private final List<String> receives = new ArrayList<>();
    private Link link;
    private CompletionDispatcher dispatcher;

    @BeforeEach
    void before() throws Exception
    {
        link = new Link(0, 2, connection, new WorkRequestBuilder(64), 4, 64, 8, 4, 4, 512);
        dispatcher = new CompletionDispatcher((index) -> 0 == index ? link : null,
            (l, buffer, length) -> receives.add(l.index() + ":" + buffer + ":" + length), errors::add);
    }

    private OperationSlot pending(final int index)
    {
        final OperationSlot slot = link.slot(index);
        assertTrue(slot.tryClaim());
        slot.begin();
        return slot;
    }

    @Test
    void shouldCompleteTheWaitingSlotNamedByTheWrId()
    {
        final OperationSlot slot = pending(2);

        dispatcher.onCompletion(wrId(KIND_ONE_SIDED, 0, 2, slot.generation()), VerbsCodes.WC_SUCCESS,
            VerbsCodes.WC_OPCODE_RDMA_READ, 48);

        assertEquals(OperationSlot.COMPLETED, slot.state());
        assertEquals(48, slot.byteLength());
        assertEquals(0, dispatcher.unknownCount());
        assertEquals(OperationSlot.FREE, link.slot(1).state());
    }

    @Test
    void shouldMapRemoteAccessErrorToRemoteAccessExceptionAndKeepTheLinkUp()
    {
        final OperationSlot slot = pending(1);

        dispatcher.onCompletion(wrId(KIND_ONE_SIDED, 0, 1, slot.generation()), VerbsCodes.WC_REM_ACCESS_ERR,
            VerbsCodes.WC_OPCODE_RDMA_WRITE, 0);

        assertEquals(OperationSlot.FAILED, slot.state());
        final DsmException ex = slot.failure("write", 2, 4096, 16);
        assertInstanceOf(RemoteAccessException.class, ex);
        assertEquals("write offset=4096 length=16 on node 2 rejected: IBV_WC_REM_ACCESS_ERR (status 10, opcode " +
            "IBV_WC_RDMA_WRITE)", ex.getMessage());
        assertFalse(link.isDown());
        assertEquals(1, dispatcher.failedCount());
    }

    @Test
    void shouldMapRetryExceededToNodeUnavailableAndTakeTheLinkDown()
    {
        final OperationSlot slot = pending(0);
        final OperationSlot other = pending(3);

        dispatcher.onCompletion(wrId(KIND_ONE_SIDED, 0, 0, slot.generation()), VerbsCodes.WC_RETRY_EXC_ERR,
            VerbsCodes.WC_OPCODE_RDMA_READ, 0);

        final DsmException ex = slot.failure("read", 2, 64, 8);
        assertInstanceOf(NodeUnavailableException.class, ex);
        assertEquals("node 2 unavailable: read offset=64 length=8 failed: IBV_WC_RETRY_EXC_ERR (status 12, opcode " +
            "IBV_WC_RDMA_READ)", ex.getMessage());
        assertTrue(link.isDown());
        assertTrue(connection.isClosed);
        assertEquals(OperationSlot.FAILED, other.state());
        assertEquals("node 2 unavailable: fetchAdd offset=8 length=8 failed: connection down: " +
            "IBV_WC_RETRY_EXC_ERR", other.failure("fetchAdd", 2, 8, 8).getMessage());
    }

    @Test
    void shouldCountAndReportUnknownAndStaleWrIds()
    {
        final OperationSlot slot = pending(1);

        dispatcher.onCompletion(wrId(KIND_ONE_SIDED, 0, 1, slot.generation() + 7), 0, 2, 8);
        dispatcher.onCompletion(wrId(KIND_ONE_SIDED, 5, 1, 1), 0, 2, 8);
        dispatcher.onCompletion(wrId(KIND_ONE_SIDED, 0, 9, 1), 0, 3, 8);

        assertEquals(3, dispatcher.unknownCount());
        assertEquals(OperationSlot.PENDING, slot.state());
        assertEquals(List.of(
            "work completion with unknown wr_id=0x1000000100000008 (stale generation 8 of slot 1) " +
                "status=IBV_WC_SUCCESS opcode=IBV_WC_RDMA_READ byte_len=8",
            "work completion with unknown wr_id=0x1050000100000001 (no link 5) status=IBV_WC_SUCCESS " +
                "opcode=IBV_WC_RDMA_READ byte_len=8",
            "work completion with unknown wr_id=0x1000000900000001 (no slot 9) status=IBV_WC_SUCCESS " +
                "opcode=IBV_WC_COMP_SWAP byte_len=8"),
            errors.stream().map(Throwable::getMessage).collect(java.util.stream.Collectors.toList()));
    }

    @Test
    void shouldFreeAnAbandonedSlotWhenItsLateCompletionArrives()
    {
        final OperationSlot slot = pending(2);
        assertTrue(slot.abandon());

        dispatcher.onCompletion(wrId(KIND_ONE_SIDED, 0, 2, slot.generation()), 0, 2, 8);

        assertEquals(OperationSlot.FREE, slot.state());
        assertEquals(1, dispatcher.abandonedCount());
        assertEquals(0, dispatcher.unknownCount());
    }

    @Test
    void shouldRetireSendsUpToTheSignalledOneAndHandReceivesOn()
    {
        dispatcher.onCompletion(wrId(KIND_SEND, 0, 3, 3), VerbsCodes.WC_SUCCESS, VerbsCodes.WC_OPCODE_SEND, 0);
        dispatcher.onCompletion(wrId(KIND_RECEIVE, 0, 2, 0), VerbsCodes.WC_SUCCESS, VerbsCodes.WC_OPCODE_RECV, 96);

        assertEquals(4, link.retired());
        assertEquals(List.of("0:2:96"), receives);
    }

    @Test
    void shouldCompleteABounceResponseIntoStagingOrWithTheRejection()
    {
        final OperationSlot read = pending(0);
        final OperationSlot cas = pending(1);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        payload.putStringWithoutLengthAscii(0, "abcdef");

        dispatcher.onResponse(link, wrId(KIND_ONE_SIDED, 0, 0, read.generation()), RdmaFrameDescriptor.STATUS_OK, 0,
            payload, 0, 6);
        final byte[] reason = "read offset=9 length=1 out of range [0, 8)".getBytes(StandardCharsets.UTF_8);
        payload.putBytes(0, reason);
        dispatcher.onResponse(link, wrId(KIND_ONE_SIDED, 0, 1, cas.generation()), RdmaFrameDescriptor.STATUS_REJECTED,
            0, payload, 0, reason.length);

        assertEquals(OperationSlot.COMPLETED, read.state());
        assertEquals("abcdef", read.staging().getStringWithoutLengthAscii(0, 6));
        assertEquals(OperationSlot.FAILED, cas.state());
        assertEquals("read offset=9 length=1 on node 2 rejected: read offset=9 length=1 out of range [0, 8)",
            cas.failure("read", 2, 9, 1).getMessage());
    }
}
