package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.NodeUnavailableException;
import org.jdsm.spi.MembershipView;
import org.jdsm.spi.Transport;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.jdsm.coherence.BlockDescriptor.HEADER_LENGTH;

/**
 * Backups of heap slices and fail-over ({@code jdsm.replicas} > 0; with 0 the engine has none of this room).
 * <p>
 * <b>Layout.</b> A node's registered heap region is its own slice followed by {@code replicas} backup slots, each
 * {@link #stride} bytes from the previous. Slice X is held by its <i>holders</i> j = 0..replicas: holder j is node
 * (X + j) mod N and keeps the slice at base j &times; stride of its region, byte for byte at the same offsets (holder
 * 0 is X itself, base 0). So backup slot k of node Y holds slice (Y &minus; k &minus; 1) mod N, every holder is
 * reachable through the transport's one-sided read, write, CAS and fetch-add, and global addresses never change.
 * <p>
 * <b>Mirroring.</b> The node that changes a slice's bytes mirrors the change to every live holder after the serving
 * one, before the operation that published it completes: a range by a write, a CAS by a CAS with the home's old
 * value as expected (retried until it lands, so backups apply CASes in the home's order), a fetch-add by a fetch-add.
 * <p>
 * <b>Routing.</b> Slice X is served by its first holder not declared dead ({@link MembershipView}); every address the
 * engine turns into a one-sided operation goes through {@link #read}, {@link #write}, {@link #compareAndSwap} and
 * {@link #fetchAdd}, which retry at the next holder when the target is declared dead (waiting up to the peer
 * timeout for the membership to decide, after an operation failed). A node's death is sticky: its slice is never
 * routed back.
 * <p>
 * <b>Refusing writes.</b> Every write, CAS and fetch-add it routes, and every mirror of a change to this node's own
 * slice, first asks {@link MembershipView#checkCanServeWrites()}: a node the membership says may not act on its own
 * view (cut off from a majority) fails the operation with the membership's reason instead of publishing it.
 * <p>
 * <b>Note:</b> threadsafe. One per node, owned by its {@link EngineHeap}.
 */
final class Replication
{
    /**
     * How long a backup CAS waits, while the home lives, for the earlier CASes of the home's order to land before
     * the backup takes the home's value (the node of the missing one died between its CAS and its mirror). Once the
     * home is dead it waits up to the peer timeout: the missing CAS may be in flight and retried at the backup.
     */
    static final long MIRROR_CAS_PATIENCE_NS = 50_000_000L;

    private final int nodeId;
    private final int nodeCount;
    private final int replicas;
    private final long stride;
    private final HeapSlice heap;
    private final Transport transport;
    private final MembershipView membership;
    private final long decisionTimeoutNs;
    private final long awaitDecisionNs;
    private final AtomicIntegerArray dead;
    private final AtomicLong mirrorOperations = new AtomicLong();
    private final AtomicLong mirrorBytes = new AtomicLong();
    private final AtomicLong failOvers = new AtomicLong();
    private final AtomicLong takenOverOperations = new AtomicLong();
    private final AtomicLong deferredFrees = new AtomicLong();

    /**
     * @param nodeId     of this node.
     * @param nodeCount  of the cluster.
     * @param replicas   backups of each slice, in [1, nodeCount).
     * @param stride     bytes between slots, see {@link #stride(long, int)}.
     * @param heap       this node's region: own slice and backup slots.
     * @param transport  for one-sided operations on holders.
     * @param membership decides which nodes are dead.
     * @param decisionTimeoutNs how long a failed operation waits for the membership to declare its target dead
     *                          (the peer timeout: a dead node is declared within it) before the failure stands,
     *                          or the membership's {@link MembershipView#decisionTimeoutNs()} if longer.
     */
    Replication(
        final int nodeId,
        final int nodeCount,
        final int replicas,
        final long stride,
        final HeapSlice heap,
        final Transport transport,
        final MembershipView membership,
        final long decisionTimeoutNs)
    {
        if (replicas < 1 || replicas >= nodeCount)
        {
            throw new IllegalArgumentException("replicas=" + replicas + " not in [1, nodeCount=" + nodeCount + ")");
        }
        if (heap.capacity() < stride * (replicas + 1))
        {
            throw new IllegalArgumentException("heap capacity=" + heap.capacity() + " < stride=" + stride +
                " * (1 + replicas=" + replicas + ")");
        }
        this.nodeId = nodeId;
        this.nodeCount = nodeCount;
        this.replicas = replicas;
        this.stride = stride;
        this.heap = heap;
        this.transport = transport;
        this.membership = membership;
        this.decisionTimeoutNs = decisionTimeoutNs;
        this.awaitDecisionNs = Math.max(decisionTimeoutNs, membership.decisionTimeoutNs());
        this.dead = new AtomicIntegerArray(nodeCount);
    }

