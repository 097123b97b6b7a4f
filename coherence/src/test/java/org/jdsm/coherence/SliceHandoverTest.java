package org.jdsm.coherence;

import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.Codecs;
import org.jdsm.DBox;
import org.jdsm.NodeUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

import static org.jdsm.coherence.BlockDescriptor.HEADER_LENGTH;
import static org.jdsm.coherence.ControlMessageDescriptor.BODY_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.HANDED_OVER_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.HANDOVER_FENCE_ACK_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.HANDOVER_FENCE_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.SPARE_CLAIM_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.SPARE_GRANT_TYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fail-over barrier: the per-slice {@link SliceGate}, the {@link SliceHandover} on a simulated cluster (an
 * operation started after a death waits for the hand-over and sees what was visible before it), and the refusal of
 * hand-over messages that are malformed, out of order, stale or from a node that may not send them.
 */
class SliceHandoverTest
{
    private static final IntFunction<NodeUnavailableException> TIMED_OUT =
        (slice) -> new NodeUnavailableException(slice, "gate of slice " + slice + " timed out");

    @Test
    @Timeout(10)
    void aClosedGateLetsAdmittedOperationsDrainAndHoldsNewOnesUntilItOpens() throws Exception
    {
        final SliceGate gate = new SliceGate(4, TimeUnit.MILLISECONDS.toNanos(100));
        gate.enter(1, TIMED_OUT);
        gate.enter(1, TIMED_OUT);
        assertEquals(2, gate.inFlight(1));
        assertFalse(gate.isDrained(1), "an open gate is not drained");

        gate.close(1);
        assertFalse(gate.isDrained(1), "two admitted operations in flight");
        gate.enter(2, TIMED_OUT); // another slice's gate is open
        gate.leave(2);
        gate.leave(1);
        assertFalse(gate.isDrained(1));
        gate.leave(1);
        assertTrue(gate.isDrained(1));

        final NodeUnavailableException timedOut = assertThrows(NodeUnavailableException.class,
            () -> gate.enter(1, TIMED_OUT));
        assertEquals("node 1 unavailable: gate of slice 1 timed out", timedOut.getMessage());
        assertEquals(0, gate.inFlight(1), "a new operation that timed out was never admitted");

        final AtomicBoolean admitted = new AtomicBoolean();
        final SliceGate slowGate = new SliceGate(4, TimeUnit.SECONDS.toNanos(5));
        slowGate.close(3);
        final Thread waiter = new Thread(() ->
        {
            slowGate.enter(3, TIMED_OUT);
            admitted.set(true);
        });
        waiter.start();
        Thread.sleep(100);
        assertFalse(admitted.get(), "a new operation waits at a closed gate");
        slowGate.open(3);
        waiter.join(5_000);
        assertTrue(admitted.get());
        assertEquals(1, slowGate.inFlight(3));
    }

