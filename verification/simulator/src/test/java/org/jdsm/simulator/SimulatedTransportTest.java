package org.jdsm.simulator;

import org.jdsm.simulator.contract.BufferHeapRegion;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;
import org.jdsm.DsmException;
import org.jdsm.NodeUnavailableException;
import org.jdsm.RemoteAccessException;
import org.jdsm.spi.TransportContext;
import org.jdsm.spi.TransportProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SimulatedTransportTest
{
    private static final long SHORT_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(200);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private ExecutorService executor;

    @AfterEach
    void after()
    {
        if (null != executor)
        {
            executor.shutdownNow();
        }
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
    }

    @Test
    void shouldPassJoinBarrierOnlyWhenAllThreeNodesStarted() throws Exception
    {
        final TestCluster cluster = cluster(new SimulatedNetwork.Context().seed(1), 3, TestNode.defaultTimeoutNs());
        executor = Executors.newFixedThreadPool(3);

        final Future<?> start0 = executor.submit(cluster.transport(0)::start);
        final Future<?> start1 = executor.submit(cluster.transport(1)::start);
        Thread.sleep(100);
        assertFalse(start0.isDone());
        assertFalse(start1.isDone());

        final Future<?> start2 = executor.submit(cluster.transport(2)::start);
        start0.get(5, TimeUnit.SECONDS);
        start1.get(5, TimeUnit.SECONDS);
        start2.get(5, TimeUnit.SECONDS);

        for (int i = 0; i < 3; i++)
        {
            assertTrue(cluster.transport(0).isAvailable(i));
        }
    }

    @Test
    void shouldTimeOutJoinNamingNodeThatNeverAttached()
    {
        final SimulatedNetwork network = network(new SimulatedNetwork.Context());
        final TestNode node0 = node(network, 0, 2, SHORT_TIMEOUT_NS);

        final NodeUnavailableException ex = assertThrows(NodeUnavailableException.class, node0.transport::start);

        assertEquals(1, ex.nodeId());
        assertEquals("node 1 unavailable: join timed out after 200ms: node never attached to the simulated network",
            ex.getMessage());
    }

    @Test
    void shouldTimeOutOperationWhenTargetNeverAttached()
    {
        final SimulatedNetwork network = network(new SimulatedNetwork.Context());
        final TestNode node0 = node(network, 0, 2, SHORT_TIMEOUT_NS);
        assertThrows(NodeUnavailableException.class, node0.transport::start);

        final long startNs = System.nanoTime();
        final NodeUnavailableException ex = assertThrows(NodeUnavailableException.class,
            () -> node0.transport.read(1, 0, new UnsafeBuffer(new byte[8]), 0, 8));
        final long elapsedNs = System.nanoTime() - startNs;

        assertEquals(1, ex.nodeId());
        assertEquals("node 1 unavailable: read offset=0 length=8 timed out after 200ms", ex.getMessage());
        assertTrue(elapsedNs >= SHORT_TIMEOUT_NS, "elapsedNs=" + elapsedNs);
    }

    @Test
    void shouldWriteAndReadPeerHeap() throws Exception
    {
        final TestCluster cluster = startedCluster(new SimulatedNetwork.Context().seed(2).maxDelaySteps(4), 2);
        final byte[] bytes = "sixteen bytes!!!".getBytes(StandardCharsets.US_ASCII);

        cluster.transport(0).write(1, 64, new UnsafeBuffer(bytes), 0, bytes.length);

        final byte[] inHeap = new byte[bytes.length];
        cluster.node(1).heap.buffer().getBytes(64, inHeap);
        assertArrayEquals(bytes, inHeap);

        final UnsafeBuffer dst = new UnsafeBuffer(new byte[20]);
        cluster.transport(0).read(1, 64, dst, 4, bytes.length);
        final byte[] readBack = new byte[bytes.length];
        dst.getBytes(4, readBack);
        assertArrayEquals(bytes, readBack);
    }

    @Test
    void shouldReturnPreviousValueFromCompareAndSwap() throws Exception
    {
        final TestCluster cluster = startedCluster(new SimulatedNetwork.Context().seed(3).maxDelaySteps(4), 2);
        cluster.node(1).heap.buffer().putLong(8, 7L);

        assertEquals(7L, cluster.transport(0).compareAndSwap(1, 8, 7L, 9L));
        assertEquals(9L, cluster.node(1).heap.buffer().getLong(8));

        assertEquals(9L, cluster.transport(0).compareAndSwap(1, 8, 7L, 11L));
        assertEquals(9L, cluster.node(1).heap.buffer().getLong(8));
    }

    @Test
    void shouldReturnPreviousValueFromFetchAdd() throws Exception
    {
        final TestCluster cluster = startedCluster(new SimulatedNetwork.Context().seed(4).maxDelaySteps(4), 2);
        cluster.node(1).heap.buffer().putLong(16, 40L);

        assertEquals(40L, cluster.transport(0).fetchAdd(1, 16, 2L));
        assertEquals(42L, cluster.transport(0).fetchAdd(1, 16, -42L));
        assertEquals(0L, cluster.node(1).heap.buffer().getLong(16));
    }

    @Test
    void shouldOperateOnOwnHeapThroughNetwork() throws Exception
    {
        final TestCluster cluster = startedCluster(new SimulatedNetwork.Context().seed(5), 2);
        final SimulatedTransport transport = cluster.transport(0);
        final long deliveredBefore = cluster.network.deliveredCount();

        transport.write(0, 0, new UnsafeBuffer(new byte[]{ 1, 2, 3 }), 0, 3);
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[3]);
        transport.read(0, 0, dst, 0, 3);
        cluster.node(0).heap.buffer().putLong(24, 5L);
        assertEquals(5L, transport.fetchAdd(0, 24, 1L));
        assertEquals(6L, transport.compareAndSwap(0, 24, 6L, 60L));

        assertArrayEquals(new byte[]{ 1, 2, 3 }, dst.byteArray());
        assertEquals(60L, cluster.node(0).heap.buffer().getLong(24));
        assertEquals(deliveredBefore + 8, cluster.network.deliveredCount());
    }

    @Test
    void shouldRethrowRemoteAccessExceptionWithRegionMessage() throws Exception
    {
        final TestCluster cluster = startedCluster(new SimulatedNetwork.Context().seed(6).maxDelaySteps(2), 2);

        final RemoteAccessException readEx = assertThrows(RemoteAccessException.class,
            () -> cluster.transport(0).read(1, 1020, new UnsafeBuffer(new byte[8]), 0, 8));
        final RemoteAccessException casEx = assertThrows(RemoteAccessException.class,
            () -> cluster.transport(0).compareAndSwap(1, 12, 0L, 1L));

        assertEquals("read offset=1020 length=8 out of range [0, 1024)", readEx.getMessage());
        assertInstanceOf(RemoteAccessException.class, readEx.getCause());
        assertEquals("compareAndSwap offset=12 not aligned to 8", casEx.getMessage());
    }

    @Test
    void shouldRejectNodeIdOutOfRange() throws Exception
    {
        final TestCluster cluster = startedCluster(new SimulatedNetwork.Context(), 3);
        final SimulatedTransport transport = cluster.transport(0);

        final RemoteAccessException readEx = assertThrows(RemoteAccessException.class,
            () -> transport.read(3, 0, new UnsafeBuffer(new byte[8]), 0, 8));
        final RemoteAccessException sendEx = assertThrows(RemoteAccessException.class,
            () -> transport.send(-1, new UnsafeBuffer(new byte[8]), 0, 8));
        final RemoteAccessException fetchAddEx = assertThrows(RemoteAccessException.class,
            () -> transport.fetchAdd(7, 0, 1));

        assertEquals("read nodeId=3 out of range [0, nodeCount=3)", readEx.getMessage());
        assertEquals("send nodeId=-1 out of range [0, nodeCount=3)", sendEx.getMessage());
        assertEquals("fetchAdd nodeId=7 out of range [0, nodeCount=3)", fetchAddEx.getMessage());
    }

    @Test
    void shouldDeliverMessagesToTargetHandlerWithSourceIdAndBytes() throws Exception
    {
        final TestCluster cluster = startedCluster(new SimulatedNetwork.Context().seed(7).maxDelaySteps(3), 3);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);

        buffer.putStringWithoutLengthAscii(2, "hello");
        cluster.transport(0).send(2, buffer, 2, 5);
        buffer.putStringWithoutLengthAscii(2, "XXXXX"); // reused at once: the message was copied
        buffer.putStringWithoutLengthAscii(0, "world");
        cluster.transport(1).send(2, buffer, 0, 5);

        final TestNode.Received first = cluster.node(2).poll();
        final TestNode.Received second = cluster.node(2).poll();
        final TestNode.Received fromZero = 0 == first.sourceNodeId() ? first : second;
        final TestNode.Received fromOne = 0 == first.sourceNodeId() ? second : first;

        assertEquals(0, fromZero.sourceNodeId());
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), fromZero.bytes());
        assertEquals(1, fromOne.sourceNodeId());
        assertArrayEquals("world".getBytes(StandardCharsets.US_ASCII), fromOne.bytes());
        assertTrue(cluster.node(0).received.isEmpty());
        assertTrue(cluster.node(1).received.isEmpty());
        assertEquals(2, cluster.network.deliveredCount());
    }

    @Test
    void shouldRejectMessageLongerThanMaxMessageLength() throws Exception
    {
        final TestCluster cluster = startedCluster(new SimulatedNetwork.Context(), 2);
        final int length = SimulatedTransport.MAX_MESSAGE_LENGTH + 1;

        final DsmException ex = assertThrows(DsmException.class,
            () -> cluster.transport(0).send(1, new UnsafeBuffer(new byte[length]), 0, length));

        assertEquals(16 * 1024 * 1024, cluster.transport(0).maxMessageLength());
        assertEquals("send length=16777217 > maxMessageLength=16777216", ex.getMessage());
    }

    @Test
    void shouldFailPendingAndNewReadsToCrashedNodeWhileOthersKeepWorking() throws Exception
    {
        final TestCluster cluster = startedCluster(new SimulatedNetwork.Context().seed(8).startPaused(true), 3);
        final SimulatedNetwork network = cluster.network;
        executor = Executors.newSingleThreadExecutor();

        final Future<?> pendingRead = executor.submit(
            () -> cluster.transport(0).read(1, 0, new UnsafeBuffer(new byte[8]), 0, 8));
        while (1 != network.pendingCount())
        {
            Thread.onSpinWait();
        }

        network.crash(1);

        final ExecutionException pendingEx = assertThrows(ExecutionException.class,
            () -> pendingRead.get(2, TimeUnit.SECONDS));
        final NodeUnavailableException pendingCause =
            assertInstanceOf(NodeUnavailableException.class, pendingEx.getCause());
        assertEquals(1, pendingCause.nodeId());
        assertEquals("node 1 unavailable: read offset=0 length=8 aborted: node crashed", pendingCause.getMessage());

        final NodeUnavailableException newEx = assertThrows(NodeUnavailableException.class,
            () -> cluster.transport(0).read(1, 0, new UnsafeBuffer(new byte[8]), 0, 8));
        assertEquals(1, newEx.nodeId());
        assertEquals("node 1 unavailable: read offset=0 length=8 rejected: node crashed", newEx.getMessage());

        final long droppedBefore = network.droppedCount();
        cluster.transport(0).send(1, new UnsafeBuffer(new byte[4]), 0, 4);
        assertEquals(droppedBefore + 1, network.droppedCount());

        assertTrue(network.isCrashed(1));
        assertFalse(network.isCrashed(2));
        assertFalse(cluster.transport(0).isAvailable(1));
        assertTrue(cluster.transport(0).isAvailable(2));

        network.resume();
        cluster.node(2).heap.buffer().putLong(32, 100L);
        assertEquals(100L, cluster.transport(0).fetchAdd(2, 32, 1L));
        assertEquals(0L, cluster.transport(2).compareAndSwap(0, 32, 0L, 5L));
        assertEquals(5L, cluster.node(0).heap.buffer().getLong(32));

        final NodeUnavailableException fromCrashedEx = assertThrows(NodeUnavailableException.class,
            () -> cluster.transport(1).fetchAdd(2, 32, 1L));
        assertEquals("node 1 unavailable: fetchAdd offset=32 length=8 to node 2 rejected: requesting node crashed",
            fromCrashedEx.getMessage());
        assertTrue(cluster.node(1).received.isEmpty());
    }

    @Test
    void shouldFailOperationsToNodeThatClosedItsTransport() throws Exception
    {
        final TestCluster cluster = startedCluster(new SimulatedNetwork.Context(), 2);

        cluster.transport(1).close();

        final NodeUnavailableException ex = assertThrows(NodeUnavailableException.class,
            () -> cluster.transport(0).read(1, 0, new UnsafeBuffer(new byte[8]), 0, 8));
        assertEquals("node 1 unavailable: read offset=0 length=8 rejected: node left the simulated network",
            ex.getMessage());
        assertFalse(cluster.transport(0).isAvailable(1));
        assertTrue(cluster.transport(0).isAvailable(0));
        assertFalse(cluster.network.isCrashed(1));
    }

    @Test
    void shouldNotLoseUpdatesFromConcurrentFetchAdd() throws Exception
    {
        final TestCluster cluster = startedCluster(
            new SimulatedNetwork.Context().seed(9).maxDelaySteps(8).reorder(true), 3);
        final int threads = 4;
        final int addsPerThread = 1000;
        executor = Executors.newFixedThreadPool(threads);

        final List<CompletableFuture<List<Long>>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final SimulatedTransport transport = cluster.transport(t % 2 == 0 ? 0 : 2);
            futures.add(CompletableFuture.supplyAsync(
                () ->
                {
                    final List<Long> previous = new ArrayList<>(addsPerThread);
                    for (int i = 0; i < addsPerThread; i++)
                    {
                        previous.add(transport.fetchAdd(1, 40, 1L));
                    }
                    return previous;
                },
                executor));
        }

        final Set<Long> allPrevious = new HashSet<>();
        for (final CompletableFuture<List<Long>> future : futures)
        {
            allPrevious.addAll(future.get(20, TimeUnit.SECONDS));
        }

        assertEquals(4000L, cluster.node(1).heap.buffer().getLongVolatile(40));
        assertEquals(4000, allPrevious.size());
        assertEquals(0L, allPrevious.stream().mapToLong(Long::longValue).min().orElseThrow());
        assertEquals(3999L, allPrevious.stream().mapToLong(Long::longValue).max().orElseThrow());
    }

    @Test
    void shouldRejectBlockingOperationFromMessageHandler() throws Exception
    {
        final SimulatedNetwork network = network(new SimulatedNetwork.Context());
        final List<Throwable> errors = new ArrayList<>();
        final TestNode node0 = node(network, 0, 2, TestNode.defaultTimeoutNs());
        final SimulatedTransport[] transport1 = new SimulatedTransport[1];
        final DsmConfig config1 = TestNode.config(network, 1, 2, TestNode.defaultTimeoutNs())
            .errorHandler((throwable) ->
            {
                synchronized (errors)
                {
                    errors.add(throwable);
                    errors.notifyAll();
                }
            });
        transport1[0] = new SimulatedTransport(new TransportContext(config1.conclude(), new BufferHeapRegion(64),
            (source, buffer, offset, length) -> transport1[0].fetchAdd(0, 0, 1L)), network);
        closeables.add(transport1[0]);
        executor = Executors.newSingleThreadExecutor();
        final Future<?> start1 = executor.submit(transport1[0]::start);
        node0.transport.start();
        start1.get(5, TimeUnit.SECONDS);

        node0.transport.send(1, new UnsafeBuffer(new byte[1]), 0, 1);

        synchronized (errors)
        {
            while (errors.isEmpty())
            {
                errors.wait();
            }
        }
        assertEquals(1, errors.size());
        assertInstanceOf(DsmException.class, errors.get(0));
        assertEquals("fetchAdd offset=0 length=8 to node 0 called on the simulated network thread " +
            "(from a MessageHandler): it would wait for itself", errors.get(0).getMessage());
        assertEquals(0L, node0.heap.buffer().getLong(0));
        assertEquals(0L, network.errorCount());
    }

    @Test
    void shouldRejectStartingSameNodeIdTwice() throws Exception
    {
        final TestCluster cluster = startedCluster(new SimulatedNetwork.Context(), 2);
        final TestNode duplicate = node(cluster.network, 1, 2, TestNode.defaultTimeoutNs());

        final ConfigurationException ex = assertThrows(ConfigurationException.class, duplicate.transport::start);

        assertEquals("nodeId=1 already attached to the simulated network", ex.getMessage());
        duplicate.close();
        assertTrue(cluster.transport(0).isAvailable(1));
    }

    @Test
    void shouldRequireTheSharedNetworkForMoreThanOneNode()
    {
        final DsmConfig config = new DsmConfig().transport(SimulatedTransportProvider.NAME).nodeCount(2).conclude();
        final TransportContext context = new TransportContext(
            config, new BufferHeapRegion(64), (source, buffer, offset, length) -> {});

        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> TransportProvider.find(SimulatedTransportProvider.NAME).newTransport(context));

        assertEquals("transport=simulated with nodeCount=2 needs the SimulatedNetwork the nodes share: " +
            "config.transportProvider(new SimulatedTransportProvider(network))", ex.getMessage());
    }

    @Test
    void shouldFindProviderByName()
    {
        final SimulatedNetwork network = network(new SimulatedNetwork.Context());
        final TransportProvider provider = TransportProvider.find("simulated");
        final DsmConfig config = TestNode.config(network, 0, 1, TestNode.defaultTimeoutNs()).conclude();

        final SimulatedTransport transport = assertInstanceOf(SimulatedTransport.class, provider.newTransport(
            new TransportContext(config, new BufferHeapRegion(64), (source, buffer, offset, length) -> {})));
        closeables.add(transport);
        transport.start();

        assertInstanceOf(SimulatedTransportProvider.class, provider);
        assertEquals("simulated", provider.name());
        assertEquals(0, transport.nodeId());
    }

    private SimulatedNetwork network(final SimulatedNetwork.Context ctx)
    {
        final SimulatedNetwork network = new SimulatedNetwork(ctx);
        closeables.add(network);
        return network;
    }

    private TestNode node(final SimulatedNetwork network, final int nodeId, final int nodeCount, final long timeoutNs)
    {
        final TestNode node = new TestNode(network, nodeId, nodeCount, timeoutNs);
        closeables.add(node);
        return node;
    }

    private TestCluster cluster(final SimulatedNetwork.Context ctx, final int nodeCount, final long timeoutNs)
    {
        final TestCluster cluster = new TestCluster(ctx, nodeCount, timeoutNs);
        closeables.add(cluster);
        return cluster;
    }

    private TestCluster startedCluster(final SimulatedNetwork.Context ctx, final int nodeCount) throws Exception
    {
        return cluster(ctx, nodeCount, TestNode.defaultTimeoutNs()).start();
    }
}
