package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.jdsm.spi.Transport;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A transport that keeps a little-endian copy of each message sent and the node it went to (or, to measure the
 * proxy's own allocation, only reads its type), and has nothing else.
 */
final class RecordingTransport implements Transport
{
    static final int MAX_MESSAGE_LENGTH = 8192;

    final ConcurrentLinkedQueue<ByteBuffer> sent = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Integer> targets = new ConcurrentLinkedQueue<>();
    private final boolean records;
    private long typesSeen;

    RecordingTransport(final boolean records)
    {
        this.records = records;
    }

    public void send(final int nodeId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (records)
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            sent.add(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN));
            targets.add(nodeId);
        }
        else
        {
            typesSeen += buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN);
        }
    }

    public int maxMessageLength()
    {
        return MAX_MESSAGE_LENGTH;
    }

    public void start()
    {
    }

    public int nodeId()
    {
        return 0;
    }

    public boolean isAvailable(final int nodeId)
    {
        return true;
    }

    public void read(
        final int nodeId, final long offset, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        throw new UnsupportedOperationException("read");
    }

    public void write(
        final int nodeId, final long offset, final DirectBuffer src, final int srcOffset, final int length)
    {
        throw new UnsupportedOperationException("write");
    }

    public long compareAndSwap(final int nodeId, final long offset, final long expected, final long update)
    {
        throw new UnsupportedOperationException("compareAndSwap");
    }

    public long fetchAdd(final int nodeId, final long offset, final long delta)
    {
        throw new UnsupportedOperationException("fetchAdd");
    }

    public void close()
    {
    }
}