    @Test
    @Timeout(60)
    void aNodeIsSeenDeadOnlyOnceTheGatesOfItsSlicesAreClosed() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(4, (config) -> config.replicas(1)))
        {
            final Replication replication = ((EngineHeap)cluster.node(0).heap()).replication();
            final SliceHandover handover = replication.handover();
            final Thread marking = new Thread(() -> replication.markDead(2), "mark-dead");
            synchronized (handover)
            {
                // the mark waits for the hand-over's monitor to close the gates: in between, nobody may see node 2
                // dead and route a read of slice 2 to its backup, which may lack node 2's last writes
                marking.start();
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (Thread.State.BLOCKED != marking.getState() && System.nanoTime() < deadlineNs)
                {
                    Thread.onSpinWait();
                }
                assertEquals(Thread.State.BLOCKED, marking.getState(), "markDead closes the gates under the monitor");
                assertFalse(replication.gate().isClosed(2));
                assertFalse(replication.isDead(2), "node 2 is not seen dead while the gate of its slice is open");
            }
            marking.join(10_000);

            assertTrue(replication.isDead(2));
            assertTrue(replication.gate().isClosed(2), "slice 2 waits for its hand-over");
        }
    }

    @Test
    @Timeout(60)
    void anOperationStartedAfterTheDeathWaitsForTheHandOverAndSeesTheValueVisibleAtTheDeadNode() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(4, (config) -> config
            .replicas(1)
            .operationTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(20))))
        {
            final DBox<Long> box = cluster.node(0).allocOn(2, Codecs.LONG, 1L);
            final long address = box.address();
            final long offset = GlobalAddress.offset(address) + HEADER_LENGTH;
            final EngineHeap reader = (EngineHeap)cluster.node(0).heap();
            final Replication writer = ((EngineHeap)cluster.node(1).heap()).replication();
            final HeapSlice atHome = ((EngineHeap)cluster.node(2).heap()).region();
            final HeapSlice atBackup = ((EngineHeap)cluster.node(3).heap()).region();
            assertEquals(1L, read(reader, address));

            // node 1 has a write of slice 2 in flight: landed at node 2, its mirror to node 3 not yet
            writer.gate().enter(2, TIMED_OUT);
            atHome.putLongRelease(offset, 2L);
            assertEquals(2L, read(reader, address), "visible at node 2");

            cluster.network.crash(2);

            final CompletableFuture<Long> afterDeath = CompletableFuture.supplyAsync(() -> read(reader, address));
            assertThrows(TimeoutException.class, () -> afterDeath.get(500, TimeUnit.MILLISECONDS),
                "a read started after the death waits for the hand-over of slice 2");
            final SliceHandover coordinator = ((EngineHeap)cluster.node(3).heap()).replication().handover();
            // node 3 learns of the death and runs the hand-over on its own threads: waited for, not assumed
            awaitDescribed(coordinator,
                "run by this node 3 at epoch 1, waiting for fence acknowledgements from nodes [1]");
            assertFalse(afterDeath.isDone(), "still waiting for the hand-over of slice 2");

            atBackup.putLongRelease(writer.base(1) + offset, 2L); // the mirror lands
            writer.gate().leave(2);

            assertEquals(2L, afterDeath.get(10, TimeUnit.SECONDS), "the value visible before the death");
            final Replication.Holders holders = reader.replication().holders(2);
            assertEquals(1, holders.epoch);
            assertEquals(3, holders.nodes[0], "node 3 serves slice 2: " + holders);
            assertEquals(2, holders.nodes.length, "a new copy in a spare slot: " + holders);
            assertEquals(2, holders.slots[1], "the spare slot of replicas=1: " + holders);
            assertEquals(2L, ((EngineHeap)cluster.node(holders.nodes[1]).heap()).region()
                .getLongAcquire(writer.base(2) + offset), "the copy holds the value");
            assertEquals(1, coordinator.handOvers());
            // into a spare slot never written, only the chunks that are not zero travel, and the copy is whole
            final HeapSlice copy = ((EngineHeap)cluster.node(holders.nodes[1]).heap()).region();
            long nonZero = 0;
            for (long at = 0; at < writer.stride(); at += SliceHandover.COPY_CHUNK_LENGTH)
            {
                boolean isZero = true;
                for (long word = 0; word < SliceHandover.COPY_CHUNK_LENGTH; word += 8)
                {
                    final long value = atBackup.getLongAcquire(writer.base(1) + at + word);
                    isZero &= 0 == value;
                    if (value != copy.getLongAcquire(writer.base(2) + at + word))
                    {
                        fail("the copy differs at offset " + (at + word) + " of slice 2");
                    }
                }
                nonZero += isZero ? 0 : SliceHandover.COPY_CHUNK_LENGTH;
            }
            assertTrue(nonZero > 0 && nonZero < writer.stride(), "slice 2 used " + nonZero + " bytes of chunks");
            assertEquals(nonZero, coordinator.bytesCopied(), "the chunks that are not zero");
            assertEquals(writer.stride() - nonZero, coordinator.bytesNotCopied());
        }
    }

    @Test
    void aSpareSlotClaimedAgainForTheSameSliceSaysSoAndAnotherSliceFindsNoneFree()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config.replicas(1)))
        {
            final Replication replication = ((EngineHeap)cluster.node(0).heap()).replication();
            assertEquals(2, replication.claimSpare(1, 1), "the spare slot of replicas=1, never written");
            assertEquals(2 | Replication.SPARE_CLAIMED_BEFORE, replication.claimSpare(1, 1),
                "claimed before: it may hold an earlier copy's bytes, so it is copied whole");
            assertEquals(-1, replication.claimSpare(2, 1), "the only spare slot holds slice 1");
            assertEquals(-1, replication.claimSpare(0, 0), "epoch 0 is installed: a stale claim gets nothing");
        }
    }

    @Test
    void aSpareSlotGrantedForAnEpochWhoseHolderListDoesNotNameItIsGivenBackAndGrantedAgainAsClaimedBefore()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(4, (config) -> config.replicas(1)))
        {
            // node 0, not a holder of slice 1 (nodes 1 and 2), grants its spare slot 2 to node 2's hand-over at
            // epoch 1; the coordinator's claim had timed out, so it copied into node 3 and installed that
            final SliceHandover handover = ((EngineHeap)cluster.node(0).heap()).replication().handover();
            final Replication replication = ((EngineHeap)cluster.node(0).heap()).replication();
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
            assertNull(handover.onMessage(2, SPARE_CLAIM_TYPE, 1, 1, message(buffer, SPARE_CLAIM_TYPE, 1, 1), 0,
                BODY_OFFSET));
            assertEquals(-1, replication.claimSpare(2, 1), "slot 2 is granted to slice 1");

            assertNull(handover.onMessage(2, HANDED_OVER_TYPE, 1, 1, buffer, 0, holders(buffer, 2, 1, 3, 2)));
            assertEquals(1, replication.sparesGivenBack(), "epoch 1 of slice 1 does not name node 0 at slot 2");
            assertEquals(-1, replication.claimSpare(1, 1), "a claim of the installed epoch is stale");
            assertEquals(2 | Replication.SPARE_CLAIMED_BEFORE, replication.claimSpare(2, 2),
                "free again for another slice, and copied whole: it may hold bytes of slice 1");

            // a list of an epoch before the grant's does not give it back; the grant's own epoch names it
            assertNull(handover.onMessage(3, HANDED_OVER_TYPE, 2, 1, buffer, 0, holders(buffer, 3, 1, 1, 2)));
            assertEquals(1, replication.sparesGivenBack(), "granted at epoch 2 of slice 2, installed epoch 1");
            assertEquals(-1, replication.claimSpare(1, 2), "slot 2 holds slice 2");
            assertNull(handover.onMessage(3, HANDED_OVER_TYPE, 2, 2, buffer, 0, holders(buffer, 3, 1, 0, 2)));
            assertEquals(1, replication.sparesGivenBack(), "epoch 2 of slice 2 names node 0 at slot 2");
            assertEquals(-1, replication.claimSpare(1, 2), "slot 2 still holds slice 2");
        }
    }

    @Test
    @Timeout(60)
    void whenTheCoordinatorDiesDuringTheHandOverTheNextLiveHolderRunsItAgainAtTheSameEpoch() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(4, (config) -> config
            .replicas(2)
            .heapSize(256 * 1024)
            .maxObjectSize(16 * 1024)
            .operationTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(20))))
        {
            // slice 2 is held by nodes 2, 3 and 0 (slots 0, 1, 2)
            final DBox<Long> box = cluster.node(0).allocOn(2, Codecs.LONG, 1L);
            final long address = box.address();
            final long offset = GlobalAddress.offset(address) + HEADER_LENGTH;
            final Replication writer = ((EngineHeap)cluster.node(1).heap()).replication();
            final EngineHeap reader = (EngineHeap)cluster.node(1).heap();
            writer.gate().enter(2, TIMED_OUT);
            ((EngineHeap)cluster.node(2).heap()).region().putLongRelease(offset, 2L);

            cluster.network.crash(2);
            final SliceHandover first = ((EngineHeap)cluster.node(3).heap()).replication().handover();
            awaitDescribed(first, "run by this node 3 at epoch 1");
            final CompletableFuture<Long> afterDeath = CompletableFuture.supplyAsync(() -> read(reader, address));

            cluster.network.crash(3); // the coordinator, before node 1 drained
            final SliceHandover second = ((EngineHeap)cluster.node(0).heap()).replication().handover();
            awaitDescribed(second, "run by this node 0 at epoch 1, waiting for fence acknowledgements from nodes [1]");
            assertFalse(afterDeath.isDone(), "still behind the fence");

            ((EngineHeap)cluster.node(0).heap()).region().putLongRelease(writer.base(2) + offset, 2L); // the mirror
            writer.gate().leave(2);

            assertEquals(2L, afterDeath.get(10, TimeUnit.SECONDS));
            final Replication.Holders holders = reader.replication().holders(2);
            assertEquals(1, holders.epoch, "the same epoch: " + holders);
            assertEquals(0, holders.nodes[0], "node 0 serves slice 2: " + holders);
            assertEquals(2, holders.slots[0], holders.toString());
            assertEquals(1, holders.nodes[1], "node 1, the only other live node, got a copy: " + holders);
            assertTrue(second.underReplicated() > 0, "2 of 3 copies: no third live node");
        }
    }

    private static void awaitDescribed(final SliceHandover handover, final String prefix) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!handover.describe(2).startsWith(prefix))
        {
            assertTrue(System.nanoTime() - deadlineNs < 0, "expected " + prefix + ", is " + handover.describe(2));
            Thread.sleep(5);
        }
    }

    private static long read(final EngineHeap heap, final long address)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8]);
        heap.readPayload(address, 0, buffer, 0, 8);
        return buffer.getLong(0);
    }

    @Test
    void malformedStaleOrForeignHandOverMessagesAreRefusedWithTheReasonAndCounted()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(4, (config) -> config.replicas(1)))
        {
            final SliceHandover handover = ((EngineHeap)cluster.node(0).heap()).replication().handover();
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
            int refused = 0;

            assertEquals("HANDOVER_FENCE from node 1 names slice 7, not in [0, 4)",
                refuse(handover, 1, HANDOVER_FENCE_TYPE, 7, 1, buffer, BODY_OFFSET));
            assertEquals("HANDOVER_FENCE of slice 1 from node 1 has 28 bytes, expected 20",
                refuse(handover, 1, HANDOVER_FENCE_TYPE, 1, 1, buffer, BODY_OFFSET + 8));
            assertEquals("HANDOVER_FENCE of slice 1 from node 1 has epoch 0, not a hand-over epoch (> 0)",
                refuse(handover, 1, HANDOVER_FENCE_TYPE, 1, 0, buffer, BODY_OFFSET));
            assertEquals("HANDOVER_FENCE of slice 1 epoch 1 from node 3, which does not hold the slice (holders " +
                "epoch=0 [1@0, 2@1])", refuse(handover, 3, HANDOVER_FENCE_TYPE, 1, 1, buffer, BODY_OFFSET));
            assertEquals("HANDOVER_FENCE_ACK of slice 2 epoch 1 from node 1: this node runs no hand-over of the " +
                "slice at that epoch (running: 0)",
                refuse(handover, 1, HANDOVER_FENCE_ACK_TYPE, 2, 1, buffer, BODY_OFFSET));
            assertEquals("SPARE_GRANT of slice 2 from node 1: not asked for one",
                refuse(handover, 1, SPARE_GRANT_TYPE, 2, 3, buffer, BODY_OFFSET));
            refused += 6;

            assertTrue(refuse(handover, 1, HANDED_OVER_TYPE, 3, 1, buffer, holders(buffer, 0)).endsWith(
                "names 0 holders in 24 bytes: expected 1 to 2 holders of 8 bytes after the count"));
            assertTrue(refuse(handover, 1, HANDED_OVER_TYPE, 3, 1, buffer, holders(buffer, 3, 0, 0, 1, 3, 2, 3))
                .endsWith("names 3 holders in 48 bytes: expected 1 to 2 holders of 8 bytes after the count"));
            assertTrue(refuse(handover, 1, HANDED_OVER_TYPE, 3, 1, buffer, holders(buffer, 3, 0) - 4)
                .contains("names 1 holders in 28 bytes"), "a truncated body");
            assertTrue(refuse(handover, 1, HANDED_OVER_TYPE, 3, 1, buffer, holders(buffer, 9, 1)).contains(
                "names holder 9 at slot 1: not a node of the cluster"));
            assertTrue(refuse(handover, 1, HANDED_OVER_TYPE, 3, 1, buffer, holders(buffer, 1, 0)).contains(
                "names holder 1 at slot 0"), "slot 0 is its own node's slice only");
            assertTrue(refuse(handover, 1, HANDED_OVER_TYPE, 3, 1, buffer, holders(buffer, 0, 2, 0, 1)).contains(
                "names holder 0 at slot 1"), "a node named twice");
            assertTrue(refuse(handover, 1, HANDED_OVER_TYPE, 3, 1, buffer, holders(buffer, 0, 5)).contains(
                "names holder 0 at slot 5"), "no slot 5 in a region of replicas=1");
            refused += 7;
            assertEquals(refused, handover.refused());

            // slice 2 fenced at epoch 3 by its home, then an older fence: out of order
            assertNull(handover.onMessage(2, HANDOVER_FENCE_TYPE, 2, 3, message(buffer, HANDOVER_FENCE_TYPE, 2, 3),
                0, BODY_OFFSET));
            assertTrue(((EngineHeap)cluster.node(0).heap()).replication().gate().isClosed(2), "fenced");
            assertEquals("HANDOVER_FENCE of slice 2 epoch 2 from node 3 is out of order: fenced at epoch 3 by node 2",
                refuse(handover, 3, HANDOVER_FENCE_TYPE, 2, 2, buffer, BODY_OFFSET));
            // a hand-over installs epoch 3 and opens the gate; the same again is stale, and so is a fence of it
            assertNull(handover.onMessage(3, HANDED_OVER_TYPE, 2, 3, buffer, 0, holders(buffer, 3, 1, 0, 2)));
            assertEquals("epoch=3 [3@1, 0@2]", ((EngineHeap)cluster.node(0).heap()).replication().holders(2)
                .toString());
            assertFalse(((EngineHeap)cluster.node(0).heap()).replication().gate().isClosed(2), "handed over");
            assertTrue(refuse(handover, 3, HANDED_OVER_TYPE, 2, 3, buffer, holders(buffer, 3, 1, 0, 2))
                .startsWith("HANDED_OVER of slice 2 epoch 3 from node 3 is stale: this node installed epoch 3"));
            assertTrue(refuse(handover, 3, HANDOVER_FENCE_TYPE, 2, 2, buffer, BODY_OFFSET).startsWith(
                "HANDOVER_FENCE of slice 2 epoch 2 from node 3 is stale: this node installed epoch 3"));
            refused += 3;
            assertEquals(refused, handover.refused());
        }
    }

    private static String refuse(
        final SliceHandover handover,
        final int source,
        final int type,
        final long slice,
        final long value,
        final UnsafeBuffer buffer,
        final int length)
    {
        message(buffer, type, slice, value);
        final long before = handover.refused();
        final String reason = handover.onMessage(source, type, slice, value, buffer, 0, length);
        assertEquals(before + 1, handover.refused(), "counted: " + reason);
        assertNotNull(reason, "refused");
        return reason;
    }

    private static UnsafeBuffer message(final UnsafeBuffer buffer, final int type, final long slice, final long value)
    {
        new ControlMessageFlyweight().wrap(buffer, 0).type(type).correlationId(slice).value(value);
        return buffer;
    }

    // the body of a HANDED_OVER: node, slot pairs; returns the message length
    private static int holders(final UnsafeBuffer buffer, final int... nodesAndSlots)
    {
        final int count = nodesAndSlots.length / 2;
        buffer.putInt(BODY_OFFSET, count, ControlMessageFlyweight.ORDER);
        for (int i = 0; i < nodesAndSlots.length; i++)
        {
            buffer.putInt(BODY_OFFSET + 4 + 4 * i, nodesAndSlots[i], ControlMessageFlyweight.ORDER);
        }
        return BODY_OFFSET + 4 + 8 * count;
    }
}
