package org.jdsm.simulator;

import org.jdsm.simulator.contract.BufferHeapRegion;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.ConfigurationException;
import org.jdsm.NodeUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SimulatedNetworkTest
{
    private static final int BURST = 50;
    private static final List<Integer> FIFO = IntStream.range(0, BURST).boxed().collect(Collectors.toList());

    private final List<TestCluster> clusters = new ArrayList<>();
    private ExecutorService executor;

    @AfterEach
    void after()
    {
        if (null != executor)
        {
            executor.shutdownNow();
        }
        clusters.forEach(TestCluster::close);
    }

    @Test
    void shouldDeliverBurstInNonFifoOrderWhenReordering() throws Exception
    {
        final List<Integer> order = burstOrder(42L, 8, true);

        assertEquals(FIFO, order.stream().sorted().collect(Collectors.toList()));
        assertNotEquals(FIFO, order);
    }

    @Test
    void shouldDeliverBurstInSameOrderForSameSeed() throws Exception
    {
        final List<Integer> first = burstOrder(42L, 8, true);
        final List<Integer> second = burstOrder(42L, 8, true);

        assertEquals(first, second);
    }

    @Test
    void shouldDeliverBurstInDifferentOrderForDifferentSeed() throws Exception
    {
        final List<Integer> first = burstOrder(42L, 8, true);
        final List<Integer> second = burstOrder(43L, 8, true);

        assertEquals(FIFO, second.stream().sorted().collect(Collectors.toList()));
        assertNotEquals(first, second);
    }

    @Test
    void shouldDeliverBurstInFifoOrderWithoutDelayOrReordering() throws Exception
    {
        assertEquals(FIFO, burstOrder(42L, 0, false));
    }

    @Test
    void shouldDeliverBurstInSameOrderForSameSeedWithDelayButNoReordering() throws Exception
    {
        final List<Integer> first = burstOrder(7L, 8, false);

        assertNotEquals(FIFO, first);
        assertEquals(first, burstOrder(7L, 8, false));
    }

    @Test
    void shouldCountDeliveredEnvelopes() throws Exception
    {
        final TestCluster cluster = started(new SimulatedNetwork.Context().seed(1).maxDelaySteps(3), 2);

        cluster.transport(0).send(1, new UnsafeBuffer(new byte[4]), 0, 4);
        cluster.node(1).poll();
        cluster.transport(1).read(0, 0, new UnsafeBuffer(new byte[8]), 0, 8);

        assertEquals(3, cluster.network.deliveredCount());
        assertEquals(0, cluster.network.pendingCount());
        assertEquals(0, cluster.network.droppedCount());
    }

    @Test
    void shouldJumpStepToEarliestEnvelopeWhenNoneIsReady() throws Exception
    {
        final TestCluster cluster = started(new SimulatedNetwork.Context().seed(1).maxDelaySteps(1000), 2);

        for (int i = 0; i < 5; i++)
        {
            cluster.transport(0).fetchAdd(1, 0, 1L);
        }

        // one envelope in flight at a time: each delivery jumps the step by its delay, then advances it by one
        final Random random = new Random(1);
        long expectedStep = 0;
        for (int i = 0; i < 10; i++)
        {
            expectedStep += random.nextInt(1001) + 1;
        }
        assertEquals(10, cluster.network.deliveredCount());
        assertEquals(expectedStep, cluster.network.step());
        assertEquals(5L, cluster.node(1).heap.buffer().getLong(0));
    }

    @Test
    void shouldReportMessageHandlerErrorToErrorHandlerAndCountIt() throws Exception
    {
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final CountDownLatch reported = new CountDownLatch(1);
        final SimulatedNetwork network = new SimulatedNetwork(new SimulatedNetwork.Context().errorHandler(
            (throwable) ->
            {
                errors.add(throwable);
                reported.countDown();
            }));
        try
        {
            network.attach(0, new BufferHeapRegion(64), (source, buffer, offset, length) -> {});
            network.attach(1, new BufferHeapRegion(64), (source, buffer, offset, length) ->
            {
                throw new IllegalStateException("handler failed on " + length + " bytes");
            });

            network.send(0, 1, new byte[3]);

            assertTrue(reported.await(5, TimeUnit.SECONDS));
            assertEquals(1, errors.size());
            assertInstanceOf(IllegalStateException.class, errors.get(0));
            assertEquals("handler failed on 3 bytes", errors.get(0).getMessage());
            assertEquals(1, network.errorCount());
        }
        finally
        {
            network.close();
        }
    }

    @Test
    void shouldFailPendingOperationWhenNetworkCloses() throws Exception
    {
        final TestCluster cluster = started(new SimulatedNetwork.Context().startPaused(true), 2);
        executor = Executors.newSingleThreadExecutor();
        final Future<Long> pending = executor.submit(() -> cluster.transport(0).fetchAdd(1, 8, 1L));
        while (1 != cluster.network.pendingCount())
        {
            Thread.onSpinWait();
        }

        cluster.network.close();

        final Throwable cause = assertThrows(java.util.concurrent.ExecutionException.class,
            () -> pending.get(2, TimeUnit.SECONDS)).getCause();
        assertInstanceOf(NodeUnavailableException.class, cause);
        assertEquals("node 1 unavailable: fetchAdd offset=8 length=8 aborted: simulated network closed",
            cause.getMessage());
        assertEquals(0L, cluster.node(1).heap.buffer().getLong(8));
    }

    @Test
    void shouldRejectAttachingSameNodeTwice()
    {
        final SimulatedNetwork network = new SimulatedNetwork(new SimulatedNetwork.Context());
        try
        {
            network.attach(3, new BufferHeapRegion(64), (source, buffer, offset, length) -> {});

            final ConfigurationException ex = assertThrows(ConfigurationException.class,
                () -> network.attach(3, new BufferHeapRegion(64), (source, buffer, offset, length) -> {}));

            assertEquals("nodeId=3 already attached to the simulated network", ex.getMessage());
        }
        finally
        {
            network.close();
        }
    }

    @Test
    void shouldRejectAttachingNodeIdOutOfRange()
    {
        final SimulatedNetwork network = new SimulatedNetwork(new SimulatedNetwork.Context());
        try
        {
            final ConfigurationException ex = assertThrows(ConfigurationException.class,
                () -> network.attach(256, new BufferHeapRegion(64), (source, buffer, offset, length) -> {}));

            assertEquals("nodeId=256 must be in [0, 256)", ex.getMessage());
        }
        finally
        {
            network.close();
        }
    }

    @Test
    void shouldRejectNegativeMaxDelaySteps()
    {
        final SimulatedNetwork.Context ctx = new SimulatedNetwork.Context().maxDelaySteps(-1);

        final ConfigurationException ex = assertThrows(ConfigurationException.class, ctx::conclude);

        assertEquals("maxDelaySteps=-1 must be in [0, 1000000]", ex.getMessage());
    }

    @Test
    void shouldRejectMaxDelayStepsAboveLimit()
    {
        final SimulatedNetwork.Context ctx = new SimulatedNetwork.Context().maxDelaySteps(1_000_001);

        final ConfigurationException ex = assertThrows(ConfigurationException.class, ctx::conclude);

        assertEquals("maxDelaySteps=1000001 must be in [0, 1000000]", ex.getMessage());
    }

    @Test
    void shouldRejectSettingChangedAfterConclude()
    {
        final SimulatedNetwork.Context ctx = new SimulatedNetwork.Context().conclude();

        final ConfigurationException ex = assertThrows(ConfigurationException.class, () -> ctx.seed(1));

        assertEquals("simulated network context already concluded", ex.getMessage());
    }

    @Test
    void shouldNameDeliveryThreadAfterRole() throws Exception
    {
        final TestCluster cluster = started(new SimulatedNetwork.Context(), 1);
        final CountDownLatch delivered = new CountDownLatch(1);
        final String[] threadName = new String[1];
        cluster.network.attach(1, new BufferHeapRegion(64), (source, buffer, offset, length) ->
        {
            threadName[0] = Thread.currentThread().getName();
            delivered.countDown();
        });

        cluster.network.send(0, 1, new byte[1]);

        assertTrue(delivered.await(5, TimeUnit.SECONDS));
        assertEquals("jdsm-simulated-network", threadName[0]);
    }

    private TestCluster started(final SimulatedNetwork.Context ctx, final int nodeCount) throws Exception
    {
        final TestCluster cluster = new TestCluster(ctx, nodeCount, TestNode.defaultTimeoutNs());
        clusters.add(cluster);
        return cluster.start();
    }

    private List<Integer> burstOrder(final long seed, final int maxDelaySteps, final boolean reorder)
        throws Exception
    {
        final TestCluster cluster = started(new SimulatedNetwork.Context()
            .seed(seed)
            .maxDelaySteps(maxDelaySteps)
            .reorder(reorder)
            .startPaused(true), 2);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Integer.BYTES]);

        for (int i = 0; i < BURST; i++)
        {
            buffer.putInt(0, i);
            cluster.transport(0).send(1, buffer, 0, Integer.BYTES);
        }
        cluster.network.resume();

        final List<Integer> order = new ArrayList<>();
        for (int i = 0; i < BURST; i++)
        {
            order.add(new UnsafeBuffer(cluster.node(1).poll().bytes()).getInt(0));
        }

        return order;
    }
}
