package org.jdsm.coherence;

import org.jdsm.DsmConfig;
import org.jdsm.DsmException;
import org.jdsm.HeapExhaustedException;
import org.jdsm.NodeUnavailableException;
import org.jdsm.ObjectSizeException;
import org.jdsm.spi.Transport;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.jdsm.coherence.ControlMessageDescriptor.ALLOC_REQUEST_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.ALLOC_RESPONSE_TYPE;

/**
 * The allocation policy of a node: where a new object's block comes from. This node's heap when it has room, else
 * the peer last reported (by {@link Scheduler}) to have the most free heap, asked with
 * {@link ControlMessageDescriptor#ALLOC_REQUEST_TYPE} and answered with
 * {@link ControlMessageDescriptor#ALLOC_RESPONSE_TYPE}; and the answering side of those requests.
 * <p>
 * <b>Note:</b> threadsafe: the allocator is; a thread allocating on a peer waits for its answer, which the
 * transport's receiving thread completes. One per node, owned by it.
 */
final class Placement
{
    private final int nodeId;
    private final int nodeCount;
    private final DsmConfig config;
    private final HeapSlice heap;
    private final SizeClassAllocator allocator;
    private final Counters counters;
    private final Transport transport;
    private final Scheduler scheduler;
    private final ControlProxy proxy;
    private final Rejections rejections;
    private final AtomicLong correlationIds = new AtomicLong();
    private final Map<Long, CompletableFuture<Long>> pendingAllocations = new ConcurrentHashMap<>();

    Placement(
        final DsmConfig config,
        final HeapSlice heap,
        final SizeClassAllocator allocator,
        final Counters counters,
        final Transport transport,
        final Scheduler scheduler,
        final ControlProxy proxy,
        final Rejections rejections)
    {
        this.nodeId = config.nodeId();
        this.nodeCount = config.nodeCount();
        this.config = config;
        this.heap = heap;
        this.allocator = allocator;
        this.counters = counters;
        this.transport = transport;
        this.scheduler = scheduler;
        this.proxy = proxy;
        this.rejections = rejections;
    }

    /**
     * @return bytes of this node's heap not held by live blocks.
     */
    long freeBytes()
    {
        return allocator.freeBytes();
    }

    /**
     * Allocate, on this node when it has room, else on the peer last reported to have the most free heap. A block of
     * this node has its header not yet mirrored: the caller's first write of it mirrors header and payload together.
     *
     * @param length of the payload.
     * @return the global address.
     */
    long allocate(final int length)
    {
        checkObjectSize(length);
        // for this node's own use: the header reaches the backups with the block's first write
        final long offset = allocator.allocateUnmirrored(length);
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
                    (best < 0 || scheduler.peerFreeBytes(peer) > scheduler.peerFreeBytes(best)))
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

    /**
     * Allocate on one node.
     *
     * @param targetNodeId node to allocate on.
     * @param length       of the payload.
     * @return the global address.
     * @throws HeapExhaustedException if the node has no free block.
     */
    long allocateOn(final int targetNodeId, final int length)
    {
        checkObjectSize(length);
        if (targetNodeId == nodeId)
        {
            return withLocalColour(allocateLocal(length, "allocate", GlobalAddress.NULL));
        }

        final long address = allocateRemote(targetNodeId, length);
        if (GlobalAddress.NULL == address)
        {
            throw new HeapExhaustedException("node " + targetNodeId + " has no free block for " + length + " bytes");
        }

        return address;
    }

    /**
     * @param offset of a local block.
     * @return its global address with its current colour.
     */
    long withLocalColour(final long offset)
    {
        return GlobalAddress.compose(BlockDescriptor.colour(heap.getLongAcquire(offset)), nodeId, offset);
    }

    /**
     * Allocate in this node's heap. The header is not yet mirrored: the caller mirrors it with the block's bytes
     * before the block is published.
     *
     * @param length  of the payload.
     * @param action  named in the exception, e.g. "grow".
     * @param address of the object the block is for, or {@link GlobalAddress#NULL}.
     * @return the block's offset.
     * @throws HeapExhaustedException if the heap has no free block.
     */
    long allocateLocal(final int length, final String action, final long address)
    {
        checkObjectSize(length);
        // for this node's own use: the header reaches the backups with the block's first write
        final long offset = allocator.allocateUnmirrored(length);
        if (SizeClassAllocator.NO_SPACE == offset)
        {
            throw new HeapExhaustedException("node " + nodeId + " heap full (" + allocator.freeBytes() +
                " bytes free, heapSize=" + heap.capacity() + "): can not " + action + " " +
                (GlobalAddress.NULL == address ? "" : EngineHeap.describe(address) + " ") + "of " + length + " bytes");
        }
        counters.increment(Counters.ALLOCATIONS);

        return offset;
    }

    /**
     * @param length of an object's payload.
     * @throws ObjectSizeException if it is negative or over {@code maxObjectSize}.
     */
    void checkObjectSize(final int length)
    {
        if (length < 0 || length > config.maxObjectSize())
        {
            throw new ObjectSizeException(
                "object of " + length + " bytes exceeds maxObjectSize=" + config.maxObjectSize());
        }
    }

    private long allocateRemote(final int peer, final int length)
    {
        final long correlationId = correlationIds.incrementAndGet();
        final CompletableFuture<Long> response = new CompletableFuture<>();
        pendingAllocations.put(correlationId, response);
        try
        {
            proxy.send(peer, ALLOC_REQUEST_TYPE, correlationId, length);
            // on the calling thread where the transport lets callers drive it: the answer is handled here, no hand-off
            if (!transport.awaitResponse(response, config.operationTimeoutNs()))
            {
                throw new NodeUnavailableException(peer, "allocation of " + length + " bytes timed out after " +
                    TimeUnit.NANOSECONDS.toMillis(config.operationTimeoutNs()) + " ms");
            }
            return response.get();
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

    /**
     * A peer asks for a block: answered with its address, or {@link GlobalAddress#NULL} when there is no room or
     * the length is out of range (also rejected).
     *
     * @param sourceNodeId  asking.
     * @param correlationId of the request.
     * @param length        of the payload.
     */
    void onAllocRequest(final int sourceNodeId, final long correlationId, final long length)
    {
        long address = GlobalAddress.NULL;
        if (length < 0 || length > config.maxObjectSize())
        {
            rejections.reject("allocation request of length=" + length + " from node " + sourceNodeId +
                " exceeds maxObjectSize=" + config.maxObjectSize());
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
        proxy.send(sourceNodeId, ALLOC_RESPONSE_TYPE, correlationId, address);
    }

    /**
     * A peer answers an allocation request.
     *
     * @param sourceNodeId  answering.
     * @param correlationId of the request.
     * @param address       allocated, or {@link GlobalAddress#NULL}.
     */
    void onAllocResponse(final int sourceNodeId, final long correlationId, final long address)
    {
        final CompletableFuture<Long> response = pendingAllocations.get(correlationId);
        if (null == response)
        {
            rejections.reject("allocation response from node " + sourceNodeId + " for unknown correlationId=" +
                correlationId);
        }
        else
        {
            response.complete(address);
        }
    }

    /**
     * Fail every allocation waiting for a peer's answer.
     *
     * @param unavailableNodeId named in the exception.
     * @param reason            named in the exception.
     */
    void failPending(final int unavailableNodeId, final String reason)
    {
        for (final CompletableFuture<Long> response : pendingAllocations.values())
        {
            response.completeExceptionally(new NodeUnavailableException(unavailableNodeId, reason));
        }
    }
}
