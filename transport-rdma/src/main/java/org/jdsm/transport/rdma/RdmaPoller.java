package org.jdsm.transport.rdma;

import com.ibm.disni.verbs.IbvWC;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.AtomicCounter;
import org.jdsm.DsmConfig;
import org.jdsm.DsmException;
import org.jdsm.spi.HeapRegion;
import org.jdsm.spi.MessageHandler;

import java.io.IOException;

import static org.jdsm.transport.rdma.RdmaFrameDescriptor.*;

/**
 * The one agent that polls every link's completion queue and acts on what it finds: completes waiting operations
 * through the {@link CompletionDispatcher}, retires SENDs, decodes received frames (hello and regions exchange,
 * engine messages to the {@link MessageHandler}, bounce requests served by the {@link HeapResponder}, bounce
 * responses), reposts receive buffers, takes links down when asked, and delivers messages a node sends itself.
 * Every received frame it refuses is counted once in {@link #rejectedFrameCount()} and, except a request the heap
 * refused (answered with the reason), reported to the error handler.
 * <p>
 * Owned by its {@link RdmaTransport}, run by an {@code AgentRunner} with the context's idle strategy.
 * <b>Note:</b> its state is written only on the poller thread, except {@link #sendToSelf} (a many-to-one ring
 * buffer) and {@link #sendHello} (under the link's post lock).
 */
final class RdmaPoller implements Agent
{
    private static final int SELF_MESSAGE_TYPE = 1;

    private final RdmaTransport transport;
    private final DsmConfig config;
    private final int nodeId;
    private final int nodeCount;
    private final ErrorHandler errorHandler;
    private final CompletionDispatcher dispatcher;
    private final HeapResponder responder;
    private final IbvWC[] completions;
    private final RdmaFrameFlyweight received = new RdmaFrameFlyweight();
    private final RdmaFrameFlyweight outgoing = new RdmaFrameFlyweight();
    private final ConnectionExchangeFlyweight exchange = new ConnectionExchangeFlyweight();
    private final UnsafeBuffer scratch;
    private final ManyToOneRingBuffer selfRing;
    private final String[] error = new String[1];
    private volatile Thread pollerThread;
    private final AtomicCounter rejectedFrames;

