package org.jdsm.transport.rdma;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;
import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;
import org.jdsm.DsmException;
import org.jdsm.NodeUnavailableException;
import org.jdsm.RemoteAccessException;
import org.jdsm.spi.CountersFileDescriptor;
import org.jdsm.spi.HeapRegion;
import org.jdsm.spi.MessageHandler;
import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportArguments;
import org.jdsm.spi.TransportContext;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The {@link Transport} over RDMA verbs through DiSNI, named {@code rdma}: one RC queue pair per pair of nodes,
 * set up with RDMA-CM at the members' addresses (a node connects to every lower id and accepts every higher id).
 * <ul>
 *     <li>{@link #read}/{@link #write} are RDMA READ/WRITE posted straight into/out of the caller's buffer when it
 *     lies in registered memory (the heap's {@link HeapRegion#segments()}), else through the
 *     operation's registered staging slot, in chunks of {@code jdsm.rdma.staging.size};</li>
 *     <li>{@link #compareAndSwap}/{@link #fetchAdd} are {@code IBV_WR_ATOMIC_CMP_AND_SWP}/{@code FETCH_AND_ADD};</li>
 *     <li>{@link #send} is a SEND of a control frame into one of the peer's pre-posted receive buffers;</li>
 *     <li>{@link #readValidated} is the SPI's default, a plain {@link #read} that returns false: the peer's CPU takes
 *     no part in an RDMA READ, so nothing checks the range's sequence word there (the engine reads a cell's word
 *     again instead).</li>
 * </ul>
 * Each operation claims one of {@code jdsm.rdma.max.in.flight} slots per peer, posts a work request whose wr_id
 * names the slot, and waits (backing off) for the poller to publish its completion: many operations are in flight
 * per queue pair, completions are polled by one {@link RdmaPoller} agent, and no operation is handed to another
 * thread. An operation that does not complete within {@link DsmConfig#operationTimeoutNs()} throws
 * {@link NodeUnavailableException} and takes the connection down (closing the queue pair stops the NIC from
 * touching the caller's buffer later); a range the peer's heap does not have throws {@link RemoteAccessException}.
 * <p>
 * <b>Heap registration.</b> The heap's {@link HeapRegion#segments()} (the engine's heap slice exposes them), or
 * else {@link RdmaTransportContext#heapSegments()} (direct buffers covering the heap in order, all of the first
 * one's length but the last), are registered and peers access them one-sidedly
 * ("direct mode"); a region that exposes neither is served in "bounce mode": requests are SENT to the node and
 * its poller applies them through the {@link HeapRegion} methods, copying through registered buffers. Both ends
 * handle both modes.
 * <p>
 * <b>Atomics.</b> NIC atomics are atomic with respect to the owner's CPU atomics only on devices whose
 * {@code atomic_cap} is {@code IBV_ATOMIC_GLOB}; on {@code IBV_ATOMIC_HCA} devices the owner must not mix local and
 * remote atomics on one word (or must run in bounce mode).
 * <p>
 * Operations on this node's own id are applied to the local heap; messages to itself are delivered by the poller.
 * The node that created the transport owns it and its {@link RdmaTransportContext}, and closes it.
 * <p>
 * <b>Note:</b> threadsafe: many threads may have operations in flight to the same peer. One-sided operations must
 * not be called from a {@link MessageHandler}, which runs on the poller thread and would wait for itself.
 */
public final class RdmaTransport implements Transport
{
    private static final ThreadLocal<RdmaFrameFlyweight> CALLER_FRAME = ThreadLocal.withInitial(RdmaFrameFlyweight::new);
    private static final ThreadLocal<IdleStrategy> CALLER_IDLE = ThreadLocal.withInitial(
        () -> new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100)));

    private final RdmaTransportContext ctx;
    private final DsmConfig config;
    private final int nodeId;
    private final int nodeCount;
    private final long operationTimeoutNs;
    private final HeapRegion heap;
    private final MessageHandler messageHandler;
    private final ByteBuffer[] heapSegments;
    private final AtomicCounter rejectedFrames;
    private final WorkRequestBuilder builder;
    private final ByteOrder atomicOrder;
    private final AtomicReferenceArray<Link> peers;
    private final Link[] links;
    private volatile int linkCount;
    private volatile boolean isClosed;
    private VerbsFabric fabric;
    private RdmaPoller poller;
    private AgentRunner pollerRunner;
    private AgentRunner acceptorRunner;
    private MemoryRegistration[] heapRegistrations;

    /**
     * A transport for one node, not yet started, with settings from properties and the node's transport options;
     * nothing native is touched until {@link #start()}.
     *
     * @param context of the node, with a concluded configuration that has {@code members}.
     * @throws ConfigurationException naming the first invalid setting.
     */
    public RdmaTransport(final TransportContext context)
    {
        this(context, null);
    }

    /**
     * A transport for one node, not yet started; nothing native is touched until {@link #start()}.
     *
     * @param context  of the node, with a concluded configuration that has {@code members}.
     * @param settings to use instead of ones built from properties and the node's transport options, or null; a
     *                 context not yet concluded gets the node's options and error handler, then is concluded.
     * @throws ConfigurationException naming the first invalid setting.
     */
    public RdmaTransport(final TransportContext context, final RdmaTransportContext settings)
    {
        this.config = context.config();
        if (null == context.heap() || null == context.messageHandler())
        {
            throw new ConfigurationException("transport=rdma needs a heap and a messageHandler");
        }
        if (config.members().size() != config.nodeCount())
        {
            throw new ConfigurationException("transport=rdma needs members: one host:port per node, has " +
                config.members().size() + " for nodeCount=" + config.nodeCount());
        }
        if (config.nodeCount() > WorkRequestIdDescriptor.MAX_LINKS)
        {
            throw new ConfigurationException("nodeCount=" + config.nodeCount() + " > " +
                WorkRequestIdDescriptor.MAX_LINKS + " links a wr_id can name");
        }

        final RdmaTransportContext given = null != settings ? settings : new RdmaTransportContext();
        if (null == given.errorHandler() && !given.isConcluded())
        {
            given.errorHandler(context.errorHandler());
        }
        this.ctx = given.isConcluded() ? given : given.options(config.transportOptions()).conclude();
        this.nodeId = config.nodeId();
        this.nodeCount = config.nodeCount();
        this.operationTimeoutNs = config.operationTimeoutNs();
        this.heap = context.heap();
        this.rejectedFrames = context.counters().newCounter(
            CountersFileDescriptor.TRANSPORT_COUNTER_TYPE_ID, "rdma: frames rejected");
        this.messageHandler = context.messageHandler();
        this.heapSegments = heapSegments(null != ctx.heapSegments() ? ctx.heapSegments() : heap.segments(),
            heap.capacity());
        this.builder = new WorkRequestBuilder(ctx.maxInline());
        this.atomicOrder = ctx.atomicReplyBigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        this.peers = new AtomicReferenceArray<>(nodeCount);
        this.links = new Link[WorkRequestIdDescriptor.MAX_LINKS];
    }

    /**
     * Check the machine, listen, connect to lower ids, accept higher ids, exchange hellos and regions: the join
     * barrier.
     *
     * @throws RdmaUnavailableException at once when libdisni or an RDMA device is missing.
     * @throws NodeUnavailableException naming the first peer not joined within {@code jdsm.rdma.connect.timeout}.
     */
    public void start()
    {
        ctx.environment().check();

        final long deadlineNs = System.nanoTime() + ctx.connectTimeoutNs();
        try
        {
            fabric = ctx.fabricSupplier().get();
            fabric.listen(address(nodeId));
        }
        catch (final IOException ex)
        {
            closeQuietly();
            throw new NodeUnavailableException(nodeId, "can not listen for RDMA connections at " +
                config.members().get(nodeId) + ": " + ex.getMessage());
        }

        poller = new RdmaPoller(this, ctx, config, heap, nodeId);
        pollerRunner = new AgentRunner(ctx.idleStrategy(), ctx.errorHandler(), null, poller);
        AgentRunner.startOnThread(pollerRunner);
        acceptorRunner = new AgentRunner(
            new SleepingMillisIdleStrategy(1), ctx.errorHandler(), null, new Acceptor());
        AgentRunner.startOnThread(acceptorRunner);

        for (int peer = 0; peer < nodeId; peer++)
        {
            connect(peer, deadlineNs);
        }

        awaitJoined(deadlineNs);
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
     * @return false once the connection to the node went down or the node left.
     * @throws RemoteAccessException if {@code nodeId} is not in [0, nodeCount).
     */
    public boolean isAvailable(final int nodeId)
    {
        TransportArguments.checkNodeId("isAvailable", nodeId, nodeCount);
        if (nodeId == this.nodeId)
        {
            return !isClosed;
        }
        final Link link = peers.get(nodeId);
        return !isClosed && (null == link || !link.isDown());
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
        if (nodeId == this.nodeId)
        {
            checkOpen(nodeId, "read");
            heap.getBytes(offset, dst, dstOffset, length);
            return;
        }

        final Link link = readyLink(nodeId, "read", offset, length);
        final PeerRegions regions = link.regions();
        if (regions.isDirect())
        {
            final int segment = regions.checkRange("read", offset, length);
            final int lkey = registeredLkey(dst, dstOffset, length);
            if (0 == length)
            {
                return;
            }
            if (lkey != NOT_REGISTERED)
            {
                final OperationSlot slot = claim(link, "read", offset, length);
                final long wrId = wrId(link, slot);
                builder.read(slot.wr(), wrId, dst.addressOffset() + dstOffset, lkey, length,
                    regions.address(segment, offset), regions.rkey(segment));
                postAndAwait(link, slot, "read", offset, length);
                slot.release();
                return;
            }
        }

        final int chunkLength = chunkLength(regions);
        int done = 0;
        do
        {
            final int chunk = Math.min(chunkLength, length - done);
            final long chunkOffset = offset + done;
            final OperationSlot slot = claim(link, "read", chunkOffset, chunk);
            final long wrId = wrId(link, slot);
            if (regions.isDirect())
            {
                final int segment = regions.checkRange("read", chunkOffset, chunk);
                builder.read(slot.wr(), wrId, slot.stagingAddress(), slot.stagingLkey(), chunk,
                    regions.address(segment, chunkOffset), regions.rkey(segment));
                postAndAwait(link, slot, "read", chunkOffset, chunk);
            }
            else
            {
                sendRequest(link, slot, wrId, RdmaFrameDescriptor.TYPE_READ_REQUEST, chunkOffset, chunk, 0, null, 0, 0);
                await(link, slot, "read", chunkOffset, chunk);
            }
            dst.putBytes(dstOffset + done, slot.staging(), 0, chunk);
            slot.release();
            done += chunk;
        }
        while (done < length);
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
        if (nodeId == this.nodeId)
        {
            checkOpen(nodeId, "write");
            heap.putBytes(offset, src, srcOffset, length);
            return;
        }

        final Link link = readyLink(nodeId, "write", offset, length);
        final PeerRegions regions = link.regions();
        if (regions.isDirect())
        {
            final int segment = regions.checkRange("write", offset, length);
            final int lkey = registeredLkey(src, srcOffset, length);
            if (0 == length)
            {
                return;
            }
            if (lkey != NOT_REGISTERED)
            {
                final OperationSlot slot = claim(link, "write", offset, length);
                builder.write(slot.wr(), wrId(link, slot), src.addressOffset() + srcOffset, lkey, length,
                    regions.address(segment, offset), regions.rkey(segment));
                postAndAwait(link, slot, "write", offset, length);
                slot.release();
                return;
            }
        }

        final int chunkLength = chunkLength(regions);
        int done = 0;
        do
        {
            final int chunk = Math.min(chunkLength, length - done);
            final long chunkOffset = offset + done;
            final OperationSlot slot = claim(link, "write", chunkOffset, chunk);
            final long wrId = wrId(link, slot);
            if (regions.isDirect())
            {
                final int segment = regions.checkRange("write", chunkOffset, chunk);
                slot.staging().putBytes(0, src, srcOffset + done, chunk);
                builder.write(slot.wr(), wrId, slot.stagingAddress(), slot.stagingLkey(), chunk,
                    regions.address(segment, chunkOffset), regions.rkey(segment));
                postAndAwait(link, slot, "write", chunkOffset, chunk);
            }
            else
            {
                sendRequest(link, slot, wrId, RdmaFrameDescriptor.TYPE_WRITE_REQUEST, chunkOffset, 0, 0,
                    src, srcOffset + done, chunk);
                await(link, slot, "write", chunkOffset, chunk);
            }
            slot.release();
            done += chunk;
        }
        while (done < length);
    }

    /**
     * {@inheritDoc}
     */
    public long compareAndSwap(final int nodeId, final long offset, final long expected, final long update)
    {
        TransportArguments.checkNodeId("compareAndSwap", nodeId, nodeCount);
        if (nodeId == this.nodeId)
        {
            checkOpen(nodeId, "compareAndSwap");
            return heap.compareAndSwapLong(offset, expected, update);
        }
        return atomic(nodeId, "compareAndSwap", RdmaFrameDescriptor.TYPE_CAS_REQUEST, offset, expected, update);
    }

    /**
     * {@inheritDoc}
     */
    public long fetchAdd(final int nodeId, final long offset, final long delta)
    {
        TransportArguments.checkNodeId("fetchAdd", nodeId, nodeCount);
        if (nodeId == this.nodeId)
        {
            checkOpen(nodeId, "fetchAdd");
            return heap.getAndAddLong(offset, delta);
        }
        return atomic(nodeId, "fetchAdd", RdmaFrameDescriptor.TYPE_FETCH_ADD_REQUEST, offset, delta, 0);
    }

    /**
     * {@inheritDoc}
     * <p>
     * The bytes are copied into a registered send buffer (or posted inline), so the buffer may be reused at once.
     * A message to a node whose connection is down is dropped without error, as the simulated transport does.
     *
     * @throws DsmException if {@code length > }{@link #maxMessageLength()}.
     */
    public void send(final int nodeId, final DirectBuffer buffer, final int offset, final int length)
    {
        TransportArguments.checkNodeId("send", nodeId, nodeCount);
        buffer.boundsCheck(offset, length);
        if (length > maxMessageLength())
        {
            throw new DsmException("send length=" + length + " > maxMessageLength=" + maxMessageLength());
        }
        if (isClosed)
        {
            return;
        }
        if (nodeId == this.nodeId)
        {
            poller.sendToSelf(buffer, offset, length);
            return;
        }

        final Link link = peers.get(nodeId);
        if (null == link || link.isDown())
        {
            return;
        }
        sendFrame(link, RdmaFrameDescriptor.TYPE_MESSAGE, 0, 0, 0, 0, buffer, offset, length, "send");
    }

    /**
     * {@inheritDoc}
     *
     * @return the buffer size less the frame header.
     */
    public int maxMessageLength()
    {
        return ctx.bufferSize() - RdmaFrameDescriptor.HEADER_LENGTH;
    }

    /**
     * Say goodbye to every peer, stop the agents, disconnect and deregister. Idempotent.
     */
    public void close()
    {
        if (isClosed)
        {
            return;
        }
        isClosed = true;
        for (int i = 0; i < peers.length(); i++)
        {
            final Link link = peers.get(i);
            if (null != link && !link.isDown())
            {
                final int slotOffset = link.lockSendSlot();
                if (slotOffset >= 0)
                {
                    try
                    {
                        final RdmaFrameFlyweight frame = new RdmaFrameFlyweight().wrap(link.sendRing(), slotOffset);
                        link.postFrame(frame.header(RdmaFrameDescriptor.TYPE_BYE, nodeId, 0).frameLength());
                    }
                    catch (final IOException ignore)
                    {
                        // leaving anyway
                    }
                }
            }
        }
        closeQuietly();
    }

    /**
     * The concluded settings.
     *
     * @return the context.
     */
    public RdmaTransportContext context()
    {
        return ctx;
    }

    /**
     * Work completions whose wr_id matched no waiting operation since start.
     *
     * @return the count, 0 before start.
     */
    public long unknownCompletionCount()
    {
        return null == poller ? 0 : poller.dispatcher().unknownCount();
    }

    /**
     * Received frames refused since start: malformed (lengths, version, type), from a connection that has not proved
     * the cluster secret or whose sender is not the connection's peer, out of protocol order, responses matching no
     * waiting operation, and bounce requests the heap refused (answered with the reason). Each is counted once;
     * all but the heap's refusals are also reported to the error handler.
     *
     * Counted in the node's counters file as {@code rdma: frames rejected}, so {@code ./jdsm stat} shows it.
     *
     * @return the count, 0 before start.
     */
    public long rejectedFrameCount()
    {
        return rejectedFrames.get();
    }

    AtomicCounter rejectedFrames()
    {
        return rejectedFrames;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "RdmaTransport{nodeId=" + nodeId + ", nodeCount=" + nodeCount + ", members=" + config.members() +
            ", mode=" + (null == heapSegments ? "bounce" : "direct") + '}';
    }

    // ------------------------------------------------------------------------------------------------------------
    // package-private, for the poller and the acceptor

    static final int NOT_REGISTERED = -1;

    Link link(final int index)
    {
        return index >= 0 && index < links.length ? links[index] : null;
    }

    int linkCount()
    {
        return linkCount;
    }

    Link peer(final int nodeId)
    {
        return peers.get(nodeId);
    }

    synchronized boolean bindPeer(final Link link, final int peerNodeId)
    {
        if (null != peers.get(peerNodeId) && peers.get(peerNodeId) != link)
        {
            return false;
        }
        link.peerNodeId(peerNodeId);
        peers.set(peerNodeId, link);
        return true;
    }

    MessageHandler messageHandler()
    {
        return messageHandler;
    }

    boolean isClosed()
    {
        return isClosed;
    }

    /**
     * Write this node's regions into an exchange payload, registering the heap in the link's protection domain.
     *
     * @param link     the regions are for.
     * @param exchange wrapping the payload.
     * @return the payload length.
     * @throws IOException when registration fails.
     */
    int writeRegions(final Link link, final ConnectionExchangeFlyweight exchange) throws IOException
    {
        if (null == heapSegments)
        {
            exchange.header(nodeId, nodeCount, ConnectionExchangeDescriptor.MODE_BOUNCE, heap.capacity(),
                heap.capacity(), 0);
            return ConnectionExchangeDescriptor.length(0);
        }

        final MemoryRegistration[] registrations = new MemoryRegistration[heapSegments.length];
        for (int i = 0; i < heapSegments.length; i++)
        {
            registrations[i] = link.connection().register(heapSegments[i]);
        }
        heapRegistrations = registrations;
        exchange.header(nodeId, nodeCount, ConnectionExchangeDescriptor.MODE_DIRECT, heap.capacity(),
            heapSegments[0].capacity(), registrations.length);
        for (int i = 0; i < registrations.length; i++)
        {
            exchange.region(i, registrations[i].address(), registrations[i].length(), registrations[i].rkey());
        }
        return ConnectionExchangeDescriptor.length(registrations.length);
    }

    synchronized Link addLink(final VerbsConnection connection, final int peerNodeId) throws IOException
    {
        if (linkCount >= links.length)
        {
            connection.close();
            throw new IOException("more than " + links.length + " RDMA connections");
        }
        final Link link = new Link(linkCount, peerNodeId, connection, builder, ctx.maxInFlight(), ctx.stagingSize(),
            ctx.sendBuffers(), ctx.signalInterval(), ctx.receiveBuffers(), ctx.bufferSize());
        for (int i = 0; i < link.receiveBufferCount(); i++)
        {
            link.postReceive(i);
        }
        links[linkCount] = link;
        linkCount++;
        if (peerNodeId >= 0)
        {
            peers.set(peerNodeId, link);
        }
        return link;
    }

    // ------------------------------------------------------------------------------------------------------------

    private void connect(final int peer, final long deadlineNs)
    {
        final InetSocketAddress address = address(peer);
        final SleepingMillisIdleStrategy retryIdle = new SleepingMillisIdleStrategy(100);
        IOException lastError = null;
        while (System.nanoTime() < deadlineNs && !isClosed)
        {
            try
            {
                final VerbsConnection connection = fabric.connect(address,
                    (int)Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())));
                final Link link = addLink(connection, peer);
                poller.sendHello(link);
                return;
            }
            catch (final IOException ex)
            {
                lastError = ex;
                retryIdle.idle();
            }
        }

        closeQuietly();
        throw new NodeUnavailableException(peer, "join timed out after " +
            TimeUnit.NANOSECONDS.toMillis(ctx.connectTimeoutNs()) + " ms: no RDMA connection to " +
            config.members().get(peer) + (null == lastError ? "" : ": " + lastError.getMessage()));
    }

    private void awaitJoined(final long deadlineNs)
    {
        final SleepingMillisIdleStrategy idle = new SleepingMillisIdleStrategy(1);
        while (true)
        {
            int missing = -1;
            for (int peer = 0; peer < nodeCount; peer++)
            {
                if (peer != nodeId && (null == peers.get(peer) || !peers.get(peer).isReady()))
                {
                    missing = peer;
                    break;
                }
            }
            if (missing < 0)
            {
                return;
            }
            if (System.nanoTime() >= deadlineNs || isClosed)
            {
                final Link link = peers.get(missing);
                closeQuietly();
                throw new NodeUnavailableException(missing, "join timed out after " +
                    TimeUnit.NANOSECONDS.toMillis(ctx.connectTimeoutNs()) + " ms: " + (null == link ?
                    "no RDMA connection from " + config.members().get(missing) : "handshake incomplete: " + link));
            }
            idle.idle();
        }
    }

    private long atomic(final int nodeId, final String operation, final byte requestType, final long offset,
        final long operand1, final long operand2)
    {
        final Link link = readyLink(nodeId, operation, offset, Long.BYTES);
        final PeerRegions regions = link.regions();
        final OperationSlot slot;
        if (regions.isDirect())
        {
            final int segment = regions.checkWord(operation, offset);
            slot = claim(link, operation, offset, Long.BYTES);
            final long wrId = wrId(link, slot);
            if (RdmaFrameDescriptor.TYPE_CAS_REQUEST == requestType)
            {
                builder.compareAndSwap(slot.wr(), wrId, slot.stagingAddress(), slot.stagingLkey(),
                    regions.address(segment, offset), regions.rkey(segment), operand1, operand2);
            }
            else
            {
                builder.fetchAdd(slot.wr(), wrId, slot.stagingAddress(), slot.stagingLkey(),
                    regions.address(segment, offset), regions.rkey(segment), operand1);
            }
            postAndAwait(link, slot, operation, offset, Long.BYTES);
            final long result = slot.staging().getLong(0, atomicOrder);
            slot.release();
            return result;
        }

        slot = claim(link, operation, offset, Long.BYTES);
        sendRequest(link, slot, wrId(link, slot), requestType, offset, operand1, operand2, null, 0, 0);
        await(link, slot, operation, offset, Long.BYTES);
        final long result = slot.result();
        slot.release();
        return result;
    }

    private Link readyLink(final int nodeId, final String operation, final long offset, final int length)
    {
        checkOpen(nodeId, operation);
        if (poller.isPollerThread())
        {
            throw new DsmException(operation + " must not be called from a MessageHandler: it runs on the RDMA " +
                "poller thread, which would wait for itself");
        }
        final Link link = peers.get(nodeId);
        if (null == link || !link.isReady())
        {
            throw new NodeUnavailableException(nodeId, operation + " offset=" + offset + " length=" + length +
                ": " + (null == link ? "not connected" : null != link.downReason() ?
                "connection down: " + link.downReason() : "handshake incomplete"));
        }
        return link;
    }

    private OperationSlot claim(final Link link, final String operation, final long offset, final int length)
    {
        final long deadlineNs = System.nanoTime() + operationTimeoutNs;
        final IdleStrategy idle = CALLER_IDLE.get();
        idle.reset();
        while (true)
        {
            final OperationSlot slot = link.claimSlot();
            if (null != slot)
            {
                return slot;
            }
            if (link.isDown() || System.nanoTime() >= deadlineNs)
            {
                throw new NodeUnavailableException(link.peerNodeId(), operation + " offset=" + offset +
                    " length=" + length + ": no free operation slot of " + link.slotCount() + " within " +
                    TimeUnit.NANOSECONDS.toMillis(operationTimeoutNs) + " ms" +
                    (link.isDown() ? ", connection down: " + link.downReason() : ""));
            }
            idle.idle();
        }
    }

    private static long wrId(final Link link, final OperationSlot slot)
    {
        return WorkRequestIdDescriptor.wrId(
            WorkRequestIdDescriptor.KIND_ONE_SIDED, link.index(), slot.index(), slot.generation() + 1);
    }

    private void postAndAwait(
        final Link link, final OperationSlot slot, final String operation, final long offset, final int length)
    {
        slot.begin();
        try
        {
            link.postOneSided(slot.wr());
        }
        catch (final IOException ex)
        {
            slot.release();
            link.requestDown(operation + " post failed: " + ex.getMessage());
            throw new NodeUnavailableException(link.peerNodeId(), operation + " offset=" + offset + " length=" +
                length + ": post failed: " + ex.getMessage());
        }
        await(link, slot, operation, offset, length);
    }

    private void await(
        final Link link, final OperationSlot slot, final String operation, final long offset, final int length)
    {
        final long deadlineNs = System.nanoTime() + operationTimeoutNs;
        final IdleStrategy idle = CALLER_IDLE.get();
        idle.reset();
        while (true)
        {
            final int state = slot.state();
            if (OperationSlot.COMPLETED == state)
            {
                return;
            }
            if (OperationSlot.FAILED == state)
            {
                final DsmException failure = slot.failure(operation, link.peerNodeId(), offset, length);
                slot.release();
                throw failure;
            }
            if (System.nanoTime() >= deadlineNs && slot.abandon())
            {
                final String reason = operation + " offset=" + offset + " length=" + length + " timed out after " +
                    TimeUnit.NANOSECONDS.toMillis(operationTimeoutNs) + " ms";
                link.requestDown(reason);
                throw new NodeUnavailableException(link.peerNodeId(), reason);
            }
            idle.idle();
        }
    }

    private void sendRequest(
        final Link link,
        final OperationSlot slot,
        final long wrId,
        final byte type,
        final long offset,
        final long operand1,
        final long operand2,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        slot.begin();
        try
        {
            sendFrame(link, type, wrId, offset, operand1, operand2, payload, payloadOffset, payloadLength,
                RdmaFrameDescriptor.typeName(type));
        }
        catch (final RuntimeException ex)
        {
            slot.abandon();
            throw ex;
        }
    }

    private void sendFrame(
        final Link link,
        final byte type,
        final long correlationId,
        final long offset,
        final long operand1,
        final long operand2,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength,
        final String operation)
    {
        if (poller.isPollerThread())
        {
            poller.sendFromPoller(link, type, correlationId, offset, operand1, operand2, payload, payloadOffset,
                payloadLength);
            return;
        }

        final long deadlineNs = System.nanoTime() + operationTimeoutNs;
        final IdleStrategy idle = CALLER_IDLE.get();
        idle.reset();
        int slotOffset;
        while ((slotOffset = link.lockSendSlot()) < 0)
        {
            if (link.isDown() || System.nanoTime() >= deadlineNs)
            {
                throw new NodeUnavailableException(link.peerNodeId(), operation + ": send ring full for " +
                    TimeUnit.NANOSECONDS.toMillis(operationTimeoutNs) + " ms" +
                    (link.isDown() ? ", connection down: " + link.downReason() : ""));
            }
            idle.idle();
        }

        try
        {
            final RdmaFrameFlyweight frame = CALLER_FRAME.get().wrap(link.sendRing(), slotOffset);
            frame.header(type, nodeId, 0).correlationId(correlationId).heapOffset(offset).operand1(operand1)
                .operand2(operand2);
            if (null != payload)
            {
                frame.payload(payload, payloadOffset, payloadLength);
            }
            link.postFrame(frame.frameLength());
        }
        catch (final IOException ex)
        {
            link.requestDown(operation + " post failed: " + ex.getMessage());
            throw new NodeUnavailableException(link.peerNodeId(), operation + ": post failed: " + ex.getMessage());
        }
    }

    private int chunkLength(final PeerRegions regions)
    {
        return regions.isDirect() ? ctx.stagingSize() : Math.min(ctx.stagingSize(), maxMessageLength());
    }

    private int registeredLkey(final DirectBuffer buffer, final int offset, final int length)
    {
        final MemoryRegistration[] registrations = heapRegistrations;
        if (null == registrations || null != buffer.byteArray())
        {
            return NOT_REGISTERED;
        }
        final long address = buffer.addressOffset() + offset;
        for (final MemoryRegistration registration : registrations)
        {
            if (registration.contains(address, length))
            {
                return registration.lkey();
            }
        }
        return NOT_REGISTERED;
    }

    private void checkOpen(final int nodeId, final String operation)
    {
        if (isClosed)
        {
            throw new NodeUnavailableException(nodeId, operation + ": transport of node " + this.nodeId + " closed");
        }
    }

    private InetSocketAddress address(final int nodeId)
    {
        return new InetSocketAddress(config.memberHost(nodeId), config.memberPort(nodeId));
    }

    private void closeQuietly()
    {
        isClosed = true;
        if (null != fabric)
        {
            fabric.close();
        }
        if (null != acceptorRunner)
        {
            acceptorRunner.close();
        }
        if (null != pollerRunner)
        {
            pollerRunner.close();
        }
    }

    private static ByteBuffer[] heapSegments(final ByteBuffer[] segments, final long capacity)
    {
        if (null == segments)
        {
            return null;
        }
        long total = 0;
        for (int i = 0; i < segments.length; i++)
        {
            if (!segments[i].isDirect())
            {
                throw new ConfigurationException("heapSegments[" + i + "] must be a direct ByteBuffer");
            }
            if (i < segments.length - 1 && segments[i].capacity() != segments[0].capacity())
            {
                throw new ConfigurationException("heapSegments[" + i + "].capacity=" +
                    segments[i].capacity() + " != segment length " + segments[0].capacity());
            }
            total += segments[i].capacity();
        }
        if (segments.length == 0 || total != capacity)
        {
            throw new ConfigurationException("heapSegments cover " + total + " bytes != heap capacity " +
                capacity);
        }
        return segments.clone();
    }

    /**
     * Accepts connections from higher node ids. DiSNI offers only a blocking accept, so this agent's duty cycle
     * blocks in it; {@link VerbsFabric#close()} releases it.
     * <p>
     * <b>Note:</b> runs on its own thread; not threadsafe.
     */
    final class Acceptor implements org.agrona.concurrent.Agent
    {
        /**
         * {@inheritDoc}
         */
        public int doWork() throws Exception
        {
            if (isClosed)
            {
                throw new org.agrona.concurrent.AgentTerminationException();
            }
            try
            {
                addLink(fabric.accept(), -1);
                return 1;
            }
            catch (final IOException ex)
            {
                if (isClosed)
                {
                    throw new org.agrona.concurrent.AgentTerminationException();
                }
                throw ex;
            }
        }

        /**
         * {@inheritDoc}
         */
        public String roleName()
        {
            return "jdsm-rdma-acceptor-" + nodeId;
        }
    }
}
