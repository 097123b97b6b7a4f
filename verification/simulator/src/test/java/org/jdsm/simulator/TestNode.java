package org.jdsm.simulator;

import org.jdsm.simulator.contract.BufferHeapRegion;
import org.agrona.DirectBuffer;
import org.jdsm.DsmConfig;
import org.jdsm.spi.TransportContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One simulated node for tests: a heap, a transport on a network, and what its message handler received.
 * <p>
 * <b>Note:</b> the queues are threadsafe; the handler runs on the network thread.
 */
final class TestNode implements AutoCloseable
{
    static final int HEAP_CAPACITY = 1024;

    /**
     * A message as the handler saw it.
     *
     * @param sourceNodeId sender.
     * @param bytes        copied out of the handler's buffer.
     */
    record Received(int sourceNodeId, byte[] bytes)
    {
    }

    final int nodeId;
    final BufferHeapRegion heap = new BufferHeapRegion(HEAP_CAPACITY);
    final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final SimulatedTransport transport;

    TestNode(final SimulatedNetwork network, final int nodeId, final int nodeCount, final long operationTimeoutNs)
    {
        this.nodeId = nodeId;
        final DsmConfig config = config(network, nodeId, nodeCount, operationTimeoutNs).errorHandler(errors::add);
        this.transport = new SimulatedTransport(new TransportContext(config.conclude(), heap, this::onMessage), network);
    }

    static DsmConfig config(
        final SimulatedNetwork network, final int nodeId, final int nodeCount, final long operationTimeoutNs)
    {
        return new DsmConfig()
            .nodeId(nodeId)
            .nodeCount(nodeCount)
            .transportProvider(new SimulatedTransportProvider(network))
            .operationTimeoutNs(operationTimeoutNs)
            .heartbeatIntervalNs(Math.min(DsmConfig.HEARTBEAT_INTERVAL_DEFAULT_NS, operationTimeoutNs / 4));
    }

    static long defaultTimeoutNs()
    {
        return TimeUnit.SECONDS.toNanos(10);
    }

    Received poll() throws InterruptedException
    {
        return received.poll(5, TimeUnit.SECONDS);
    }

    public void close()
    {
        transport.close();
    }

    void onMessage(final int sourceNodeId, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        received.add(new Received(sourceNodeId, bytes));
    }
}
