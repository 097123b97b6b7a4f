package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.Codec;
import org.jdsm.DArc;
import org.jdsm.DBox;
import org.jdsm.DCell;
import org.jdsm.DMutex;
import org.jdsm.DVec;
import org.jdsm.DsmConfig;
import org.jdsm.DsmException;
import org.jdsm.DsmNode;
import org.jdsm.DsmTask;
import org.jdsm.NodeCounters;
import org.jdsm.ObjectSizeException;
import org.jdsm.spi.CountersFile;
import org.jdsm.spi.MembershipView;
import org.jdsm.spi.MembershipViewProvider;
import org.jdsm.spi.MessageHandler;
import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;
import org.jdsm.spi.TransportProvider;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.jdsm.coherence.BlockDescriptor.HEADER_LENGTH;

/**
 * One node of a cluster, the engine's {@link DsmNode}: the face that checks its arguments and hands each call to
 * the room that does it. The rooms, each with one job:
 * <ul>
 *     <li>{@link EngineHeap}: the node's {@link HeapSlice} and {@link CopyCache}, local and remote reads, writes and
 *     atomics; it is the {@link HeapAccess} handles use, so no handle depends on this class.</li>
 *     <li>{@link Placement}: where a new object's block comes from, this node's heap or a peer's.</li>
 *     <li>{@link TaskRuntime}: spawned tasks, sent, run and completed; {@link Scheduler}: where a spawn goes.</li>
 *     <li>{@link ControlAdapter} decodes, validates and dispatches control messages; {@link ControlProxy} encodes
 *     and sends them.</li>
 *     <li>{@link ClusterLifecycle}: the driver's stop of its servers; {@link NodeAgent}: heartbeats, dead peers.</li>
 * </ul>
 * <p>
 * Threads: application threads and task workers call any method; the transport's receiving thread calls
 * {@link #onMessage}, which never blocks.
 * <p>
 * <b>Note:</b> threadsafe. Owns its configuration, heap, cache, transport and threads, and closes them.
 */
public final class Node implements DsmNode, MessageHandler
{
    /**
     * Task workers run in a {@link ForkJoinPool}: a task that blocks in {@code CompletableFuture.get()} (e.g. on a
     * task it spawned on this node) gets a spare thread to stand in for it, up to this many, instead of starving the
     * pool; past them such a wait fails with {@link java.util.concurrent.RejectedExecutionException}.
     */
    static final int SPARE_WORKERS_MAX = 256;

    private final DsmConfig config;
    private final int nodeId;
    private final int nodeCount;
    private final CountersFile countersFile;
    private final Counters counters;
    private final ErrorHandler errorHandler;
    private final Transport transport;
    private final MembershipView loadedMembershipView;
    private final EngineHeap heap;
    private final Scheduler scheduler;
    private final TaskRuntime tasks;
    private final ClusterLifecycle lifecycle;
    private final ControlAdapter control;
    private final AgentRunner nodeAgentRunner;
    private final AgentRunner handoverRunner;
    /** Resolves the classes of tasks and results: the context class loader of the thread that started the node. */
    private final ClassLoader taskClassLoader = Thread.currentThread().getContextClassLoader();
    private volatile boolean isClosed;

    /**
     * Start a node: allocate its heap, create its transport and join the cluster.
     *
     * @param config concluded configuration, owned by the node from now on.
     */
    public Node(final DsmConfig config)
    {
        this(config, UnaryOperator.identity());
    }

