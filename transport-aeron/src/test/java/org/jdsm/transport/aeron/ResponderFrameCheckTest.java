package org.jdsm.transport.aeron;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.jdsm.transport.aeron.AeronFrameDescriptor.HEADER_LENGTH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forged and late frames at node 0 of 3, whose peer 1 has joined on {@link #SESSION} and peer 2 has not: what is
 * counted late, what is rejected, and that neither serves anything; next to the valid frames they are forged from,
 * which are served.
 */
@Timeout(30)
class ResponderFrameCheckTest extends ResponderRigTest
{
    private static final int SESSION = 4242;

    private ResponderRig rig;

    @BeforeEach
    void before()
    {
        rig = new ResponderRig(media, 0, 3);
        rig.join(1, SESSION);
        rig.heap.buffer().putLong(64, 0x1122334455667788L);
    }

    @AfterEach
    void after()
    {
        rig.close();
    }

    private void read(final int source, final int sessionId, final long correlationId)
    {
        rig.frameFrom(source, AeronFrameDescriptor.READ).correlationId(correlationId).heapOffset(64).length(8);
        rig.deliver(sessionId, HEADER_LENGTH);
    }

    @Test
    void shouldServeAReadFromAJoinedPeer()
    {
        read(1, SESSION, 77);

        final List<ResponderRig.Sent> sent = rig.sentTo(1);
        assertEquals(1, sent.size(), sent.toString());
        assertEquals(AeronFrameDescriptor.RESPONSE, sent.get(0).type());
        assertEquals(77, sent.get(0).frame.correlationId());
        assertEquals(0x1122334455667788L, sent.get(0).buffer.getLong(HEADER_LENGTH));
        assertEquals(1, rig.responder.servedCount());
        assertEquals(0, rig.responder.rejectedCount());
    }

    @Test
    void shouldServeAValidatedReadWithTheSequenceWordItHeldBeforeAndAfterTheCopy()
    {
        rig.heap.buffer().putLong(72, 0x0102030405060708L);
        rig.frameFrom(1, AeronFrameDescriptor.READ).correlationId(78).heapOffset(64).length(16)
            .arg0(AeronFrameDescriptor.READ_VALIDATED);
        rig.deliver(SESSION, HEADER_LENGTH);

        final List<ResponderRig.Sent> sent = rig.sentTo(1);
        assertEquals(1, sent.size(), sent.toString());
        assertEquals(AeronFrameDescriptor.STATUS_OK, sent.get(0).frame.status());
        assertEquals(16, sent.get(0).payloadLength());
        assertEquals(0x1122334455667788L, sent.get(0).buffer.getLong(HEADER_LENGTH), "the word, unchanged");
        assertEquals(0x0102030405060708L, sent.get(0).buffer.getLong(HEADER_LENGTH + 8));
        assertEquals(1, rig.responder.servedCount());
    }

    @Test
    void shouldAnswerAValidatedReadWithoutAWholeAlignedWordWithAnErrorNamingIt()
    {
        rig.frameFrom(1, AeronFrameDescriptor.READ).correlationId(79).heapOffset(68).length(16)
            .arg0(AeronFrameDescriptor.READ_VALIDATED);
        rig.deliver(SESSION, HEADER_LENGTH);
        rig.frameFrom(1, AeronFrameDescriptor.READ).correlationId(80).heapOffset(64).length(4)
            .arg0(AeronFrameDescriptor.READ_VALIDATED);
        rig.deliver(SESSION, HEADER_LENGTH);

        final List<ResponderRig.Sent> sent = rig.sentTo(1);
        assertEquals(2, sent.size(), sent.toString());
        final String[] named = { "offset=68 length=16", "offset=64 length=4" };
        for (int i = 0; i < named.length; i++)
        {
            final ResponderRig.Sent error = sent.get(i);
            assertEquals(79 + i, error.frame.correlationId());
            assertEquals(AeronFrameDescriptor.STATUS_REMOTE_ACCESS_ERROR, error.frame.status());
            final String message = error.buffer.getStringWithoutLengthUtf8(HEADER_LENGTH, error.payloadLength());
            assertTrue(message.startsWith("readValidated ") && message.contains(named[i]), message);
        }
        assertEquals(0, rig.responder.rejectedCount());
    }

    @Test
    void shouldRejectAReadWhoseArgZeroIsNeitherPlainNorValidatedAndServeNothing()
    {
        rig.frameFrom(1, AeronFrameDescriptor.READ).correlationId(82).heapOffset(64).length(8).arg0(5);
        rig.deliver(SESSION, HEADER_LENGTH);

        assertEquals(List.of(), rig.sentTo(1));
        assertEquals(0, rig.responder.servedCount());
        assertEquals(1, rig.responder.rejectedCount());
        assertTrue(rig.errors.get(0).getMessage().endsWith("READ arg0=5 is neither 0 nor READ_VALIDATED"),
            rig.errors.toString());
    }

    private ResponderRig.Sent readIndirect(final long correlationId, final long wordOffset, final int length,
        final long expected)
    {
        rig.frameFrom(1, AeronFrameDescriptor.READ_INDIRECT).correlationId(correlationId).heapOffset(wordOffset)
            .length(length).arg0(expected);
        rig.deliver(SESSION, HEADER_LENGTH);
        final List<ResponderRig.Sent> sent = rig.sentTo(1);
        assertEquals(1, sent.size(), sent.toString());
        assertEquals(correlationId, sent.get(0).frame.correlationId());

        return sent.get(0);
    }

    @Test
    void shouldServeAnIndirectReadWithTheWordAloneWhileItHoldsTheExpectedValueAndWithTheRangeOnceItChanged()
    {
        rig.heap.buffer().putLong(64, 128); // the word points to the range at 128: sequence word 2, then a value
        rig.heap.buffer().putLong(128, 2);
        rig.heap.buffer().putLong(136, 0x0102030405060708L);

        final ResponderRig.Sent unchanged = readIndirect(90, 64, 16, 128);
        assertEquals(AeronFrameDescriptor.STATUS_OK, unchanged.frame.status());
        assertEquals(128, unchanged.frame.arg0(), "the word");
        assertEquals(0, unchanged.frame.length());
        assertEquals(0, unchanged.payloadLength(), "no range while the word is the expected one");

        final ResponderRig.Sent changed = readIndirect(91, 64, 16, 256);
        assertEquals(AeronFrameDescriptor.STATUS_OK, changed.frame.status());
        assertEquals(128, changed.frame.arg0(), "the word");
        assertEquals(16, changed.frame.length());
        assertEquals(16, changed.payloadLength());
        assertEquals(2, changed.buffer.getLong(HEADER_LENGTH), "the range's sequence word, held during the copy");
        assertEquals(0x0102030405060708L, changed.buffer.getLong(HEADER_LENGTH + 8));

        rig.heap.buffer().putLong(64, 131); // misaligned: points nowhere
        assertEquals(0, readIndirect(92, 64, 16, 128).payloadLength());
        rig.heap.buffer().putLong(64, ResponderRig.HEAP_CAPACITY - 8); // the range would run past the heap
        assertEquals(0, readIndirect(93, 64, 16, 128).payloadLength());
        assertEquals(4, rig.responder.servedCount());
        assertEquals(0, rig.responder.rejectedCount());
    }

    @Test
    void shouldAnswerAnIndirectReadOfAMisalignedWordOrWithoutARangeWordWithAnErrorNamingIt()
    {
        final ResponderRig.Sent misaligned = readIndirect(94, 68, 16, 0);
        final ResponderRig.Sent short_ = readIndirect(95, 64, 4, 0);
        final ResponderRig.Sent outside = readIndirect(96, ResponderRig.HEAP_CAPACITY, 16, 0);
        for (final ResponderRig.Sent error : List.of(misaligned, short_, outside))
        {
            assertEquals(AeronFrameDescriptor.STATUS_REMOTE_ACCESS_ERROR, error.frame.status());
        }
        final String misalignedMessage = misaligned.buffer.getStringWithoutLengthUtf8(HEADER_LENGTH,
            misaligned.payloadLength());
        assertTrue(misalignedMessage.startsWith("readIndirect wordOffset=68 length=16"), misalignedMessage);
        final String shortMessage = short_.buffer.getStringWithoutLengthUtf8(HEADER_LENGTH, short_.payloadLength());
        assertTrue(shortMessage.startsWith("readIndirect wordOffset=64 length=4"), shortMessage);
        final String outsideMessage = outside.buffer.getStringWithoutLengthUtf8(HEADER_LENGTH, outside.payloadLength());
        assertTrue(outsideMessage.contains(String.valueOf(ResponderRig.HEAP_CAPACITY)), outsideMessage);
        assertEquals(0, rig.responder.rejectedCount());
    }

    @Test
    void shouldCompleteAnIndirectReadWithTheWordAndTheWholeRangeAndRejectAPartOfTheRange()
    {
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[24]);
        final PendingOperation operation = rig.operations.acquire();
        final long correlationId = rig.operations.nextCorrelationId(operation);
        operation.begin(correlationId, AeronFrameDescriptor.READ_INDIRECT, 1, 64, 16, dst, 0);

        rig.frameFrom(1, AeronFrameDescriptor.RESPONSE).correlationId(correlationId).length(8).arg0(128);
        rig.deliver(SESSION, HEADER_LENGTH + 8);
        assertTrue(operation.isPending(), "8 bytes of a 16-byte range");
        assertEquals(1, rig.responder.rejectedCount());
        assertArrayEquals(new byte[24], dst.byteArray());

        rig.frameFrom(1, AeronFrameDescriptor.RESPONSE).correlationId(correlationId).length(16).arg0(128);
        rig.frame.putLong(HEADER_LENGTH, 2);
        rig.frame.putLong(HEADER_LENGTH + 8, 0x0102030405060708L);
        rig.deliver(SESSION, HEADER_LENGTH + 16);
        assertTrue(operation.isCompleted());
        assertEquals(1, operation.result, "the range came with the word");
        assertEquals(128, dst.getLong(0));
        assertEquals(2, dst.getLong(8));
        assertEquals(0x0102030405060708L, dst.getLong(16));
    }

    @Test
    void shouldRejectAReadOnAnotherSessionThanTheProvedOne()
    {
        read(1, SESSION + 1, 77);

        assertEquals(List.of(), rig.sentTo(1));
        assertEquals(0, rig.responder.servedCount());
        assertEquals(1, rig.responder.rejectedCount());
        assertTrue(rig.errors.get(0).getMessage().endsWith(
            "READ from a node that has not proved the cluster secret on this session"), rig.errors.toString());
    }

    @Test
    void shouldRejectAReadFromAPeerThatHasNotJoined()
    {
        read(2, SESSION + 2, 77);

        assertEquals(List.of(), rig.sentTo(2));
        assertEquals(0, rig.responder.servedCount());
        assertEquals(1, rig.responder.rejectedCount());
    }

    @Test
    void shouldCountAResponseWithAnUnknownCorrelationIdAsLate()
    {
        rig.frameFrom(1, AeronFrameDescriptor.RESPONSE).correlationId(123456789L).arg0(5);
        rig.deliver(SESSION, HEADER_LENGTH);

        assertEquals(1, rig.responder.lateCount());
        assertEquals(0, rig.responder.rejectedCount());
    }

    @Test
    void shouldRejectAResponseFromAnotherNodeThanTheOperationsTargetAndKeepWaiting()
    {
        final PendingOperation operation = rig.operations.acquire();
        final long correlationId = rig.operations.nextCorrelationId(operation);
        operation.begin(correlationId, AeronFrameDescriptor.FETCH_ADD, 2, 0, 8, null, 0);

        rig.frameFrom(1, AeronFrameDescriptor.RESPONSE).correlationId(correlationId).arg0(5);
        rig.deliver(SESSION, HEADER_LENGTH);

        assertFalse(operation.isCompleted(), "still waiting for node 2");
        assertTrue(operation.isPending());
        assertEquals(1, rig.responder.rejectedCount());
        assertTrue(rig.errors.get(0).getMessage().endsWith(
            "RESPONSE correlationId=" + correlationId + " for an operation on node 2"), rig.errors.toString());
    }

    @Test
    void shouldCompleteAnOperationFromItsTargetsResponse()
    {
        final PendingOperation operation = rig.operations.acquire();
        final long correlationId = rig.operations.nextCorrelationId(operation);
        operation.begin(correlationId, AeronFrameDescriptor.FETCH_ADD, 1, 0, 8, null, 0);

        rig.frameFrom(1, AeronFrameDescriptor.RESPONSE).correlationId(correlationId).arg0(5);
        rig.deliver(SESSION, HEADER_LENGTH);
        rig.deliver(SESSION, HEADER_LENGTH); // the same response again: late

        assertTrue(operation.isCompleted());
        assertEquals(5, operation.result);
        assertEquals(1, rig.responder.lateCount());
        assertEquals(0, rig.responder.rejectedCount());
    }

    @Test
    void shouldRejectAReadResponseThatDoesNotContinueTheRead()
    {
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[16]);
        final PendingOperation operation = rig.operations.acquire();
        final long correlationId = rig.operations.nextCorrelationId(operation);
        operation.begin(correlationId, AeronFrameDescriptor.READ, 1, 0, 16, dst, 0);

        rig.frameFrom(1, AeronFrameDescriptor.RESPONSE).correlationId(correlationId).length(16).chunkOffset(8);
        rig.deliver(SESSION, HEADER_LENGTH + 8);

        assertTrue(operation.isPending());
        assertEquals(0, operation.received);
        assertArrayEquals(new byte[16], dst.byteArray());
        assertEquals(1, rig.responder.rejectedCount());
    }

    @Test
    void shouldRejectAWriteWhosePayloadRunsPastItsLengthWithoutTouchingTheHeap()
    {
        final byte[] before = rig.heapBytes();
        rig.frameFrom(1, AeronFrameDescriptor.WRITE).correlationId(9).heapOffset(0).length(4);
        rig.frame.putLong(HEADER_LENGTH, -1L);
        rig.deliver(SESSION, HEADER_LENGTH + 8);

        assertArrayEquals(before, rig.heapBytes());
        assertEquals(0, rig.responder.servedCount());
        assertEquals(1, rig.responder.rejectedCount());
        assertEquals(List.of(), rig.sentTo(1));
    }

    @Test
    void shouldRejectAFrameShorterThanAHeader()
    {
        rig.frameFrom(1, AeronFrameDescriptor.HEARTBEAT);
        rig.deliver(SESSION, HEADER_LENGTH - 1);

        assertEquals(1, rig.responder.rejectedCount());
        assertTrue(rig.errors.get(0).getMessage().endsWith("frame length=55 < header length=56"),
            rig.errors.toString());
    }
}
