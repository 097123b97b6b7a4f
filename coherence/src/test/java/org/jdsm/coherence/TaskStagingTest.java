package org.jdsm.coherence;

import org.jdsm.DsmNode;
import org.jdsm.NodeCounters;
import org.jdsm.ObjectSizeException;
import org.jdsm.RemoteTaskException;
import org.jdsm.simulator.fault.SenderPauseTransportProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tasks and results larger than the transport's largest message travel staged in the sender's heap and are read
 * one-sided by the receiver; the staged blocks are freed; beyond {@code maxObjectSize} the error names both limits.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TaskStagingTest
{
    private static final int MAX_MESSAGE_LENGTH = 4096;

    @Test
    void shouldRunTaskWhoseArgumentsAndResultExceedTheLargestMessage() throws Exception
    {
        try (SimulatedCluster cluster = smallMessages(2))
        {
            final long[] input = new long[25_000];
            Arrays.setAll(input, (i) -> 3L * i);
            final long liveBefore = liveObjects(cluster);

            final long[] output = cluster.node(0).spawnOn(1, (n) ->
            {
                final long[] doubled = new long[input.length + 10_000];
                for (int i = 0; i < input.length; i++)
                {
                    doubled[i] = 2 * input[i];
                }
                return doubled;
            }).get(30, TimeUnit.SECONDS);

            assertEquals(35_000, output.length);
            assertEquals(6L * 24_999, output[24_999]);
            assertEquals(0L, output[34_999]);
            assertEquals(1, counter(cluster.node(0), NodeCounters.Counter.MESSAGES_STAGED), "the task was staged");
            assertEquals(1, counter(cluster.node(1), NodeCounters.Counter.MESSAGES_STAGED), "the result was staged");
            awaitLiveObjects(cluster, liveBefore);
        }
    }

    @Test
    void shouldCountAStagedResultBeforeItLeavesEvenWhenItsSenderStallsRightAfter() throws Exception
    {
        // node 1's worker pauses once its staged result has left: node 0 reads the result and completes the call
        // meanwhile (until 2026-12-07 the result was counted after the send, and this read 0)
        try (SimulatedCluster cluster = SimulatedCluster.start(2, 42, 0, false, MAX_MESSAGE_LENGTH, (config) -> config
            .operationTimeoutNs(TimeUnit.SECONDS.toNanos(2))
            .transportProvider(new SenderPauseTransportProvider(
                config.transportProvider(),
                (from, to, buffer, offset, length) -> 1 == from && ControlMessageDescriptor.RESULT_STAGED_TYPE ==
                    new ControlMessageFlyweight().wrapForRead(buffer, offset).type(),
                300, TimeUnit.MILLISECONDS))))
        {
            final byte[] result = cluster.node(0).spawnOn(1, (n) -> new byte[3 * MAX_MESSAGE_LENGTH])
                .get(30, TimeUnit.SECONDS);

            assertEquals(3 * MAX_MESSAGE_LENGTH, result.length);
            assertEquals(1, counter(cluster.node(1), NodeCounters.Counter.MESSAGES_STAGED),
                "the result was counted before it left node 1");
        }
    }

    @Test
    void shouldNeverStageATaskSpawnedOnItsOwnNode() throws Exception
    {
        try (SimulatedCluster cluster = smallMessages(1))
        {
            final byte[] input = new byte[100_000];
            Arrays.fill(input, (byte)7);
            final long liveBefore = liveObjects(cluster);

            // a list may hold handles, so the task is serialized, in memory: no message to the node itself, nothing
            // staged, however large
            final java.util.List<byte[]> inputs = java.util.List.of(input);
            assertArrayEquals(input, cluster.node(0).spawnOn(0, (n) -> inputs.get(0).clone()).get(30, TimeUnit.SECONDS));
            assertEquals(0, counter(cluster.node(0), NodeCounters.Counter.MESSAGES_STAGED));
            assertEquals(0, counter(cluster.node(0), NodeCounters.Counter.MESSAGES_SENT));
            awaitLiveObjects(cluster, liveBefore);

            // a byte array can not: the task runs on the local workers without serialization, nothing is staged
            assertArrayEquals(input, cluster.node(0).spawnOn(0, (n) -> input.clone()).get(30, TimeUnit.SECONDS));
            assertEquals(0, counter(cluster.node(0), NodeCounters.Counter.MESSAGES_STAGED));
            awaitLiveObjects(cluster, liveBefore);
        }
    }

    @Test
    void shouldNameBothLimitsWhenATaskIsLargerThanTheLargestObject()
    {
        try (SimulatedCluster cluster = smallMessages(2))
        {
            final byte[] input = new byte[2 * 1024 * 1024];

            final ObjectSizeException ex = assertThrows(ObjectSizeException.class,
                () -> cluster.node(0).spawnOn(1, (n) -> input.length));
            assertTrue(ex.getMessage().matches("task of \\d+ serialized bytes exceeds both the simulated transport's " +
                "maxMessageLength=4096 and maxObjectSize=1048576, the largest block it can be staged in"),
                ex.getMessage());
        }
    }

    @Test
    void shouldFailTaskWhoseResultIsLargerThanTheLargestObject()
    {
        try (SimulatedCluster cluster = smallMessages(2))
        {
            final ExecutionException ex = assertThrows(ExecutionException.class,
                () -> cluster.node(0).spawnOn(1, (n) -> new byte[2 * 1024 * 1024]).get(30, TimeUnit.SECONDS));

            final RemoteTaskException cause = assertInstanceOf(RemoteTaskException.class, ex.getCause());
            assertInstanceOf(ObjectSizeException.class, cause.getCause());
            assertTrue(cause.getMessage().contains("result of the task is too large to send (task result of "),
                cause.getMessage());
        }
    }

    @Test
    void shouldFreeAStagedTaskWhenItsTargetDies() throws Exception
    {
        try (SimulatedCluster cluster = smallMessages(2))
        {
            final long[] input = new long[10_000];
            final long allocatedBefore = counter(cluster.node(0), NodeCounters.Counter.ALLOCATIONS);
            final long freedBefore = counter(cluster.node(0), NodeCounters.Counter.FREES);

            final var future = cluster.node(0).spawnOn(1, (n) ->
            {
                Thread.sleep(60_000);
                return input.length;
            });
            cluster.network.crash(1);

            final ExecutionException ex = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
            assertInstanceOf(org.jdsm.NodeUnavailableException.class, ex.getCause());
            assertEquals(allocatedBefore + 1, counter(cluster.node(0), NodeCounters.Counter.ALLOCATIONS));
            assertEquals(freedBefore + 1, counter(cluster.node(0), NodeCounters.Counter.FREES), "staged task freed");
        }
    }

    @Test
    void shouldRejectAndCountForgedStagedMessagesWithoutActingOnThem()
    {
        try (SimulatedCluster cluster = smallMessages(3))
        {
            final Node node = cluster.node(0);
            final long rejectedBefore = counter(node, NodeCounters.Counter.REQUESTS_REJECTED);
            final long tasksBefore = counter(node, NodeCounters.Counter.TASKS_RUN);

            node.onMessage(1, staged(ControlMessageDescriptor.SPAWN_STAGED_TYPE, 9, GlobalAddress.compose(0, 1, 64), 16,
                true), 0, ControlMessageDescriptor.BODY_OFFSET + 4);
            node.onMessage(1, staged(ControlMessageDescriptor.SPAWN_STAGED_TYPE, 9, GlobalAddress.compose(0, 2, 64), 16,
                false), 0, ControlMessageDescriptor.BODY_OFFSET + ControlMessageDescriptor.STAGED_BODY_LENGTH);
            node.onMessage(1, staged(ControlMessageDescriptor.SPAWN_STAGED_TYPE, 9, GlobalAddress.compose(0, 1, 64),
                1 << 30, false), 0, ControlMessageDescriptor.BODY_OFFSET + ControlMessageDescriptor.STAGED_BODY_LENGTH);
            node.onMessage(1, staged(ControlMessageDescriptor.RESULT_STAGED_TYPE, 12345, GlobalAddress.compose(0, 1, 64),
                16, false), 0, ControlMessageDescriptor.BODY_OFFSET + ControlMessageDescriptor.STAGED_BODY_LENGTH);

            assertEquals(rejectedBefore + 4, counter(node, NodeCounters.Counter.REQUESTS_REJECTED),
                "truncated, another node's block, over maxObjectSize, a result nobody waits for");
            assertEquals(tasksBefore, counter(node, NodeCounters.Counter.TASKS_RUN));
        }
    }

    private static org.agrona.concurrent.UnsafeBuffer staged(
        final int type, final long correlationId, final long address, final int length, final boolean truncated)
    {
        final org.agrona.concurrent.UnsafeBuffer buffer = new org.agrona.concurrent.UnsafeBuffer(
            new byte[ControlMessageDescriptor.BODY_OFFSET + ControlMessageDescriptor.STAGED_BODY_LENGTH]);
        buffer.putInt(ControlMessageDescriptor.TYPE_OFFSET, type);
        buffer.putLong(ControlMessageDescriptor.CORRELATION_ID_OFFSET, correlationId);
        if (!truncated)
        {
            buffer.putLong(ControlMessageDescriptor.BODY_OFFSET + ControlMessageDescriptor.STAGED_ADDRESS_OFFSET, address);
            buffer.putInt(ControlMessageDescriptor.BODY_OFFSET + ControlMessageDescriptor.STAGED_LENGTH_OFFSET, length);
        }

        return buffer;
    }

    private static SimulatedCluster smallMessages(final int nodes)
    {
        return SimulatedCluster.start(nodes, 42, 0, false, MAX_MESSAGE_LENGTH, (config) -> config
            .operationTimeoutNs(TimeUnit.SECONDS.toNanos(2)));
    }

    private static long counter(final DsmNode node, final NodeCounters.Counter counter)
    {
        return node.counters().get(counter);
    }

    private static long liveObjects(final SimulatedCluster cluster)
    {
        long live = 0;
        for (final Node node : cluster.nodes)
        {
            live += counter(node, NodeCounters.Counter.ALLOCATIONS) - counter(node, NodeCounters.Counter.FREES);
        }

        return live;
    }

    private static void awaitLiveObjects(final SimulatedCluster cluster, final long expected)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (liveObjects(cluster) != expected && System.nanoTime() < deadlineNs)
        {
            Thread.onSpinWait();
        }
        assertEquals(expected, liveObjects(cluster), "staged blocks left alive");
    }
}