    /**
     * Bytes between the slots of a region: the slice rounded up so no block of a slot crosses a segment of the
     * region (a power of two up to a segment, else whole segments).
     *
     * @param sliceLength bytes of a node's own slice, a multiple of 8.
     * @param segmentLength of the region, a power of two.
     * @return the stride.
     */
    static long stride(final long sliceLength, final long segmentLength)
    {
        if (sliceLength <= segmentLength)
        {
            return nextPowerOfTwo(sliceLength);
        }

        return (sliceLength + segmentLength - 1) / segmentLength * segmentLength;
    }

    private static long nextPowerOfTwo(final long value)
    {
        return Long.bitCount(value) == 1 ? value : Long.highestOneBit(value) << 1;
    }

    /**
     * @param slice     a node's id, whose slice is held.
     * @param holder    j in [0, replicas]: 0 is the slice's own node.
     * @param nodeCount of the cluster.
     * @return the node holding the slice as holder j.
     */
    static int holderNode(final int slice, final int holder, final int nodeCount)
    {
        return (slice + holder) % nodeCount;
    }

    /**
     * @param node      holding a backup slot.
     * @param slot      k in [0, replicas).
     * @param nodeCount of the cluster.
     * @return the slice backup slot k of the node holds: (node − k − 1) mod N.
     */
    static int sliceInSlot(final int node, final int slot, final int nodeCount)
    {
        return Math.floorMod(node - slot - 1, nodeCount);
    }

    /**
     * @param holder j in [0, replicas].
     * @return where holder j keeps the slice in its region.
     */
    long base(final int holder)
    {
        return holder * stride;
    }

    /**
     * @return bytes between slots.
     */
    long stride()
    {
        return stride;
    }

    /**
     * @param slice a node's id.
     * @return the holder index j now serving the slice.
     * @throws NodeUnavailableException if the slice's node and all its backups are dead.
     */
    int servingHolder(final int slice)
    {
        for (int j = 0; j <= replicas; j++)
        {
            final int node = holderNode(slice, j, nodeCount);
            if (node == nodeId || 0 == dead.get(node))
            {
                return j;
            }
        }

        throw new NodeUnavailableException(slice, "node " + slice + " and its " + replicas +
            " backup(s) are dead: its objects are lost");
    }

    /**
     * @param slice a node's id.
     * @return the node now serving the slice.
     */
    int servingNode(final int slice)
    {
        return holderNode(slice, servingHolder(slice), nodeCount);
    }

    /**
     * @param slice a node's id.
     * @return true if another node took the slice over from its dead node.
     */
    boolean isTakenOver(final int slice)
    {
        return slice != nodeId && 0 != dead.get(slice);
    }

    /**
     * A free of an object of a taken-over slice: the allocator's free lists are not replicated, so the block is
     * left as it is and counted; the slice serves existing objects and new ones go to live slices.
     */
    void deferFree()
    {
        deferredFrees.incrementAndGet();
    }

    /**
     * An operation on a node failed as unavailable: if the membership declares it dead, route around it from now
     * on; else the failure stands.
     *
     * @param node    that failed.
     * @param failure to rethrow if the node is not declared dead.
     */
    void onUnavailable(final int node, final NodeUnavailableException failure)
    {
        if (!awaitDeclaredDead(node))
        {
            throw failure;
        }
        if (dead.compareAndSet(node, 0, 1))
        {
            failOvers.incrementAndGet();
        }
    }

    // an operation can fail (a timeout, a lost connection) a little before the membership decides: wait for it
    private boolean awaitDeclaredDead(final int node)
    {
        if (0 != dead.get(node) || membership.isDeclaredDead(node))
        {
            return true;
        }
        final long deadlineNs = System.nanoTime() + awaitDecisionNs;
        while (System.nanoTime() - deadlineNs < 0)
        {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
            if (membership.isDeclaredDead(node))
            {
                return true;
            }
        }

        return false;
    }

    /**
     * Whether a node was declared dead, asking the membership if it has not been yet: for a check before a message.
     *
     * @param node a peer.
     * @return true if the node is dead.
     */
    boolean checkDead(final int node)
    {
        if (node == nodeId)
        {
            return false;
        }
        if (0 != dead.get(node))
        {
            return true;
        }
        if (membership.isDeclaredDead(node))
        {
            if (dead.compareAndSet(node, 0, 1))
            {
                failOvers.incrementAndGet();
            }
            return true;
        }

        return false;
    }