    /**
     * Start a node whose copies are named by a decorator of the engine's {@link CopyKeys}: the seam through which
     * tests and the verification suites inject a coherence fault to show they catch it. Programs use
     * {@link #Node(DsmConfig)}.
     *
     * @param config   concluded configuration, owned by the node from now on.
     * @param copyKeys given {@link CopyKeys#BY_ADDRESS_AND_COLOUR}, returns the keys the node's cache uses.
     */
    public Node(final DsmConfig config, final UnaryOperator<CopyKeys> copyKeys)
    {
        config.conclude();
        this.config = config;
        this.nodeId = config.nodeId();
        this.nodeCount = config.nodeCount();
        this.countersFile = CountersFile.create(config);
        this.counters = new Counters(countersFile);
        this.errorHandler = (throwable) ->
        {
            counters.increment(Counters.ERRORS);
            countersFile.errorHandler().onError(throwable);
        };
        // with replicas, the registered region is the own slice, one backup slot and one spare slot per replica
        final long sliceLength = (config.heapSize() + 7) & ~7L;
        final int replicas = config.replicas();
        final long stride = 0 == replicas ?
            sliceLength : DsmConfig.slotStride(sliceLength, HeapSlice.MAX_SEGMENT_LENGTH);
        final HeapSlice heapSlice = new HeapSlice(DsmConfig.regionSize(config.heapSize(), replicas))
            .pointsToBlocksOf(nodeId);
        final CopyCache cache = new CopyCache(config.cacheSize(), config.maxObjectSize() + HEADER_LENGTH, counters);
        final ExecutorService workers = new ForkJoinPool(config.workerThreads(), workerThreadFactory(), null, true, 0,
            config.workerThreads() + SPARE_WORKERS_MAX, 1, null, 60, TimeUnit.SECONDS);
        final ExecutorService completer = Executors.newSingleThreadExecutor(threadFactory("completer"));

        try
        {
            final TransportProvider provider = null != config.transportProvider() ?
                config.transportProvider() : TransportProvider.find(config.transport());
            this.transport = provider.newTransport(new TransportContext(config, heapSlice, this, countersFile));
        }
        catch (final RuntimeException ex)
        {
            workers.shutdownNow();
            completer.shutdownNow();
            countersFile.close();
            throw ex;
        }
        try
        {
            // a view named by jdsm.membership is loaded (and closed with the node) only when backups need one
            this.loadedMembershipView = 0 == replicas || null != config.membershipView() ||
                DsmConfig.MEMBERSHIP_DEFAULT.equals(config.membership()) ? null :
                MembershipViewProvider.find(config.membership()).newView(config, transport);
        }
        catch (final RuntimeException ex)
        {
            transport.close();
            workers.shutdownNow();
            completer.shutdownNow();
            countersFile.close();
            throw ex;
        }
        final MembershipView membershipView = null != config.membershipView() ? config.membershipView() :
            null != loadedMembershipView ? loadedMembershipView : MembershipView.fromTransport(transport);
        final Replication replication = 0 == replicas ? null : new Replication(
            nodeId, nodeCount, replicas, stride, heapSlice, transport, membershipView,
            Math.min(config.peerTimeoutNs(), config.operationTimeoutNs()), config.operationTimeoutNs());
        if (null != replication)
        {
            counters.mirrors(replication::mirrorOperations, replication::mirrorBytes);
        }
        final SizeClassAllocator allocator = new SizeClassAllocator(heapSlice, config.maxObjectSize() + HEADER_LENGTH,
            sliceLength, null == replication ? null : (offset) -> replication.mirrorOwn(offset, HEADER_LENGTH));
        final Rejections rejections = new Rejections(counters, errorHandler);
        final ControlProxy proxy = new ControlProxy(config.transport(), transport, counters);
        this.scheduler = new Scheduler(nodeId, nodeCount, transport, proxy);
        final Placement placement = new Placement(
            config, heapSlice, allocator, counters, transport, scheduler, proxy, rejections);
        this.heap = new EngineHeap(config, heapSlice, allocator, cache, copyKeys.apply(CopyKeys.BY_ADDRESS_AND_COLOUR),
            counters, transport, proxy, placement, completer, errorHandler, replication);
        this.tasks = new TaskRuntime(
            this, heap, placement, proxy, scheduler, rejections, transport, workers, completer, errorHandler);
        this.lifecycle = new ClusterLifecycle(this, tasks, proxy, config.operationTimeoutNs());
        this.control = new ControlAdapter(heap, placement, tasks, scheduler, lifecycle, rejections);
        final SliceHandover handover = null == replication ? null : new SliceHandover(
            replication, membershipView, transport, proxy, errorHandler, config.operationTimeoutNs(),
            lifecycle::isStopRequested);
        if (null != replication)
        {
            replication.handover(handover);
        }
        try
        {
            transport.start();
        }
        catch (final RuntimeException ex)
        {
            transport.close();
            if (null != loadedMembershipView)
            {
                loadedMembershipView.close();
            }
            workers.shutdownNow();
            completer.shutdownNow();
            countersFile.close();
            throw ex;
        }
        lifecycle.onJoined();

        this.nodeAgentRunner = new AgentRunner(
            new SleepingMillisIdleStrategy(Math.max(1, TimeUnit.NANOSECONDS.toMillis(config.heartbeatIntervalNs()) / 10)),
            errorHandler,
            null,
            new NodeAgent(nodeId, config.heartbeatIntervalNs(), scheduler, tasks, placement, counters));
        AgentRunner.startOnThread(nodeAgentRunner);
        this.handoverRunner = null == handover ? null :
            new AgentRunner(new SleepingMillisIdleStrategy(1), errorHandler, null, handover);
        if (null != handoverRunner)
        {
            AgentRunner.startOnThread(handoverRunner);
        }
    }

