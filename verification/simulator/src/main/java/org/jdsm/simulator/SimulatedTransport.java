package org.jdsm.simulator;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;
import org.jdsm.DsmException;
import org.jdsm.NodeUnavailableException;
import org.jdsm.RemoteAccessException;
import org.jdsm.spi.HeapRegion;
import org.jdsm.spi.MessageHandler;
import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportArguments;
import org.jdsm.spi.TransportContext;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link Transport} of one node on a {@link SimulatedNetwork}, named {@code simulated}: the network is given
 * through the node's provider, {@code config.transportProvider(new SimulatedTransportProvider(network))}.
 * <p>
 * One-sided operations block the calling thread until their completion is delivered back, or until
 * {@link DsmConfig#operationTimeoutNs()} has passed and {@link NodeUnavailableException} is thrown (a request that
 * timed out may still be applied later, as on a real network). They must not be called from a
 * {@link MessageHandler}: handlers run on the network thread, which would wait for itself, so that throws at once.
 * Messages are copied when sent and delivered, possibly reordered, on the network thread; a handler that throws
 * reports to {@link DsmConfig#errorHandler()}. Operations addressed to this node go through the network too.
 * <p>
 * The node that created the transport owns it and closes it, before the network is closed.
 * <p>
 * <b>Note:</b> threadsafe: many threads may have operations in flight at once.
 */
public final class SimulatedTransport implements Transport
{
    /**
     * Largest control message the simulator allows, and the default of
     * {@link SimulatedNetwork.Context#maxMessageLength(int)}: 16 MiB.
     */
    public static final int MAX_MESSAGE_LENGTH = 16 * 1024 * 1024;

    private final SimulatedNetwork network;
    private final boolean ownsNetwork;
    private final int nodeId;
    private final int nodeCount;
    private final long operationTimeoutNs;
    private final HeapRegion heap;
    private final MessageHandler messageHandler;
    private final AtomicBoolean isAttached = new AtomicBoolean();
    private final AtomicBoolean isClosed = new AtomicBoolean();

    /**
     * A transport for one node, not yet started.
     *
     * @param context of the node, with a concluded configuration.
     * @param network the nodes share, or null for a single node, which gets a network of its own, closed with it.
     * @throws ConfigurationException if no network is given for a cluster of more than one node.
     */
    public SimulatedTransport(final TransportContext context, final SimulatedNetwork network)
    {
        final DsmConfig config = context.config();
        if (null == network && config.nodeCount() > 1)
        {
            throw new ConfigurationException("transport=simulated with nodeCount=" + config.nodeCount() +
                " needs the SimulatedNetwork the nodes share: " +
                "config.transportProvider(new SimulatedTransportProvider(network))");
        }
        this.ownsNetwork = null == network;
        if (null == context.heap() || null == context.messageHandler())
        {
            throw new ConfigurationException("transport=simulated needs a heap and a messageHandler");
        }

        this.network = ownsNetwork ? new SimulatedNetwork(new SimulatedNetwork.Context()) : network;
        this.nodeId = config.nodeId();
        this.nodeCount = config.nodeCount();
        this.operationTimeoutNs = config.operationTimeoutNs();
        this.heap = context.heap();
        this.messageHandler = reportingTo(context.messageHandler(), config);
    }

    /**
     * Attach this node to the network, then wait until nodes [0, nodeCount) have all attached: the join barrier.
     *
     * @throws ConfigurationException if a node with this id has already attached.
     * @throws NodeUnavailableException naming a missing node when the barrier is not passed within the operation
     *                                  timeout; the node stays attached and is detached by {@link #close()}.
     */
    public void start()
    {
        network.attach(nodeId, heap, messageHandler);
        isAttached.set(true);
        network.awaitAttached(nodeCount, operationTimeoutNs);
    }

    /**
     * {@inheritDoc}
     */
    public int nodeId()
    {
        return nodeId;
    }

    /**
     * {@inheritDoc}
     *
     * @return false once the node crashed or left, or the network closed.
     * @throws RemoteAccessException if {@code nodeId} is not in [0, nodeCount).
     */
    public boolean isAvailable(final int nodeId)
    {
        TransportArguments.checkNodeId("isAvailable", nodeId, nodeCount);
        return network.isAvailable(nodeId);
    }

    /**
     * {@inheritDoc}
     */
    public void read(final int nodeId, final long offset, final MutableDirectBuffer dst, final int dstOffset,
        final int length)
    {
        TransportArguments.checkNodeId("read", nodeId, nodeCount);
        TransportArguments.checkLength("read", offset, length);
        dst.boundsCheck(dstOffset, length);

        final Operation operation = new Operation(Operation.READ, this.nodeId, nodeId, offset, length, 0, 0, null);
        network.invoke(operation, operationTimeoutNs);
        dst.putBytes(dstOffset, operation.data());
    }

    /**
     * {@inheritDoc}
     * <p>
     * Checked by the network thread, which plays the peer's NIC, at the delivery of the request.
     */
    public boolean readValidated(
        final int nodeId, final long offset, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        TransportArguments.checkNodeId("readValidated", nodeId, nodeCount);
        TransportArguments.checkSequenceWord("readValidated", offset, length);
        dst.boundsCheck(dstOffset, length);

        final Operation operation = new Operation(
            Operation.READ, this.nodeId, nodeId, offset, length, Operation.READ_VALIDATED, 0, null);
        network.invoke(operation, operationTimeoutNs);
        dst.putBytes(dstOffset, operation.data());

        return true;
    }

    /**
     * {@inheritDoc}
     * <p>
     * The network thread, which plays the peer's NIC and CPU, reads the word and follows it at the delivery of the
     * request. {@code dst} must have room for the word and the range.
     */
    public boolean readIndirect(
        final int nodeId,
        final long wordOffset,
        final long expected,
        final MutableDirectBuffer dst,
        final int dstOffset,
        final int length)
    {
        TransportArguments.checkNodeId("readIndirect", nodeId, nodeCount);
        TransportArguments.checkIndirect("readIndirect", wordOffset, length);
        dst.boundsCheck(dstOffset, Long.BYTES + length);

        final Operation operation = new Operation(
            Operation.READ, this.nodeId, nodeId, wordOffset, length, Operation.READ_INDIRECT, expected, null);
        network.invoke(operation, operationTimeoutNs);
        final byte[] data = operation.data();
        dst.putBytes(dstOffset, data);

        return data.length > Long.BYTES;
    }

    /**
     * {@inheritDoc}
     */
    public void write(final int nodeId, final long offset, final DirectBuffer src, final int srcOffset,
        final int length)
    {
        TransportArguments.checkNodeId("write", nodeId, nodeCount);
        TransportArguments.checkLength("write", offset, length);
        src.boundsCheck(srcOffset, length);

        final byte[] copy = new byte[length];
        src.getBytes(srcOffset, copy);
        network.invoke(new Operation(Operation.WRITE, this.nodeId, nodeId, offset, length, 0, 0, copy),
            operationTimeoutNs);
    }

    /**
     * {@inheritDoc}
     */
    public long compareAndSwap(final int nodeId, final long offset, final long expected, final long update)
    {
        TransportArguments.checkNodeId("compareAndSwap", nodeId, nodeCount);

        final Operation operation = new Operation(
            Operation.COMPARE_AND_SWAP, this.nodeId, nodeId, offset, Long.BYTES, expected, update, null);
        network.invoke(operation, operationTimeoutNs);
        return operation.result();
    }

    /**
     * {@inheritDoc}
     */
    public long fetchAdd(final int nodeId, final long offset, final long delta)
    {
        TransportArguments.checkNodeId("fetchAdd", nodeId, nodeCount);

        final Operation operation = new Operation(
            Operation.FETCH_ADD, this.nodeId, nodeId, offset, Long.BYTES, delta, 0, null);
        network.invoke(operation, operationTimeoutNs);
        return operation.result();
    }

    /**
     * {@inheritDoc}
     * <p>
     * The bytes are copied, so the buffer may be reused at once. A message to or from a node that crashed or left
     * is dropped without error.
     *
     * @throws DsmException if {@code length > }{@link #maxMessageLength()}.
     */
    public void send(final int nodeId, final DirectBuffer buffer, final int offset, final int length)
    {
        TransportArguments.checkNodeId("send", nodeId, nodeCount);
        buffer.boundsCheck(offset, length);
        final int maxMessageLength = network.context().maxMessageLength();
        if (length > maxMessageLength)
        {
            throw new DsmException("send length=" + length + " > maxMessageLength=" + maxMessageLength);
        }

        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        network.send(this.nodeId, nodeId, copy);
    }

    /**
     * {@inheritDoc}
     */
    public int maxMessageLength()
    {
        return network.context().maxMessageLength();
    }

    /**
     * Detach this node: later operations to it fail with {@link NodeUnavailableException}. Idempotent.
     */
    public void close()
    {
        if (isClosed.compareAndSet(false, true))
        {
            if (isAttached.get())
            {
                network.detach(nodeId);
            }
            if (ownsNetwork)
            {
                network.close();
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "SimulatedTransport{nodeId=" + nodeId + ", nodeCount=" + nodeCount + ", network=" + network + '}';
    }

    private static MessageHandler reportingTo(final MessageHandler handler, final DsmConfig config)
    {
        return (sourceNodeId, buffer, offset, length) ->
        {
            try
            {
                handler.onMessage(sourceNodeId, buffer, offset, length);
            }
            catch (final RuntimeException ex)
            {
                if (null == config.errorHandler())
                {
                    throw ex; // an unconcluded config has no handler: the network's own handler reports it
                }
                config.errorHandler().onError(ex);
            }
        };
    }
}
