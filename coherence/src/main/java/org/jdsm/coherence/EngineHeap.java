package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.Codec;
import org.jdsm.DsmConfig;
import org.jdsm.HandleContext;
import org.jdsm.NodeUnavailableException;
import org.jdsm.RemoteAccessException;
import org.jdsm.spi.Transport;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import static org.jdsm.coherence.BlockDescriptor.HEADER_LENGTH;
import static org.jdsm.coherence.ControlMessageDescriptor.FREE_TYPE;

/**
 * The engine's {@link HeapAccess}: a node's {@link HeapSlice}, local reads, writes, atomics and moves, and the
 * same on its peers' heaps, one-sided; copies of remote objects are {@link RemoteCopies}', allocation is
 * {@link Placement}'s, and the frees and lease messages it sends go through {@link ControlProxy}.
 * <p>
 * <b>Note:</b> threadsafe. One per node, owned by it; it owns nothing that needs closing.
 */
final class EngineHeap implements HeapAccess
{
    /** Largest payload an indirect read copies with its word: larger values are fetched as before. */
    static final int MAX_INDIRECT_LENGTH = 16 * 1024;
    /** One per thread, shared by the nodes of a process: no thread's map keeps a closed node's buffer. */
    private static final ThreadLocal<UnsafeBuffer> INDIRECT_BUFFERS = ThreadLocal.withInitial(
        () -> new UnsafeBuffer(new byte[Long.BYTES + HEADER_LENGTH + MAX_INDIRECT_LENGTH]));

    private final int nodeId;
    private final int nodeCount;
    private final DsmConfig config;
    private final HeapSlice heap;
    private final SizeClassAllocator allocator;
    private final CopyCache cache;
    private final RemoteCopies copies;
    private final Counters counters;
    private final Transport transport;
    private final ControlProxy proxy;
    private final Placement placement;
    private final Executor completer;
    private final ErrorHandler errorHandler;
    private final AtomicLong holderIds = new AtomicLong();
    private final MutexLeases mutexLeases = new MutexLeases(this);
    private final Replication replication;

    /**
     * @param config       of the node, concluded.
     * @param heap         of the node.
     * @param allocator    of the heap.
     * @param cache        of copies of remote objects.
     * @param copyKeys     names copies in the cache.
     * @param counters     of the node.
     * @param transport    for one-sided operations on peers.
     * @param proxy        for control messages.
     * @param placement    allocation policy.
     * @param completer    runs lease hand-overs off the receiving thread.
     * @param errorHandler of the node, counting.
     * @param replication  backups and fail-over, or null with {@code jdsm.replicas=0}.
     */
    EngineHeap(
        final DsmConfig config,
        final HeapSlice heap,
        final SizeClassAllocator allocator,
        final CopyCache cache,
        final CopyKeys copyKeys,
        final Counters counters,
        final Transport transport,
        final ControlProxy proxy,
        final Placement placement,
        final Executor completer,
        final ErrorHandler errorHandler,
        final Replication replication)
    {
        this.replication = replication;
        this.nodeId = config.nodeId();
        this.nodeCount = config.nodeCount();
        this.config = config;
        this.heap = heap;
        this.allocator = allocator;
        this.cache = cache;
        this.copies = new RemoteCopies(cache, copyKeys, counters, transport, replication);
        this.counters = counters;
        this.transport = transport;
        this.proxy = proxy;
        this.placement = placement;
        this.completer = completer;
        this.errorHandler = errorHandler;
    }

