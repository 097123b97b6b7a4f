package org.jdsm.transport.local;

import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;
import org.jdsm.NodeUnavailableException;
import org.jdsm.RemoteAccessException;
import org.jdsm.spi.HeapRegion;
import org.jdsm.spi.MessageHandler;
import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;

import java.util.concurrent.TimeUnit;

/**
 * The {@link Transport} of a cluster of one node, named {@code local}: one-sided operations apply to the node's
 * own {@link HeapRegion} on the calling thread; control messages are copied and delivered, in the order sent, to
 * the node's own {@link MessageHandler} by a delivery agent, never on the sender's thread (the engine sends from its
 * handlers).
 * <p>
 * <b>Note:</b> threadsafe; owned and closed by its node.
 */
public final class LocalTransport implements Transport
{
    /** Largest control message: larger tasks and results are staged in the heap by the engine. */
    public static final int MAX_MESSAGE_LENGTH = 1024 * 1024;

    private final HeapRegion heap;
    private final ErrorHandler errorHandler;
    private final ManyToOneConcurrentLinkedQueue<byte[]> messages = new ManyToOneConcurrentLinkedQueue<>();
    private final AgentRunner deliveryRunner;
    private volatile boolean isStarted;
    private volatile boolean isClosed;

    /**
     * A transport for the only node of a cluster, not yet started.
     *
     * @param context of the node, with a concluded configuration.
     * @throws ConfigurationException if the cluster has more than one node.
     */
    public LocalTransport(final TransportContext context)
    {
        final DsmConfig config = context.config();
        if (1 != config.nodeCount())
        {
            throw new ConfigurationException(DsmConfig.TRANSPORT_PROP_NAME + "=" + LocalTransportProvider.NAME +
                " runs one node, not " + DsmConfig.NODE_COUNT_PROP_NAME + "=" + config.nodeCount() +
                ": use jdsm.transport=aeron (artifact jdsm-transport-aeron) for a cluster");
        }
        this.heap = context.heap();
        this.errorHandler = context.errorHandler();
        this.deliveryRunner = new AgentRunner(
            new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1)),
            errorHandler,
            null,
            new DeliveryAgent(context.messageHandler()));
    }

    /**
     * Start delivering messages: there is no peer to wait for.
     */
    public void start()
    {
        AgentRunner.startOnThread(deliveryRunner);
        isStarted = true;
    }

    /**
     * {@inheritDoc}
     */
    public int nodeId()
    {
        return 0;
    }

    /**
     * {@inheritDoc}
     *
     * @throws RemoteAccessException if {@code nodeId} is not 0.
     */
    public boolean isAvailable(final int nodeId)
    {
        checkNodeId("isAvailable", nodeId);
        return isStarted && !isClosed;
    }

    /**
     * {@inheritDoc}
     */
    public void read(final int nodeId, final long offset, final MutableDirectBuffer dst, final int dstOffset,
        final int length)
    {
        checkOpen("read", nodeId);
        heap.getBytes(offset, dst, dstOffset, length);
    }

    /**
     * {@inheritDoc}
     */
    public void write(final int nodeId, final long offset, final DirectBuffer src, final int srcOffset,
        final int length)
    {
        checkOpen("write", nodeId);
        heap.putBytes(offset, src, srcOffset, length);
    }

    /**
     * {@inheritDoc}
     */
    public long compareAndSwap(final int nodeId, final long offset, final long expected, final long update)
    {
        checkOpen("compareAndSwap", nodeId);
        return heap.compareAndSwapLong(offset, expected, update);
    }

    /**
     * {@inheritDoc}
     */
    public long fetchAdd(final int nodeId, final long offset, final long delta)
    {
        checkOpen("fetchAdd", nodeId);
        return heap.getAndAddLong(offset, delta);
    }

    /**
     * {@inheritDoc}
     * <p>
     * The bytes are copied, so the buffer may be reused at once.
     *
     * @throws RemoteAccessException if {@code length > }{@link #maxMessageLength()}.
     */
    public void send(final int nodeId, final DirectBuffer buffer, final int offset, final int length)
    {
        checkOpen("send", nodeId);
        if (length < 0 || length > MAX_MESSAGE_LENGTH)
        {
            throw new RemoteAccessException("send length=" + length + " not in [0, maxMessageLength=" +
                MAX_MESSAGE_LENGTH + "]");
        }
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        messages.offer(copy);
    }

    /**
     * {@inheritDoc}
     */
    public int maxMessageLength()
    {
        return MAX_MESSAGE_LENGTH;
    }

    /**
     * Stop delivering; messages not yet delivered are dropped. Idempotent.
     */
    public void close()
    {
        isClosed = true;
        deliveryRunner.close();
        while (null != messages.poll())
        {
            // dropped: nobody is left to handle them
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "LocalTransport{started=" + isStarted + ", closed=" + isClosed + '}';
    }

    private static void checkNodeId(final String operation, final int nodeId)
    {
        if (0 != nodeId)
        {
            throw new RemoteAccessException(operation + " on nodeId=" + nodeId + ": the local transport has only node 0");
        }
    }

    private void checkOpen(final String operation, final int nodeId)
    {
        checkNodeId(operation, nodeId);
        if (!isStarted || isClosed)
        {
            throw new NodeUnavailableException(nodeId, operation + " on a local transport that is " +
                (isClosed ? "closed" : "not started"));
        }
    }

    /**
     * Delivers queued messages to the node's handler, in the order they were sent.
     */
    private final class DeliveryAgent implements Agent
    {
        private static final int BATCH_LIMIT = 64;

        private final MessageHandler handler;
        private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);

        DeliveryAgent(final MessageHandler handler)
        {
            this.handler = handler;
        }

        public int doWork()
        {
            int delivered = 0;
            byte[] message;
            while (delivered < BATCH_LIMIT && null != (message = messages.poll()))
            {
                buffer.wrap(message);
                delivered++;
                try
                {
                    handler.onMessage(0, buffer, 0, message.length);
                }
                catch (final RuntimeException ex)
                {
                    errorHandler.onError(ex);
                }
            }

            return delivered;
        }

        public String roleName()
        {
            return "jdsm-local-delivery";
        }
    }
}