    private ForkJoinPool.ForkJoinWorkerThreadFactory workerThreadFactory()
    {
        final AtomicInteger count = new AtomicInteger();
        return (pool) ->
        {
            final ForkJoinWorkerThread thread = new ForkJoinWorkerThread(pool)
            {
            };
            thread.setName("jdsm-node-" + nodeId + "-worker-" + count.getAndIncrement());
            thread.setDaemon(true);
            thread.setContextClassLoader(taskClassLoader);
            return thread;
        };
    }

    private ThreadFactory threadFactory(final String role)
    {
        final AtomicInteger count = new AtomicInteger();
        return (runnable) ->
        {
            final Thread thread = new Thread(runnable, "jdsm-node-" + nodeId + "-" + role + "-" + count.getAndIncrement());
            thread.setDaemon(true);
            thread.setContextClassLoader(taskClassLoader);
            return thread;
        };
    }

    // ---------------------------------------------------------------------------------------------------------------
    // DsmNode
    // ---------------------------------------------------------------------------------------------------------------

    public int nodeId()
    {
        return nodeId;
    }

    public int nodeCount()
    {
        return nodeCount;
    }

    public <T> DBox<T> alloc(final Codec<T> codec, final T value)
    {
        checkOpen();
        return heap.newBox(-1, codec, value);
    }

    public <T> DBox<T> allocOn(final int nodeId, final Codec<T> codec, final T value)
    {
        checkNodeId(nodeId);
        checkOpen();
        return heap.newBox(nodeId, codec, value);
    }

    public <T> DVec<T> newVec(final Codec<T> codec, final int chunkLength)
    {
        checkOpen();
        return VecHandle.create(heap, codec, chunkLength);
    }

