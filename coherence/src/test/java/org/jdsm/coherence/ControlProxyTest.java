package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.jdsm.NodeCounters.Counter;
import org.jdsm.ObjectSizeException;
import org.jdsm.spi.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.jdsm.coherence.ControlMessageDescriptor.BODY_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.HEARTBEAT_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.RESULT_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.SPAWN_STAGED_TYPE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link ControlProxy} encodes what {@link ControlAdapter} decodes: the layout of {@link ControlMessageDescriptor},
 * little-endian whatever the platform, read back here with a {@link ByteBuffer} in that order; a heartbeat allocates
 * nothing; threads sending at once each keep their messages whole. The transport is a recording stand-in that
 * copies each message, as {@link Transport#send} does when it queues one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ControlProxyTest
{
    private static final long JIT_WAIT_NS = TimeUnit.SECONDS.toNanos(60);

    @Test
    void shouldEncodeHeaderAndBodyLittleEndian()
    {
        final RecordingTransport transport = new RecordingTransport(true);
        final Counters counters = new Counters();
        final ControlProxy proxy = new ControlProxy("recording", transport, counters);

        proxy.send(1, RESULT_TYPE, 0x0102030405060708L, -2L, new byte[] { 9, 8, 7 });
        proxy.sendStaged(1, SPAWN_STAGED_TYPE, 77, 5, GlobalAddress.compose(3, 1, 4096), 1234);
        proxy.sendHeartbeat(1, 6, 1L << 40);

        final ByteBuffer result = transport.sent.poll();
        assertEquals(BODY_OFFSET + 3, result.remaining());
        assertEquals(RESULT_TYPE, result.getInt(ControlMessageDescriptor.TYPE_OFFSET));
        assertEquals(0x0102030405060708L, result.getLong(ControlMessageDescriptor.CORRELATION_ID_OFFSET));
        assertEquals(8, result.get(ControlMessageDescriptor.CORRELATION_ID_OFFSET), "lowest byte first");
        assertEquals(-2L, result.getLong(ControlMessageDescriptor.VALUE_OFFSET));
        final byte[] body = new byte[3];
        result.get(BODY_OFFSET, body);
        assertArrayEquals(new byte[] { 9, 8, 7 }, body);

        final ByteBuffer staged = transport.sent.poll();
        assertEquals(BODY_OFFSET + ControlMessageDescriptor.STAGED_BODY_LENGTH, staged.remaining());
        assertEquals(SPAWN_STAGED_TYPE, staged.getInt(0));
        assertEquals(GlobalAddress.compose(3, 1, 4096),
            staged.getLong(BODY_OFFSET + ControlMessageDescriptor.STAGED_ADDRESS_OFFSET));
        assertEquals(1234, staged.getInt(BODY_OFFSET + ControlMessageDescriptor.STAGED_LENGTH_OFFSET));

        final ByteBuffer heartbeat = transport.sent.poll();
        assertEquals(BODY_OFFSET + 8, heartbeat.remaining());
        assertEquals(HEARTBEAT_TYPE, heartbeat.getInt(0));
        assertEquals(6, heartbeat.getLong(ControlMessageDescriptor.VALUE_OFFSET));
        assertEquals(1L << 40, heartbeat.getLong(BODY_OFFSET));

        assertEquals(2, counters.snapshot().get(Counter.MESSAGES_SENT));
        assertEquals(1, counters.snapshot().get(Counter.HEARTBEATS_SENT));
    }

    @Test
    void shouldRejectAMessageOverTheTransportsMaximumNamingIt()
    {
        final ControlProxy proxy = new ControlProxy("recording", new RecordingTransport(true), new Counters());

        final ObjectSizeException ex = assertThrows(ObjectSizeException.class,
            () -> proxy.send(1, RESULT_TYPE, 1, 0, new byte[RecordingTransport.MAX_MESSAGE_LENGTH]));
        assertEquals("message of " + (BODY_OFFSET + RecordingTransport.MAX_MESSAGE_LENGTH) + " bytes exceeds the " +
            "recording transport's maxMessageLength=" + RecordingTransport.MAX_MESSAGE_LENGTH, ex.getMessage());
    }

    @Test
    void shouldNotAllocatePerHeartbeat()
    {
        final ControlProxy proxy = new ControlProxy("recording", new RecordingTransport(false), new Counters());
        final int round = 100_000;
        long overhead = Long.MAX_VALUE;
        for (int i = 0; i < 100; i++)
        {
            final long before = allocatedBytes();
            overhead = Math.min(overhead, allocatedBytes() - before);
        }

        long minimum = Long.MAX_VALUE;
        final long deadlineNs = System.nanoTime() + JIT_WAIT_NS;
        while (minimum > 0 && System.nanoTime() - deadlineNs < 0)
        {
            final long before = allocatedBytes();
            for (int i = 0; i < round; i++)
            {
                proxy.sendHeartbeat(1, i, 1024L * i);
            }
            minimum = Math.min(minimum, allocatedBytes() - before - overhead);
        }

        assertEquals(0, minimum, "bytes allocated in the best round of " + round + " heartbeats");
    }

    @Test
    void shouldKeepMessagesOfThreadsSendingAtOnceWhole() throws InterruptedException
    {
        final RecordingTransport transport = new RecordingTransport(true);
        final ControlProxy proxy = new ControlProxy("recording", transport, new Counters());
        final int threads = 4;
        final int messages = 20_000;
        final CountDownLatch start = new CountDownLatch(1);
        final Thread[] senders = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            final long sender = t;
            senders[t] = new Thread(() ->
            {
                awaitQuietly(start);
                for (int i = 0; i < messages; i++)
                {
                    // correlation id and value name the sender and the message: a message encoded over by another
                    // thread would break the pair
                    proxy.send(1, RESULT_TYPE, (sender << 32) | i, ~((sender << 32) | i), new byte[] { (byte)sender });
                }
            });
            senders[t].start();
        }
        start.countDown();
        for (final Thread sender : senders)
        {
            sender.join();
        }

        assertEquals(threads * messages, transport.sent.size());
        for (final ByteBuffer message : transport.sent)
        {
            final long id = message.getLong(ControlMessageDescriptor.CORRELATION_ID_OFFSET);
            assertEquals(~id, message.getLong(ControlMessageDescriptor.VALUE_OFFSET));
            assertEquals((byte)(id >>> 32), message.get(BODY_OFFSET));
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static long allocatedBytes()
    {
        return ((com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean())
            .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
