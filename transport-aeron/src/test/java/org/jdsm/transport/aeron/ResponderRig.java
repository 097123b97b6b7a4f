package org.jdsm.transport.aeron;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.Header;
import io.aeron.protocol.DataHeaderFlyweight;
import org.agrona.CloseHelper;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.simulator.contract.BufferHeapRegion;
import org.jdsm.spi.MessageHandler;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.jdsm.transport.aeron.AeronFrameDescriptor.HEADER_LENGTH;

/**
 * One node's {@link Responder} on a stepped clock, for unit tests of its rooms without real time: its peers'
 * publications are real Aeron IPC publications (so offers and sessions are real), each read back by a capture
 * subscription, and frames are delivered to {@link Responder#onFragment} with the Aeron session the test chooses.
 * Nothing here sleeps; the only wait is for the IPC publications to connect when the rig is built.
 * <p>
 * <b>Note:</b> not threadsafe; one test thread.
 */
final class ResponderRig implements AutoCloseable
{
    static final String SECRET = "the-cluster-secret";
    static final int HEAP_CAPACITY = 4096;
    static final int CHUNK_LENGTH = 1024;
    static final long PEER_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(1000);
    static final long HEARTBEAT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** The timers' tick: the HELLO interval, min(heartbeat interval, 20 ms). */
    static final long TICK_NS = TimeUnit.MILLISECONDS.toNanos(20);
    static final long START_NS = 1_000_000_000_000L;

    private static final AtomicInteger STREAMS = new AtomicInteger(1000);

    final int nodeId;
    final CachedNanoClock clock = new CachedNanoClock();
    final Peer[] peers;
    final BufferHeapRegion heap = new BufferHeapRegion(HEAP_CAPACITY);
    final OperationTable operations = new OperationTable();
    final List<Throwable> errors = new ArrayList<>();
    final List<String> messages = new ArrayList<>();
    final Responder responder;
    /** What the rig's driver has received of each peer's stream, set by the test ({@link ReceivedPositions}). */
    final long[] received;
    final UnsafeBuffer frame = new UnsafeBuffer(new byte[HEADER_LENGTH + 64 * 1024]);
    final AeronFrameFlyweight flyweight = new AeronFrameFlyweight().wrap(frame, 0);

    private final Subscription[] captures;
    private final Subscription subscription;
    private final UnsafeBuffer headerBuffer = new UnsafeBuffer(new byte[DataHeaderFlyweight.HEADER_LENGTH]);
    private final Header header = new Header(0, 0);

    /**
     * A driver and client shared by the rigs of one test class.
     */
    static final class Media implements AutoCloseable
    {
        final MediaDriver driver;
        final Aeron aeron;

        Media(final Path directory)
        {
            driver = MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(directory.resolve("aeron").toString())
                .threadingMode(ThreadingMode.SHARED)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .termBufferSparseFile(true)
                .ipcTermBufferLength(64 * 1024)
                .warnIfDirectoryExists(false));
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
        }