    /**
     * The heap of one node built without the node: no workers, agent or lifecycle, and its transport used only
     * for what it is asked about remote addresses. For tests and jcstress states that exercise handles, borrows and
     * leases over a real heap without starting a cluster: in a node of one every allocated address is local.
     * Lease hand-overs run on the calling thread; errors go to the configuration's error handler, counted.
     *
     * @param config    of the node, concluded here.
     * @param heap      the node's heap, the one {@code transport} was made over.
     * @param transport of the node, started or not.
     * @return the heap.
     */
    static EngineHeap withoutNode(final DsmConfig config, final HeapSlice heap, final Transport transport)
    {
        config.conclude();
        final Counters counters = new Counters();
        final ErrorHandler errorHandler = (throwable) ->
        {
            counters.increment(Counters.ERRORS);
            config.errorHandler().onError(throwable);
        };
        final SizeClassAllocator allocator = new SizeClassAllocator(heap, config.maxObjectSize() + HEADER_LENGTH);
        final CopyCache cache = new CopyCache(config.cacheSize(), config.maxObjectSize() + HEADER_LENGTH, counters);
        final ControlProxy proxy = new ControlProxy(config.transport(), transport, counters);
        final Placement placement = new Placement(config, heap, allocator, counters, transport,
            new Scheduler(config.nodeId(), config.nodeCount(), transport, proxy), proxy,
            new Rejections(counters, errorHandler));

        return new EngineHeap(config, heap, allocator, cache, CopyKeys.BY_ADDRESS_AND_COLOUR, counters, transport,
            proxy, placement, Runnable::run, errorHandler, null);
    }

    public int nodeId()
    {
        return nodeId;
    }

    public int nodeCount()
    {
        return nodeCount;
    }

    public DsmConfig config()
    {
        return config;
    }

    public Counters liveCounters()
    {
        return counters;
    }

    public ReaderLeases readerLeases()
    {
        return cache.leases();
    }

    public boolean isLocal(final long address)
    {
        return GlobalAddress.nodeId(address) == nodeId && GlobalAddress.NULL != address;
    }

    public HandleContext handleContext(final Object borrow)
    {
        return new EngineHandleContext(this, borrow);
    }

    public int localLength(final long address)
    {
        final int length = allocator.liveLength(GlobalAddress.offset(address), GlobalAddress.colour(address));
        if (length < 0)
        {
            throw invalidAddress(address, length);
        }

        return length;
    }

    public UnsafeBuffer localSegment(final long address)
    {
        return heap.segment(GlobalAddress.offset(address));
    }

    public int indexInSegment(final long address, final int payloadOffset)
    {
        return heap.indexInSegment(GlobalAddress.offset(address) + HEADER_LENGTH + payloadOffset);
    }

    public UnsafeBuffer directWordSegment(final long address)
    {
        return null == replication && isLocal(address) ? localSegment(address) : null;
    }

    public void wrapPayload(final UnsafeBuffer view, final long address, final int length)
    {
        heap.wrap(view, GlobalAddress.offset(address) + HEADER_LENGTH, length);
    }

    public void wrapPayload(final UnsafeBuffer view, final long address, final int payloadOffset, final int length)
    {
        heap.wrap(view, GlobalAddress.offset(address) + HEADER_LENGTH + payloadOffset, length);
    }

    public CacheEntry pinCopy(final long address, final int lengthHint)
    {
        return copies.pin(address, lengthHint);
    }

    public void dropCopy(final CacheEntry entry)
    {
        copies.drop(entry);
    }

    // a local object gets colour + 1 (moved within the heap when its colour would overflow), a remote one moves here
    // and its old block is freed at its home asynchronously
    public long acquireExclusive(final long address, final int lengthHint)
    {
        // its header is mirrored at the release only: a node that may not publish is refused before it starts
        checkCanPublish();
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
        final int length = lengthHint >= 0 ? lengthHint : copies.remoteLength(address);
        final long offset = placement.allocateLocal(length, "move here for write()", address);
        final long localHeader = heap.getLongAcquire(offset);
        try
        {
            // the remote header lands on the new block's header and is checked, then the block's own is restored
            copies.fetch(address, length, heap.segment(offset), heap.indexInSegment(offset));
        }
        catch (final RuntimeException ex)
        {
            heap.putLongRelease(offset, localHeader);
            allocator.free(offset, BlockDescriptor.colour(localHeader));
            throw ex;
        }
        heap.putLongRelease(offset, localHeader);
        if (null != replication)
        {
            // the object's only current copy is now here: its backups get it before its old block is freed
            replication.mirrorOwnBlock(offset);
        }

        sendFree(address);
        counters.increment(Counters.OBJECTS_MOVED_IN);
        counters.add(Counters.BYTES_MOVED_IN, length);

        return GlobalAddress.compose(BlockDescriptor.colour(localHeader), nodeId, offset);
    }

