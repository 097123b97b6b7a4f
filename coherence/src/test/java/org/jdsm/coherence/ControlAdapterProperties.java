package org.jdsm.coherence;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.NodeCounters;

import java.util.concurrent.atomic.AtomicLong;

import static org.jdsm.coherence.ControlMessageDescriptor.ALLOC_REQUEST_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.ALLOC_RESPONSE_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.BODY_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.FREE_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.MUTEX_LEASE_GRANT_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.MUTEX_LEASE_LOST_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.MUTEX_LEASE_REQUEST_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.RESULT_STAGED_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.SPAWN_STAGED_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.STAGED_BODY_LENGTH;
import static org.jdsm.coherence.ControlMessageDescriptor.STOP_REQUEST_TYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random and mutated control frames sent to node 0's {@link ControlAdapter} (through {@link Node#onMessage}, as its
 * transport delivers them) from node 1 of a real two-node cluster whose node 0 holds no object: every frame is one
 * the node must refuse. The adapter never throws, never touches the heap (no allocation, no free, the same free
 * bytes), and counts each frame once as {@code REQUESTS_REJECTED}.
 */
class ControlAdapterProperties
{
    private static final int MAX_OBJECT_SIZE = 1024 * 1024;
    private static SimulatedCluster cluster;
    private static final AtomicLong ERRORS_REPORTED = new AtomicLong();

    @BeforeContainer
    static void startCluster()
    {
        // node 0's errors only: node 1 rejects the answers node 0 sends it, at its own pace
        cluster = SimulatedCluster.start(2, (config) -> config.errorHandler((throwable) ->
        {
            if (0 == config.nodeId())
            {
                ERRORS_REPORTED.incrementAndGet();
            }
        }));
    }

    @AfterContainer
    static void closeCluster()
    {
        cluster.close();
    }

    @Property(tries = 400)
    void badFrameIsRejectedOnceAndNeverTouchesTheHeap(@ForAll("badFrames") final Frame frame)
    {
        final Node node = cluster.node(0);
        final NodeCounters before = node.counters();
        final long freeBefore = node.freeHeapBytes();
        final long errorsBefore = ERRORS_REPORTED.get();

        node.onMessage(frame.source, frame.buffer, 0, frame.length);

        final NodeCounters after = node.counters();
        assertEquals(before.get(NodeCounters.Counter.REQUESTS_REJECTED) + 1,
            after.get(NodeCounters.Counter.REQUESTS_REJECTED), frame + " counted once as rejected");
        assertEquals(errorsBefore + 1, ERRORS_REPORTED.get(), frame + " reported once");
        assertEquals(before.get(NodeCounters.Counter.ALLOCATIONS), after.get(NodeCounters.Counter.ALLOCATIONS),
            frame + " allocated nothing");
        assertEquals(before.get(NodeCounters.Counter.FREES), after.get(NodeCounters.Counter.FREES),
            frame + " freed nothing");
        assertEquals(freeBefore, node.freeHeapBytes(), frame + " left the heap as it was");
    }

    @Provide
    Arbitrary<Frame> badFrames()
    {
        return Arbitraries.oneOf(
            truncated(), fromUnknownNode(), ofUnknownType(), allocationsOutOfRange(), unknownAllocationResponses(),
            freesOfNoLiveObject(), stagedOfWrongLength(), stagedOutsideTheSendersHeap(), leasesOfUnknownMutexes(),
            stopRequestsFromAServer());
    }

    private static Arbitrary<Frame> truncated()
    {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(BODY_OFFSET - 1)
            .map((bytes) -> new Frame("truncated", 1, new UnsafeBuffer(bytes.length == 0 ? new byte[1] : bytes),
                bytes.length));
    }

    private static Arbitrary<Frame> fromUnknownNode()
    {
        return Combinators.combine(
            Arbitraries.integers().filter((source) -> source < 0 || source > 1), anyHeader())
            .as((source, frame) -> new Frame("from node " + source, source, frame.buffer, frame.length));
    }

    private static Arbitrary<Frame> ofUnknownType()
    {
        return Combinators.combine(
            Arbitraries.integers().filter((type) -> type < ALLOC_REQUEST_TYPE || type > STOP_REQUEST_TYPE + 1),
            Arbitraries.longs(), Arbitraries.longs(), Arbitraries.integers().between(0, 64))
            .as((type, correlationId, value, bodyLength) -> frame("type " + type, type, correlationId, value,
                bodyLength));
    }

