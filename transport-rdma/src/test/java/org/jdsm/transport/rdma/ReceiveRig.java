package org.jdsm.transport.rdma;

import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.DsmConfig;
import org.jdsm.spi.CountersFile;
import org.jdsm.spi.TransportContext;
import org.jdsm.simulator.contract.BufferHeapRegion;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.jdsm.transport.rdma.RdmaFrameDescriptor.*;
import static org.jdsm.transport.rdma.WorkRequestIdDescriptor.*;

/**
 * Node 0 of 4 of a real {@link RdmaTransport} and {@link RdmaPoller} without hardware ({@link FakeConnection}s),
 * three accepted connections and the frames they deliver through the receive path a work completion starts:
 * node 1 has proved the cluster secret and sent its regions, and node 0 waits on slot {@link #PENDING_SLOT} of its
 * link; node 2 has connected and sent nothing; node 3 has proved the secret and not yet sent its regions. The heap
 * holds a pattern, so any write shows.
 */
final class ReceiveRig
{
    static final int NODE_ID = 0;
    static final int NODE_COUNT = 4;
    static final int PROVED = 1;
    static final int UNPROVED = 2;
    static final int PROVED_WITHOUT_REGIONS = 3;
    static final String SECRET = "fuzz-cluster-secret";
    static final int HEAP_CAPACITY = 4096;
    static final int FRAME_SIZE = 1024;
    static final int STAGING_SIZE = 256;
    static final int PENDING_SLOT = 1;

    final BufferHeapRegion heap = new BufferHeapRegion(HEAP_CAPACITY);
    final List<Throwable> errors = new ArrayList<>();
    final List<String> messages = new ArrayList<>();
    final RdmaTransport transport;
    final CountersFile counters;
    final RdmaPoller poller;
    final Link[] links = new Link[NODE_COUNT];
    final OperationSlot pending;
    final long pendingWrId;
    private int nextBuffer;

    ReceiveRig() throws IOException
    {
        for (int i = 0; i < HEAP_CAPACITY; i++)
        {
            heap.buffer().putByte(i, (byte)(i * 31 + 7));
        }
        final DsmConfig config = new DsmConfig().nodeId(NODE_ID).nodeCount(NODE_COUNT).transport("rdma")
            .members(List.of("127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003", "127.0.0.1:7004"))
            .clusterSecret(SECRET).conclude();
        final RdmaTransportContext settings = new RdmaTransportContext().bufferSize(FRAME_SIZE).receiveBuffers(4)
            .sendBuffers(8).signalInterval(4).maxInFlight(4).stagingSize(STAGING_SIZE).queueDepth(16).cqSize(64)
            .errorHandler(errors::add);
        counters = CountersFile.inMemory(config);
        transport = new RdmaTransport(new TransportContext(config, heap,
            (source, buffer, offset, length) -> messages.add(source + ":" + length), counters), settings);
        poller = new RdmaPoller(transport, transport.context(), config, heap, NODE_ID);

        for (int peer = 1; peer < NODE_COUNT; peer++)
        {
            links[peer] = transport.addLink(new FakeConnection(), -1); // accepted: the peer is known by its hello
        }
        deliver(links[PROVED], hello(PROVED, PROVED, NODE_ID, SECRET));
        deliver(links[PROVED], bounceRegions(PROVED));
        deliver(links[PROVED_WITHOUT_REGIONS], hello(PROVED_WITHOUT_REGIONS, PROVED_WITHOUT_REGIONS, NODE_ID, SECRET));
        if (!links[PROVED].isReady() || !links[PROVED_WITHOUT_REGIONS].isAuthenticated() || !errors.isEmpty() ||
            0 != poller.rejectedFrameCount())
        {
            throw new IllegalStateException("rig did not start: " + errors);
        }

        pending = links[PROVED].slot(PENDING_SLOT);
        pending.tryClaim();
        pendingWrId = wrId(KIND_ONE_SIDED, links[PROVED].index(), PENDING_SLOT, pending.begin());
    }

