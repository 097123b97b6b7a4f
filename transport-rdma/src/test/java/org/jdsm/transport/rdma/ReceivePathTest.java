package org.jdsm.transport.rdma;

import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.DsmException;
import org.jdsm.spi.CountersFile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteOrder;

import static org.jdsm.transport.rdma.ReceiveRig.*;
import static org.jdsm.transport.rdma.RdmaFrameDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The receive path's answers to frames the fuzz ({@link ReceivePathProperties}) found accepted or miscounted, each
 * as an example that failed before its fix.
 */
class ReceivePathTest
{
    private final ReceiveRig rig = new ReceiveRig();

    ReceivePathTest() throws IOException
    {
    }

    @Test
    void shouldRefuseAHelloWhoseRegionCountWrapsItsLengthAroundTwoToThe32()
    {
        final byte[] hello = hello(UNPROVED, UNPROVED, NODE_ID, SECRET);
        new UnsafeBuffer(hello).putInt(HEADER_LENGTH + ConnectionExchangeDescriptor.REGION_COUNT_OFFSET, 1 << 29,
            ByteOrder.LITTLE_ENDIAN); // 72 + 2^29 * 24 == 72 modulo 2^32

        rig.deliver(rig.links[UNPROVED], hello);

        assertFalse(rig.links[UNPROVED].isAuthenticated());
        assertTrue(rig.links[UNPROVED].isDown());
        assertEquals(1, rig.poller.rejectedFrameCount());
        final String message = rig.errors.get(0).getMessage();
        assertTrue(message.endsWith(" rejected: invalid hello: exchange regionCount=" + (1 << 29) +
            " does not match payload length 72"), message);
    }

    @Test
    void shouldDropARequestWhoseSourceIsNotTheConnectionsPeer()
    {
        final byte[] heapBefore = rig.heapBytes();
        final byte[] write = request(TYPE_WRITE_REQUEST, UNPROVED, 5, 64, 0, 0, 8, (byte)0x5A);

        rig.deliver(rig.links[PROVED], write);

        assertArrayEquals(heapBefore, rig.heapBytes());
        assertEquals(1, rig.poller.rejectedFrameCount());
        assertEquals(1, counterValue(rig.counters, "rdma: frames rejected"), "in the node's counters file");
        assertEquals("frame from " + rig.links[PROVED] + " rejected: WRITE_REQUEST from sourceNodeId=2 on the " +
            "connection to node 1", rig.errors.get(0).getMessage());
        assertFalse(rig.links[PROVED].isDown());
    }

    @Test
    void shouldRefuseAHelloWhoseHeaderNamesAnotherNodeThanItsPayload()
    {
        rig.deliver(rig.links[UNPROVED], hello(PROVED_WITHOUT_REGIONS, UNPROVED, NODE_ID, SECRET));

        assertFalse(rig.links[UNPROVED].isAuthenticated());
        assertEquals(1, rig.poller.rejectedFrameCount());
    }

    @Test
    void shouldIgnoreASecondHelloWithoutSendingTheRegionsAgain()
    {
        final FakeConnection connection = (FakeConnection)rig.links[PROVED].connection();
        final int sends = connection.sends.size();

        rig.deliver(rig.links[PROVED], hello(PROVED, PROVED, NODE_ID, SECRET));

        assertEquals(sends, connection.sends.size());
        assertEquals(1, rig.poller.rejectedFrameCount());
        assertEquals("frame from " + rig.links[PROVED] + " rejected: hello on a connection already authenticated",
            rig.errors.get(0).getMessage());
        assertTrue(rig.links[PROVED].isReady());
    }

    @Test
    void shouldFailTheWaitingOperationOnAResponseOfUnknownStatus()
    {
        final byte[] response = request(TYPE_RESPONSE, PROVED, rig.pendingWrId, 0, 0, 0, 0, (byte)0);
        frame(response).status(7);

        rig.deliver(rig.links[PROVED], response);

        assertEquals(OperationSlot.FAILED, rig.pending.state());
        final DsmException ex = rig.pending.failure("read", PROVED, 0, 8);
        assertTrue(ex.getMessage().endsWith("response status=7 unknown"), ex.getMessage());
        assertEquals(1, rig.poller.rejectedFrameCount());
    }

    @Test
    void shouldDropAResponseOnAConnectionThatHasNotProvedTheSecret()
    {
        rig.deliver(rig.links[UNPROVED], request(TYPE_RESPONSE, UNPROVED, rig.pendingWrId, 0, 0, 0, 0, (byte)0));

        assertEquals(OperationSlot.PENDING, rig.pending.state());
        assertEquals(1, rig.poller.rejectedFrameCount());
        assertEquals(0, rig.poller.dispatcher().unknownCount());
    }

    @Test
    void shouldCountAndAnswerARequestTheHeapRefusesWithoutReportingIt()
    {
        rig.deliver(rig.links[PROVED], request(TYPE_READ_REQUEST, PROVED, 5, HEAP_CAPACITY - 4, 8, 0, 0, (byte)0));
        rig.deliver(rig.links[UNPROVED], request(TYPE_READ_REQUEST, UNPROVED, 5, 0, 8, 0, 0, (byte)0));

        assertEquals(2, rig.poller.rejectedFrameCount());
        assertEquals(1, rig.errors.size(), rig.errors.toString()); // the unauthenticated one only
        assertNull(rig.links[UNPROVED].regions());
    }

    private static long counterValue(final CountersFile counters, final String label)
    {
        final long[] value = { -1 };
        counters.reader().forEach((counterId, typeId, keyBuffer, counterLabel) ->
        {
            if (label.equals(counterLabel))
            {
                value[0] = counters.reader().getCounterValue(counterId);
            }
        });
        return value[0];
    }
}