    /**
     * Read bytes of a slice from its serving holder.
     *
     * @param slice     a node's id.
     * @param offset    in the slice.
     * @param dst       to copy into.
     * @param dstOffset in {@code dst}.
     * @param length    bytes.
     */
    void read(final int slice, final long offset, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        while (true)
        {
            final int holder = servingHolder(slice);
            final int target = holderNode(slice, holder, nodeCount);
            if (target == nodeId)
            {
                takenOverOperations.incrementAndGet();
                heap.getBytes(base(holder) + offset, dst, dstOffset, length);
                return;
            }
            try
            {
                transport.read(target, base(holder) + offset, dst, dstOffset, length);
                return;
            }
            catch (final NodeUnavailableException ex)
            {
                onUnavailable(target, ex);
            }
        }
    }

    /**
     * Write bytes of a slice at its serving holder, then at every live holder after it.
     *
     * @param slice     a node's id.
     * @param offset    in the slice.
     * @param src       to copy from.
     * @param srcOffset in {@code src}.
     * @param length    bytes.
     */
    void write(final int slice, final long offset, final DirectBuffer src, final int srcOffset, final int length)
    {
        membership.checkCanServeWrites();
        int holder;
        while (true)
        {
            holder = servingHolder(slice);
            final int target = holderNode(slice, holder, nodeCount);
            if (target == nodeId)
            {
                takenOverOperations.incrementAndGet();
                heap.putBytes(base(holder) + offset, src, srcOffset, length);
                break;
            }
            try
            {
                transport.write(target, base(holder) + offset, src, srcOffset, length);
                break;
            }
            catch (final NodeUnavailableException ex)
            {
                onUnavailable(target, ex);
            }
        }
        mirrorWrite(slice, holder + 1, offset, src, srcOffset, length);
    }

    /**
     * Compare and swap a word of a slice at its serving holder; if it swapped, the same on every live holder after
     * it, expecting the home's old value.
     *
     * @param slice    a node's id.
     * @param offset   of an aligned word in the slice.
     * @param expected value.
     * @param update   value.
     * @return the value found at the serving holder.
     */
    long compareAndSwap(final int slice, final long offset, final long expected, final long update)
    {
        membership.checkCanServeWrites();
        long witness;
        int holder;
        while (true)
        {
            holder = servingHolder(slice);
            final int target = holderNode(slice, holder, nodeCount);
            if (target == nodeId)
            {
                takenOverOperations.incrementAndGet();
                witness = heap.compareAndSwapLong(base(holder) + offset, expected, update);
                break;
            }
            try
            {
                witness = transport.compareAndSwap(target, base(holder) + offset, expected, update);
                break;
            }
            catch (final NodeUnavailableException ex)
            {
                onUnavailable(target, ex);
            }
        }
        if (witness == expected && expected != update)
        {
            mirrorCompareAndSwap(slice, holder + 1, offset, expected, update);
        }

        return witness;
    }

    /**
     * Fetch-add a word of a slice at its serving holder, then on every live holder after it (additions commute).
     *
     * @param slice  a node's id.
     * @param offset of an aligned word in the slice.
     * @param delta  to add.
     * @return the value before, at the serving holder.
     */
    long fetchAdd(final int slice, final long offset, final long delta)
    {
        membership.checkCanServeWrites();
        long before;
        int holder;
        while (true)
        {
            holder = servingHolder(slice);
            final int target = holderNode(slice, holder, nodeCount);
            if (target == nodeId)
            {
                takenOverOperations.incrementAndGet();
                before = heap.getAndAddLong(base(holder) + offset, delta);
                break;
            }
            try
            {
                before = transport.fetchAdd(target, base(holder) + offset, delta);
                break;
            }
            catch (final NodeUnavailableException ex)
            {
                onUnavailable(target, ex);
            }
        }
        if (0 != delta)
        {
            mirrorFetchAdd(slice, holder + 1, offset, delta);
        }

        return before;
    }

    /**
     * Mirror bytes this node just changed in its own slice to the slice's live backups.
     *
     * @param offset in the own slice.
     * @param length bytes.
     */
    void mirrorOwn(final long offset, final int length)
    {
        membership.checkCanServeWrites();
        mirrorWrite(nodeId, 1, offset, heap.segment(offset), heap.indexInSegment(offset), length);
    }

    /**
     * Mirror a block, header and payload, this node just changed in its own slice.
     *
     * @param offset of the block header in the own slice.
     */
    void mirrorOwnBlock(final long offset)
    {
        mirrorOwn(offset, HEADER_LENGTH + BlockDescriptor.length(heap.getLongAcquire(offset)));
    }

    /**
     * Mirror a CAS that swapped in this node's own slice.
     *
     * @param offset   of the word in the own slice.
     * @param expected the value swapped out.
     * @param update   the value swapped in.
     */
    void mirrorOwnCompareAndSwap(final long offset, final long expected, final long update)
    {
        membership.checkCanServeWrites();
        if (expected != update)
        {
            mirrorCompareAndSwap(nodeId, 1, offset, expected, update);
        }
    }

