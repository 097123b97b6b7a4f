package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.NodeUnavailableException;
import org.jdsm.spi.MembershipView;
import org.jdsm.spi.Transport;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

import static org.jdsm.coherence.BlockDescriptor.HEADER_LENGTH;

/**
 * Backups of heap slices and fail-over ({@code jdsm.replicas} > 0; with 0 the engine has none of this room).
 * <p>
 * <b>Layout.</b> A node's registered heap region is {@code 1 + 2 × replicas} slots, each {@link #stride} bytes from
 * the previous: slot 0 its own slice, slots 1..replicas backup slots, slots replicas+1..2×replicas spare slots that
 * receive a slice re-replicated after a death ({@link SliceHandover}). Every holder keeps a slice byte for byte at
 * the same offsets in one of its slots, so global addresses never change.
 * <p>
 * <b>Holder table.</b> For every slice, the list of its holders as (node, slot), the serving one first: it starts as
 * the formula holder j = node (X + j) mod N at slot j, j = 0..replicas, and changes only when a hand-over installs a
 * new list ({@link #install}), the same on every node.
 * <p>
 * <b>Mirroring.</b> Every change is on every live holder of the slice before the operation that publishes it
 * completes, and the serving holder, the only one read, never shows a published state its backups lack: a home that
 * dies or is cut off from the majority after a reader saw a state cannot leave the majority, serving the slice from
 * a backup, with an older one. Per kind of change:
 * <ul>
 *   <li><b>Byte ranges written by a node other than the home</b> ({@link #write}: a value block or cell created on a
 *       peer, an owner cell, a {@code DMutex} value written back by a holder on another node) are written at the
 *       slice's last live holder first and at the serving holder last, so they show there only once every backup
 *       has them. A writer that dies half-way leaves them at a tail of the holders that nobody reads: the write is
 *       in doubt, and if the home then dies the range takes effect at the backup that takes over.</li>
 *   <li><b>Byte ranges of the own slice</b> ({@link #mirrorOwn}, {@link #mirrorOwnBlock}) are in the home's memory
 *       before they are mirrored, but not visible: nothing reads them until a later step publishes them, and every
 *       such step comes after the mirror returned. A {@code Mut}'s bytes (in place, or moved or relocated into a
 *       new block) are published by its release, the borrow state word of its handle in this JVM; a new block by
 *       handing out its address (a cell's swap, a {@code Mut}'s release that stores it, a task's result); a
 *       {@code DMutex} value by the unlock's swap of the lock word (below); an owner cell by the task's result
 *       message. A reader on another node needs the block's address with its colour, which it gets only from one
 *       of these publications, so no one-sided read reaches such bytes before their backups have them either.</li>
 *   <li><b>Block headers</b> are visible once the block's address is: an allocation for this node's own use and an
 *       exclusive borrow's colour bump are mirrored with the block's bytes, header and payload in one range (the
 *       block's first write; the release of the borrow, or the element of a vector chunk written under it), not
 *       apart, which saves a round trip per new block and per {@code Mut} of a local object; a peer's allocation
 *       request has its header mirrored before the answer ({@link SizeClassAllocator.HeaderMirror}), and a free
 *       before the block goes back to a free list (so no later allocation of it can be overtaken by the free's
 *       mirror). A block published through a dead home's backup therefore always has its header there.</li>
 *   <li><b>Words swapped by CAS</b> (a {@code DCell}'s value word, a {@code DMutex}'s lock word, owner cells): a CAS
 *       is decided at the slice's last live holder (the tail) and then applied at each holder before it down to the
 *       serving one, each waiting there for the CASes the tail decided before it (retried until it lands, so every
 *       holder applies CASes in the tail's order). A home cut off from its backups therefore cannot show a swapped
 *       word that the majority does not have.</li>
 *   <li><b>Fetch-adds</b> ({@code DArc} and {@code DMutex} counts) are decided like a CAS: added at the slice's
 *       last live holder (the tail), which returns the value before, then applied at each holder before it down to
 *       the serving one as the swap from that value to the sum, waiting there for the additions the tail decided
 *       before it. Every holder passes through the tail's sequence of sums only, never an intermediate sum of
 *       concurrent additions applied in another order, and the serving holder never shows a count its backups lack.
 *       A holder still short of the value before once a node has been declared dead or after the decision timeout
 *       (an earlier addition's writer died between the holders) catches up to the value of the nearest live holder
 *       after it. A count word keeps the position of its value in the order of the additions decided at the
 *       table's last holder ({@link CountWord}), so a holder at a later position than an addition's value before
 *       has that addition and a late writer never applies it twice; an addition whose every holder after the one it
 *       waits at died, and which that holder has not passed, is void and decided again, like one whose answer
 *       from the dead tail was lost: at the last holder of the table the hand-over installs, so every addition has
 *       a position ({@link #followFetchAdd} says what is left open). A fetch-add of 0 is a read at the serving
 *       holder. Same round trips as a serving-first addition: one per remote holder.</li>
 * </ul>
 * <p>
 * <b>Routing and the fail-over barrier.</b> Slice X is served by its first holder not declared dead
 * ({@link MembershipView}); every address the engine turns into a one-sided operation goes through {@link #read},
 * {@link #write}, {@link #compareAndSwap} and {@link #fetchAdd}, and every change to this node's own slice through
 * {@link #mirrorOwn}, {@link #fetchAddOwn} or {@link #compareAndSwapOwn}: each is admitted at the slice's
 * {@link SliceGate} first and leaves it when it completed, mirrors included. Once a holder of the slice is known dead
 * the gate is closed to new operations until the slice's hand-over ({@link SliceHandover}) has installed the new
 * holder list: a read that failed at the dead node leaves the gate and is retried at the new server only after the
 * hand-over, so a value visible at the dead node is at the new server before anyone reads there. A range write that
 * failed there is complete (the holders after it have it). A CAS or a fetch-add never fails at the home before it
 * is decided: it is decided at the last live holder, and one whose decision there is in doubt (that holder died) is
 * decided again at the holder before it, where nobody can have read it (and which cannot have it yet: holders
 * apply it only after the tail answered); a fetch-add, whose count word keeps the position of the additions decided
 * at the table's last holder ({@link CountWord}), leaves the gate instead and is decided again at the last holder of
 * the table the hand-over installs. A hand-over puts the serving holder's new copies before the live backups
 * ({@link SliceHandover}), so each holder stays at or behind every holder after it. A node's death is sticky: its
 * slice is never routed back.
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
     * How long a holder's CAS waits, while the tail that decided it lives, for the earlier CASes of the tail's order
     * to land before the holder takes the tail's value (the node of the missing one died between the tail and this
     * holder). Once the tail is dead it waits up to the peer timeout: the missing CAS may be in flight.
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
    private final AtomicReferenceArray<Holders> holders;
    private final int[] spareOwners; // guarded by itself: slice + 1 holding each spare slot, 0 when free
    private final long[] spareEpochs; // guarded by spareOwners: the latest hand-over epoch a spare was granted at
    private final boolean[] sparesGranted; // guarded by spareOwners: granted once, so it may hold an old copy's bytes
    private final AtomicLong sparesGivenBack = new AtomicLong();
    private final SliceGate gate;
    private final IntFunction<NodeUnavailableException> gateTimeout = this::gateTimedOut;
    private final AtomicLong mirrorOperations = new AtomicLong();
    private final AtomicLong mirrorBytes = new AtomicLong();
    private final AtomicLong takenOverOperations = new AtomicLong();
    private final AtomicLong deferredFrees = new AtomicLong();
    private volatile SliceHandover handover;

    /**
     * @param nodeId     of this node.
     * @param nodeCount  of the cluster.
     * @param replicas   backups of each slice, in [1, nodeCount).
     * @param stride     bytes between slots, see {@link org.jdsm.DsmConfig#slotStride(long, long)}.
     * @param heap       this node's region: own slice, backup slots and spare slots.
     * @param transport  for one-sided operations on holders.
     * @param membership decides which nodes are dead.
     * @param decisionTimeoutNs how long a failed operation waits for the membership to declare its target dead
     *                          (the peer timeout: a dead node is declared within it) before the failure stands,
     *                          or the membership's {@link MembershipView#decisionTimeoutNs()} if longer.
     * @param gateTimeoutNs     how long a new operation on a slice being handed over waits for the hand-over
     *                          (the operation timeout) before it fails.
     */
    Replication(
        final int nodeId,
        final int nodeCount,
        final int replicas,
        final long stride,
        final HeapSlice heap,
        final Transport transport,
        final MembershipView membership,
        final long decisionTimeoutNs,
        final long gateTimeoutNs)
    {
        if (replicas < 1 || replicas >= nodeCount)
        {
            throw new IllegalArgumentException("replicas=" + replicas + " not in [1, nodeCount=" + nodeCount + ")");
        }
        if (heap.capacity() < stride * org.jdsm.DsmConfig.regionSlots(replicas))
        {
            throw new IllegalArgumentException("heap capacity=" + heap.capacity() + " < stride=" + stride +
                " * (1 + 2 * replicas=" + replicas + "): own slice, backup slots and spare slots");
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
        this.holders = new AtomicReferenceArray<>(nodeCount);
        for (int slice = 0; slice < nodeCount; slice++)
        {
            holders.set(slice, Holders.initial(slice, replicas, nodeCount));
        }
        this.spareOwners = new int[replicas];
        this.spareEpochs = new long[replicas];
        this.sparesGranted = new boolean[replicas];
        this.gate = new SliceGate(nodeCount, gateTimeoutNs);
    }

    /**
     * @param slice     a node's id, whose slice is held.
     * @param holder    j in [0, replicas]: 0 is the slice's own node.
     * @param nodeCount of the cluster.
     * @return the node holding the slice as holder j in the initial holder table.
     */
    static int holderNode(final int slice, final int holder, final int nodeCount)
    {
        return (slice + holder) % nodeCount;
    }

    /**
     * @param node      holding a backup slot.
     * @param slot      k in [0, replicas).
     * @param nodeCount of the cluster.
     * @return the slice backup slot k of the node holds in the initial holder table: (node − k − 1) mod N.
     */
    static int sliceInSlot(final int node, final int slot, final int nodeCount)
    {
        return Math.floorMod(node - slot - 1, nodeCount);
    }

    /**
     * Attach the hand-over room: from then on, learning of a holder's death closes the gates of its slices until
     * their hand-over. Called once by the node, before it starts.
     *
     * @param handover of this node.
     */
    void handover(final SliceHandover handover)
    {
        this.handover = handover;
    }

    /**
     * @return the hand-over room of this node, or null if none was attached (tests of this room alone).
     */
    SliceHandover handover()
    {
        return handover;
    }

    /**
     * @param slot index of a slot in a region: 0 own slice, 1..replicas backups, then spares.
     * @return where the slot starts in the region.
     */
    long base(final int slot)
    {
        return slot * stride;
    }

    /**
     * @return bytes between slots.
     */
    long stride()
    {
        return stride;
    }

    /**
     * @return backups of each slice.
     */
    int replicas()
    {
        return replicas;
    }

    /**
     * @return this node's id.
     */
    int nodeId()
    {
        return nodeId;
    }

    /**
     * @return nodes of the cluster.
     */
    int nodeCount()
    {
        return nodeCount;
    }

    /**
     * @return this node's region.
     */
    HeapSlice region()
    {
        return heap;
    }

    /**
     * @return the gate of this node's slices.
     */
    SliceGate gate()
    {
        return gate;
    }

    /**
     * @param slice a node's id.
     * @return its holders now, the serving one first.
     */
    Holders holders(final int slice)
    {
        return holders.get(slice);
    }

    /**
     * Install a slice's holder list from a hand-over. Called by {@link SliceHandover} only.
     *
     * @param slice   a node's id.
     * @param current the new list.
     */
    void install(final int slice, final Holders current)
    {
        holders.set(slice, current);
    }

    /**
     * @param node a peer.
     * @return true if this node has declared the node dead.
     */
    boolean isDead(final int node)
    {
        return node != nodeId && 0 != dead.get(node);
    }

    /**
     * @param slice a node's id.
     * @return the index in the slice's holder list of the holder now serving it.
     * @throws NodeUnavailableException if all the slice's holders are dead.
     */
    int servingHolder(final int slice)
    {
        return servingIndex(slice, holders.get(slice));
    }

    private int servingIndex(final int slice, final Holders current)
    {
        for (int j = 0; j < current.nodes.length; j++)
        {
            final int node = current.nodes[j];
            if (node == nodeId || 0 == dead.get(node))
            {
                return j;
            }
        }

        throw new NodeUnavailableException(slice, "slice " + slice + ": all its holders " +
            Arrays.toString(current.nodes) + " are dead: its objects are lost");
    }

    /**
     * @param slice a node's id.
     * @return the node now serving the slice.
     */
    int servingNode(final int slice)
    {
        final Holders current = holders.get(slice);
        return current.nodes[servingIndex(slice, current)];
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
     * Or-ed into {@link #claimSpare}'s slot when the slot was granted before, for this slice (by a hand-over whose
     * copy did not complete) or for another one (a slot given back, {@link #giveBackSpares}): it may hold bytes of
     * that copy, so the copier copies it whole. A slot granted for the first time has never been written since the
     * region was allocated, zeroed.
     */
    static final long SPARE_CLAIMED_BEFORE = 1L << 32;

    /**
     * Claim a spare slot of this node for a slice being re-replicated here by a hand-over: the slot it already has,
     * else the first free one. Called on the receiving thread; never blocks (a monitor held briefly, shared with
     * {@link #giveBackSpares}).
     *
     * @param slice a node's id.
     * @param epoch of the hand-over that claims it: a claim for an epoch this node has installed already is stale
     *              and gets nothing (its hand-over is over; a grant now would never be named nor given back).
     * @return the slot index, or'ed with {@link #SPARE_CLAIMED_BEFORE} if the slot was granted before; or -1 when
     * every spare slot holds another slice, or the claim is stale.
     */
    long claimSpare(final int slice, final long epoch)
    {
        synchronized (spareOwners)
        {
            if (epoch <= holders.get(slice).epoch)
            {
                return -1;
            }
            int free = -1;
            for (int k = 0; k < replicas; k++)
            {
                if (spareOwners[k] == slice + 1)
                {
                    spareEpochs[k] = Math.max(spareEpochs[k], epoch);
                    return (replicas + 1 + k) | SPARE_CLAIMED_BEFORE;
                }
                if (0 == spareOwners[k] && free < 0)
                {
                    free = k;
                }
            }
            if (free < 0)
            {
                return -1;
            }
            final boolean grantedBefore = sparesGranted[free];
            spareOwners[free] = slice + 1;
            spareEpochs[free] = epoch;
            sparesGranted[free] = true;

            return (replicas + 1 + free) | (grantedBefore ? SPARE_CLAIMED_BEFORE : 0);
        }
    }

    /**
     * Give back the spare slots granted for a slice that its installed holder list does not name: called by
     * {@link SliceHandover} right after it installed the list (so a claim of the same epoch either came first and is
     * given back here, or comes after and is refused as stale by {@link #claimSpare}).
     * <p>
     * A spare slot granted at epoch g is free for good once this node installed an epoch &ge; g that does not name
     * it: holder lists change only by hand-overs, which keep every live holder, so a slot missing from the list of
     * the epoch it was granted for is never named later (a claim at a later epoch gets a slot anew); no routed
     * operation ever targeted it (only holders named in an installed list are read, written or mirrored to; the
     * fence drained every live node's operations on the slice before that list was installed); and the only writes
     * it ever received were the copies of a coordinator of epoch g that got its grant, which ended before that
     * coordinator installed the list (its copy failed, or its claim timed out and the grant came late) or ended with
     * its death (a successor ran the epoch again and chose another node). That takes the fence's own assumption: a
     * one-sided operation that returned or failed does not land later. The next grant of the slot says
     * {@link #SPARE_CLAIMED_BEFORE}, so its copier copies it whole over whatever that earlier copy left.
     * <p>
     * With today's hand-over only such grants are ever given back: a slot that a list names stays named while its
     * node lives (a hand-over drops dead holders only), backup slots included, and a dead node's slots are gone with
     * it.
     *
     * @param slice     a node's id.
     * @param installed its holder list just installed here.
     * @return spare slots given back.
     */
    int giveBackSpares(final int slice, final Holders installed)
    {
        final int index = installed.indexOf(nodeId);
        final int namedSlot = index < 0 ? -1 : installed.slots[index];
        int givenBack = 0;
        synchronized (spareOwners)
        {
            for (int k = 0; k < replicas; k++)
            {
                if (spareOwners[k] == slice + 1 && spareEpochs[k] <= installed.epoch && namedSlot != replicas + 1 + k)
                {
                    spareOwners[k] = 0;
                    givenBack++;
                }
            }
        }
        sparesGivenBack.addAndGet(givenBack);

        return givenBack;
    }

    /**
     * @return spare slots given back so far ({@link #giveBackSpares}).
     */
    long sparesGivenBack()
    {
        return sparesGivenBack.get();
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
        markDead(node);
    }

    /**
     * Declare a node dead here (the membership said so): route around it, and close the gates of the slices it
     * held until their hand-over.
     *
     * @param node a peer.
     */
    void markDead(final int node)
    {
        if (node != nodeId && 0 == dead.get(node))
        {
            // the gates close before the mark is seen: a thread that sees the node dead and routes around it finds
            // the slices it held closed until their hand-over, never a backup that may lack the dead home's last writes
            final SliceHandover attached = handover;
            if (null != attached)
            {
                attached.onDeath(node);
            }
            dead.compareAndSet(node, 0, 1);
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
            markDead(node);
            return true;
        }

        return false;
    }

    private NodeUnavailableException gateTimedOut(final int slice)
    {
        final SliceHandover attached = handover;
        if (null != attached && attached.isEnding())
        {
            return new NodeUnavailableException(slice, "slice " + slice + " waits for a hand-over (holders " +
                holders.get(slice) + ", dead " + deadNodes() + ") and node " + nodeId + " stops, so none will run " +
                "here: the operation was not started");
        }
        return new NodeUnavailableException(slice, "slice " + slice + " is being handed over (holders " +
            holders.get(slice) + ", dead " + deadNodes() + ") and the hand-over " +
            (null == attached ? "" : attached.describe(slice) + " ") + "did not complete within the operation " +
            "timeout: the operation was not started");
    }

    private String deadNodes()
    {
        final StringBuilder builder = new StringBuilder("[");
        for (int node = 0; node < nodeCount; node++)
        {
            if (0 != dead.get(node))
            {
                builder.append(builder.length() > 1 ? ", " : "").append(node);
            }
        }
        return builder.append(']').toString();
    }

    /**
     * A read admitted before its slice's serving holder was declared dead must not go round it to a backup while the
     * hand-over is pending: the backup may lack the dead home's last writes that a reader saw there. It waits for the
     * hand-over as a read that failed at the dead holder does.
     *
     * @return true if it waited (the caller reads the holders again), false if the read may go to {@code holder}.
     */
    private boolean awaitsHandOver(final int slice, final int holder)
    {
        if (0 == holder || !gate.isClosed(slice))
        {
            return false;
        }
        readmit(slice);
        return true;
    }

    // a read that failed at a dead server waits for the slice's hand-over, if one is pending, before its retry
    private void readmit(final int slice)
    {
        if (gate.isClosed(slice))
        {
            gate.leave(slice);
            try
            {
                gate.enter(slice, gateTimeout);
            }
            catch (final NodeUnavailableException ex)
            {
                gate.admitUnchecked(slice); // the caller leaves once, in its finally
                throw ex;
            }
        }
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
        gate.enter(slice, gateTimeout);
        try
        {
            while (true)
            {
                final Holders current = holders.get(slice);
                final int holder = servingIndex(slice, current);
                if (awaitsHandOver(slice, holder))
                {
                    continue;
                }
                final int target = current.nodes[holder];
                final long at = base(current.slots[holder]) + offset;
                if (target == nodeId)
                {
                    countTakenOver(slice);
                    heap.getBytes(at, dst, dstOffset, length);
                    return;
                }
                try
                {
                    transport.read(target, at, dst, dstOffset, length);
                    return;
                }
                catch (final NodeUnavailableException ex)
                {
                    onUnavailable(target, ex);
                    readmit(slice); // a read retries only after the hand-over
                }
            }
        }
        finally
        {
            gate.leave(slice);
        }
    }

    private void countTakenOver(final int slice)
    {
        if (slice != nodeId)
        {
            takenOverOperations.incrementAndGet();
        }
    }

    /**
     * Write bytes of a slice at every live holder, the last one first and the serving one (the only one read) last,
     * so the serving holder never shows bytes its backups lack.
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
        gate.enter(slice, gateTimeout);
        try
        {
            writeTailFirst(slice, offset, src, srcOffset, length);
        }
        finally
        {
            gate.leave(slice);
        }
    }

    /**
     * A range written at the slice's last live holder first, then at each live holder before it, the serving one
     * last: once the serving holder shows the bytes, every backup has them, so a home that dies or is cut off after
     * a reader saw them cannot leave the majority with an older range. A holder that fails and is declared dead is
     * skipped; if that was the serving holder, the holders after it have the range already (a range written twice
     * is harmless, so nothing is retried). A writer that dies half-way leaves the range at a tail of the holders
     * only: the write is in doubt and nobody has read it, since only the serving holder is read.
     */
    private void writeTailFirst(
        final int slice, final long offset, final DirectBuffer src, final int srcOffset, final int length)
    {
        while (true)
        {
            final Holders current = holders.get(slice);
            final int serving = servingIndex(slice, current);
            boolean landed = false;
            for (int j = current.nodes.length - 1; j >= serving; j--)
            {
                final int node = current.nodes[j];
                if (node != nodeId && 0 != dead.get(node))
                {
                    continue;
                }
                final long at = base(current.slots[j]) + offset;
                if (node == nodeId)
                {
                    if (j == serving)
                    {
                        countTakenOver(slice);
                    }
                    heap.putBytes(at, src, srcOffset, length);
                    landed = true;
                    continue;
                }
                if (j != serving)
                {
                    mirrorOperations.incrementAndGet();
                    mirrorBytes.addAndGet(length);
                }
                try
                {
                    transport.write(node, at, src, srcOffset, length);
                    landed = true;
                }
                catch (final NodeUnavailableException ex)
                {
                    onUnavailable(node, ex); // rethrows unless the node is declared dead: then it is skipped
                }
            }
            if (landed)
            {
                return;
            }
            // every holder failed and was declared dead: the next pass names the slice lost
        }
    }

    /**
     * Compare and swap a word of a slice: decided at its last live holder, then, if it swapped, applied at every live
     * holder before it down to the serving one, in the order the last holder decided.
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
        gate.enter(slice, gateTimeout);
        try
        {
            return compareAndSwapTailFirst(slice, offset, expected, update);
        }
        finally
        {
            gate.leave(slice);
        }
    }

    /**
     * A compare-and-swap decided at the slice's last live holder (the tail), then applied at every live holder
     * before it down to the serving one, each waiting there for the changes decided before it: so the serving
     * holder, where the slice is read, never shows a value its backups do not hold yet, and a backup that takes
     * over (or a majority that routes around a cut-off home) has every value anybody could have read.
     */
    private long compareAndSwapTailFirst(final int slice, final long offset, final long expected, final long update)
    {
        while (true)
        {
            final Holders current = holders.get(slice);
            final int serving = servingIndex(slice, current);
            final int tail = lastLiveIndex(current, serving);
            final int decider = current.nodes[tail];
            final long witness;
            try
            {
                witness = compareAndSwapAt(current, tail, serving, slice, offset, expected, update);
            }
            catch (final NodeUnavailableException ex)
            {
                onUnavailable(decider, ex);
                // declared dead: the holder before it decides. Had it decided, nobody read the value: only the
                // serving holder is read, and it follows the tail
                continue;
            }
            if (witness != expected || expected == update || tail == serving)
            {
                return witness;
            }
            if (!followCompareAndSwap(current, tail - 1, serving, offset, expected, update))
            {
                continue; // every holder that had it died before the holders left reached it: decide it again
            }

            return witness;
        }
    }

    private long compareAndSwapAt(
        final Holders current,
        final int index,
        final int serving,
        final int slice,
        final long offset,
        final long expected,
        final long update)
    {
        final int node = current.nodes[index];
        final long at = base(current.slots[index]) + offset;
        if (node == nodeId)
        {
            if (index == serving)
            {
                countTakenOver(slice);
            }
            return heap.compareAndSwapLong(at, expected, update);
        }
        if (index != serving)
        {
            mirrorOperations.incrementAndGet();
            mirrorBytes.addAndGet(8);
        }

        return transport.compareAndSwap(node, at, expected, update);
    }

    private int lastLiveIndex(final Holders current, final int serving)
    {
        for (int j = current.nodes.length - 1; j > serving; j--)
        {
            final int node = current.nodes[j];
            if (node == nodeId || 0 == dead.get(node))
            {
                return j;
            }
        }

        return serving;
    }

    // apply a swap the tail decided at holders from..down to serving, in the tail's order: a holder that has not
    // seen the swap before ours yet waits for it (its node applies it soon, or died between its holders). After a
    // patience it catches up to the value of the nearest live holder after it, which has our swap and every swap
    // decided before it. Until 2026-12-07 it took our swap's value instead, so a writer that was only late, whose
    // follower came after ours, put its own older value back over ours. When the tail died and no holder after this
    // one lives, the swap is on no live holder and nobody read it (the serving holder is read, and it is reached
    // last): it is void, and false tells the caller to decide it again at the holders left, as followFetchAdd does.
    // Waiting instead held the operation at the slice's gate, so the hand-over its death started could not drain
    // the slice until the decision timeout, and every operation waiting at that gate timed out first.
    private boolean followCompareAndSwap(
        final Holders current,
        final int from,
        final int serving,
        final long offset,
        final long expected,
        final long update)
    {
        for (int j = from; j >= serving; j--)
        {
            final int node = current.nodes[j];
            if (node != nodeId && 0 != dead.get(node))
            {
                continue;
            }
            final long at = base(current.slots[j]) + offset;
            try
            {
                final long deadline = System.nanoTime() + MIRROR_CAS_PATIENCE_NS;
                while (true)
                {
                    final long witness;
                    if (node == nodeId)
                    {
                        witness = heap.compareAndSwapLong(at, expected, update);
                    }
                    else
                    {
                        if (j != serving)
                        {
                            mirrorOperations.incrementAndGet();
                            mirrorBytes.addAndGet(8);
                        }
                        witness = transport.compareAndSwap(node, at, expected, update);
                    }
                    if (witness == expected)
                    {
                        break;
                    }
                    if (System.nanoTime() - deadline > 0)
                    {
                        if (noLiveHolderAfter(current, j))
                        {
                            return false;
                        }
                        if (catchUp(current, j, serving, offset, witness))
                        {
                            break;
                        }
                    }
                    Thread.onSpinWait();
                }
            }
            catch (final NodeUnavailableException ex)
            {
                // the swap is decided at the tail: a holder declared dead is skipped, one that is not fails the
                // operation, whose outcome is then unknown to the caller (it took effect at the tail)
                onUnavailable(node, ex);
            }
        }

        return true;
    }

    /**
     * Fetch-add a count word ({@link CountWord}) of a slice: decided at its last live holder (the tail), then
     * applied at every live holder before it down to the serving one as the swap from the tail's value before to the
     * value after, in the order the tail decided (see {@link #fetchAddTailFirst}). A fetch-add of 0 is a read at the
     * serving holder, of any word.
     *
     * @param slice  a node's id.
     * @param offset of an aligned word in the slice.
     * @param delta  to add to the count.
     * @return the whole word before, in the tail's order (the value the serving holder shows before the addition).
     */
    long fetchAdd(final int slice, final long offset, final long delta)
    {
        membership.checkCanServeWrites(); // a word read too, as before: a cut-off node's word reads are refused
        gate.enter(slice, gateTimeout);
        try
        {
            return 0 == delta ? readWordAtServing(slice, offset) : fetchAddTailFirst(slice, offset, delta);
        }
        finally
        {
            gate.leave(slice);
        }
    }

    // a fetch-add of 0 reads the word at the serving holder (a volatile read when it is this node)
    private long readWordAtServing(final int slice, final long offset)
    {
        while (true)
        {
            final Holders current = holders.get(slice);
            final int holder = servingIndex(slice, current);
            if (awaitsHandOver(slice, holder))
            {
                continue;
            }
            final int target = current.nodes[holder];
            final long at = base(current.slots[holder]) + offset;
            if (target == nodeId)
            {
                countTakenOver(slice);
                return heap.getLongVolatile(at);
            }
            try
            {
                return transport.fetchAdd(target, at, 0);
            }
            catch (final NodeUnavailableException ex)
            {
                onUnavailable(target, ex);
                readmit(slice); // a read retries only after the hand-over, like a range read
            }
        }
    }

    /**
     * A fetch-add decided at the slice's last live holder (the tail): {@code before = fetchAdd(tail, delta)}, the
     * word's position ({@link CountWord}) going up by one with it when the tail is the table's last holder; then the
     * swap {@code before -> after} of whole words at each live holder before it down to the serving one, each waiting
     * there for the additions the tail decided before it ({@link #followFetchAdd}). Every holder therefore passes
     * through the tail's sequence of values only, never an intermediate sum of concurrent additions applied in
     * another order, and the serving holder, where the slice is read, never shows a sum its backups lack: a home
     * that dies or is cut off after a reader saw a count cannot leave the backup that takes over with a smaller one.
     * A fetch-add whose tail failed and was declared dead is decided again: had the dead tail applied it, no live
     * holder has it (its follow had not started) and nobody read it there. While the table's last holder is dead
     * the caller leaves the slice's gate and decides it at the last holder of the table the hand-over installs, so
     * every addition moves the position; without a hand-over room it is decided at the holder before the dead one,
     * with no position. Round trips are those of the serving-first order: one per remote holder.
     */
    private long fetchAddTailFirst(final int slice, final long offset, final long delta)
    {
        while (true)
        {
            final Holders current = holders.get(slice);
            final int serving = servingIndex(slice, current);
            final int tail = lastLiveIndex(current, serving);
            // the table's last holder moves the position on (CountWord); while it is dead, an addition waits for the
            // hand-over's table, so every addition has a position. Without a hand-over room (tests of this room
            // alone) the holder before it decides, without moving the position.
            final boolean positioned = tail == current.nodes.length - 1;
            if (!positioned && null != handover)
            {
                awaitHandover(slice, current);
                continue;
            }
            final long addend = positioned ? delta + CountWord.POSITION_UNIT : delta;
            final int decider = current.nodes[tail];
            final long at = base(current.slots[tail]) + offset;
            final long before;
            if (decider == nodeId)
            {
                if (tail == serving)
                {
                    countTakenOver(slice);
                }
                before = heap.getAndAddLong(at, addend);
            }
            else
            {
                if (tail != serving)
                {
                    mirrorOperations.incrementAndGet();
                    mirrorBytes.addAndGet(8);
                }
                try
                {
                    before = transport.fetchAdd(decider, at, addend);
                }
                catch (final NodeUnavailableException ex)
                {
                    onUnavailable(decider, ex); // rethrows unless declared dead: then the holder before decides
                    continue;
                }
            }
            if (tail != serving &&
                !followFetchAdd(current, tail, serving, slice, offset, before, before + addend, positioned))
            {
                continue; // every holder that had it died before the holders left reached it: decide it again
            }

            return before;
        }
    }

    // the table's last holder is dead: leave the slice's gate, which its death closed, and come back once the
    // hand-over installed a table without it (or the gate's timeout fails the operation, not started); a death
    // marked a moment before the gate closed is waited out
    private void awaitHandover(final int slice, final Holders current)
    {
        if (gate.isClosed(slice))
        {
            readmit(slice);
        }
        else if (holders.get(slice) == current)
        {
            Thread.onSpinWait();
        }
    }

    /**
     * Apply an addition the tail decided, as the swap {@code before -> after}, at holders {@code tail - 1} down to
     * {@code serving}, in the tail's order: a holder that has not reached {@code before} yet is waiting for an
     * addition decided earlier whose writer is slow, or died between the holders.
     * <ul>
     *   <li>A slow writer's swap lands: the holder waits for it. Only once a node has been declared dead (the
     *   missing writer may be it), or after the decision timeout (its swap, had it lived, has failed by then), does
     *   it <i>catch up</i> by swapping the value it shows for the value of the nearest live holder after it, which
     *   has this addition and every earlier one.</li>
     *   <li>An addition decided at the table's last holder moves the word's position on ({@link CountWord}), and
     *   while that holder is dead nothing is decided until the hand-over's table ({@link #fetchAddTailFirst}).
     *   So a holder at a later position than this addition's value before has passed this addition: it got it by
     *   a catch-up from a holder after it, which only shows the last holder's values in its order, and no other
     *   decision moves the position. The caller is done there, whether or not a holder after it still lives.
     *   Counts go down as well as up, so without the position a writer still on its way after a catch-up could
     *   find its count before again and add twice, and a caller whose every later holder died after a catch-up
     *   copied its addition took it as void (below) and decided it again.</li>
     *   <li>When no holder after it lives any more (the tail died, and with it every holder that had this addition)
     *   and this holder is not past the addition, the addition is on no live holder, and nobody read it, since the
     *   serving holder is read and it is reached last. The addition is void: the caller decides it again at the
     *   holders left, as a caller whose answer from the dead tail was lost does ({@link #fetchAddTailFirst}).
     *   Waiting instead could last forever: such a caller's addition, decided again, is not in the dead tail's
     *   order.</li>
     * </ul>
     * What is left open: positions compare within half their 32 bits, so a writer stalled here while 2<sup>31</sup>
     * or more later additions are decided could still find its value before again after a catch-up.
     *
     * @return true once every live holder down to the serving one has the addition; false if it is void and must
     * be decided again.
     */
    private boolean followFetchAdd(
        final Holders current,
        final int tail,
        final int serving,
        final int slice,
        final long offset,
        final long before,
        final long after,
        final boolean positioned)
    {
        for (int j = tail - 1; j >= serving; j--)
        {
            final int node = current.nodes[j];
            if (node != nodeId && 0 != dead.get(node))
            {
                continue;
            }
            final long at = base(current.slots[j]) + offset;
            try
            {
                final long startNs = System.nanoTime();
                while (true)
                {
                    final long witness = compareAndSwapWordAt(node, j, serving, at, before, after);
                    if (witness == before)
                    {
                        break;
                    }
                    if (positioned && CountWord.isAfter(witness, before))
                    {
                        break; // a catch-up from a holder after j, which had this addition, passed it
                    }
                    final long waitedNs = System.nanoTime() - startNs;
                    if (waitedNs > MIRROR_CAS_PATIENCE_NS)
                    {
                        if (noLiveHolderAfter(current, j))
                        {
                            return false;
                        }
                        if ((waitedNs > decisionTimeoutNs || anyDeclaredDead()) &&
                            catchUp(current, j, serving, offset, witness))
                        {
                            break;
                        }
                    }
                    Thread.onSpinWait();
                }
            }
            catch (final NodeUnavailableException ex)
            {
                // a holder declared dead is skipped; one that is not fails the fetch-add, in doubt for the caller
                onUnavailable(node, ex);
            }
        }

        return true;
    }

    private boolean noLiveHolderAfter(final Holders current, final int j)
    {
        for (int k = j + 1; k < current.nodes.length; k++)
        {
            final int node = current.nodes[k];
            if (node == nodeId || !checkDead(node))
            {
                return false;
            }
        }

        return true;
    }

    // a node this node has marked dead: its hand-over agent polls the membership for every node once per cycle
    private boolean anyDeclaredDead()
    {
        for (int node = 0; node < nodeCount; node++)
        {
            if (0 != dead.get(node))
            {
                return true;
            }
        }

        return false;
    }

    private long compareAndSwapWordAt(
        final int node, final int index, final int serving, final long at, final long expected, final long update)
    {
        if (node == nodeId)
        {
            return heap.compareAndSwapLong(at, expected, update);
        }
        if (index != serving)
        {
            mirrorOperations.incrementAndGet();
            mirrorBytes.addAndGet(8);
        }

        return transport.compareAndSwap(node, at, expected, update);
    }

    // holder j shows `seen`, not the value before our addition or swap: swap it for the value of the nearest live
    // holder after j, which has our change; false if j changed meanwhile or no holder after j lives (the caller looks
    // again)
    private boolean catchUp(
        final Holders current, final int j, final int serving, final long offset, final long seen)
    {
        for (int k = j + 1; k < current.nodes.length; k++)
        {
            final int source = current.nodes[k];
            if (source != nodeId && checkDead(source))
            {
                continue;
            }
            final long sourceAt = base(current.slots[k]) + offset;
            final long latest;
            if (source == nodeId)
            {
                latest = heap.getLongVolatile(sourceAt);
            }
            else
            {
                try
                {
                    mirrorOperations.incrementAndGet();
                    mirrorBytes.addAndGet(8);
                    latest = transport.fetchAdd(source, sourceAt, 0);
                }
                catch (final NodeUnavailableException ex)
                {
                    onUnavailable(source, ex); // declared dead: the next holder after j is the source
                    continue;
                }
            }
            final int node = current.nodes[j];
            final long witness = compareAndSwapWordAt(node, j, serving, base(current.slots[j]) + offset, seen, latest);

            return witness == seen;
        }

        return false;
    }

    /**
     * Mirror bytes this node just changed in its own slice to the slice's live backups, admitted at the own
     * slice's gate (bytes written again are harmless, so the change itself may precede the admission).
     *
     * @param offset in the own slice.
     * @param length bytes.
     */
    void mirrorOwn(final long offset, final int length)
    {
        membership.checkCanServeWrites();
        gate.enter(nodeId, gateTimeout);
        try
        {
            mirrorWrite(holders.get(nodeId), 1, offset, heap.segment(offset), heap.indexInSegment(offset), length);
        }
        finally
        {
            gate.leave(nodeId);
        }
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
     * Compare and swap a word of this node's own slice and mirror it if it swapped, both admitted at the own
     * slice's gate (a CAS applied twice would not be harmless).
     *
     * @param offset   of the word in the own slice.
     * @param expected value.
     * @param update   value.
     * @return the value found.
     */
    long compareAndSwapOwn(final long offset, final long expected, final long update)
    {
        membership.checkCanServeWrites(); // before the change: a refused one leaves nothing behind
        gate.enter(nodeId, gateTimeout);
        try
        {
            return compareAndSwapTailFirst(nodeId, offset, expected, update);
        }
        finally
        {
            gate.leave(nodeId);
        }
    }

    /**
     * Fetch-add a count word ({@link CountWord}) of this node's own slice, admitted at the own slice's gate:
     * decided at the slice's last live backup and applied here last ({@link #fetchAddTailFirst}), so this node never
     * shows a count its backups lack. A fetch-add of 0 is a volatile read here, of any word.
     *
     * @param offset of the word in the own slice.
     * @param delta  to add to the count.
     * @return the whole word before.
     */
    long fetchAddOwn(final long offset, final long delta)
    {
        membership.checkCanServeWrites(); // before the change: a refused one leaves nothing behind
        gate.enter(nodeId, gateTimeout);
        try
        {
            return 0 == delta ? heap.getLongVolatile(offset) : fetchAddTailFirst(nodeId, offset, delta);
        }
        finally
        {
            gate.leave(nodeId);
        }
    }

    // to every live holder after the one the change was applied at (not after the one serving now: a change applied
    // at a home that died since still reaches the backup that took over)
    private void mirrorWrite(
        final Holders current,
        final int fromHolder,
        final long offset,
        final DirectBuffer src,
        final int srcOffset,
        final int length)
    {
        for (int j = fromHolder; j < current.nodes.length; j++)
        {
            final int node = current.nodes[j];
            if (0 != dead.get(node))
            {
                continue;
            }
            final long at = base(current.slots[j]) + offset;
            if (node == nodeId)
            {
                heap.putBytes(at, src, srcOffset, length);
                continue;
            }
            mirrorOperations.incrementAndGet();
            mirrorBytes.addAndGet(length);
            try
            {
                transport.write(node, at, src, srcOffset, length);
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
        // the marks themselves, set once each: a count kept beside them would lag a thread that sees a mark
        long marked = 0;
        for (int node = 0; node < dead.length(); node++)
        {
            marked += dead.get(node);
        }

        return marked;
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

    /**
     * The holders of one slice, the serving one first, each as a node and the slot of its region that keeps the
     * slice; with the epoch of the hand-over that installed the list (0 for the initial formula).
     * <p>
     * <b>Note:</b> immutable.
     */
    static final class Holders
    {
        final long epoch;
        final int[] nodes;
        final int[] slots;

        Holders(final long epoch, final int[] nodes, final int[] slots)
        {
            this.epoch = epoch;
            this.nodes = nodes;
            this.slots = slots;
        }

        static Holders initial(final int slice, final int replicas, final int nodeCount)
        {
            final int[] nodes = new int[replicas + 1];
            final int[] slots = new int[replicas + 1];
            for (int j = 0; j <= replicas; j++)
            {
                nodes[j] = holderNode(slice, j, nodeCount);
                slots[j] = j;
            }
            return new Holders(0, nodes, slots);
        }

        /**
         * @param node an id.
         * @return the node's index in the list, or -1.
         */
        int indexOf(final int node)
        {
            for (int j = 0; j < nodes.length; j++)
            {
                if (nodes[j] == node)
                {
                    return j;
                }
            }
            return -1;
        }

        /**
         * @return e.g. {@code epoch=1 [2@1, 3@3]}: node at slot, serving one first.
         */
        public String toString()
        {
            final StringBuilder builder = new StringBuilder("epoch=").append(epoch).append(" [");
            for (int j = 0; j < nodes.length; j++)
            {
                builder.append(j > 0 ? ", " : "").append(nodes[j]).append('@').append(slots[j]);
            }
            return builder.append(']').toString();
        }
    }
}