    RdmaPoller(
        final RdmaTransport transport,
        final RdmaTransportContext ctx,
        final DsmConfig config,
        final HeapRegion heap,
        final int nodeId)
    {
        this.transport = transport;
        this.config = config;
        this.nodeId = nodeId;
        this.nodeCount = config.nodeCount();
        this.errorHandler = ctx.errorHandler();
        this.rejectedFrames = transport.rejectedFrames();
        this.dispatcher = new CompletionDispatcher(transport::link, this::onReceive, errorHandler);
        this.responder = new HeapResponder(heap, nodeId);
        this.completions = new IbvWC[ctx.pollBatch()];
        for (int i = 0; i < completions.length; i++)
        {
            completions[i] = new IbvWC();
        }
        this.scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(ctx.bufferSize(), 64));
        final int ringCapacity = Integer.highestOneBit(Math.max(ctx.bufferSize() * 16, 1 << 20));
        this.selfRing = new ManyToOneRingBuffer(new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(ringCapacity + RingBufferDescriptor.TRAILER_LENGTH, 64)));
    }

    CompletionDispatcher dispatcher()
    {
        return dispatcher;
    }

    /**
     * @return received frames refused since start: malformed, from a connection that has not proved the cluster
     *         secret or whose sender is not the connection's peer, unexpected, matching no waiting operation, or
     *         requests the heap refused (answered with the reason).
     */
    long rejectedFrameCount()
    {
        return rejectedFrames.get();
    }

    boolean isPollerThread()
    {
        return Thread.currentThread() == pollerThread;
    }

    /**
     * {@inheritDoc}
     */
    public void onStart()
    {
        pollerThread = Thread.currentThread();
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        int work = 0;
        final int linkCount = transport.linkCount();
        for (int i = 0; i < linkCount; i++)
        {
            final Link link = transport.link(i);
            if (null == link)
            {
                continue;
            }
            final String downRequest = link.downRequest();
            if (null != downRequest && !link.isDown())
            {
                link.markDown(downRequest);
                work++;
            }
            if (link.isDown())
            {
                continue;
            }

            work += flushDeferred(link);
            try
            {
                final int count = link.connection().poll(completions);
                for (int c = 0; c < count; c++)
                {
                    final IbvWC wc = completions[c];
                    dispatcher.onCompletion(wc.getWr_id(), wc.getStatus(), wc.getOpcode(), wc.getByte_len());
                }
                work += count;
            }
            catch (final IOException ex)
            {
                link.markDown("poll failed: " + ex.getMessage());
                errorHandler.onError(ex);
            }
        }

        work += selfRing.read(this::onSelfMessage, 16);
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "jdsm-rdma-poller-" + nodeId;
    }

    /**
     * Any thread: queue a message to this node itself.
     *
     * @param buffer holding it.
     * @param offset of it.
     * @param length of it.
     */
    void sendToSelf(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!selfRing.write(SELF_MESSAGE_TYPE, buffer, offset, length))
        {
            throw new DsmException("send to self nodeId=" + nodeId + " length=" + length + ": ring of " +
                selfRing.capacity() + " bytes full");
        }
    }

    /**
     * Joining caller: send this node's hello on a link it connected.
     *
     * @param link to the peer.
     * @throws IOException when the post fails.
     */
    void sendHello(final Link link) throws IOException
    {
        final int slotOffset = link.lockSendSlot();
        if (slotOffset < 0)
        {
            throw new IOException("send ring full before hello");
        }
        final RdmaFrameFlyweight frame = new RdmaFrameFlyweight().wrap(link.sendRing(), slotOffset);
        final ConnectionExchangeFlyweight hello = new ConnectionExchangeFlyweight()
            .wrap(link.sendRing(), frame.payloadOffset());
        writeHello(hello, link.peerNodeId());
        link.helloSent();
        link.postFrame(frame.header(TYPE_HELLO, nodeId, ConnectionExchangeDescriptor.length(0)).frameLength());
    }

    /**
     * Poller: send a frame on a link now, or defer it when the send ring is full (the poller must never wait for
     * itself to retire SENDs).
     */
    void sendFromPoller(
        final Link link,
        final byte type,
        final long correlationId,
        final long offset,
        final long operand1,
        final long operand2,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        outgoing.wrap(scratch, 0).header(type, nodeId, 0).correlationId(correlationId).heapOffset(offset)
            .operand1(operand1).operand2(operand2);
        if (null != payload)
        {
            outgoing.payload(payload, payloadOffset, payloadLength);
        }
        postOrDefer(link, outgoing.frameLength());
    }

    private void postOrDefer(final Link link, final int frameLength)
    {
        if (link.deferredFrames().isEmpty())
        {
            final int slotOffset = link.lockSendSlot();
            if (slotOffset >= 0)
            {
                link.sendRing().putBytes(slotOffset, scratch, 0, frameLength);
                try
                {
                    link.postFrame(frameLength);
                }
                catch (final IOException ex)
                {
                    link.markDown("post failed: " + ex.getMessage());
                }
                return;
            }
        }
        final byte[] copy = new byte[frameLength];
        scratch.getBytes(0, copy);
        link.deferredFrames().addLast(copy);
    }

    private int flushDeferred(final Link link)
    {
        int work = 0;
        while (!link.deferredFrames().isEmpty())
        {
            final int slotOffset = link.lockSendSlot();
            if (slotOffset < 0)
            {
                break;
            }
            final byte[] frame = link.deferredFrames().pollFirst();
            link.sendRing().putBytes(slotOffset, frame);
            try
            {
                link.postFrame(frame.length);
            }
            catch (final IOException ex)
            {
                link.markDown("post failed: " + ex.getMessage());
                break;
            }
            work++;
        }
        return work;
    }

    private void writeHello(final ConnectionExchangeFlyweight hello, final int peerNodeId)
    {
        hello.header(nodeId, nodeCount, ConnectionExchangeDescriptor.MODE_HELLO, 0, 0, 0)
            .proof(ConnectionExchangeFlyweight.proof(config.clusterSecret(), nodeId, peerNodeId, nodeCount));
    }

    private void onSelfMessage(final int msgTypeId, final org.agrona.MutableDirectBuffer buffer, final int index,
        final int length)
    {
        deliver(nodeId, buffer, index, length);
    }

    private void deliver(final int source, final DirectBuffer buffer, final int offset, final int length)
    {
        try
        {
            transport.messageHandler().onMessage(source, buffer, offset, length);
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
    }

    private void onReceive(final Link link, final int bufferIndex, final int byteLength)
    {
        received.wrap(link.receiveBuffers(), bufferIndex * link.frameSize());
        final String malformed = byteLength > link.frameSize() ?
            "frame of " + byteLength + " bytes longer than the receive buffer of " + link.frameSize() :
            received.validate(byteLength);
        if (null != malformed)
        {
            reject(link, "malformed frame: " + malformed);
        }
        else
        {
            onFrame(link);
        }

        if (!link.isDown())
        {
            try
            {
                link.postReceive(bufferIndex);
            }
            catch (final IOException ex)
            {
                link.markDown("receive repost failed: " + ex.getMessage());
            }
        }
    }

    private void onFrame(final Link link)
    {
        final byte type = received.type();
        if (TYPE_HELLO == type)
        {
            onHello(link);
            return;
        }
        if (link.isAuthenticated() && received.sourceNodeId() != link.peerNodeId())
        {
            reject(link, typeName(type) + " from sourceNodeId=" + received.sourceNodeId() +
                " on the connection to node " + link.peerNodeId());
            return;
        }

        switch (type)
        {
            case TYPE_REGIONS:
                onRegions(link);
                break;

            case TYPE_MESSAGE:
                if (link.isAuthenticated())
                {
                    deliver(link.peerNodeId(), received.buffer(), received.payloadOffset(), received.payloadLength());
                }
                else
                {
                    reject(link, "message dropped: not authenticated");
                }
                break;

            case TYPE_READ_REQUEST:
            case TYPE_WRITE_REQUEST:
            case TYPE_CAS_REQUEST:
            case TYPE_FETCH_ADD_REQUEST:
            {
                final int length = responder.serve(received, link.isAuthenticated(), outgoing.wrap(scratch, 0),
                    scratch.capacity() - HEADER_LENGTH);
                if (!link.isAuthenticated())
                {
                    reject(link, typeName(type) + " answered unauthenticated");
                }
                else if (STATUS_OK != outgoing.status())
                {
                    // the heap refused it: answered with the reason, which the requester reports; counted only
                    rejectedFrames.increment();
                }
                postOrDefer(link, length);
                break;
            }

            case TYPE_RESPONSE:
                if (!link.isAuthenticated())
                {
                    reject(link, "response dropped: not authenticated");
                }
                else if (!dispatcher.onResponse(link, received.correlationId(), received.status(), received.operand2(),
                    received.buffer(), received.payloadOffset(), received.payloadLength()))
                {
                    rejectedFrames.increment(); // reported by the dispatcher, or failed the operation it names
                }
                break;

            case TYPE_BYE:
                if (link.isAuthenticated())
                {
                    link.markDown("node " + link.peerNodeId() + " left");
                }
                else
                {
                    rejectLink(link, "bye before an authenticated hello");
                }
                break;

            default:
                reject(link, "unexpected frame " + typeName(type));
        }
    }

    private void onHello(final Link link)
    {
        if (link.isAuthenticated())
        {
            reject(link, "hello on a connection already authenticated");
            return;
        }
        exchange.wrap(received.buffer(), received.payloadOffset());
        final String invalid = exchange.validate(received.payloadLength(), nodeCount);
        if (null != invalid)
        {
            rejectLink(link, "invalid hello: " + invalid);
            return;
        }
        final int peer = exchange.nodeId();
        if (received.sourceNodeId() != peer)
        {
            rejectLink(link, "hello of nodeId=" + peer + " from sourceNodeId=" + received.sourceNodeId());
            return;
        }
        if (link.peerNodeId() >= 0 && link.peerNodeId() != peer)
        {
            rejectLink(link, "hello from nodeId=" + peer + " on the connection to node " + link.peerNodeId());
            return;
        }
        if (peer == nodeId || !transport.bindPeer(link, peer))
        {
            rejectLink(link, "hello from nodeId=" + peer + " which is this node or already connected");
            return;
        }
        if (!exchange.proofMatches(ConnectionExchangeFlyweight.proof(config.clusterSecret(), peer, nodeId, nodeCount)))
        {
            rejectLink(link, "node " + peer + " did not prove the cluster secret");
            return;
        }
        link.authenticated();

        if (!link.isHelloSent())
        {
            outgoing.wrap(scratch, 0).header(TYPE_HELLO, nodeId, ConnectionExchangeDescriptor.length(0));
            writeHello(exchange.wrap(scratch, outgoing.payloadOffset()), peer);
            link.helloSent();
            postOrDefer(link, outgoing.frameLength());
        }

        try
        {
            outgoing.wrap(scratch, 0).header(TYPE_REGIONS, nodeId, 0);
            final int length = transport.writeRegions(link, exchange.wrap(scratch, outgoing.payloadOffset()));
            outgoing.payloadLength(length);
            postOrDefer(link, outgoing.frameLength());
        }
        catch (final IOException ex)
        {
            // this node's failure, not the frame's: reported, not counted as a rejected frame
            errorHandler.onError(new DsmException("RDMA connection " + link + " failed: heap registration failed: " +
                ex.getMessage(), ex));
            link.markDown("heap registration failed: " + ex.getMessage());
        }
    }

    private void onRegions(final Link link)
    {
        if (!link.isAuthenticated())
        {
            rejectLink(link, "regions before an authenticated hello");
            return;
        }
        if (null != link.regions())
        {
            reject(link, "regions on a connection that has them");
            return;
        }
        exchange.wrap(received.buffer(), received.payloadOffset());
        String invalid = exchange.validate(received.payloadLength(), nodeCount);
        PeerRegions regions = null;
        if (null == invalid)
        {
            regions = PeerRegions.decode(exchange, error);
            invalid = null == regions ? error[0] : null;
        }
        if (null != invalid)
        {
            rejectLink(link, "invalid regions: " + invalid);
            return;
        }
        link.regions(regions);
    }

    private void reject(final Link link, final String reason)
    {
        rejectedFrames.increment();
        errorHandler.onError(new DsmException("frame from " + link + " rejected: " + reason));
    }

    private void rejectLink(final Link link, final String reason)
    {
        rejectedFrames.increment();
        errorHandler.onError(new DsmException("RDMA connection " + link + " rejected: " + reason));
        link.markDown(reason);
    }
}
