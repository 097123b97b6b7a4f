package org.jdsm.transport.rdma;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.*;

class FrameLayoutTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);

    @Test
    void shouldLayOutAFrameAsTheDescriptorSays()
    {
        final RdmaFrameFlyweight frame = new RdmaFrameFlyweight().wrap(buffer, 8);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[]{ 1, 2, 3 });

        frame.header(RdmaFrameDescriptor.TYPE_CAS_REQUEST, 7, 0).correlationId(0x1122334455667788L).heapOffset(4096)
            .operand1(-1).operand2(42).status(RdmaFrameDescriptor.STATUS_REJECTED).payload(payload, 0, 3);

        assertEquals(1, buffer.getByte(8));
        assertEquals(6, buffer.getByte(9));
        assertEquals(7, buffer.getInt(12, ByteOrder.LITTLE_ENDIAN));
        assertEquals(51, buffer.getInt(16, ByteOrder.LITTLE_ENDIAN));
        assertEquals(1, buffer.getInt(20, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0x1122334455667788L, buffer.getLong(24, ByteOrder.LITTLE_ENDIAN));
        assertEquals(4096, buffer.getLong(32, ByteOrder.LITTLE_ENDIAN));
        assertEquals(-1, buffer.getLong(40, ByteOrder.LITTLE_ENDIAN));
        assertEquals(42, buffer.getLong(48, ByteOrder.LITTLE_ENDIAN));
        assertEquals(3, buffer.getByte(58));
        assertEquals(56, frame.payloadOffset());
        assertEquals(3, frame.payloadLength());
        assertNull(frame.validate(51));
    }

    @Test
    void shouldRejectMalformedFramesNamingTheField()
    {
        final RdmaFrameFlyweight frame = new RdmaFrameFlyweight().wrap(buffer, 0);
        frame.header(RdmaFrameDescriptor.TYPE_MESSAGE, 1, 10);

        assertEquals("frame of 47 bytes shorter than the header of 48", frame.validate(47));
        assertEquals("frame length=58 != received 60", frame.validate(60));
        buffer.putByte(RdmaFrameDescriptor.TYPE_OFFSET, (byte)42);
        assertEquals("frame type=42 unknown", frame.validate(58));
        buffer.putByte(RdmaFrameDescriptor.VERSION_OFFSET, (byte)9);
        assertEquals("frame version=9 != 1", frame.validate(58));
    }

    @Test
    void shouldRoundTripTheConnectionExchangeWithRegions()
    {
        final ConnectionExchangeFlyweight exchange = new ConnectionExchangeFlyweight().wrap(buffer, 16);
        exchange.header(2, 3, ConnectionExchangeDescriptor.MODE_DIRECT, 3L << 30, 1L << 30, 3)
            .region(0, 0x7f00_0000_0000L, 1L << 30, 0x101)
            .region(1, 0x7f40_0000_0000L, 1L << 30, 0x102)
            .region(2, 0x7f80_0000_0000L, 1L << 30, 0x103);

        assertEquals(0x4D53444A, buffer.getInt(16, ByteOrder.LITTLE_ENDIAN));
        assertEquals('J', buffer.getByte(16));
        assertEquals(0x102, buffer.getInt(16 + 72 + 24 + 16, ByteOrder.LITTLE_ENDIAN));
        assertEquals(144, ConnectionExchangeDescriptor.length(3));
        assertNull(exchange.validate(144, 3));
        assertEquals("exchange nodeCount=3 != local nodeCount=4", exchange.validate(144, 4));
        assertEquals("exchange regionCount=3 does not match payload length 120", exchange.validate(120, 3));

        final String[] error = new String[1];
        final PeerRegions regions = PeerRegions.decode(exchange, error);
        assertNotNull(regions, error[0]);
        assertEquals(2, regions.checkRange("read", (2L << 30) + 16, 8));
        assertEquals(0x7f80_0000_0010L, regions.address(2, (2L << 30) + 16));
        assertEquals(0x103, regions.rkey(2));
    }

    @Test
    void shouldVerifyTheProofOfTheClusterSecret()
    {
        final ConnectionExchangeFlyweight exchange = new ConnectionExchangeFlyweight().wrap(buffer, 0);
        exchange.header(1, 2, ConnectionExchangeDescriptor.MODE_HELLO, 0, 0, 0)
            .proof(ConnectionExchangeFlyweight.proof("s3cret-s3cret", 1, 0, 2));

        assertTrue(exchange.proofMatches(ConnectionExchangeFlyweight.proof("s3cret-s3cret", 1, 0, 2)));
        assertFalse(exchange.proofMatches(ConnectionExchangeFlyweight.proof("other-secret", 1, 0, 2)));
        assertFalse(exchange.proofMatches(ConnectionExchangeFlyweight.proof("s3cret-s3cret", 0, 1, 2)));
        assertFalse(exchange.proofMatches(ConnectionExchangeFlyweight.proof(null, 1, 0, 2)));
    }

    @Test
    void shouldRejectRangesThePeerHeapDoesNotHave()
    {
        final PeerRegions regions = new PeerRegions(1, ConnectionExchangeDescriptor.MODE_DIRECT, 3000, 1024,
            new long[]{ 0x1000, 0x2000, 0x3000 }, new long[]{ 1024, 1024, 952 }, new int[]{ 1, 2, 3 });

        assertEquals("read offset=2996 length=8 out of range of node 1 heap [0, 3000) in segments of 1024",
            assertThrows(org.jdsm.RemoteAccessException.class, () -> regions.checkRange("read", 2996, 8))
                .getMessage());
        assertEquals("write offset=1020 length=8 out of range of node 1 heap [0, 3000) in segments of 1024",
            assertThrows(org.jdsm.RemoteAccessException.class, () -> regions.checkRange("write", 1020, 8))
                .getMessage());
        assertEquals("read offset=9223372036854775804 length=8 out of range of node 1 heap [0, 3000) in segments " +
            "of 1024", assertThrows(org.jdsm.RemoteAccessException.class,
            () -> regions.checkRange("read", Long.MAX_VALUE - 3, 8)).getMessage());
        assertEquals("fetchAdd offset=12 on node 1 is not 8-byte aligned",
            assertThrows(org.jdsm.RemoteAccessException.class, () -> regions.checkWord("fetchAdd", 12)).getMessage());
        assertEquals(1, regions.checkWord("compareAndSwap", 1024));
    }
}