    /**
     * Deliver a frame as the receive completion of the next receive buffer of a link reports it.
     *
     * @param link       it arrives on.
     * @param bytes      written into the buffer, up to its size.
     * @param byteLength the completion reports.
     */
    void deliver(final Link link, final byte[] bytes, final int byteLength)
    {
        final int bufferIndex = nextBuffer++ % link.receiveBufferCount();
        final UnsafeBuffer buffers = link.receiveBuffers();
        buffers.setMemory(bufferIndex * FRAME_SIZE, FRAME_SIZE, (byte)0);
        buffers.putBytes(bufferIndex * FRAME_SIZE, bytes, 0, Math.min(bytes.length, FRAME_SIZE));
        poller.dispatcher().onCompletion(wrId(KIND_RECEIVE, link.index(), bufferIndex, 0), VerbsCodes.WC_SUCCESS,
            VerbsCodes.WC_OPCODE_RECV, byteLength);
    }

    void deliver(final Link link, final byte[] bytes)
    {
        deliver(link, bytes, bytes.length);
    }

    byte[] heapBytes()
    {
        final byte[] bytes = new byte[HEAP_CAPACITY];
        heap.buffer().getBytes(0, bytes);
        return bytes;
    }

    // ------------------------------------------------------------------------------------------------------------
    // valid frames

    static RdmaFrameFlyweight frame(final byte[] bytes)
    {
        return new RdmaFrameFlyweight().wrap(new UnsafeBuffer(bytes), 0);
    }

    static byte[] hello(final int source, final int helloNodeId, final int target, final String secret)
    {
        final byte[] bytes = new byte[HEADER_LENGTH + ConnectionExchangeDescriptor.length(0)];
        final RdmaFrameFlyweight frame = frame(bytes)
            .header(TYPE_HELLO, source, ConnectionExchangeDescriptor.length(0));
        new ConnectionExchangeFlyweight().wrap(frame.buffer(), HEADER_LENGTH)
            .header(helloNodeId, NODE_COUNT, ConnectionExchangeDescriptor.MODE_HELLO, 0, 0, 0)
            .proof(ConnectionExchangeFlyweight.proof(secret, helloNodeId, target, NODE_COUNT));
        return bytes;
    }

    static byte[] bounceRegions(final int source)
    {
        final byte[] bytes = new byte[HEADER_LENGTH + ConnectionExchangeDescriptor.length(0)];
        final RdmaFrameFlyweight frame = frame(bytes)
            .header(TYPE_REGIONS, source, ConnectionExchangeDescriptor.length(0));
        new ConnectionExchangeFlyweight().wrap(frame.buffer(), HEADER_LENGTH)
            .header(source, NODE_COUNT, ConnectionExchangeDescriptor.MODE_BOUNCE, HEAP_CAPACITY, HEAP_CAPACITY, 0);
        return bytes;
    }

    static byte[] directRegions(final int source, final int segmentLength)
    {
        final int count = (HEAP_CAPACITY + segmentLength - 1) / segmentLength;
        final byte[] bytes = new byte[HEADER_LENGTH + ConnectionExchangeDescriptor.length(count)];
        final RdmaFrameFlyweight frame = frame(bytes)
            .header(TYPE_REGIONS, source, ConnectionExchangeDescriptor.length(count));
        final ConnectionExchangeFlyweight exchange = new ConnectionExchangeFlyweight().wrap(frame.buffer(),
            HEADER_LENGTH).header(source, NODE_COUNT, ConnectionExchangeDescriptor.MODE_DIRECT, HEAP_CAPACITY,
            segmentLength, count);
        for (int i = 0; i < count; i++)
        {
            exchange.region(i, 0x7f00_0000_0000L + (long)i * segmentLength,
                Math.min(segmentLength, HEAP_CAPACITY - (long)i * segmentLength), 100 + i);
        }
        return bytes;
    }

    static byte[] request(
        final byte type, final int source, final long correlationId, final long offset, final long operand1,
        final long operand2, final int payloadLength, final byte fill)
    {
        final byte[] bytes = new byte[HEADER_LENGTH + payloadLength];
        java.util.Arrays.fill(bytes, HEADER_LENGTH, bytes.length, fill);
        frame(bytes).header(type, source, payloadLength).correlationId(correlationId).heapOffset(offset)
            .operand1(operand1).operand2(operand2);
        return bytes;
    }
}
