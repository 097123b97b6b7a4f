package org.jdsm.transport.local;

import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;
import org.jdsm.NodeUnavailableException;
import org.jdsm.RemoteAccessException;
import org.jdsm.spi.HeapRegion;
import org.jdsm.spi.TransportContext;
import org.jdsm.spi.TransportProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LocalTransportTest
{
    /** A heap region over one buffer, as the engine's heap slice is. */
    private static final class BufferRegion implements HeapRegion
    {
        private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));

        public long capacity()
        {
            return buffer.capacity();
        }

        public void getBytes(final long offset, final org.agrona.MutableDirectBuffer dst, final int dstOffset,
            final int length)
        {
            buffer.getBytes((int)offset, dst, dstOffset, length);
        }

        public void putBytes(final long offset, final org.agrona.DirectBuffer src, final int srcOffset, final int length)
        {
            buffer.putBytes((int)offset, src, srcOffset, length);
        }

        public long compareAndSwapLong(final long offset, final long expected, final long update)
        {
            final long before = buffer.getLongVolatile((int)offset);
            return buffer.compareAndSetLong((int)offset, expected, update) ? expected : before;
        }

        public long getAndAddLong(final long offset, final long delta)
        {
            return buffer.getAndAddLong((int)offset, delta);
        }
    }

    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> threads = new CopyOnWriteArrayList<>();

    private LocalTransport transport(final DsmConfig config)
    {
        return (LocalTransport)TransportProvider.find("local").newTransport(new TransportContext(config.conclude(),
            new BufferRegion(), (source, buffer, offset, length) ->
            {
                received.add(source + ":" + buffer.getStringWithoutLengthAscii(offset, length));
                threads.add(Thread.currentThread().getName());
            }));
    }

    @Test
    void shouldBeTheDefaultTransportAndApplyOneSidedOperationsToTheOwnHeap()
    {
        assertEquals(LocalTransportProvider.NAME, new DsmConfig().transport());
        final LocalTransport transport = transport(new DsmConfig());
        assertFalse(transport.isAvailable(0));
        transport.start();
        try
        {
            assertTrue(transport.isAvailable(0));
            final UnsafeBuffer src = new UnsafeBuffer(new byte[8]);
            src.putLong(0, 42);
            transport.write(0, 16, src, 0, 8);
            final UnsafeBuffer dst = new UnsafeBuffer(new byte[8]);
            transport.read(0, 16, dst, 0, 8);
            assertEquals(42, dst.getLong(0));
            assertEquals(42, transport.compareAndSwap(0, 16, 42, 7));
            assertEquals(7, transport.compareAndSwap(0, 16, 42, 9));
            assertEquals(7, transport.fetchAdd(0, 16, 3));
            transport.read(0, 16, dst, 0, 8);
            assertEquals(10, dst.getLong(0));
            assertThrows(RemoteAccessException.class, () -> transport.read(1, 0, dst, 0, 8));
        }
        finally
        {
            transport.close();
        }
        assertFalse(transport.isAvailable(0));
        assertThrows(NodeUnavailableException.class, () -> transport.fetchAdd(0, 16, 1));
    }

    @Test
    void shouldDeliverMessagesInOrderOnItsOwnThreadNotTheSenders() throws Exception
    {
        final LocalTransport transport = transport(new DsmConfig());
        transport.start();
        try
        {
            final List<String> sent = new ArrayList<>();
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
            for (int i = 0; i < 100; i++)
            {
                final String text = "m" + i;
                sent.add("0:" + text);
                final int length = buffer.putStringWithoutLengthAscii(0, text);
                transport.send(0, buffer, 0, length);
            }
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (received.size() < sent.size() && System.nanoTime() < deadlineNs)
            {
                Thread.sleep(1);
            }
            assertEquals(sent, received);
            assertNotEquals(Thread.currentThread().getName(), threads.get(0));
            assertThrows(RemoteAccessException.class, () -> transport.send(0, new UnsafeBuffer(
                new byte[LocalTransport.MAX_MESSAGE_LENGTH + 1]), 0, LocalTransport.MAX_MESSAGE_LENGTH + 1));
        }
        finally
        {
            transport.close();
        }
    }

    @Test
    void shouldRejectAClusterOfMoreThanOneNodeNamingTheSetting()
    {
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> new DsmConfig().nodeCount(3).conclude());
        assertTrue(ex.getMessage().startsWith("jdsm.transport=local runs one node, not jdsm.node.count=3: set " +
            "jdsm.transport=aeron"), ex.getMessage());
    }
}