        public void close()
        {
            CloseHelper.closeAll(aeron, driver);
        }
    }

    ResponderRig(final Media media, final int nodeId, final int nodeCount)
    {
        this.nodeId = nodeId;
        clock.update(START_NS);
        final int base = STREAMS.getAndAdd(nodeCount + 1);
        peers = new Peer[nodeCount];
        received = new long[nodeCount];
        Arrays.fill(received, ReceivedPositions.NONE);
        captures = new Subscription[nodeCount];
        final String channel = "aeron:ipc?term-length=64k";
        for (int i = 0; i < nodeCount; i++)
        {
            peers[i] = new Peer(i, Authenticator.newNonce());
            captures[i] = media.aeron.addSubscription(channel, base + i);
            peers[i].publication = media.aeron.addExclusivePublication(channel, base + i);
        }
        subscription = media.aeron.addSubscription(channel, base + nodeCount);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (final Peer peer : peers)
        {
            while (!peer.publication.isConnected())
            {
                if (System.nanoTime() > deadlineNs)
                {
                    throw new IllegalStateException("IPC publication of peer " + peer.nodeId + " did not connect");
                }
                Thread.yield();
            }
        }
        final MessageHandler handler = (source, buffer, offset, length) ->
            messages.add(source + ":" + buffer.getStringWithoutLengthAscii(offset, length));
        responder = new Responder(nodeId, peers, heap, handler, errors::add, operations, new Authenticator(SECRET),
            CHUNK_LENGTH, PEER_TIMEOUT_NS, HEARTBEAT_INTERVAL_NS, subscription, (peer) -> received[peer.nodeId], clock,
            new TransportCounters(org.jdsm.spi.CountersFile.inMemory(nodeId)));
        header.buffer(headerBuffer).offset(0);
    }

    /**
     * @param peer of the node.
     * @return the Aeron session of the node's publication to the peer.
     */
    int ownSessionTo(final int peer)
    {
        return peers[peer].publication.sessionId();
    }

    /**
     * Start a frame in {@link #frame} from a source to this node.
     */
    AeronFrameFlyweight frameFrom(final int source, final byte type)
    {
        frame.setMemory(0, HEADER_LENGTH, (byte)0);
        return flyweight.wrap(frame, 0).header(type, source, nodeId);
    }

    /**
     * Deliver {@link #frame} to the responder as arriving on an Aeron session.
     */
    void deliver(final int sessionId, final int length)
    {
        deliver(sessionId, frame, length);
    }

    void deliver(final int sessionId, final UnsafeBuffer buffer, final int length)
    {
        headerBuffer.putInt(DataHeaderFlyweight.SESSION_ID_FIELD_OFFSET, sessionId, ByteOrder.LITTLE_ENDIAN);
        responder.onFragment(buffer, 0, length, header);
    }

    /**
     * Deliver a HELLO from a peer with a nonce.
     */
    void hello(final int source, final int sessionId, final byte[] nonce)
    {
        frameFrom(source, AeronFrameDescriptor.HELLO).arg0(HEAP_CAPACITY).length(AeronFrameDescriptor.NONCE_LENGTH);
        frame.putBytes(HEADER_LENGTH, nonce);
        deliver(sessionId, HEADER_LENGTH + AeronFrameDescriptor.NONCE_LENGTH);
    }

    /**
     * Deliver a PROOF from a peer: its HMAC under a secret over a nonce, bound to a session and capacity.
     */
    void proof(
        final int source,
        final int sessionId,
        final String secret,
        final byte[] nonce,
        final int boundSession,
        final long capacity)
    {
        final byte[] proof = new byte[AeronFrameDescriptor.PROOF_LENGTH];
        new Authenticator(secret).prove(source, nodeId, nonce, boundSession, capacity, proof);
        frameFrom(source, AeronFrameDescriptor.PROOF).arg0(capacity);
        frame.putBytes(HEADER_LENGTH, proof);
        frame.putBytes(HEADER_LENGTH + AeronFrameDescriptor.PROOF_LENGTH, nonce);
        deliver(sessionId, HEADER_LENGTH + AeronFrameDescriptor.PROOF_PAYLOAD_LENGTH);
    }

    /**
     * Deliver a valid PROOF of this node's nonce from a peer on a session.
     */
    void validProof(final int source, final int sessionId)
    {
        proof(source, sessionId, SECRET, peers[source].nonce, sessionId, HEAP_CAPACITY);
    }

    /**
     * Deliver an ACCEPT from a peer of a session.
     */
    void accept(final int source, final int sessionId, final long acceptedSession)
    {
        frameFrom(source, AeronFrameDescriptor.ACCEPT).arg0(acceptedSession);
        deliver(sessionId, HEADER_LENGTH);
    }

    /**
     * Run the whole handshake with a peer on a session: HELLO, PROOF, ACCEPT; drain what was sent.
     */
    void join(final int source, final int sessionId)
    {
        hello(source, sessionId, Authenticator.newNonce());
        validProof(source, sessionId);
        accept(source, sessionId, ownSessionTo(source));
        if (!peers[source].isJoined())
        {
            throw new IllegalStateException("peer " + source + " did not join: " + peers[source]);
        }
        sentTo(source);
    }

    /**
     * Set the clock and run one duty cycle.
     */
    int doWorkAt(final long nowNs)
    {
        clock.update(nowNs);
        return responder.doWork();
    }

    /**
     * @param peer of the node.
     * @return the frames the node sent the peer since the last call, in order.
     */
    List<Sent> sentTo(final int peer)
    {
        final List<Sent> sent = new ArrayList<>();
        while (captures[peer].poll((buffer, offset, length, h) ->
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            sent.add(new Sent(new UnsafeBuffer(bytes)));
        }, 100) > 0)
        {
            // drain
        }
        return sent;
    }

    /**
     * @return the heap's bytes, to compare before and after.
     */
    byte[] heapBytes()
    {
        final byte[] bytes = new byte[HEAP_CAPACITY];
        heap.buffer().getBytes(0, bytes);
        return bytes;
    }

    public void close()
    {
        CloseHelper.closeAll(subscription);
        for (int i = 0; i < peers.length; i++)
        {
            CloseHelper.closeAll(peers[i].publication, captures[i]);
        }
    }

    /**
     * A frame the node sent.
     */
    static final class Sent
    {
        final UnsafeBuffer buffer;
        final AeronFrameFlyweight frame;

        Sent(final UnsafeBuffer buffer)
        {
            this.buffer = buffer;
            this.frame = new AeronFrameFlyweight().wrap(buffer, 0);
        }

        byte type()
        {
            return frame.type();
        }

        int payloadLength()
        {
            return buffer.capacity() - HEADER_LENGTH;
        }

        public String toString()
        {
            return AeronFrameDescriptor.typeName(type()) + "(arg0=" + frame.arg0() + ", payload=" + payloadLength() + ")";
        }
    }
}