    /**
     * Mirror a fetch-add in this node's own slice.
     *
     * @param offset of the word in the own slice.
     * @param delta  added.
     */
    void mirrorOwnFetchAdd(final long offset, final long delta)
    {
        membership.checkCanServeWrites();
        if (0 != delta)
        {
            mirrorFetchAdd(nodeId, 1, offset, delta);
        }
    }

    // to every live holder after the one the change was applied at (not after the one serving now: a change applied
    // at a home that died since still reaches the backup that took over)
    private void mirrorWrite(
        final int slice,
        final int fromHolder,
        final long offset,
        final DirectBuffer src,
        final int srcOffset,
        final int length)
    {
        for (int j = fromHolder; j <= replicas; j++)
        {
            final int node = holderNode(slice, j, nodeCount);
            if (0 != dead.get(node))
            {
                continue;
            }
            if (node == nodeId)
            {
                heap.putBytes(base(j) + offset, src, srcOffset, length);
                continue;
            }
            mirrorOperations.incrementAndGet();
            mirrorBytes.addAndGet(length);
            try
            {
                transport.write(node, base(j) + offset, src, srcOffset, length);
            }
            catch (final NodeUnavailableException ex)
            {
                onUnavailable(node, ex);
            }
        }
    }

    private void mirrorCompareAndSwap(
        final int slice, final int fromHolder, final long offset, final long expected, final long update)
    {
        for (int j = fromHolder; j <= replicas; j++)
        {
            final int node = holderNode(slice, j, nodeCount);
            if (0 != dead.get(node))
            {
                continue;
            }
            try
            {
                final long deadline = System.nanoTime() + MIRROR_CAS_PATIENCE_NS;
                while (true)
                {
                    final long witness;
                    if (node == nodeId)
                    {
                        witness = heap.compareAndSwapLong(base(j) + offset, expected, update);
                    }
                    else
                    {
                        mirrorOperations.incrementAndGet();
                        mirrorBytes.addAndGet(8);
                        witness = transport.compareAndSwap(node, base(j) + offset, expected, update);
                    }
                    if (witness == expected)
                    {
                        break;
                    }
                    // the CAS before ours in the home's order has not reached this backup yet. While the home lives,
                    // its node either mirrors it soon or died between the two: after a short patience the home has
                    // moved on from it, so the backup takes the home's value. Once the home is dead, the CAS may be
                    // one in flight when it died, which its node retries here: wait for it (far longer)
                    final long waitedNs = System.nanoTime() - deadline;
                    if (waitedNs > 0 && (!checkDead(slice) || waitedNs > decisionTimeoutNs))
                    {
                        final UnsafeBuffer word = new UnsafeBuffer(new byte[8]);
                        word.putLong(0, update);
                        if (node == nodeId)
                        {
                            heap.putBytes(base(j) + offset, word, 0, 8);
                        }
                        else
                        {
                            transport.write(node, base(j) + offset, word, 0, 8);
                        }
                        break;
                    }
                    Thread.onSpinWait();
                }
            }
            catch (final NodeUnavailableException ex)
            {
                onUnavailable(node, ex);
            }
        }
    }

    private void mirrorFetchAdd(final int slice, final int fromHolder, final long offset, final long delta)
    {
        for (int j = fromHolder; j <= replicas; j++)
        {
            final int node = holderNode(slice, j, nodeCount);
            if (0 != dead.get(node))
            {
                continue;
            }
            if (node == nodeId)
            {
                heap.getAndAddLong(base(j) + offset, delta);
                continue;
            }
            mirrorOperations.incrementAndGet();
            mirrorBytes.addAndGet(8);
            try
            {
                transport.fetchAdd(node, base(j) + offset, delta);
            }
            catch (final NodeUnavailableException ex)
            {
                onUnavailable(node, ex);
            }
        }
    }


    /**
     * Fail if the membership says this node may not serve writes now (it is cut off from a majority): for a change
     * to this node's own slice, before it is made.
     */
    void checkCanServeWrites()
    {
        membership.checkCanServeWrites();
    }

    /**
     * @return who decides which nodes are dead.
     */
    MembershipView membership()
    {
        return membership;
    }

    /**
     * @return one-sided operations sent to backups so far.
     */
    long mirrorOperations()
    {
        return mirrorOperations.get();
    }

    /**
     * @return bytes sent to backups so far.
     */
    long mirrorBytes()
    {
        return mirrorBytes.get();
    }

    /**
     * @return nodes this node has declared dead.
     */
    long failOvers()
    {
        return failOvers.get();
    }

    /**
     * @return operations this node served from a backup slot of a slice it took over.
     */
    long takenOverOperations()
    {
        return takenOverOperations.get();
    }

    /**
     * @return frees of taken-over objects left undone.
     */
    long deferredFrees()
    {
        return deferredFrees.get();
    }
}
