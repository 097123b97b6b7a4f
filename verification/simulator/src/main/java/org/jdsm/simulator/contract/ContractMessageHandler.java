package org.jdsm.simulator.contract;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.spi.MessageHandler;
import org.jdsm.spi.Transport;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The {@link MessageHandler} of every node under the {@link TransportContract}: it records each message it
 * receives and, once {@link #echoVia(Transport)} has given it the node's transport, sends every message that came
 * from another node straight back to its source, from inside {@link #onMessage} (so the contract also checks that a
 * transport accepts {@code send} from its own receiving thread). The driving node (node 0) records without echoing.
 * <p>
 * <b>Note:</b> threadsafe: the transport's receiving thread records, a test thread takes.
 */
public final class ContractMessageHandler implements MessageHandler
{
    /**
     * A message as received: its source and a copy of its bytes.
     * <p>
     * <b>Note:</b> immutable.
     */
    public static final class Received
    {
        private final int sourceNodeId;
        private final byte[] bytes;

        Received(final int sourceNodeId, final byte[] bytes)
        {
            this.sourceNodeId = sourceNodeId;
            this.bytes = bytes;
        }

        /**
         * @return the node that sent it.
         */
        public int sourceNodeId()
        {
            return sourceNodeId;
        }

        /**
         * @return a copy of its bytes.
         */
        public byte[] bytes()
        {
            return bytes.clone();
        }
    }

    private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private volatile Transport echoTransport;

    /**
     * Echo every message from another node back to its source through a transport, from now on.
     *
     * @param transport of the node this handler belongs to.
     * @return this for a fluent API.
     */
    public ContractMessageHandler echoVia(final Transport transport)
    {
        echoTransport = transport;
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public void onMessage(final int sourceNodeId, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        received.add(new Received(sourceNodeId, bytes));

        final Transport transport = echoTransport;
        if (null != transport && sourceNodeId != transport.nodeId())
        {
            transport.send(sourceNodeId, new UnsafeBuffer(bytes), 0, length);
        }
    }

    /**
     * Take the next message received, waiting for it.
     *
     * @param timeoutNs how long to wait.
     * @return the message, or null if none arrived in time.
     * @throws InterruptedException if interrupted while waiting.
     */
    public Received poll(final long timeoutNs) throws InterruptedException
    {
        return received.poll(timeoutNs, TimeUnit.NANOSECONDS);
    }

    /**
     * @return number of messages received and not yet taken.
     */
    public int size()
    {
        return received.size();
    }
}