    private long relocateLocal(final long address)
    {
        final long oldOffset = GlobalAddress.offset(address);
        final int length = localLength(address);
        final long offset = placement.allocateLocal(length, "relocate on colour overflow", address);
        heap.segment(offset).putBytes(
            heap.indexInSegment(offset) + HEADER_LENGTH,
            heap.segment(oldOffset),
            heap.indexInSegment(oldOffset) + HEADER_LENGTH,
            length);
        if (null != replication)
        {
            replication.mirrorOwnBlock(offset);
        }
        allocator.free(oldOffset, GlobalAddress.colour(address));
        final long header = heap.getLongAcquire(offset);

        return GlobalAddress.compose(BlockDescriptor.colour(header), nodeId, offset);
    }

    // in place when it fits its block, else in a new local block; the payload must then be rewritten whole
    public long resizeLocal(final long address, final int newLength)
    {
        placement.checkObjectSize(newLength);
        final long offset = GlobalAddress.offset(address);
        final long header = heap.getLongAcquire(offset);
        if (BlockDescriptor.length(header) == newLength)
        {
            return address;
        }

        if (newLength <= allocator.payloadCapacity(BlockDescriptor.sizeClass(header)))
        {
            // under the exclusive borrow: the new length reaches the backups with the block at its release
            heap.putLongRelease(offset, BlockDescriptor.withLength(header, newLength));
            return address;
        }

        final long newOffset = placement.allocateLocal(newLength, "grow", address);
        allocator.free(offset, GlobalAddress.colour(address));
        final long newHeader = heap.getLongAcquire(newOffset);

        return GlobalAddress.compose(BlockDescriptor.colour(newHeader), nodeId, newOffset);
    }

    /**
     * @return bytes of this node's heap not held by live blocks.
     */
    long freeBytes()
    {
        return placement.freeBytes();
    }

    public long allocate(final int length)
    {
        checkCanPublish();
        return placement.allocate(length);
    }

    // a local block's header is mirrored with its first write, not at the allocation: a node that may not publish
    // (cut off from a majority) is refused before it allocates, as it was when the allocation mirrored the header
    private void checkCanPublish()
    {
        if (null != replication)
        {
            replication.checkCanServeWrites();
        }
    }

    public <T> BoxHandle<T> newBox(final int placementNodeId, final Codec<T> codec, final T value)
    {
        checkCanPublish();
        final int length = codec.encodedLength(value);
        final long address = placementNodeId < 0 ?
            placement.allocate(length) : placement.allocateOn(placementNodeId, length);
        writeInitial(address, length, codec, value);
        return new BoxHandle<>(this, codec, address, length);
    }

