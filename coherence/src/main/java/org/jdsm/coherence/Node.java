package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
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
import org.jdsm.HandleContext;
import org.jdsm.HeapExhaustedException;
import org.jdsm.NodeCounters;
import org.jdsm.NodeUnavailableException;
import org.jdsm.ObjectSizeException;
import org.jdsm.RemoteAccessException;
import org.jdsm.RemoteTaskException;
import org.jdsm.spi.CountersFile;
import org.jdsm.spi.MessageHandler;
import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;
import org.jdsm.spi.TransportProvider;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.jdsm.coherence.BlockDescriptor.HEADER_LENGTH;
import static org.jdsm.coherence.ControlMessageDescriptor.ALLOC_REQUEST_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.ALLOC_RESPONSE_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.BODY_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.CORRELATION_ID_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.FREE_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.HEARTBEAT_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.MUTEX_LEASE_GRANT_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.MUTEX_LEASE_LOST_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.MUTEX_LEASE_REQUEST_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.RESULT_FAILED;
import static org.jdsm.coherence.ControlMessageDescriptor.RESULT_OK;
import static org.jdsm.coherence.ControlMessageDescriptor.RESULT_STAGED_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.RESULT_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.SPAWN_STAGED_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.SPAWN_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.STOP_ACK_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.STOP_REQUEST_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.STAGED_ADDRESS_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.STAGED_BODY_LENGTH;
import static org.jdsm.coherence.ControlMessageDescriptor.STAGED_LENGTH_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.TYPE_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.VALUE_OFFSET;

/**
 * One node of a cluster: its {@link HeapSlice} with {@link SizeClassAllocator}, its {@link CopyCache}, its
 * transport, the workers that run spawned tasks, and the agent that sends heartbeats. Handles call into it for
 * every operation on the heap, local or remote.
 * <p>
 * Threads: application threads and task workers call any method; the transport's receiving thread calls
 * {@link #onMessage}, which never blocks: task bodies go to the workers, task results to a completion thread so a
 * worker waiting for a result never waits for itself.
 * <p>
 * <b>Note:</b> threadsafe. Owns its configuration, heap, cache, transport and threads, and closes them.
 */
public final class Node implements DsmNode, MessageHandler
{
    /**
     * Option, among {@link DsmConfig#transportOptions()}, that breaks coherence on purpose so verification
     * suites can show they catch it. <b>For tests only.</b> Value {@link #FAULT_CACHE_IGNORES_COLOUR}: the copy
     * cache keys copies by address without colour, so a reader keeps returning its copy of an object after the
     * owner wrote it.
     */
    public static final String FAULT_OPTION = "jdsm.test.fault";
    /** Value of {@link #FAULT_OPTION}: the cache ignores colours. */
    public static final String FAULT_CACHE_IGNORES_COLOUR = "cache-ignores-colour";

    private final DsmConfig config;
    private final int nodeId;
    private final int nodeCount;
    private final HeapSlice heap;
    private final SizeClassAllocator allocator;
    private final CountersFile countersFile;
    private final Counters counters;
    private final CopyCache cache;
    private final ErrorHandler errorHandler;
    private final ExecutorService workers;
    private final ExecutorService completer;
    private final AtomicLong correlationIds = new AtomicLong();
    private final AtomicLong holderIds = new AtomicLong();
    private final MutexLeases mutexLeases = new MutexLeases(this);
    private final Map<Long, CompletableFuture<Long>> pendingAllocations = new ConcurrentHashMap<>();
    private final Map<Long, PendingTask> pendingTasks = new ConcurrentHashMap<>();
    private final AtomicLongArray peerLoad;
    private final AtomicLongArray peerFreeBytes;
    private final AtomicLongArray tasksInFlight;
    private final AtomicInteger activeTasks = new AtomicInteger();
    private final LocalTaskRunner localTasks;
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final Transport transport;
    private final AgentRunner nodeAgentRunner;
    private final long cacheKeyMask;
    private final ClusterLifecycle lifecycle;
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
        config.conclude();
        this.config = config;
        this.nodeId = config.nodeId();
        this.nodeCount = config.nodeCount();
        final Object fault = config.transportOptions().get(FAULT_OPTION);
        if (null != fault && !FAULT_CACHE_IGNORES_COLOUR.equals(fault))
        {
            throw new org.jdsm.ConfigurationException(FAULT_OPTION + "=" + fault + " is not a known fault");
        }
        this.countersFile = CountersFile.create(config);
        this.counters = new Counters(countersFile);
        this.errorHandler = (throwable) ->
        {
            counters.increment(Counters.ERRORS);
            countersFile.errorHandler().onError(throwable);
        };
        this.cacheKeyMask = null == fault ? -1L : GlobalAddress.withColour(-1L, 0);
        this.heap = new HeapSlice((config.heapSize() + 7) & ~7L);
        this.allocator = new SizeClassAllocator(heap, config.maxObjectSize() + HEADER_LENGTH);
        this.cache = new CopyCache(config.cacheSize(), config.maxObjectSize() + HEADER_LENGTH, counters);
        this.peerLoad = new AtomicLongArray(nodeCount);
        this.peerFreeBytes = new AtomicLongArray(nodeCount);
        this.tasksInFlight = new AtomicLongArray(nodeCount);
        for (int i = 0; i < nodeCount; i++)
        {
            peerFreeBytes.set(i, -1);
        }
        this.workers = new ForkJoinPool(config.workerThreads(), workerThreadFactory(), null, true, 0,
            config.workerThreads() + SPARE_WORKERS_MAX, 1, null, 60, TimeUnit.SECONDS);
        this.completer = Executors.newSingleThreadExecutor(threadFactory("completer"));
        this.lifecycle = new ClusterLifecycle(this, nodeCount);
        this.localTasks = new LocalTaskRunner(this, workers, activeTasks, counters);