    private static Arbitrary<Frame> allocationsOutOfRange()
    {
        return Arbitraries.oneOf(Arbitraries.longs().lessOrEqual(-1), Arbitraries.longs().greaterOrEqual(MAX_OBJECT_SIZE + 1))
            .map((length) -> frame("alloc of " + length, ALLOC_REQUEST_TYPE, 1, length, 0));
    }

    private static Arbitrary<Frame> unknownAllocationResponses()
    {
        return Arbitraries.longs().map((correlationId) ->
            frame("alloc response " + correlationId, ALLOC_RESPONSE_TYPE, correlationId, 0, 0));
    }

    private static Arbitrary<Frame> freesOfNoLiveObject()
    {
        return Arbitraries.longs().map((address) ->
            frame("free of " + GlobalAddress.toString(address), FREE_TYPE, 0, address, 0));
    }

    private static Arbitrary<Frame> stagedOfWrongLength()
    {
        return Combinators.combine(
            Arbitraries.of(SPAWN_STAGED_TYPE, RESULT_STAGED_TYPE),
            Arbitraries.integers().between(0, 64).filter((bodyLength) -> bodyLength != STAGED_BODY_LENGTH))
            .as((type, bodyLength) -> frame("staged body of " + bodyLength, type, 1, 0, bodyLength));
    }

    private static Arbitrary<Frame> stagedOutsideTheSendersHeap()
    {
        return Combinators.combine(
            Arbitraries.of(SPAWN_STAGED_TYPE, RESULT_STAGED_TYPE), Arbitraries.longs(), Arbitraries.integers())
            .as((type, address, stagedLength) -> stagedFrame(type, address, stagedLength))
            .filter((frame) -> null != frame);
    }

    private static Arbitrary<Frame> leasesOfUnknownMutexes()
    {
        return Combinators.combine(
            Arbitraries.of(MUTEX_LEASE_REQUEST_TYPE, MUTEX_LEASE_GRANT_TYPE, MUTEX_LEASE_LOST_TYPE),
            Arbitraries.longs(), Arbitraries.longs())
            .as((type, address, value) -> frame("lease type " + type + " of " + GlobalAddress.toString(address),
                type, address, value, 0));
    }

    private static Arbitrary<Frame> stopRequestsFromAServer()
    {
        return Arbitraries.longs().map((value) -> frame("stop request", STOP_REQUEST_TYPE, 0, value, 0));
    }

    private static Arbitrary<Frame> anyHeader()
    {
        return Combinators.combine(Arbitraries.integers(), Arbitraries.longs(), Arbitraries.longs())
            .as((type, correlationId, value) -> frame("any", type, correlationId, value, 0));
    }

    private static Frame frame(
        final String what, final int type, final long correlationId, final long value, final int bodyLength)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[BODY_OFFSET + bodyLength]);
        new ControlMessageFlyweight().wrap(buffer, 0).type(type).correlationId(correlationId).value(value);
        return new Frame(what, 1, buffer, buffer.capacity());
    }

    /**
     * A staged frame from node 1 whose block is not in node 1's heap or whose length is out of range; null if the
     * generated one is well formed.
     */
    private static Frame stagedFrame(final int type, final long address, final int stagedLength)
    {
        if (GlobalAddress.nodeId(address) == 1 && stagedLength >= 0 && stagedLength <= MAX_OBJECT_SIZE)
        {
            return null;
        }
        final Frame frame = frame("staged " + GlobalAddress.toString(address) + " of " + stagedLength + " bytes",
            type, 1, 0, STAGED_BODY_LENGTH);
        frame.buffer.putLong(BODY_OFFSET + ControlMessageDescriptor.STAGED_ADDRESS_OFFSET, address,
            ControlMessageFlyweight.ORDER);
        frame.buffer.putInt(BODY_OFFSET + ControlMessageDescriptor.STAGED_LENGTH_OFFSET, stagedLength,
            ControlMessageFlyweight.ORDER);
        return frame;
    }

    static final class Frame
    {
        final String what;
        final int source;
        final UnsafeBuffer buffer;
        final int length;

        Frame(final String what, final int source, final UnsafeBuffer buffer, final int length)
        {
            this.what = what;
            this.source = source;
            this.buffer = buffer;
            this.length = length;
        }

        public String toString()
        {
            return "frame(" + what + ", from node " + source + ", " + length + " bytes)";
        }
    }
}
