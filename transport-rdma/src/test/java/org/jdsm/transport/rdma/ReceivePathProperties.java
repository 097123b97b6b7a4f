package org.jdsm.transport.rdma;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.DsmException;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.jdsm.transport.rdma.ReceiveRig.*;
import static org.jdsm.transport.rdma.RdmaFrameDescriptor.*;
import static org.jdsm.transport.rdma.WorkRequestIdDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz of every decoder on the RDMA transport's receive path, as node 0 of a {@link ReceiveRig}: the
 * {@link CompletionDispatcher}'s wr_id decoding, the {@link RdmaPoller}'s frame checks ({@link RdmaFrameFlyweight}),
 * the connection exchange ({@link ConnectionExchangeFlyweight} with its HMAC proof, {@link PeerRegions}), engine
 * messages, the {@link HeapResponder}'s bounce requests and bounce responses. Random frames and mutations of valid
 * frames never throw out of the poller, never touch the heap, deliver nothing, complete no operation they do not
 * match, authenticate no connection, and are each counted once in {@link RdmaPoller#rejectedFrameCount()}.
 */
class ReceivePathProperties
{
    private static final byte FILL = 0x5A;
    private static final int MAX_PAYLOAD = FRAME_SIZE - HEADER_LENGTH;

    /**
     * What is wrong with a frame mutated from a valid one.
     */
    enum Mutation
    {
        TRUNCATED,
        RECEIVED_LONGER_THAN_FRAME,
        RECEIVED_LONGER_THAN_BUFFER,
        FRAME_LENGTH_TOO_LARGE,
        FRAME_LENGTH_NEGATIVE,
        UNKNOWN_VERSION,
        UNKNOWN_TYPE,
        WRONG_SOURCE,
        HEAP_OFFSET_OUT_OF_RANGE,
        READ_LENGTH_OUT_OF_RANGE,
        WRONG_CORRELATION,
        WRONG_PROOF,
        HELLO_FROM_WRONG_NODE,
        EXCHANGE_OF_ANOTHER_CLUSTER,
        REGION_COUNT_OVERFLOWING,
        REGIONS_INCONSISTENT
    }

    /**
     * A frame arriving on the connection of a peer.
     */
    static final class Frame
    {
        final String name;
        final int peer;
        final byte[] bytes;
        final int byteLength;

        Frame(final String name, final int peer, final byte[] bytes, final int byteLength)
        {
            this.name = name;
            this.peer = peer;
            this.bytes = bytes;
            this.byteLength = byteLength;
        }

        Frame(final String name, final int peer, final byte[] bytes)
        {
            this(name, peer, bytes, bytes.length);
        }

        byte type()
        {
            return bytes.length > TYPE_OFFSET ? bytes[TYPE_OFFSET] : -1;
        }

        public String toString()
        {
            return name + " on the connection of node " + peer + ", " + bytes.length + " bytes, received " +
                byteLength;
        }
    }

    @Property(tries = 400)
    void randomFramesFromAPeerThatHasNotProvedTheSecretAreRejectedOnceAndTouchNothing(
        @ForAll("randomFrames") final byte[] bytes, @ForAll("receivedLengths") final int receivedLength)
        throws IOException
    {
        assertRejectedOnceAndTouchNothing(new ReceiveRig(),
            new Frame("random", UNPROVED, bytes, receivedLength < 0 ? bytes.length : receivedLength));
    }

    @Property(tries = 400)
    void randomFramesFromTheProvedPeerAreRejectedOnceAndTouchNothing(
        @ForAll("randomFrames") final byte[] bytes, @ForAll("receivedLengths") final int receivedLength)
        throws IOException
    {
        final ReceiveRig rig = new ReceiveRig();
        final Frame frame = new Frame("random", PROVED, bytes, receivedLength < 0 ? bytes.length : receivedLength);
        Assume.that(!isPlausiblyAccepted(rig, frame));

        assertRejectedOnceAndTouchNothing(rig, frame);
    }

    @Property(tries = 200)
    void validFramesAreAcceptedAndNotCounted(@ForAll("validFrames") final Frame frame) throws IOException
    {
        final ReceiveRig rig = new ReceiveRig();
        final byte[] heapBefore = rig.heapBytes();

        rig.deliver(rig.links[frame.peer], frame.bytes, frame.byteLength);

        assertEquals(0, rig.poller.rejectedFrameCount(), frame + " not counted: " + rig.errors);
        assertTrue(rig.errors.isEmpty(), frame + " reported nothing: " + rig.errors);
        switch (frame.type())
        {
            case TYPE_HELLO: assertTrue(rig.links[UNPROVED].isAuthenticated(), frame + " authenticated"); break;
            case TYPE_REGIONS: assertTrue(rig.links[PROVED_WITHOUT_REGIONS].isReady(), frame + " ready"); break;
            case TYPE_MESSAGE: assertEquals(1, rig.messages.size(), frame + " delivered"); break;
            case TYPE_WRITE_REQUEST:
            case TYPE_FETCH_ADD_REQUEST:
                assertFalse(Arrays.equals(heapBefore, rig.heapBytes()), frame + " applied"); break;
            case TYPE_CAS_REQUEST: break; // applied only when the expected value matched
            case TYPE_RESPONSE: assertEquals(OperationSlot.COMPLETED, rig.pending.state(), frame + " completed"); break;
            case TYPE_BYE: assertTrue(rig.links[PROVED].isDown(), frame + " took the link down"); break;
            default: assertArrayEquals(heapBefore, rig.heapBytes(), frame + " read only");
        }
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE) // edge cases would be mostly truncated hellos
    void mutatedFramesAreRejectedOnceAndTouchNothing(@ForAll("mutatedFrames") final Frame mutated) throws IOException
    {
        assertRejectedOnceAndTouchNothing(new ReceiveRig(), mutated);
    }

    @Property(tries = 300)
    void workCompletionsNamingNoWaitingOperationAreCountedAndCompleteNothing(
        @ForAll("foreignWrIds") final long wrId,
        @ForAll("statuses") final int status,
        @ForAll final int byteLength) throws IOException
    {
        final ReceiveRig rig = new ReceiveRig();
        Assume.that(rig.pendingWrId != wrId);
        final byte[] heapBefore = rig.heapBytes();

        rig.poller.dispatcher().onCompletion(wrId, status, VerbsCodes.WC_OPCODE_RDMA_READ, byteLength);

        assertEquals(1, rig.poller.dispatcher().unknownCount(), "counted once");
        assertEquals(1, rig.errors.size(), "reported once");
        assertEquals(OperationSlot.PENDING, rig.pending.state(), "the waiting operation still waits");
        assertEquals(0, rig.pending.byteLength());
        assertArrayEquals(heapBefore, rig.heapBytes(), "heap unchanged");
    }

    private static void assertRejectedOnceAndTouchNothing(final ReceiveRig rig, final Frame frame)
    {
        final byte[] heapBefore = rig.heapBytes();

        rig.deliver(rig.links[frame.peer], frame.bytes, frame.byteLength); // anything thrown fails the property

        assertEquals(1, rig.poller.rejectedFrameCount(), frame + " counted once as rejected: " + rig.errors);
        assertTrue(rig.errors.size() <= 1, frame + " reported at most once: " + rig.errors);
        for (final Throwable error : rig.errors)
        {
            assertInstanceOf(DsmException.class, error);
        }
        assertArrayEquals(heapBefore, rig.heapBytes(), frame + " left the heap as it was");
        assertTrue(rig.messages.isEmpty(), frame + " delivered nothing");
        assertEquals(OperationSlot.PENDING, rig.pending.state(), frame + " completed no operation");
        assertFalse(rig.links[UNPROVED].isAuthenticated(), frame + " authenticated no one");
        assertNull(rig.links[PROVED_WITHOUT_REGIONS].regions(), frame + " set no regions");
        assertSame(rig.links[PROVED], rig.transport.peer(PROVED), frame + " rebound no peer");
    }

    /**
     * A random frame from the proved peer that passes the frame checks and whose type it may send: a message, a
     * bye, a response to the waiting operation or a request whose offset is inside the heap.
     */
    private static boolean isPlausiblyAccepted(final ReceiveRig rig, final Frame frame)
    {
        if (frame.byteLength > FRAME_SIZE || frame.bytes.length < HEADER_LENGTH)
        {
            return false;
        }
        final RdmaFrameFlyweight header = ReceiveRig.frame(Arrays.copyOf(frame.bytes, FRAME_SIZE));
        if (null != header.validate(frame.byteLength) || PROVED != header.sourceNodeId())
        {
            return false;
        }
        switch (header.type())
        {
            case TYPE_MESSAGE:
            case TYPE_BYE:
                return true;
            case TYPE_RESPONSE:
                return rig.pendingWrId == header.correlationId();
            case TYPE_READ_REQUEST:
            case TYPE_WRITE_REQUEST:
            case TYPE_CAS_REQUEST:
            case TYPE_FETCH_ADD_REQUEST:
                return header.heapOffset() >= 0 && header.heapOffset() <= HEAP_CAPACITY;
            default:
                return false;
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    /**
     * The length the receive completion reports: the frame's own length (-1) three times in four.
     */
    @Provide
    Arbitrary<Integer> receivedLengths()
    {
        return Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(-1)),
            Tuple.of(1, Arbitraries.integers().between(0, FRAME_SIZE + 64)));
    }

    /**
     * Random bytes, three in four at least a header long (any length up to past the receive buffer, evenly) and of
     * those three in four with a header that passes the early checks (version, length, a type near the
     * known ones, a source near the members) so the later checks are reached.
     */
    @Provide
    Arbitrary<byte[]> randomFrames()
    {
        final Arbitrary<byte[]> raw = Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.bytes().array(byte[].class).ofMinSize(HEADER_LENGTH).ofMaxSize(FRAME_SIZE + 16)
                .withSizeDistribution(RandomDistribution.uniform())),
            Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(HEADER_LENGTH + 8)));
        final Arbitrary<Integer> source = Arbitraries.integers().between(-1, NODE_COUNT);
        final Arbitrary<Integer> type = Arbitraries.integers().between(-1, TYPE_BYE + 2);
        final Arbitrary<Boolean> plausible = Arbitraries.of(true, true, true, false);
        return Combinators.combine(raw, source, type, plausible).as((bytes, s, t, p) ->
        {
            if (p && bytes.length >= HEADER_LENGTH)
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
                buffer.putByte(VERSION_OFFSET, CURRENT_VERSION);
                buffer.putByte(TYPE_OFFSET, (byte)(int)t);
                buffer.putInt(SOURCE_NODE_ID_OFFSET, s, ByteOrder.LITTLE_ENDIAN);
                buffer.putInt(FRAME_LENGTH_OFFSET, bytes.length, ByteOrder.LITTLE_ENDIAN);
            }
            return bytes;
        });
    }

    @Provide
    Arbitrary<Integer> statuses()
    {
        return Arbitraries.oneOf(Arbitraries.of(VerbsCodes.WC_SUCCESS, VerbsCodes.WC_REM_ACCESS_ERR,
            VerbsCodes.WC_RETRY_EXC_ERR, VerbsCodes.WC_WR_FLUSH_ERR), Arbitraries.integers());
    }

    /**
     * wr_ids of one-sided operations near the waiting one (other link, slot or generation) and of unknown kinds;
     * not of SENDs and receives, which name this node's own buffers.
     */
    @Provide
    Arbitrary<Long> foreignWrIds()
    {
        final Arbitrary<Integer> kind = Arbitraries.oneOf(Arbitraries.just(KIND_ONE_SIDED),
            Arbitraries.integers().between(0, 15).filter((k) -> KIND_SEND != k && KIND_RECEIVE != k));
        final Arbitrary<Integer> link = Arbitraries.integers().between(0, MAX_LINKS - 1)
            .edgeCases((edges) -> edges.includeOnly(0, 1, 2, 3));
        final Arbitrary<Integer> slot = Arbitraries.integers().between(0, 8);
        final Arbitrary<Long> generation = Arbitraries.longs().between(0, 3);
        return Combinators.combine(kind, link, slot, generation).as(WorkRequestIdDescriptor::wrId);
    }

    /**
     * Valid frames each of which would act if decoded: node 2's hello with its proof on its new connection, node 3's
     * regions, and from node 1 a message, requests inside the heap, the response to the waiting operation and a
     * bye. A write's payload and a fetch-add's delta are non-zero, so one that got through would show in the heap.
     */
    @Provide
    Arbitrary<Frame> validFrames()
    {
        final Arbitrary<Integer> kind = Arbitraries.integers().between(0, 9);
        final Arbitrary<Integer> length = Arbitraries.integers().between(1, 200);
        final Arbitrary<Integer> word = Arbitraries.integers().between(0, HEAP_CAPACITY / 8 - 1);
        final Arbitrary<Long> operand = Arbitraries.longs();
        return Combinators.combine(kind, length, word, operand).as((k, l, w, o) ->
        {
            final long correlationId = 0x1234_5678L + w;
            final long wordOffset = 8L * w;
            switch (k)
            {
                case 0: return new Frame("hello", UNPROVED, hello(UNPROVED, UNPROVED, NODE_ID, SECRET));
                case 1: return new Frame("bounce regions", PROVED_WITHOUT_REGIONS,
                    bounceRegions(PROVED_WITHOUT_REGIONS));
                case 2: return new Frame("direct regions", PROVED_WITHOUT_REGIONS,
                    directRegions(PROVED_WITHOUT_REGIONS, new int[]{ 256, 512, 1000, 2048, 4096 }[l % 5]));
                case 3: return new Frame("message", PROVED,
                    request(TYPE_MESSAGE, PROVED, 0, 0, 0, 0, l, FILL));
                case 4: return new Frame("read", PROVED, request(TYPE_READ_REQUEST, PROVED, correlationId,
                    Math.min(wordOffset, HEAP_CAPACITY - l), l, 0, 0, FILL));
                case 5:
                {
                    final int writeLength = Math.min(l, 64);
                    final byte[] bytes = request(TYPE_WRITE_REQUEST, PROVED, correlationId,
                        Math.min(wordOffset, HEAP_CAPACITY - writeLength), 0, 0, writeLength, FILL);
                    final long offset = Math.min(wordOffset, HEAP_CAPACITY - writeLength);
                    for (int i = 0; i < writeLength; i++)
                    {
                        bytes[HEADER_LENGTH + i] = (byte)~((offset + i) * 31 + 7); // not the rig's heap pattern
                    }
                    return new Frame("write", PROVED, bytes);
                }
                case 6: return new Frame("cas", PROVED,
                    request(TYPE_CAS_REQUEST, PROVED, correlationId, wordOffset, o, ~o, 0, FILL));
                case 7: return new Frame("fetchAdd", PROVED,
                    request(TYPE_FETCH_ADD_REQUEST, PROVED, correlationId, wordOffset, 0 == o ? 1 : o, 0, 0, FILL));
                case 8:
                {
                    final byte[] bytes = request(TYPE_RESPONSE, PROVED, pendingWrIdOfAFreshRig(), wordOffset, 0, o,
                        Math.min(l, STAGING_SIZE), FILL);
                    return new Frame("response", PROVED, bytes);
                }
                default: return new Frame("bye", PROVED, request(TYPE_BYE, PROVED, 0, 0, 0, 0, 0, FILL));
            }
        });
    }

    /**
     * A valid frame with one of the mutations that apply to its type.
     */
    @Provide
    Arbitrary<Frame> mutatedFrames()
    {
        return validFrames().flatMap((valid) -> Combinators.combine(
            Arbitraries.of(Mutation.class).filter((mutation) -> appliesTo(mutation, valid.type())),
            Arbitraries.integers().between(0, Integer.MAX_VALUE))
            .as((mutation, value) -> mutate(valid, mutation, value)))
            .filter(java.util.Objects::nonNull);
    }

    private static boolean appliesTo(final Mutation mutation, final byte type)
    {
        switch (mutation)
        {
            case HEAP_OFFSET_OUT_OF_RANGE: return type >= TYPE_READ_REQUEST && type <= TYPE_FETCH_ADD_REQUEST;
            case READ_LENGTH_OUT_OF_RANGE: return TYPE_READ_REQUEST == type;
            case WRONG_CORRELATION: return TYPE_RESPONSE == type;
            case WRONG_PROOF:
            case HELLO_FROM_WRONG_NODE: return TYPE_HELLO == type;
            case EXCHANGE_OF_ANOTHER_CLUSTER:
            case REGION_COUNT_OVERFLOWING: return TYPE_HELLO == type || TYPE_REGIONS == type;
            case REGIONS_INCONSISTENT: return TYPE_REGIONS == type;
            default: return true;
        }
    }

    private static long pendingWrIdOfAFreshRig()
    {
        return wrId(KIND_ONE_SIDED, PROVED - 1, PENDING_SLOT, 1); // link 0, first generation
    }

    // ------------------------------------------------------------------------------------------------------------

    /**
     * @return the mutated frame, or null when the mutation does not apply to the frame's type.
     */
    private static Frame mutate(final Frame valid, final Mutation mutation, final int v)
    {
        final byte[] bytes = valid.bytes.clone();
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final RdmaFrameFlyweight frame = ReceiveRig.frame(bytes);
        final ConnectionExchangeFlyweight exchange = new ConnectionExchangeFlyweight().wrap(buffer, HEADER_LENGTH);
        final byte type = valid.type();
        final boolean isExchange = TYPE_HELLO == type || TYPE_REGIONS == type;
        final boolean isRequest = type >= TYPE_READ_REQUEST && type <= TYPE_FETCH_ADD_REQUEST;
        final String name = valid.name + " " + mutation + "(" + v + ")";
        switch (mutation)
        {
            case TRUNCATED:
                return new Frame(name, valid.peer, bytes, v % bytes.length);

            case RECEIVED_LONGER_THAN_FRAME:
            {
                final byte[] longer = Arrays.copyOf(bytes, bytes.length + 1 + v % 64);
                Arrays.fill(longer, bytes.length, longer.length, FILL);
                return new Frame(name, valid.peer, longer, longer.length);
            }

            case RECEIVED_LONGER_THAN_BUFFER:
            {
                final int length = FRAME_SIZE + 1 + v % 100_000;
                frame.payloadLength(length - HEADER_LENGTH);
                return new Frame(name, valid.peer, bytes, length);
            }

            case FRAME_LENGTH_TOO_LARGE:
                buffer.putInt(FRAME_LENGTH_OFFSET, bytes.length + 1 + v % (Integer.MAX_VALUE - bytes.length),
                    ByteOrder.LITTLE_ENDIAN);
                break;

            case FRAME_LENGTH_NEGATIVE:
                buffer.putInt(FRAME_LENGTH_OFFSET, -1 - v, ByteOrder.LITTLE_ENDIAN);
                break;

            case UNKNOWN_VERSION:
                buffer.putByte(VERSION_OFFSET, (byte)(CURRENT_VERSION + 1 + v % 255));
                break;

            case UNKNOWN_TYPE:
                buffer.putByte(TYPE_OFFSET, (byte)(0 == (v & 1) ? 0 : TYPE_BYE + 1 + (v >> 1) % (256 - TYPE_BYE - 1)));
                break;

            case WRONG_SOURCE:
            {
                final int[] others = { -1 - v % 1000, NODE_ID, NODE_COUNT + v % 1000, valid.peer % 3 + 1 };
                final int source = others[(v >> 10) % others.length];
                if (source == valid.peer)
                {
                    return null;
                }
                frame.buffer().putInt(SOURCE_NODE_ID_OFFSET, source, ByteOrder.LITTLE_ENDIAN);
                break;
            }

            case HEAP_OFFSET_OUT_OF_RANGE:
            {
                if (!isRequest)
                {
                    return null;
                }
                final long length = TYPE_READ_REQUEST == type ? frame.operand1() :
                    TYPE_WRITE_REQUEST == type ? frame.payloadLength() : 8;
                final long[] offsets = { HEAP_CAPACITY - length + 1 + v, -1L - v, Long.MIN_VALUE + v,
                    Long.MAX_VALUE - v, frame.heapOffset() + 1 + v % 7 };
                final long offset = offsets[(v >> 8) % offsets.length];
                if (offsets[4] == offset && (TYPE_READ_REQUEST == type || TYPE_WRITE_REQUEST == type))
                {
                    return null; // misaligned is an error for atomics only
                }
                frame.heapOffset(offset);
                break;
            }

            case READ_LENGTH_OUT_OF_RANGE:
                if (TYPE_READ_REQUEST != type)
                {
                    return null;
                }
                frame.operand1(0 == (v & 1) ? -1L - (v >> 1) : MAX_PAYLOAD + 1L + (v >> 1));
                break;

            case WRONG_CORRELATION:
            {
                if (TYPE_RESPONSE != type)
                {
                    return null;
                }
                final long id = frame.correlationId();
                final long[] wrong = {
                    wrId(KIND_ONE_SIDED, link(id), slot(id), sequence(id) + 1 + v % 1000),
                    wrId(KIND_ONE_SIDED, link(id), (slot(id) + 1 + v % 6) % 8, sequence(id)),
                    wrId(KIND_ONE_SIDED, 1 + v % (MAX_LINKS - 1), slot(id), sequence(id)),
                    wrId(1 + (KIND_ONE_SIDED + v % 14) % 15, link(id), slot(id), sequence(id)),
                    (long)v << 3 };
                frame.correlationId(wrong[(v >> 12) % wrong.length]);
                break;
            }

            case WRONG_PROOF:
            {
                if (TYPE_HELLO != type)
                {
                    return null;
                }
                final byte[][] proofs = {
                    ConnectionExchangeFlyweight.proof(SECRET + "x", UNPROVED, NODE_ID, NODE_COUNT),
                    ConnectionExchangeFlyweight.proof(SECRET, UNPROVED, PROVED, NODE_COUNT),
                    ConnectionExchangeFlyweight.proof(SECRET, NODE_ID, UNPROVED, NODE_COUNT),
                    ConnectionExchangeFlyweight.proof(null, UNPROVED, NODE_ID, NODE_COUNT) };
                exchange.proof(proofs[v % proofs.length]);
                final int bit = (v >> 4) % (ConnectionExchangeDescriptor.PROOF_LENGTH * 8 + 1);
                if (bit > 0)
                {
                    exchange.proof(ConnectionExchangeFlyweight.proof(SECRET, UNPROVED, NODE_ID, NODE_COUNT));
                    final int at = HEADER_LENGTH + ConnectionExchangeDescriptor.PROOF_OFFSET + (bit - 1) / 8;
                    bytes[at] ^= (byte)(1 << ((bit - 1) % 8));
                }
                break;
            }

            case HELLO_FROM_WRONG_NODE:
            {
                if (TYPE_HELLO != type)
                {
                    return null;
                }
                final int[] nodes = { NODE_ID, PROVED, NODE_COUNT + v % 100, -1 - v % 100 };
                final int node = nodes[v % nodes.length];
                final byte[] hello = hello(node, node, NODE_ID, SECRET); // proves the secret, as a member would
                return new Frame(name, valid.peer, hello);
            }

            case EXCHANGE_OF_ANOTHER_CLUSTER:
                if (!isExchange)
                {
                    return null;
                }
                if (0 == (v & 1))
                {
                    buffer.putInt(HEADER_LENGTH + ConnectionExchangeDescriptor.MAGIC_OFFSET,
                        ConnectionExchangeDescriptor.MAGIC + 1 + (v >> 1), ByteOrder.LITTLE_ENDIAN);
                }
                else
                {
                    buffer.putInt(HEADER_LENGTH + ConnectionExchangeDescriptor.NODE_COUNT_OFFSET,
                        NODE_COUNT + 1 + (v >> 1) % 1000, ByteOrder.LITTLE_ENDIAN);
                }
                break;

            case REGION_COUNT_OVERFLOWING:
            {
                if (!isExchange)
                {
                    return null;
                }
                // a count whose length in bytes wraps around 2^32 back onto this payload's length
                final int count = exchange.regionCount() + (1 << 29) * (1 + v % 3);
                buffer.putInt(HEADER_LENGTH + ConnectionExchangeDescriptor.REGION_COUNT_OFFSET, count,
                    ByteOrder.LITTLE_ENDIAN);
                break;
            }

            case REGIONS_INCONSISTENT:
            {
                if (TYPE_REGIONS != type)
                {
                    return null;
                }
                switch (v % 5)
                {
                    case 0: buffer.putInt(HEADER_LENGTH + ConnectionExchangeDescriptor.MODE_OFFSET, 3 + (v >> 3),
                        ByteOrder.LITTLE_ENDIAN); break;
                    case 1: buffer.putLong(HEADER_LENGTH + ConnectionExchangeDescriptor.HEAP_CAPACITY_OFFSET,
                        -(long)(v >> 3), ByteOrder.LITTLE_ENDIAN); break;
                    case 2: buffer.putLong(HEADER_LENGTH + ConnectionExchangeDescriptor.SEGMENT_LENGTH_OFFSET,
                        -(long)(v >> 3), ByteOrder.LITTLE_ENDIAN); break;
                    case 3:
                        if (ConnectionExchangeDescriptor.MODE_DIRECT != exchange.mode())
                        {
                            return null; // a bounce peer's capacity needs no region to match
                        }
                        buffer.putLong(HEADER_LENGTH + ConnectionExchangeDescriptor.HEAP_CAPACITY_OFFSET,
                            exchange.heapCapacity() + exchange.segmentLength() * (1 + (v >> 3) % 100),
                            ByteOrder.LITTLE_ENDIAN);
                        break;
                    default:
                        if (0 == exchange.regionCount())
                        {
                            return null;
                        }
                        buffer.putLong(HEADER_LENGTH + ConnectionExchangeDescriptor.regionOffset(
                            (v >> 3) % exchange.regionCount()) + ConnectionExchangeDescriptor.REGION_LENGTH_OFFSET,
                            1 + HEAP_CAPACITY + (v >> 3), ByteOrder.LITTLE_ENDIAN);
                }
                break;
            }

            default:
                throw new IllegalStateException(mutation.toString());
        }
        return new Frame(name, valid.peer, bytes);
    }
}