        try
        {
            this.transport = TransportProvider.find(config.transport())
                .newTransport(new TransportContext(config, heap, this, countersFile));
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
            transport.start();
        }
        catch (final RuntimeException ex)
        {
            transport.close();
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
            new NodeAgent(this, config.heartbeatIntervalNs()));
        AgentRunner.startOnThread(nodeAgentRunner);
    }

    /**
     * Task workers run in a {@link ForkJoinPool}: a task that blocks in {@code CompletableFuture.get()} (e.g. on a
     * task it spawned on this node) gets a spare thread to stand in for it, up to this many, instead of starving the
     * pool; past them such a wait fails with {@link java.util.concurrent.RejectedExecutionException}.
     */
    static final int SPARE_WORKERS_MAX = 256;

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
        return allocBox(-1, codec, value);
    }

    public <T> DBox<T> allocOn(final int nodeId, final Codec<T> codec, final T value)
    {
        checkNodeId(nodeId);
        return allocBox(nodeId, codec, value);
    }

    private <T> DBox<T> allocBox(final int placement, final Codec<T> codec, final T value)
    {
        checkOpen();
        final int length = codec.encodedLength(value);
        final long address = placement < 0 ? allocate(length) : allocateOn(placement, length);
        writeInitial(address, length, codec, value);
        return new BoxHandle<>(this, codec, address, length);
    }

    public <T> DVec<T> newVec(final Codec<T> codec, final int chunkLength)
    {
        checkOpen();
        return VecHandle.create(this, codec, chunkLength);
    }

    public <T> DArc<T> arc(final Codec<T> codec, final T value)
    {
        checkOpen();
        final int valueLength = codec.encodedLength(value);
        final int length = ArcHandle.VALUE_OFFSET + valueLength;
        final long address = allocate(length);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);
        buffer.putLong(SharedObjectHandle.COUNT_OFFSET, 1);
        codec.encode(value, buffer, ArcHandle.VALUE_OFFSET, handleContext(null));
        writePayload(address, 0, buffer, 0, length);
        return new ArcHandle<>(this, codec, address, length);
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
        final long address = allocate(length);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);
        buffer.putLong(SharedObjectHandle.COUNT_OFFSET, 1);
        buffer.putLong(MutexHandle.LOCK_OFFSET, MutexHandle.UNLOCKED);
        buffer.putLong(MutexHandle.VALUE_LENGTH_OFFSET, valueLength);
        codec.encode(value, buffer, MutexHandle.VALUE_OFFSET, handleContext(null));
        writePayload(address, 0, buffer, 0, length);
        return new MutexHandle<>(this, codec, address, length);
    }

    public <T> DCell<T> cell(final Codec<T> codec, final T value)
    {
        checkOpen();
        return CellHandle.create(this, codec, value);
    }

    public <R> CompletableFuture<R> spawn(final DsmTask<R> task)
    {
        return spawnOn(leastLoadedNode(), task);
    }

    public <R> CompletableFuture<R> spawnNear(final DBox<?> box, final DsmTask<R> task)
    {
        return spawnOn(box.homeNode(), task);
    }

    public <R> CompletableFuture<R> spawnOn(final int targetNodeId, final DsmTask<R> task)
    {
        checkOpen();
        checkNodeId(targetNodeId);
        if (targetNodeId == nodeId)
        {
            final CompletableFuture<R> local = localTasks.trySpawn(task);
            if (null != local)
            {
                return local;
            }
        }
        final TaskScope scope = new TaskScope(this, targetNodeId, false);
        final byte[] bytes;
        scope.enter();
        try
        {
            bytes = TaskCodec.serialize(task, "task " + task.getClass().getName());
        }
        catch (final RuntimeException ex)
        {
            scope.exit();
            scope.abort();
            throw ex;
        }
        scope.exit();

        final long correlationId = correlationIds.incrementAndGet();
        final CompletableFuture<R> future = new CompletableFuture<>();
        pendingTasks.put(correlationId, new PendingTask(scope, future, targetNodeId));
        tasksInFlight.incrementAndGet(targetNodeId);
        final long staged;
        try
        {
            staged = sendOrStage(targetNodeId, SPAWN_TYPE, SPAWN_STAGED_TYPE, correlationId, 0, bytes, "task");
        }
        catch (final RuntimeException ex)
        {
            pendingTasks.remove(correlationId);
            tasksInFlight.decrementAndGet(targetNodeId);
            scope.abort();
            throw ex;
        }
        if (GlobalAddress.NULL != staged)
        {
            // the target read the task before it ran; if it died, nobody else will
            future.whenComplete((result, failure) -> freeStaged(staged));
        }

        return future;
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
        lifecycle.stopServers();
        isClosed = true;
        nodeAgentRunner.close();
        transport.close();
        failPendingTasks(nodeId, "node " + nodeId + " closed");
        localTasks.failAll(new NodeUnavailableException(nodeId, "node " + nodeId + " closed"));
        workers.shutdown();
        completer.shutdown();
        try
        {
            if (!workers.awaitTermination(2, TimeUnit.SECONDS))
            {
                workers.shutdownNow();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
        countersFile.close();
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
        return cache.size();
    }

    /**
     * Bytes of this node's heap not held by live blocks.
     *
     * @return free bytes.
     */
    public long freeHeapBytes()
    {
        return allocator.freeBytes();
    }

    /**
     * Whether the cache holds a copy of an object under an address.
     *
     * @param address global address with colour.
     * @return true if a copy is held.
     */
    public boolean isCached(final long address)
    {
        return cache.contains(address);
    }

    public String toString()
    {
        return "Node{" + nodeId + "/" + nodeCount + ", transport=" + config.transport() + '}';
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Heap operations for handles
    // ---------------------------------------------------------------------------------------------------------------

    Counters liveCounters()
    {
        return counters;
    }

    ReaderLeases readerLeases()
    {
        return cache.leases();
    }

    boolean isLocal(final long address)
    {
        return GlobalAddress.nodeId(address) == nodeId && GlobalAddress.NULL != address;
    }

    HandleContext handleContext(final Object borrow)
    {
        return new EngineHandleContext(this, borrow);
    }

    int localLength(final long address)
    {
        final int length = allocator.liveLength(GlobalAddress.offset(address), GlobalAddress.colour(address));
        if (length < 0)
        {
            throw invalidAddress(address, length);
        }

        return length;
    }

    void wrapPayload(final UnsafeBuffer view, final long address, final int length)
    {
        heap.wrap(view, GlobalAddress.offset(address) + HEADER_LENGTH, length);
    }

    void wrapPayload(final UnsafeBuffer view, final long address, final int payloadOffset, final int length)
    {
        heap.wrap(view, GlobalAddress.offset(address) + HEADER_LENGTH + payloadOffset, length);
    }

    /**
     * Pin a copy of a remote object in the cache, fetching it on a miss.
     *
     * @param address    global address with colour.
     * @param lengthHint payload length if known, else -1.
     * @return the pinned, filled entry.
     */
    CacheEntry pinCopy(final long address, final int lengthHint)
    {
        final long key = address & cacheKeyMask;
        CacheEntry entry = cache.lookup(key);
        if (null != entry)
        {
            counters.increment(Counters.CACHE_HITS);
            return entry;
        }

        final int length = lengthHint >= 0 ? lengthHint : remoteLength(address);
        entry = cache.insert(key, length);
        if (entry.isFilled())
        {
            counters.increment(Counters.CACHE_HITS);
            return entry;
        }

        try
        {
            fetch(address, length, entry.fetchBuffer, 0);
            cache.publish(entry);
        }
        catch (final RuntimeException ex)
        {
            cache.abandon(entry);
            throw ex;
        }
        counters.increment(Counters.CACHE_MISSES);
        counters.add(Counters.BYTES_FETCHED, length);

        return entry;
    }

    /**
     * Take an object for an exclusive borrow: a local one gets colour + 1 (moved within the heap when its colour
     * would overflow), a remote one moves here and its old block is freed at its home asynchronously.
     *
     * @param address    global address with colour.
     * @param lengthHint payload length if known, else -1.
     * @return the object's new address, on this node.
     */
    long acquireExclusive(final long address, final int lengthHint)
    {
        if (isLocal(address))
        {
            final long offset = GlobalAddress.offset(address);
            final int colour = allocator.bumpColour(offset, GlobalAddress.colour(address));
            if (colour >= 0)
            {
                counters.increment(Counters.COLOUR_BUMPS);
                return GlobalAddress.withColour(address, colour);
            }
            if (SizeClassAllocator.COLOUR_OVERFLOW == colour)
            {
                return relocateLocal(address);
            }
            throw invalidAddress(address, colour);
        }

        return moveIn(address, lengthHint);
    }

    private long moveIn(final long address, final int lengthHint)
    {
        final int length = lengthHint >= 0 ? lengthHint : remoteLength(address);
        final long offset = allocateLocalOrThrow(length, "move here for write()", address);
        final long localHeader = heap.getLongAcquire(offset);
        try
        {
            // the remote header lands on the new block's header and is checked, then the block's own is restored
            fetch(address, length, heap.segment(offset), heap.indexInSegment(offset));
        }
        catch (final RuntimeException ex)
        {
            heap.putLongRelease(offset, localHeader);
            allocator.free(offset, BlockDescriptor.colour(localHeader));
            throw ex;
        }
        heap.putLongRelease(offset, localHeader);

        send(GlobalAddress.nodeId(address), FREE_TYPE, 0, address, null);
        counters.increment(Counters.OBJECTS_MOVED_IN);
        counters.add(Counters.BYTES_MOVED_IN, length);

        return GlobalAddress.compose(BlockDescriptor.colour(localHeader), nodeId, offset);
    }

    private long relocateLocal(final long address)
    {
        final long oldOffset = GlobalAddress.offset(address);
        final int length = localLength(address);
        final long offset = allocateLocalOrThrow(length, "relocate on colour overflow", address);
        heap.segment(offset).putBytes(
            heap.indexInSegment(offset) + HEADER_LENGTH,
            heap.segment(oldOffset),
            heap.indexInSegment(oldOffset) + HEADER_LENGTH,
            length);
        allocator.free(oldOffset, GlobalAddress.colour(address));
        final long header = heap.getLongAcquire(offset);

        return GlobalAddress.compose(BlockDescriptor.colour(header), nodeId, offset);
    }

    /**
     * Give a local object a new payload length: in place when it fits its block, else in a new local block.
     *
     * @param address   global address of a local object, held exclusively.
     * @param newLength payload length.
     * @return the object's address, new if it moved; the payload must be rewritten whole.
     */
    long resizeLocal(final long address, final int newLength)
    {
        checkObjectSize(newLength);
        final long offset = GlobalAddress.offset(address);
        final long header = heap.getLongAcquire(offset);
        if (BlockDescriptor.length(header) == newLength)
        {
            return address;
        }

        if (newLength <= allocator.payloadCapacity(BlockDescriptor.sizeClass(header)))
        {
            heap.putLongRelease(offset, BlockDescriptor.withLength(header, newLength));
            return address;
        }

        final long newOffset = allocateLocalOrThrow(newLength, "grow", address);
        allocator.free(offset, GlobalAddress.colour(address));
        final long newHeader = heap.getLongAcquire(newOffset);

        return GlobalAddress.compose(BlockDescriptor.colour(newHeader), nodeId, newOffset);
    }

    /**
     * Allocate, on this node when it has room, else on the peer last reported to have the most free heap.
     *
     * @param length of the payload.
     * @return the global address.
     */
    long allocate(final int length)
    {
        checkObjectSize(length);
        final long offset = allocator.allocate(length);
        if (SizeClassAllocator.NO_SPACE != offset)
        {
            counters.increment(Counters.ALLOCATIONS);
            return GlobalAddress.compose(BlockDescriptor.colour(heap.getLongAcquire(offset)), nodeId, offset);
        }

        final StringBuilder tried = new StringBuilder("node ").append(nodeId).append(" has ")
            .append(allocator.freeBytes()).append(" bytes free");
        final boolean[] asked = new boolean[nodeCount];
        asked[nodeId] = true;
        for (int attempt = 1; attempt < nodeCount; attempt++)
        {
            int best = -1;
            for (int peer = 0; peer < nodeCount; peer++)
            {
                if (!asked[peer] && transport.isAvailable(peer) &&
                    (best < 0 || peerFreeBytes.get(peer) > peerFreeBytes.get(best)))
                {
                    best = peer;
                }
            }
            if (best < 0)
            {
                break;
            }
            asked[best] = true;
            final long address = allocateRemote(best, length);
            if (GlobalAddress.NULL != address)
            {
                counters.increment(Counters.ALLOCATIONS_ON_PEER);
                return address;
            }
            tried.append(", node ").append(best).append(" has no block");
        }

        throw new HeapExhaustedException("no node has a free block for " + length + " bytes: " + tried);
    }

    long allocateOn(final int targetNodeId, final int length)
    {
        checkObjectSize(length);
        if (targetNodeId == nodeId)
        {
            return withLocalColour(allocateLocalOrThrow(length, "allocate", GlobalAddress.NULL));
        }

        final long address = allocateRemote(targetNodeId, length);
        if (GlobalAddress.NULL == address)
        {
            throw new HeapExhaustedException("node " + targetNodeId + " has no free block for " + length + " bytes");
        }

        return address;
    }

    private long withLocalColour(final long offset)
    {
        return GlobalAddress.compose(BlockDescriptor.colour(heap.getLongAcquire(offset)), nodeId, offset);
    }

    private long allocateLocalOrThrow(final int length, final String action, final long address)
    {
        checkObjectSize(length);
        final long offset = allocator.allocate(length);
        if (SizeClassAllocator.NO_SPACE == offset)
        {
            throw new HeapExhaustedException("node " + nodeId + " heap full (" + allocator.freeBytes() +
                " bytes free, heapSize=" + heap.capacity() + "): can not " + action + " " +
                (GlobalAddress.NULL == address ? "" : describe(address) + " ") + "of " + length + " bytes");
        }
        counters.increment(Counters.ALLOCATIONS);

        return offset;
    }

    private long allocateRemote(final int peer, final int length)
    {
        final long correlationId = correlationIds.incrementAndGet();
        final CompletableFuture<Long> response = new CompletableFuture<>();
        pendingAllocations.put(correlationId, response);
        try
        {
            send(peer, ALLOC_REQUEST_TYPE, correlationId, length, null);
            return response.get(config.operationTimeoutNs(), TimeUnit.NANOSECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw new NodeUnavailableException(peer, "allocation of " + length + " bytes timed out after " +
                TimeUnit.NANOSECONDS.toMillis(config.operationTimeoutNs()) + " ms");
        }
        catch (final ExecutionException ex)
        {
            throw new DsmException("allocation on node " + peer + " failed: " + ex.getCause(), ex.getCause());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new DsmException("interrupted while allocating on node " + peer, ex);
        }
        finally
        {
            pendingAllocations.remove(correlationId);
        }
    }

    <T> void writeInitial(final long address, final int length, final Codec<T> codec, final T value)
    {
        if (isLocal(address))
        {
            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            wrapPayload(view, address, length);
            codec.encode(value, view, 0, handleContext(null));
        }
        else
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Math.max(length, 1)]);
            codec.encode(value, buffer, 0, handleContext(null));
            writePayload(address, 0, buffer, 0, length);
        }
    }

    /**
     * Free an object: at once when local, by a message to its home otherwise.
     *
     * @param address global address with colour.
     */
    void free(final long address)
    {
        if (isLocal(address))
        {
            final int status = allocator.free(GlobalAddress.offset(address), GlobalAddress.colour(address));
            if (SizeClassAllocator.FREED != status)
            {
                throw invalidAddress(address, status);
            }
            counters.increment(Counters.FREES);
        }
        else
        {
            send(GlobalAddress.nodeId(address), FREE_TYPE, 0, address, null);
        }
    }

    long fetchAdd(final long address, final int payloadOffset, final long delta)
    {
        final long offset = GlobalAddress.offset(address) + HEADER_LENGTH + payloadOffset;
        if (isLocal(address))
        {
            return heap.getAndAddLong(offset, delta);
        }

        counters.increment(Counters.REMOTE_FETCH_ADDS);
        return transport.fetchAdd(GlobalAddress.nodeId(address), offset, delta);
    }

    long compareAndSwap(final long address, final int payloadOffset, final long expected, final long update)
    {
        final long offset = GlobalAddress.offset(address) + HEADER_LENGTH + payloadOffset;
        if (isLocal(address))
        {
            return heap.compareAndSwapLong(offset, expected, update);
        }

        counters.increment(Counters.REMOTE_COMPARE_AND_SWAPS);
        return transport.compareAndSwap(GlobalAddress.nodeId(address), offset, expected, update);
    }

    void readPayload(
        final long address, final int payloadOffset, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        final long offset = GlobalAddress.offset(address) + HEADER_LENGTH + payloadOffset;
        if (isLocal(address))
        {
            heap.getBytes(offset, dst, dstOffset, length);
        }
        else
        {
            remoteRead(GlobalAddress.nodeId(address), offset, dst, dstOffset, length);
        }
    }

    void writePayload(
        final long address, final int payloadOffset, final DirectBuffer src, final int srcOffset, final int length)
    {
        final long offset = GlobalAddress.offset(address) + HEADER_LENGTH + payloadOffset;
        if (isLocal(address))
        {
            heap.putBytes(offset, src, srcOffset, length);
        }
        else
        {
            counters.increment(Counters.REMOTE_WRITES);
            transport.write(GlobalAddress.nodeId(address), offset, src, srcOffset, length);
        }
    }

    long allocateOwnerCell(final long address)
    {
        final long offset = allocateLocalOrThrow(8, "allocate an owner cell", GlobalAddress.NULL);
        heap.putLongRelease(offset + HEADER_LENGTH, address);
        return withLocalColour(offset);
    }

    long readOwnerCell(final long cell)
    {
        return heap.getLongAcquire(GlobalAddress.offset(cell) + HEADER_LENGTH);
    }

    void writeOwnerCell(final long cell, final long address)
    {
        if (isLocal(cell))
        {
            heap.putLongRelease(GlobalAddress.offset(cell) + HEADER_LENGTH, address);
        }
        else
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8]);
            buffer.putLong(0, address);
            writePayload(cell, 0, buffer, 0, 8);
        }
    }

    void freeOwnerCell(final long cell)
    {
        free(cell);
    }

    long nextHolderId()
    {
        return ((long)(nodeId + 1) << 40) | (holderIds.incrementAndGet() & 0xFF_FFFF_FFFFL);
    }

    CopyCache copyCache()
    {
        return cache;
    }

    long cacheKey(final long address)
    {
        return address & cacheKeyMask;
    }

    MutexLease mutexLease(final long address, final int capacity)
    {
        return mutexLeases.lease(address, capacity);
    }

    int maxMessageLength()
    {
        return transport.maxMessageLength();
    }

    void runAsync(final Runnable action)
    {
        completer.execute(action);
    }

    void onLeaseError(final Throwable failure)
    {
        errorHandler.onError(failure);
    }

    boolean isAvailable(final int peer)
    {
        return transport.isAvailable(peer);
    }

    void dropIfOwned(final BoxHandle<?> box)
    {
        try
        {
            box.close();
        }
        catch (final org.jdsm.BorrowException ignore)
        {
            // moved on, freed, or still borrowed by something the task leaked: not the task's to drop
        }
    }

    private int remoteLength(final long address)
    {
        final UnsafeBuffer header = new UnsafeBuffer(new byte[HEADER_LENGTH]);
        remoteRead(GlobalAddress.nodeId(address), GlobalAddress.offset(address), header, 0, HEADER_LENGTH);
        checkHeader(address, header.getLong(0), -1);

        return BlockDescriptor.length(header.getLong(0));
    }

    private void fetch(final long address, final int length, final MutableDirectBuffer dst, final int dstOffset)
    {
        remoteRead(
            GlobalAddress.nodeId(address), GlobalAddress.offset(address), dst, dstOffset, HEADER_LENGTH + length);
        checkHeader(address, dst.getLong(dstOffset), length);
    }

    private void checkHeader(final long address, final long header, final int expectedLength)
    {
        if (BlockDescriptor.state(header) != BlockDescriptor.STATE_LIVE)
        {
            throw new RemoteAccessException(describe(address) + " is not live at its home: freed or never allocated");
        }
        if (BlockDescriptor.colour(header) != GlobalAddress.colour(address))
        {
            throw new RemoteAccessException(describe(address) + " is stale: its block now has colour " +
                BlockDescriptor.colour(header));
        }
        if (expectedLength >= 0 && BlockDescriptor.length(header) != expectedLength)
        {
            throw new RemoteAccessException(describe(address) + " has length " + BlockDescriptor.length(header) +
                ", expected " + expectedLength);
        }
    }

    private RemoteAccessException invalidAddress(final long address, final int status)
    {
        switch (status)
        {
            case SizeClassAllocator.NOT_A_BLOCK:
                return new RemoteAccessException(describe(address) + " does not name a block of node " + nodeId);
            case SizeClassAllocator.NOT_LIVE:
                return new RemoteAccessException(describe(address) + " is not live: freed or never allocated");
            case SizeClassAllocator.STALE_COLOUR:
                return new RemoteAccessException(describe(address) + " is stale: its block has another colour");
            default:
                return new RemoteAccessException(describe(address) + " rejected with status " + status);
        }
    }

    private void checkObjectSize(final int length)
    {
        if (length < 0 || length > config.maxObjectSize())
        {
            throw new ObjectSizeException(
                "object of " + length + " bytes exceeds maxObjectSize=" + config.maxObjectSize());
        }
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

    static String describe(final long address)
    {
        return "object at " + GlobalAddress.toString(address);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Control plane
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Send a task or result in one message when it fits the transport's {@code maxMessageLength}, else stage it in a
     * block of this node's heap and send the block's address, for the receiver to read one-sided.
     *
     * @return the staged block's address, or {@link GlobalAddress#NULL} when the body went in the message.
     */
    private long sendOrStage(
        final int target,
        final int type,
        final int stagedType,
        final long correlationId,
        final long value,
        final byte[] body,
        final String what)
    {
        if (BODY_OFFSET + body.length <= transport.maxMessageLength())
        {
            send(target, type, correlationId, value, body);
            return GlobalAddress.NULL;
        }
        if (body.length > config.maxObjectSize())
        {
            throw new ObjectSizeException(what + " of " + body.length + " serialized bytes exceeds both the " +
                config.transport() + " transport's maxMessageLength=" + transport.maxMessageLength() +
                " and maxObjectSize=" + config.maxObjectSize() + ", the largest block it can be staged in");
        }

        final long offset = allocateLocalOrThrow(body.length, "stage a " + what, GlobalAddress.NULL);
        final long address = GlobalAddress.compose(BlockDescriptor.colour(heap.getLongAcquire(offset)), nodeId, offset);
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        wrapPayload(view, address, body.length);
        view.putBytes(0, body);
        final byte[] reference = new byte[STAGED_BODY_LENGTH];
        final UnsafeBuffer referenceBuffer = new UnsafeBuffer(reference);
        referenceBuffer.putLong(STAGED_ADDRESS_OFFSET, address);
        referenceBuffer.putInt(STAGED_LENGTH_OFFSET, body.length);
        try
        {
            send(target, stagedType, correlationId, value, reference);
        }
        catch (final RuntimeException ex)
        {
            freeStaged(address);
            throw ex;
        }
        counters.increment(Counters.MESSAGES_STAGED);

        return address;
    }

    /**
     * Read a staged task or result from the sender's heap.
     */
    private byte[] readStaged(final long address, final int length)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[HEADER_LENGTH + length]);
        fetch(address, length, buffer, 0);
        final byte[] body = new byte[length];
        buffer.getBytes(HEADER_LENGTH, body);

        return body;
    }

    private void freeStaged(final long address)
    {
        try
        {
            free(address);
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
    }

    private void send(final int target, final int type, final long correlationId, final long value, final byte[] body)
    {
        final int bodyLength = null == body ? 0 : body.length;
        if (BODY_OFFSET + bodyLength > transport.maxMessageLength())
        {
            throw new ObjectSizeException("message of " + (BODY_OFFSET + bodyLength) + " bytes exceeds the " +
                config.transport() + " transport's maxMessageLength=" + transport.maxMessageLength());
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[BODY_OFFSET + bodyLength]);
        buffer.putInt(TYPE_OFFSET, type);
        buffer.putLong(CORRELATION_ID_OFFSET, correlationId);
        buffer.putLong(VALUE_OFFSET, value);
        if (null != body)
        {
            buffer.putBytes(BODY_OFFSET, body);
        }
        sendMessage(target, buffer, 0, buffer.capacity());
    }

    /**
     * Send a control message: the one place the engine calls {@link Transport#send}, counted.
     */
    void sendMessage(final int target, final DirectBuffer buffer, final int offset, final int length)
    {
        counters.increment(Counters.MESSAGES_SENT);
        transport.send(target, buffer, offset, length);
    }

    /**
     * One-sided read of a peer's heap: the one place the engine calls {@link Transport#read}, counted.
     */
    private void remoteRead(
        final int peer, final long offset, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        counters.increment(Counters.REMOTE_READS);
        transport.read(peer, offset, dst, dstOffset, length);
    }

    /**
     * {@inheritDoc}
     */
    public void onMessage(final int sourceNodeId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < BODY_OFFSET || sourceNodeId < 0 || sourceNodeId >= nodeCount)
        {
            reject("control message of " + length + " bytes from node " + sourceNodeId + " is malformed");
            return;
        }

        final int type = buffer.getInt(offset + TYPE_OFFSET);
        final long correlationId = buffer.getLong(offset + CORRELATION_ID_OFFSET);
        final long value = buffer.getLong(offset + VALUE_OFFSET);
        switch (type)
        {
            case ALLOC_REQUEST_TYPE:
                onAllocRequest(sourceNodeId, correlationId, value);
                break;

            case ALLOC_RESPONSE_TYPE:
            {
                final CompletableFuture<Long> response = pendingAllocations.get(correlationId);
                if (null == response)
                {
                    reject("allocation response from node " + sourceNodeId + " for unknown correlationId=" +
                        correlationId);
                }
                else
                {
                    response.complete(value);
                }
                break;
            }

            case FREE_TYPE:
                onFree(sourceNodeId, value);
                break;

            case SPAWN_TYPE:
            {
                final byte[] body = new byte[length - BODY_OFFSET];
                buffer.getBytes(offset + BODY_OFFSET, body);
                activeTasks.incrementAndGet();
                workers.execute(() -> runTask(sourceNodeId, correlationId, body));
                break;
            }

            case RESULT_TYPE:
            {
                final byte[] body = new byte[length - BODY_OFFSET];
                buffer.getBytes(offset + BODY_OFFSET, body);
                completer.execute(() -> completeTask(sourceNodeId, correlationId, value, body));
                break;
            }

            case SPAWN_STAGED_TYPE:
            {
                final long address = stagedAddress(sourceNodeId, buffer, offset, length, "task");
                if (GlobalAddress.NULL != address)
                {
                    final int stagedLength = buffer.getInt(offset + BODY_OFFSET + STAGED_LENGTH_OFFSET);
                    activeTasks.incrementAndGet();
                    workers.execute(() -> runStagedTask(sourceNodeId, correlationId, address, stagedLength));
                }
                break;
            }

            case RESULT_STAGED_TYPE:
            {
                final long address = stagedAddress(sourceNodeId, buffer, offset, length, "task result");
                if (GlobalAddress.NULL == address)
                {
                    break;
                }
                final PendingTask pending = pendingTasks.get(correlationId);
                if (null == pending || pending.targetNodeId != sourceNodeId)
                {
                    // read nothing for a result nobody waits for
                    reject("staged task result from node " + sourceNodeId + " for unknown correlationId=" +
                        correlationId);
                    break;
                }
                final int stagedLength = buffer.getInt(offset + BODY_OFFSET + STAGED_LENGTH_OFFSET);
                completer.execute(() -> completeStagedTask(sourceNodeId, correlationId, value, address, stagedLength));
                break;
            }

            case STOP_REQUEST_TYPE:
                if (!lifecycle.onStopRequest(sourceNodeId))
                {
                    reject("stop request from node " + sourceNodeId + ", which is not the driver of node " + nodeId);
                }
                break;

            case STOP_ACK_TYPE:
                if (!lifecycle.onStopAck(sourceNodeId))
                {
                    reject("stop acknowledgement from node " + sourceNodeId + " to node " + nodeId);
                }
                break;

            case MUTEX_LEASE_REQUEST_TYPE:
            case MUTEX_LEASE_GRANT_TYPE:
            case MUTEX_LEASE_LOST_TYPE:
            {
                final String rejected = mutexLeases.onMessage(sourceNodeId, buffer, offset, length);
                if (null != rejected)
                {
                    reject(rejected);
                }
                break;
            }

            case HEARTBEAT_TYPE:
                peerLoad.set(sourceNodeId, value);
                if (length >= BODY_OFFSET + 8)
                {
                    peerFreeBytes.set(sourceNodeId, buffer.getLong(offset + BODY_OFFSET));
                }
                break;

            default:
                reject("control message of unknown type=" + type + " from node " + sourceNodeId);
        }
    }

    private void onAllocRequest(final int sourceNodeId, final long correlationId, final long length)
    {
        long address = GlobalAddress.NULL;
        if (length < 0 || length > config.maxObjectSize())
        {
            reject("allocation request of length=" + length + " from node " + sourceNodeId + " exceeds maxObjectSize=" +
                config.maxObjectSize());
        }
        else
        {
            final long offset = allocator.allocate((int)length);
            if (SizeClassAllocator.NO_SPACE != offset)
            {
                counters.increment(Counters.ALLOCATIONS);
                address = withLocalColour(offset);
            }
        }
        send(sourceNodeId, ALLOC_RESPONSE_TYPE, correlationId, address, null);
    }

    private void onFree(final int sourceNodeId, final long address)
    {
        if (!isLocal(address))
        {
            reject("free of " + describe(address) + " from node " + sourceNodeId + " sent to node " + nodeId);
            return;
        }
        final int status = allocator.free(GlobalAddress.offset(address), GlobalAddress.colour(address));
        if (SizeClassAllocator.FREED == status)
        {
            counters.increment(Counters.FREES);
        }
        else
        {
            reject("free from node " + sourceNodeId + " rejected: " + invalidAddress(address, status).getMessage());
        }
    }

    private void reject(final String reason)
    {
        counters.increment(Counters.REQUESTS_REJECTED);
        errorHandler.onError(new RemoteAccessException(reason));
    }

    /**
     * The address of a staged message's block, or {@link GlobalAddress#NULL} after rejecting a malformed message:
     * the block must be in the sender's own heap and its length within {@code maxObjectSize}.
     */
    private long stagedAddress(
        final int sourceNodeId, final DirectBuffer buffer, final int offset, final int length, final String what)
    {
        if (length != BODY_OFFSET + STAGED_BODY_LENGTH)
        {
            reject("staged " + what + " message of " + length + " bytes from node " + sourceNodeId + " is malformed");
            return GlobalAddress.NULL;
        }
        final long address = buffer.getLong(offset + BODY_OFFSET + STAGED_ADDRESS_OFFSET);
        final int stagedLength = buffer.getInt(offset + BODY_OFFSET + STAGED_LENGTH_OFFSET);
        if (GlobalAddress.nodeId(address) != sourceNodeId || stagedLength < 0 || stagedLength > config.maxObjectSize())
        {
            reject("staged " + what + " from node " + sourceNodeId + " names " + describe(address) + " of " +
                stagedLength + " bytes: not in the sender's heap or over maxObjectSize=" + config.maxObjectSize());
            return GlobalAddress.NULL;
        }

        return address;
    }

    private void runStagedTask(final int sourceNodeId, final long correlationId, final long address, final int length)
    {
        final byte[] body;
        try
        {
            body = readStaged(address, length);
        }
        catch (final Throwable ex)
        {
            activeTasks.decrementAndGet();
            sendResultFailure(sourceNodeId, correlationId, ex);
            return;
        }
        runTask(sourceNodeId, correlationId, body);
    }

    private void completeStagedTask(
        final int sourceNodeId, final long correlationId, final long status, final long address, final int length)
    {
        final byte[] body;
        try
        {
            body = readStaged(address, length);
        }
        catch (final Throwable ex)
        {
            completeTask(sourceNodeId, correlationId, RESULT_FAILED, failureText(ex));
            return;
        }
        freeStaged(address);
        completeTask(sourceNodeId, correlationId, status, body);
    }

    private void runTask(final int sourceNodeId, final long correlationId, final byte[] body)
    {
        final TaskScope scope = new TaskScope(this, sourceNodeId, false);
        byte[] result;
        long status = RESULT_OK;
        try
        {
            final DsmTask<?> task;
            scope.enter();
            try
            {
                task = (DsmTask<?>)TaskCodec.deserialize(body, "task from node " + sourceNodeId);
            }
            finally
            {
                scope.exit();
            }

            final Object value = task.run(this);
            scope.beginResult();
            scope.enter();
            try
            {
                result = TaskCodec.serialize(value, "result of task " + task.getClass().getName());
            }
            finally
            {
                scope.exit();
            }
        }
        catch (final Throwable ex)
        {
            status = RESULT_FAILED;
            result = failureText(ex);
        }

        final RuntimeException endFailure = scope.taskEnded();
        if (null != endFailure && RESULT_OK == status)
        {
            status = RESULT_FAILED;
            result = failureText(endFailure);
        }

        counters.increment(Counters.TASKS_RUN);
        activeTasks.decrementAndGet();
        try
        {
            sendOrStage(sourceNodeId, RESULT_TYPE, RESULT_STAGED_TYPE, correlationId, status, result, "task result");
        }
        catch (final ObjectSizeException ex)
        {
            // the caller must hear of it rather than wait for ever: a result too large to send fails the task
            sendResultFailure(sourceNodeId, correlationId, new ObjectSizeException("result of the task is too large " +
                "to send (" + ex.getMessage() + "): return large data in the heap, e.g. in a DBox, not in the result"));
        }
        catch (final HeapExhaustedException ex)
        {
            sendResultFailure(sourceNodeId, correlationId, ex);
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
    }

    private void sendResultFailure(final int sourceNodeId, final long correlationId, final Throwable failure)
    {
        try
        {
            send(sourceNodeId, RESULT_TYPE, correlationId, RESULT_FAILED, failureText(failure));
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
    }

    @SuppressWarnings("unchecked")
    private void completeTask(final int sourceNodeId, final long correlationId, final long status, final byte[] body)
    {
        final PendingTask pending = pendingTasks.remove(correlationId);
        if (null == pending || pending.targetNodeId != sourceNodeId)
        {
            reject("task result from node " + sourceNodeId + " for unknown correlationId=" + correlationId);
            return;
        }
        tasksInFlight.decrementAndGet(sourceNodeId);

        try
        {
            pending.scope.returned();
            if (RESULT_OK == status)
            {
                final TaskScope resultScope = new TaskScope(this, sourceNodeId, true).enter();
                final Object value;
                try
                {
                    value = TaskCodec.deserialize(body, "result from node " + sourceNodeId);
                }
                finally
                {
                    resultScope.exit();
                }
                ((CompletableFuture<Object>)pending.future).complete(value);
            }
            else
            {
                pending.future.completeExceptionally(remoteFailure(sourceNodeId, body));
            }
        }
        catch (final Throwable ex)
        {
            // whatever goes wrong decoding a result, the caller's future completes: it must never hang
            pending.future.completeExceptionally(ex);
        }
    }

    /**
     * A failed task's body: the length of its text, the text (type, message, stack trace), then, when it can be
     * serialized, the exception itself, so the caller's {@link RemoteTaskException} has it as its cause.
     */
    private static byte[] failureText(final Throwable ex)
    {
        final StringWriter text = new StringWriter();
        ex.printStackTrace(new PrintWriter(text));
        final byte[] textBytes = text.toString().getBytes(StandardCharsets.UTF_8);
        byte[] serialized = new byte[0];
        try
        {
            serialized = TaskCodec.serialize(ex, "failure");
        }
        catch (final RuntimeException notSerializable)
        {
            // the text alone travels: the exception holds something that can not be serialized
        }

        final byte[] body = new byte[4 + textBytes.length + serialized.length];
        final UnsafeBuffer buffer = new UnsafeBuffer(body);
        buffer.putInt(0, textBytes.length);
        buffer.putBytes(4, textBytes);
        buffer.putBytes(4 + textBytes.length, serialized);

        return body;
    }

    private RemoteTaskException remoteFailure(final int sourceNodeId, final byte[] body)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(body);
        final int textLength = body.length >= 4 ? buffer.getInt(0) : -1;
        if (textLength < 0 || textLength > body.length - 4)
        {
            reject("task failure from node " + sourceNodeId + " is malformed: " + body.length + " bytes");
            return new RemoteTaskException(sourceNodeId, "malformed failure of " + body.length + " bytes");
        }

        final RemoteTaskException failure = new RemoteTaskException(
            sourceNodeId, new String(body, 4, textLength, StandardCharsets.UTF_8));
        if (body.length > 4 + textLength)
        {
            final TaskScope scope = new TaskScope(this, sourceNodeId, true).enter();
            try
            {
                final Object cause = TaskCodec.deserialize(
                    java.util.Arrays.copyOfRange(body, 4 + textLength, body.length), "failure from node " + sourceNodeId);
                if (cause instanceof Throwable)
                {
                    failure.initCause((Throwable)cause);
                }
            }
            catch (final RuntimeException ex)
            {
                failure.addSuppressed(ex);
            }
            finally
            {
                scope.exit();
            }
        }

        return failure;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Scheduling and heartbeats
    // ---------------------------------------------------------------------------------------------------------------

    int leastLoadedNode()
    {
        final int start = Math.floorMod(roundRobin.getAndIncrement(), nodeCount);
        int best = -1;
        long bestLoad = Long.MAX_VALUE;
        for (int i = 0; i < nodeCount; i++)
        {
            final int candidate = (start + i) % nodeCount;
            if (candidate != nodeId && !transport.isAvailable(candidate))
            {
                continue;
            }
            final long load = (candidate == nodeId ? activeTasks.get() : peerLoad.get(candidate)) +
                tasksInFlight.get(candidate);
            if (load < bestLoad)
            {
                best = candidate;
                bestLoad = load;
            }
        }

        return best;
    }

    boolean sendLifecycleMessage(final int target, final int type)
    {
        try
        {
            send(target, type, 0, 0, null);
            return true;
        }
        catch (final NodeUnavailableException ex)
        {
            return false; // it left: nothing to stop or acknowledge
        }
    }

    boolean isIdle()
    {
        return 0 == activeTasks.get() && pendingTasks.isEmpty();
    }

    int pendingTaskCount()
    {
        return pendingTasks.size();
    }

    void sendHeartbeats()
    {
        final byte[] body = new byte[8];
        new UnsafeBuffer(body).putLong(0, allocator.freeBytes());
        for (int peer = 0; peer < nodeCount; peer++)
        {
            if (peer != nodeId && transport.isAvailable(peer))
            {
                send(peer, HEARTBEAT_TYPE, 0, activeTasks.get(), body);
            }
        }
    }

    void failTasksOnUnavailableNodes()
    {
        for (final Map.Entry<Long, PendingTask> entry : pendingTasks.entrySet())
        {
            final PendingTask pending = entry.getValue();
            if (!transport.isAvailable(pending.targetNodeId) && pendingTasks.remove(entry.getKey(), pending))
            {
                tasksInFlight.decrementAndGet(pending.targetNodeId);
                endLends(pending);
                pending.future.completeExceptionally(new NodeUnavailableException(
                    pending.targetNodeId, "task sent to it can not complete"));
            }
        }
    }

    private void failPendingTasks(final int unavailableNodeId, final String reason)
    {
        for (final Long correlationId : pendingTasks.keySet())
        {
            final PendingTask pending = pendingTasks.remove(correlationId);
            if (null != pending)
            {
                endLends(pending);
                pending.future.completeExceptionally(new NodeUnavailableException(unavailableNodeId, reason));
            }
        }
        for (final CompletableFuture<Long> response : pendingAllocations.values())
        {
            response.completeExceptionally(new NodeUnavailableException(unavailableNodeId, reason));
        }
    }

    /**
     * A task that will never return still ends what it was lent: readers released, a lent Mut back to its owner
     * with the address last written to its owner cell (whose object may be lost with the dead node).
     */
    private void endLends(final PendingTask pending)
    {
        try
        {
            pending.scope.returned();
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
    }

    private static final class PendingTask
    {
        final TaskScope scope;
        final CompletableFuture<?> future;
        final int targetNodeId;

        PendingTask(final TaskScope scope, final CompletableFuture<?> future, final int targetNodeId)
        {
            this.scope = scope;
            this.future = future;
            this.targetNodeId = targetNodeId;
        }
    }
}