    public <T> void writeInitial(final long address, final int length, final Codec<T> codec, final T value)
    {
        if (isLocal(address))
        {
            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            wrapPayload(view, address, length);
            codec.encode(value, view, 0, handleContext(null));
            if (null != replication)
            {
                // a new block: its header (not mirrored at the allocation) and its payload, in one range
                replication.mirrorOwn(GlobalAddress.offset(address), HEADER_LENGTH + length);
            }
        }
        else
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Math.max(length, 1)]);
            codec.encode(value, buffer, 0, handleContext(null));
            writePayload(address, 0, buffer, 0, length);
        }
    }

    public void free(final long address)
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
            sendFree(address);
        }
    }

    // a free of an object whose node is dead is deferred: the taken-over slice's free lists are not replicated
    private void sendFree(final long address)
    {
        final int home = GlobalAddress.nodeId(address);
        if (null == replication)
        {
            proxy.send(home, FREE_TYPE, 0, address);
            return;
        }
        if (!replication.checkDead(home))
        {
            try
            {
                proxy.send(home, FREE_TYPE, 0, address);
                return;
            }
            catch (final NodeUnavailableException ex)
            {
                replication.onUnavailable(home, ex);
            }
        }
        replication.deferFree();
    }

    /**
     * Publish a local object's bytes, header and payload, to the backups of this node's slice: at the release of an
     * exclusive borrow, before the release makes the written value visible. Nothing with {@code jdsm.replicas=0}.
     *
     * @param address of the object.
     */
    public void publish(final long address)
    {
        if (null != replication && isLocal(address))
        {
            replication.mirrorOwnBlock(GlobalAddress.offset(address));
        }
    }

    public void publish(final long address, final int payloadOffset, final int length)
    {
        if (null != replication && isLocal(address))
        {
            replication.mirrorOwn(GlobalAddress.offset(address) + HEADER_LENGTH + payloadOffset, length);
        }
    }

    /**
     * Free a local object a peer asked to free; never throws.
     *
     * @param address of a local object.
     * @return null, or why the free was refused.
     */
    String freeForPeer(final long address)
    {
        final int status = allocator.free(GlobalAddress.offset(address), GlobalAddress.colour(address));
        if (SizeClassAllocator.FREED != status)
        {
            return invalidAddress(address, status).getMessage();
        }
        counters.increment(Counters.FREES);

        return null;
    }

    public long fetchAdd(final long address, final int payloadOffset, final long delta)
    {
        if (null == replication)
        {
            return fetchAddWord(address, payloadOffset, delta); // the word is the count: its position stays 0
        }

        return CountWord.count(fetchAddWord(address, payloadOffset, delta));
    }

    public long atomicRead(final long address, final int payloadOffset)
    {
        if (null == replication && isLocal(address))
        {
            // pairs with the volatile CAS and fetch-add on the word, local (HeapSlice) or by a peer's one-sided
            // operation served from this heap: all in one synchronization order
            return heap.getLongVolatile(GlobalAddress.offset(address) + HEADER_LENGTH + payloadOffset);
        }

        return fetchAddWord(address, payloadOffset, 0);
    }

    // the whole word: with backups, a count word's position bits too (CountWord)
    private long fetchAddWord(final long address, final int payloadOffset, final long delta)
    {
        final long offset = GlobalAddress.offset(address) + HEADER_LENGTH + payloadOffset;
        if (isLocal(address))
        {
            // with backups, the change and its mirrors are admitted at the own slice's gate together
            return null == replication ? heap.getAndAddLong(offset, delta) : replication.fetchAddOwn(offset, delta);
        }

        counters.increment(Counters.REMOTE_FETCH_ADDS);
        return null == replication ?
            transport.fetchAdd(GlobalAddress.nodeId(address), offset, delta) :
            replication.fetchAdd(GlobalAddress.nodeId(address), offset, delta);
    }

    public int maxIndirectLength()
    {
        return null == replication ? MAX_INDIRECT_LENGTH : 0;
    }

    public UnsafeBuffer indirectBuffer()
    {
        return INDIRECT_BUFFERS.get();
    }

    public boolean readIndirect(
        final long address, final int payloadOffset, final long expected, final UnsafeBuffer dst, final int length)
    {
        counters.increment(Counters.REMOTE_READS);
        return transport.readIndirect(GlobalAddress.nodeId(address),
            GlobalAddress.offset(address) + HEADER_LENGTH + payloadOffset, expected, dst, 0, HEADER_LENGTH + length);
    }

    public long compareAndSwap(final long address, final int payloadOffset, final long expected, final long update)
    {
        final long offset = GlobalAddress.offset(address) + HEADER_LENGTH + payloadOffset;
        if (isLocal(address))
        {
            return null == replication ? heap.compareAndSwapLong(offset, expected, update) :
                replication.compareAndSwapOwn(offset, expected, update);
        }

        counters.increment(Counters.REMOTE_COMPARE_AND_SWAPS);
        return null == replication ?
            transport.compareAndSwap(GlobalAddress.nodeId(address), offset, expected, update) :
            replication.compareAndSwap(GlobalAddress.nodeId(address), offset, expected, update);
    }

    public void readPayload(
        final long address, final int payloadOffset, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        final long offset = GlobalAddress.offset(address) + HEADER_LENGTH + payloadOffset;
        if (isLocal(address))
        {
            heap.getBytes(offset, dst, dstOffset, length);
        }
        else
        {
            copies.read(GlobalAddress.nodeId(address), offset, dst, dstOffset, length);
        }
    }

    public boolean readBlockValidated(
        final long address, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        final long offset = GlobalAddress.offset(address);
        if (isLocal(address))
        {
            heap.getBytes(offset, dst, dstOffset, length);
            return false;
        }

        return copies.readValidated(GlobalAddress.nodeId(address), offset, dst, dstOffset, length);
    }

    public void writePayload(
        final long address, final int payloadOffset, final DirectBuffer src, final int srcOffset, final int length)
    {
        final long offset = GlobalAddress.offset(address) + HEADER_LENGTH + payloadOffset;
        if (isLocal(address))
        {
            heap.putBytes(offset, src, srcOffset, length);
            if (null != replication)
            {
                // from the start of the payload: with the header, in one range (a new block's header is not mirrored
                // at its allocation; a live block's, written again, is unchanged)
                final int fromHeader = 0 == payloadOffset ? HEADER_LENGTH : 0;
                replication.mirrorOwn(offset - fromHeader, fromHeader + length);
            }
        }
        else
        {
            counters.increment(Counters.REMOTE_WRITES);
            if (null == replication)
            {
                transport.write(GlobalAddress.nodeId(address), offset, src, srcOffset, length);
            }
            else
            {
                replication.write(GlobalAddress.nodeId(address), offset, src, srcOffset, length);
            }
        }
    }

    public long allocateOwnerCell(final long address)
    {
        checkCanPublish();
        final long offset = placement.allocateLocal(8, "allocate an owner cell", GlobalAddress.NULL);
        heap.putLongRelease(offset + HEADER_LENGTH, address);
        if (null != replication)
        {
            replication.mirrorOwn(offset, HEADER_LENGTH + 8); // the new block's header with the word
        }
        return placement.withLocalColour(offset);
    }

    public long readOwnerCell(final long cell)
    {
        return heap.getLongAcquire(GlobalAddress.offset(cell) + HEADER_LENGTH);
    }

    public void writeOwnerCell(final long cell, final long address)
    {
        if (isLocal(cell))
        {
            heap.putLongRelease(GlobalAddress.offset(cell) + HEADER_LENGTH, address);
            if (null != replication)
            {
                replication.mirrorOwn(GlobalAddress.offset(cell) + HEADER_LENGTH, 8);
            }
        }
        else
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8]);
            buffer.putLong(0, address);
            writePayload(cell, 0, buffer, 0, 8);
        }
    }

    public void freeOwnerCell(final long cell)
    {
        free(cell);
    }

    public long nextHolderId()
    {
        return ((long)(nodeId + 1) << 40) | (holderIds.incrementAndGet() & 0xFF_FFFF_FFFFL);
    }

    public CopyCache copyCache()
    {
        return cache;
    }

    public long cacheKey(final long address)
    {
        return copies.keyOf(address);
    }

    public MutexLease mutexLease(final long address, final int capacity)
    {
        return mutexLeases.lease(address, capacity);
    }

    /**
     * @return the node's mutex leases, for the control adapter to hand lease messages to.
     */
    MutexLeases mutexLeases()
    {
        return mutexLeases;
    }

    public int maxMessageLength()
    {
        return transport.maxMessageLength();
    }

    public void sendControl(final int target, final int type, final long correlationId, final long value)
    {
        proxy.send(target, type, correlationId, value);
    }

    public void sendControl(
        final int target,
        final int type,
        final long correlationId,
        final long value,
        final long bodyPrefix,
        final DirectBuffer src,
        final int srcOffset,
        final int srcLength)
    {
        proxy.send(target, type, correlationId, value, bodyPrefix, src, srcOffset, srcLength);
    }

    public void runAsync(final Runnable action)
    {
        completer.execute(action);
    }

    public void onLeaseError(final Throwable failure)
    {
        errorHandler.onError(failure);
    }

    public boolean isAvailable(final int peer)
    {
        return transport.isAvailable(peer);
    }

    public boolean isDeclaredDead(final int peer)
    {
        return null != replication && replication.checkDead(peer);
    }

    /**
     * @return the node's registered region: its own slice, then its backup slots.
     */
    HeapSlice region()
    {
        return heap;
    }

    /**
     * @return backups and fail-over of this node, or null with {@code jdsm.replicas=0}.
     */
    Replication replication()
    {
        return replication;
    }

    /**
     * Read an object, header and payload, from its home into a buffer, and check the header: see
     * {@link RemoteCopies#fetch}.
     */
    void fetch(final long address, final int length, final MutableDirectBuffer dst, final int dstOffset)
    {
        copies.fetch(address, length, dst, dstOffset);
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

    static String describe(final long address)
    {
        return "object at " + GlobalAddress.toString(address);
    }
}