    public <T> DArc<T> arc(final Codec<T> codec, final T value)
    {
        checkOpen();
        final int valueLength = codec.encodedLength(value);
        final int length = ArcHandle.VALUE_OFFSET + valueLength;
        final long address = heap.allocate(length);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);
        buffer.putLong(SharedObjectHandle.COUNT_OFFSET, 1);
        codec.encode(value, buffer, ArcHandle.VALUE_OFFSET, heap.handleContext(null));
        heap.writePayload(address, 0, buffer, 0, length);
        return new ArcHandle<>(heap, codec, address, length);
    }

    public <T> DMutex<T> mutex(final Codec<T> codec, final T value)
    {
        return mutex(codec, value, -1);
    }

    public <T> DMutex<T> mutex(final Codec<T> codec, final T value, final int capacity)
    {
        checkOpen();
        final int valueLength = codec.encodedLength(value);
        if (capacity >= 0 && capacity < valueLength)
        {
            throw new ObjectSizeException("mutex capacity=" + capacity + " is below the " + valueLength +
                " bytes of its initial value");
        }
        final int valueCapacity = Math.max(capacity, valueLength);
        if ((long)MutexHandle.VALUE_OFFSET + valueCapacity > config.maxObjectSize())
        {
            throw new ObjectSizeException("mutex of capacity=" + valueCapacity + " needs " +
                (MutexHandle.VALUE_OFFSET + (long)valueCapacity) + " bytes, over maxObjectSize=" +
                config.maxObjectSize());
        }
        final int length = MutexHandle.VALUE_OFFSET + valueCapacity;
        final long address = heap.allocate(length);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);
        buffer.putLong(SharedObjectHandle.COUNT_OFFSET, 1);
        buffer.putLong(MutexHandle.LOCK_OFFSET, MutexHandle.UNLOCKED);
        buffer.putLong(MutexHandle.VALUE_LENGTH_OFFSET, valueLength);
        codec.encode(value, buffer, MutexHandle.VALUE_OFFSET, heap.handleContext(null));
        heap.writePayload(address, 0, buffer, 0, length);
        return new MutexHandle<>(heap, codec, address, length);
    }

    public <T> DCell<T> cell(final Codec<T> codec, final T value)
    {
        checkOpen();
        return CellHandle.create(heap, codec, value, config.cellLeaseNs());
    }

    public <T> DCell<T> cell(final Codec<T> codec, final T value, final long leaseNs)
    {
        checkOpen();
        if (!DsmConfig.isCellLeaseInRange(leaseNs, config.operationTimeoutNs()))
        {
            throw new IllegalArgumentException("cell leaseNs=" + leaseNs + " must be >= 0, <= " +
                DsmConfig.MAX_CELL_LEASE_NS + " and < operationTimeoutNs=" + config.operationTimeoutNs() +
                " of node " + nodeId);
        }
        return CellHandle.create(heap, codec, value, leaseNs);
    }

    public <R> CompletableFuture<R> spawn(final DsmTask<R> task)
    {
        return spawnOn(scheduler.leastLoadedNode(), task);
    }

    public <R> CompletableFuture<R> spawnNear(final DBox<?> box, final DsmTask<R> task)
    {
        return spawnOn(box.homeNode(), task);
    }

    public <R> CompletableFuture<R> spawnOn(final int targetNodeId, final DsmTask<R> task)
    {
        checkOpen();
        checkNodeId(targetNodeId);
        return tasks.spawnOn(targetNodeId, task);
    }

    public <R> R callOn(final int targetNodeId, final DsmTask<R> task)
    {
        checkOpen();
        checkNodeId(targetNodeId);
        return tasks.callOn(targetNodeId, task);
    }

    public boolean isNodeAvailable(final int nodeId)
    {
        checkNodeId(nodeId);
        return nodeId == this.nodeId ? !isClosed : transport.isAvailable(nodeId);
    }

    public NodeCounters counters()
    {
        return counters.snapshot();
    }

    public void serve()
    {
        checkOpen();
        lifecycle.serve();
    }

    public void close()
    {
        if (isClosed)
        {
            return;
        }
        if (null != heap.replication())
        {
            heap.replication().handover().close();
        }
        lifecycle.stopServers();
        isClosed = true;
        nodeAgentRunner.close();
        if (null != handoverRunner)
        {
            handoverRunner.close();
        }
        transport.close();
        if (null != loadedMembershipView)
        {
            loadedMembershipView.close();
        }
        tasks.close();
        countersFile.close();
        heap.readerLeases().close();
    }

    /**
     * The node's configuration.
     *
     * @return the concluded configuration.
     */
    public DsmConfig config()
    {
        return config;
    }

    /**
     * Number of copies held in the cache.
     *
     * @return the count.
     */
    public int cachedCopies()
    {
        return heap.copyCache().size();
    }

    /**
     * Bytes of this node's heap not held by live blocks.
     *
     * @return free bytes.
     */
    public long freeHeapBytes()
    {
        return heap.freeBytes();
    }

    /**
     * Whether the cache holds a copy of an object under an address.
     *
     * @param address global address with colour.
     * @return true if a copy is held.
     */
    public boolean isCached(final long address)
    {
        return heap.copyCache().contains(address);
    }

    /**
     * {@inheritDoc}
     * <p>
     * Handed to the node's {@link ControlAdapter}.
     */
    public void onMessage(final int sourceNodeId, final DirectBuffer buffer, final int offset, final int length)
    {
        control.onMessage(sourceNodeId, buffer, offset, length);
    }

    public String toString()
    {
        return "Node{" + nodeId + "/" + nodeCount + ", transport=" + config.transport() + '}';
    }

    /**
     * What handles of this node use: its heap.
     *
     * @return the node's {@link HeapAccess}.
     */
    HeapAccess heap()
    {
        return heap;
    }

    /**
     * Send a stop request or acknowledgement, as the lifecycle does.
     *
     * @param target node.
     * @param type   of the message.
     * @return false if the target has left.
     */
    boolean sendLifecycleMessage(final int target, final int type)
    {
        return lifecycle.sendLifecycleMessage(target, type);
    }

    private void checkNodeId(final int targetNodeId)
    {
        if (targetNodeId < 0 || targetNodeId >= nodeCount)
        {
            throw new DsmException("nodeId=" + targetNodeId + " out of range [0, " + nodeCount + ")");
        }
    }

    private void checkOpen()
    {
        if (isClosed)
        {
            throw new DsmException("node " + nodeId + " is closed");
        }
    }
}
