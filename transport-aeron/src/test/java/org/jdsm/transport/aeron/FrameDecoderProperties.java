package org.jdsm.transport.aeron;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.jdsm.transport.aeron.AeronFrameDescriptor.HEADER_LENGTH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Fuzz of every decoder of Aeron transport frames — the {@link Responder}'s header checks and the rooms behind them
 * ({@link JoinHandshake}, {@link HeapServer}, {@link ResponseDispatcher}) — as node 0 of 3 whose peer 1 has joined on
 * session {@link #PROVED_SESSION} and whose peer 2 has not: random frames and mutations of valid frames never throw
 * out of the decoder, never touch the heap, serve nothing, and are each counted as rejected exactly once.
 */
class FrameDecoderProperties
{
    private static final int PROVED = 1;
    private static final int UNPROVED = 2;
    private static final int PROVED_SESSION = 4242;
    private static final byte FILL = 0x5A;

    private static Path directory;
    private static ResponderRig.Media media;
    private static ResponderRig rig;

    @BeforeContainer
    static void start() throws IOException
    {
        directory = Files.createTempDirectory("jdsm-frame-decoder");
        media = new ResponderRig.Media(directory);
        rig = new ResponderRig(media, 0, 3);
        rig.join(PROVED, PROVED_SESSION);
    }

    @AfterContainer
    static void stop() throws IOException
    {
        rig.close();
        media.close();
        Files.deleteIfExists(directory);
    }

    /**
     * A header mutation, or one of the lengths that do not fit together for the frame's type.
     */
    enum Mutation
    {
        TRUNCATED_BELOW_HEADER,
        UNKNOWN_VERSION,
        OTHER_TARGET,
        SOURCE_NOT_A_MEMBER,
        UNKNOWN_TYPE,
        UNPROVED_SESSION,
        LENGTHS_INCONSISTENT
    }

    @Property
    void randomFramesOnASessionNoNodeProvedOnAreRejectedAndNeverTouchTheHeap(
        @ForAll("randomFrames") final byte[] bytes, @ForAll("unprovedSessions") final int sessionId)
    {
        Assume.that(!isWellFormedHelloFromUnprovedPeer(bytes));

        assertDecodedAsOneRejection(bytes, sessionId);
    }

    @Property
    void mutatedFramesFromAProvedPeerAreRejectedAndNeverTouchTheHeap(
        @ForAll("validFrames") final byte[] valid,
        @ForAll final Mutation mutation,
        @ForAll("mutationValues") final int value)
    {
        // a RESPONSE's lengths are checked against its operation: with none waiting it is late, whatever its lengths
        Assume.that(!(AeronFrameDescriptor.RESPONSE == valid[AeronFrameDescriptor.TYPE_OFFSET] &&
            Mutation.LENGTHS_INCONSISTENT == mutation));

        assertDecodedAsOneRejection(mutate(valid, mutation, value), sessionFor(mutation, value));
    }

    private static int sessionFor(final Mutation mutation, final int value)
    {
        return Mutation.UNPROVED_SESSION == mutation ? PROVED_SESSION + 1 + (value & 0xFFFF) : PROVED_SESSION;
    }

    private static void assertDecodedAsOneRejection(final byte[] bytes, final int sessionId)
    {
        final byte[] heapBefore = rig.heapBytes();
        final long rejected = rig.responder.rejectedCount();
        final long late = rig.responder.lateCount();
        final long served = rig.responder.servedCount();
        final int messages = rig.messages.size();
        rig.errors.clear();

        rig.frame.setMemory(0, rig.frame.capacity(), (byte)0);
        rig.frame.putBytes(0, bytes);
        rig.deliver(sessionId, bytes.length); // anything thrown fails the property

        assertEquals(rejected + 1, rig.responder.rejectedCount(), "counted as rejected once");
        assertEquals(late, rig.responder.lateCount());
        assertEquals(served, rig.responder.servedCount(), "nothing served");
        assertEquals(messages, rig.messages.size(), "nothing delivered");
        assertArrayEquals(heapBefore, rig.heapBytes(), "heap unchanged");
        for (final Throwable error : rig.errors)
        {
            assertInstanceOf(RejectedFrameException.class, error);
        }
        assertEquals(PROVED_SESSION, rig.peers[PROVED].sessionId);
        assertEquals(Peer.JOINING, rig.peers[UNPROVED].state);
    }

    private static boolean isWellFormedHelloFromUnprovedPeer(final byte[] bytes)
    {
        if (bytes.length != HEADER_LENGTH + AeronFrameDescriptor.NONCE_LENGTH)
        {
            return false;
        }
        final AeronFrameFlyweight frame = new AeronFrameFlyweight().wrap(new UnsafeBuffer(bytes), 0);
        return AeronFrameDescriptor.CURRENT_VERSION == frame.version() && AeronFrameDescriptor.HELLO == frame.type() &&
            UNPROVED == frame.source() && 0 == frame.target();
    }

    @Provide
    Arbitrary<Integer> unprovedSessions()
    {
        return Arbitraries.integers().filter((session) -> PROVED_SESSION != session);
    }

    @Provide
    Arbitrary<Integer> mutationValues()
    {
        return Arbitraries.integers();
    }

    /**
     * Random bytes, biased towards headers that pass the early checks so the later ones are reached.
     */
    @Provide
    Arbitrary<byte[]> randomFrames()
    {
        final Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(HEADER_LENGTH + 96);
        final Arbitrary<Integer> source = Arbitraries.integers().between(-1, 3);
        final Arbitrary<Integer> type = Arbitraries.integers().between(0, AeronFrameDescriptor.MAX_TYPE + 2);
        final Arbitrary<Boolean> plausible = Arbitraries.of(true, true, true, false);
        return Combinators.combine(raw, source, type, plausible).as((bytes, s, t, p) ->
        {
            if (p && bytes.length >= HEADER_LENGTH)
            {
                final AeronFrameFlyweight frame = new AeronFrameFlyweight().wrap(new UnsafeBuffer(bytes), 0);
                bytes[AeronFrameDescriptor.VERSION_OFFSET] = AeronFrameDescriptor.CURRENT_VERSION;
                bytes[AeronFrameDescriptor.TYPE_OFFSET] = (byte)(int)t;
                new UnsafeBuffer(bytes).putInt(AeronFrameDescriptor.SOURCE_OFFSET, s,
                    ByteOrder.LITTLE_ENDIAN);
                new UnsafeBuffer(bytes).putInt(AeronFrameDescriptor.TARGET_OFFSET, 0,
                    ByteOrder.LITTLE_ENDIAN);
                frame.length(bytes.length - HEADER_LENGTH);
            }
            return bytes;
        });
    }

    /**
     * Valid frames peer 1 may send once joined, each of which would be served, answered or delivered if decoded:
     * handshake frames, requests, responses, heartbeats, messages (not LEAVE, which would end the peer); a write's
     * payload is non-zero, so a write that got through would show in the heap.
     */
    @Provide
    Arbitrary<byte[]> validFrames()
    {
        final Arbitrary<Byte> type = Arbitraries.of(AeronFrameDescriptor.HELLO, AeronFrameDescriptor.PROOF,
            AeronFrameDescriptor.ACCEPT, AeronFrameDescriptor.REFUSE, AeronFrameDescriptor.HEARTBEAT,
            AeronFrameDescriptor.READ, AeronFrameDescriptor.WRITE, AeronFrameDescriptor.COMPARE_AND_SWAP,
            AeronFrameDescriptor.FETCH_ADD, AeronFrameDescriptor.RESPONSE, AeronFrameDescriptor.MESSAGE);
        final Arbitrary<Integer> offset = Arbitraries.integers().between(0, ResponderRig.HEAP_CAPACITY / 8 - 1);
        final Arbitrary<Integer> length = Arbitraries.integers().between(1, 64);
        final Arbitrary<Long> correlationId = Arbitraries.longs();
        return Combinators.combine(type, offset, length, correlationId).as((t, o, l, c) ->
        {
            final int payload = AeronFrameDescriptor.WRITE == t || AeronFrameDescriptor.MESSAGE == t ? l :
                AeronFrameDescriptor.HELLO == t ? AeronFrameDescriptor.NONCE_LENGTH :
                AeronFrameDescriptor.PROOF == t ? AeronFrameDescriptor.PROOF_PAYLOAD_LENGTH : 0;
            final byte[] bytes = new byte[HEADER_LENGTH + payload];
            Arrays.fill(bytes, HEADER_LENGTH, bytes.length, FILL);
            final AeronFrameFlyweight frame = new AeronFrameFlyweight().wrap(new UnsafeBuffer(bytes), 0)
                .header(t, PROVED, 0).correlationId(c).heapOffset(8L * o).length(l).arg0(0).arg1(~0L);
            if (AeronFrameDescriptor.ACCEPT == t)
            {
                frame.arg0(rig.ownSessionTo(PROVED)).length(0);
            }
            else if (AeronFrameDescriptor.REFUSE == t)
            {
                frame.arg0(AeronFrameDescriptor.REFUSE_PROOF_MISMATCH).length(0);
            }
            else if (AeronFrameDescriptor.HEARTBEAT == t || AeronFrameDescriptor.HELLO == t ||
                AeronFrameDescriptor.PROOF == t)
            {
                frame.length(AeronFrameDescriptor.HELLO == t ? AeronFrameDescriptor.NONCE_LENGTH : 0);
            }
            return bytes;
        });
    }

    private static byte[] mutate(final byte[] valid, final Mutation mutation, final int value)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(valid.clone());
        final AeronFrameFlyweight frame = new AeronFrameFlyweight().wrap(buffer, 0);
        final int v = value & Integer.MAX_VALUE;
        switch (mutation)
        {
            case TRUNCATED_BELOW_HEADER:
                return Arrays.copyOf(valid, v % HEADER_LENGTH);
            case UNKNOWN_VERSION:
                buffer.putByte(AeronFrameDescriptor.VERSION_OFFSET, (byte)(AeronFrameDescriptor.CURRENT_VERSION + 1 + v % 255));
                break;
            case OTHER_TARGET:
                buffer.putInt(AeronFrameDescriptor.TARGET_OFFSET, 1 + v % 1000, ByteOrder.LITTLE_ENDIAN);
                break;
            case SOURCE_NOT_A_MEMBER:
                buffer.putInt(AeronFrameDescriptor.SOURCE_OFFSET, 0 == (value & 1) ? -1 - v % 1000 : 3 + v % 1000,
                    ByteOrder.LITTLE_ENDIAN);
                break;
            case UNKNOWN_TYPE:
                buffer.putByte(AeronFrameDescriptor.TYPE_OFFSET,
                    (byte)(0 == (value & 1) ? 0 : AeronFrameDescriptor.MAX_TYPE + 1 + v % (128 - AeronFrameDescriptor.MAX_TYPE)));
                break;
            case UNPROVED_SESSION:
                break; // delivered on another session
            case LENGTHS_INCONSISTENT:
                return inconsistentLengths(buffer, frame, v);
            default:
                throw new IllegalStateException(mutation.toString());
        }
        return buffer.byteArray();
    }

    private static byte[] inconsistentLengths(
        final UnsafeBuffer buffer, final AeronFrameFlyweight frame, final int v)
    {
        switch (frame.type())
        {
            case AeronFrameDescriptor.WRITE:
                frame.length(frame.length() - 1 - v % frame.length()); // the payload runs past the write's length
                return buffer.byteArray();
            case AeronFrameDescriptor.MESSAGE:
                frame.length(frame.length() + 1 + v % 1000);
                return buffer.byteArray();
            default:
                final byte[] longer = Arrays.copyOf(buffer.byteArray(), buffer.capacity() + 1 + v % 64);
                Arrays.fill(longer, buffer.capacity(), longer.length, FILL); // a payload on a frame that has none
                return longer;
        }
    }
}
