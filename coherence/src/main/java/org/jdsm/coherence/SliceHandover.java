package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.DsmConfig;
import org.jdsm.DsmException;
import org.jdsm.NodeUnavailableException;
import org.jdsm.spi.MembershipView;
import org.jdsm.spi.Transport;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.jdsm.coherence.ControlMessageDescriptor.BODY_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.HANDED_OVER_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.HANDOVER_FENCE_ACK_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.HANDOVER_FENCE_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.HOLDER_LENGTH;
import static org.jdsm.coherence.ControlMessageDescriptor.HOLDERS_COUNT_LENGTH;
import static org.jdsm.coherence.ControlMessageDescriptor.SPARE_CLAIM_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.SPARE_GRANT_TYPE;

/**
 * The slice hand-over ({@code jdsm.replicas} &gt; 0): the fail-over barrier and re-replication after a death.
 * <p>
 * <b>Protocol.</b> When a node is declared dead ({@link MembershipView}), every slice it held (its own, and those
 * it backed up) is handed over by the slice's first live holder in the holder table (every node computes the same
 * one), at epoch = the installed list's epoch + 1:
 * <ol>
 *     <li>it sends {@code HANDOVER_FENCE(slice, epoch)} to every live node; each closes the slice's
 *     {@link SliceGate} to new operations (it already did if it learned of the death on its own), waits until its
 *     admitted operations on the slice, mirrors included, have drained, and answers {@code HANDOVER_FENCE_ACK};</li>
 *     <li>once every live node has answered (one declared dead meanwhile is not waited for) and its own operations
 *     have drained, no write to the slice is in flight anywhere: it copies the slice's {@code stride} bytes from its
 *     own slot into a spare slot of a live node that does not hold the slice yet (claimed with
 *     {@code SPARE_CLAIM}/{@code SPARE_GRANT}), for every copy the slice lost, as long as spare slots remain, in
 *     chunks of {@link #COPY_CHUNK_LENGTH}, leaving out the chunks that are zero when the slot was never written (a
 *     slice is carved from its start, so the copy costs about the bytes it used);</li>
 *     <li>it installs the new holder list (itself first, serving; then the new copies; then the live backups, which
 *     may be ahead of it by changes decided at the last holder; the dead node out) and sends
 *     {@code HANDED_OVER(slice, epoch, holders)} to every live node, which installs it and opens the gate.</li>
 * </ol>
 * If the coordinator dies during the hand-over, the next live holder runs it again at the same epoch (nodes already
 * fenced acknowledge again, to it). A node that already installed that epoch answers a fence with its
 * {@code HANDED_OVER}, so a coordinator that missed it catches up. Messages that are malformed, stale or from a node
 * that may not send them are refused with the reason ({@link #onMessage}), counted by the control adapter.
 * <p>
 * <b>Spare slots given back.</b> A spare slot a node granted for a slice at an epoch whose installed holder list
 * does not name it (the grant reached the coordinator after its claim timed out, the copy into it failed, or the
 * coordinator died and its successor chose another node) is given back when the list is installed
 * ({@link Replication#giveBackSpares}) and granted later, to any slice, as claimed before (copied whole). No other
 * slot ever becomes free: a hand-over drops only dead holders, so a live node's backup or spare slot stays named
 * while it lives, and a dead node's slots are gone with it. A grant outstanding when the slice's last live holder
 * dies stays taken: the granting node cannot tell a lost slice from a holder list naming it that it has not received
 * yet. Running out of spare slots after several deaths is therefore mostly a matter of capacity: slot 0 keeps its
 * node's own slice only, so the other 2R slots of the N - d live nodes cannot keep R + 1 copies of all N slices
 * once 2R (N - d) &lt; R N + d, e.g. R = 1 on 5 nodes at the second death (6 slots for 7 copies).
 * <p>
 * <b>Duty cycle.</b> As an {@link Agent} on a thread of its own: polls the membership for deaths, acknowledges
 * drained fences, and drives the hand-overs this node coordinates (the copy is the only blocking step). Messages
 * arrive on the transport's receiving thread and only change state.
 * <p>
 * <b>Note:</b> threadsafe: state changes under this object's monitor, held briefly and never while copying or
 * waiting; messages are sent outside it. One per node with replicas, owned by its {@link Node}, which stops it
 * ({@link #close()}) before it closes.
 */
final class SliceHandover implements Agent
{
    /** Bytes copied per one-sided write when a slice is re-replicated. */
    static final int COPY_CHUNK_LENGTH = 64 * 1024;
    private static final long NO_CLAIM = Long.MIN_VALUE;
    private static final int NOBODY = -1;

    private final int nodeId;
    private final int nodeCount;
    private final int replicas;
    private final Replication replication;
    private final SliceGate gate;
    private final MembershipView membership;
    private final Transport transport;
    private final ControlProxy proxy;
    private final ErrorHandler errorHandler;
    private final long claimTimeoutNs;
    private final BooleanSupplier isStopping;
    private volatile boolean isClosed;

    // guarded by this
    private final long[] fenceEpoch;
    private final int[] fenceFrom;
    private final long[] ackedEpoch;
    private final int[] ackedTo;
    private final long[] runningEpoch;
    private final long[] runningSinceNs;
    private final boolean[][] acked;
    private final int[] claimFrom;
    private final long[] claimSlot; // the grant: a slot, maybe or'ed with Replication.SPARE_CLAIMED_BEFORE, or -1
    private final boolean[] underReplicationLogged;
    private final String[] completing; // what complete() is doing for a slice, for describe(); null when not in it

    private final AtomicLong handOvers = new AtomicLong();
    private final AtomicLong handOverNanos = new AtomicLong();
    private final AtomicLong maxHandOverNanos = new AtomicLong();
    private final AtomicLong messagesSent = new AtomicLong();
    private final AtomicLong fencesReceived = new AtomicLong();
    private final AtomicLong slicesReReplicated = new AtomicLong();
    private final AtomicLong bytesCopied = new AtomicLong();
    private final AtomicLong bytesNotCopied = new AtomicLong();
    private final AtomicLong underReplicated = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    /**
     * @param replication    of this node: holder table, gates, spare slots.
     * @param membership     decides which nodes are dead.
     * @param transport      for the one-sided copies of re-replication.
     * @param proxy          sends the hand-over messages.
     * @param errorHandler   of the node, counting: a slice left with fewer copies is reported once through it.
     * @param claimTimeoutNs how long a coordinator waits for a spare slot's grant (the operation timeout).
     * @param isStopping     true once the program ended and nodes leave: no hand-over is started then.
     */
    SliceHandover(
        final Replication replication,
        final MembershipView membership,
        final Transport transport,
        final ControlProxy proxy,
        final ErrorHandler errorHandler,
        final long claimTimeoutNs,
        final BooleanSupplier isStopping)
    {
        this.isStopping = isStopping;
        this.nodeId = replication.nodeId();
        this.nodeCount = replication.nodeCount();
        this.replicas = replication.replicas();
        this.replication = replication;
        this.gate = replication.gate();
        this.membership = membership;
        this.transport = transport;
        this.proxy = proxy;
        this.errorHandler = errorHandler;
        this.claimTimeoutNs = claimTimeoutNs;
        this.fenceEpoch = new long[nodeCount];
        this.fenceFrom = new int[nodeCount];
        this.ackedEpoch = new long[nodeCount];
        this.ackedTo = new int[nodeCount];
        this.runningEpoch = new long[nodeCount];
        this.runningSinceNs = new long[nodeCount];
        this.acked = new boolean[nodeCount][nodeCount];
        this.claimFrom = new int[nodeCount];
        this.claimSlot = new long[nodeCount];
        this.underReplicationLogged = new boolean[nodeCount];
        this.completing = new String[nodeCount];
        Arrays.fill(fenceFrom, NOBODY);
        Arrays.fill(ackedTo, NOBODY);
        Arrays.fill(claimFrom, NOBODY);
        Arrays.fill(claimSlot, NO_CLAIM);
        gate.abandonWaitsWhen(this::isEnding); // no hand-over runs any more: a closed gate stays closed
    }

    /**
     * @return true once this node stops driving hand-overs: it closed, or the program ended and nodes leave.
     */
    boolean isEnding()
    {
        return isClosed || isStopping.getAsBoolean();
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "jdsm-slice-handover-" + nodeId;
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        if (isEnding())
        {
            return 0; // nodes that leave at the end of the program are not handed over
        }
        int work = 0;
        for (int node = 0; node < nodeCount; node++)
        {
            if (node != nodeId && !replication.isDead(node) && membership.isDeclaredDead(node))
            {
                replication.markDead(node);
                work++;
            }
        }
        for (int slice = 0; slice < nodeCount; slice++)
        {
            work += acknowledge(slice);
            work += coordinate(slice);
        }

        return work;
    }

    /**
     * Stop starting and driving hand-overs: the node closes. Its agent's runner is closed after this.
     */
    void close()
    {
        isClosed = true;
    }

    /**
     * A node is being declared dead here: close the gates of the slices it holds until their hand-over. Called
     * before the node is marked dead ({@link Replication#markDead}), so a thread that sees the mark finds them closed.
     *
     * @param node a peer.
     */
    synchronized void onDeath(final int node)
    {
        for (int slice = 0; slice < nodeCount; slice++)
        {
            final Replication.Holders current = replication.holders(slice);
            if (current.indexOf(node) >= 0)
            {
                if (hasLiveHolderBut(current, node))
                {
                    gate.close(slice);
                }
                else
                {
                    gate.open(slice); // nothing left to hand over: operations fail at once, naming the lost slice
                }
            }
        }
    }

    // called before the dying node is marked dead (Replication.markDead closes its gates first)
    private boolean hasLiveHolderBut(final Replication.Holders current, final int dying)
    {
        for (final int node : current.nodes)
        {
            if (node != dying && !replication.isDead(node))
            {
                return true;
            }
        }
        return false;
    }

    private int acknowledge(final int slice)
    {
        final int coordinator;
        final long epoch;
        synchronized (this)
        {
            epoch = fenceEpoch[slice];
            coordinator = fenceFrom[slice];
            if (epoch <= replication.holders(slice).epoch || coordinator == nodeId || NOBODY == coordinator ||
                (ackedEpoch[slice] == epoch && ackedTo[slice] == coordinator) || !gate.isDrained(slice) ||
                replication.isDead(coordinator))
            {
                return 0;
            }
            ackedEpoch[slice] = epoch;
            ackedTo[slice] = coordinator;
        }
        send(coordinator, HANDOVER_FENCE_ACK_TYPE, slice, epoch);

        return 1;
    }

    private int coordinate(final int slice)
    {
        long epoch = 0;
        boolean isStarting = false;
        synchronized (this)
        {
            final Replication.Holders current = replication.holders(slice);
            if (0 != runningEpoch[slice])
            {
                if (current.epoch >= runningEpoch[slice])
                {
                    runningEpoch[slice] = 0; // installed by another coordinator
                    maybeOpen(slice);
                    return 1;
                }
                if (!isAcknowledged(slice) || !gate.isDrained(slice))
                {
                    return 0;
                }
                epoch = runningEpoch[slice];
            }
            else
            {
                if (!hasDeadHolder(current) || !isFirstLiveHolder(current))
                {
                    return 0;
                }
                epoch = current.epoch + 1;
                isStarting = true;
                start(slice, epoch);
            }
        }
        if (0 == epoch)
        {
            return 0;
        }
        if (isStarting)
        {
            sendFences(slice, epoch);
            return 1;
        }
        complete(slice, epoch);

        return 1;
    }

    // guarded by this
    private void start(final int slice, final long epoch)
    {
        runningEpoch[slice] = epoch;
        runningSinceNs[slice] = System.nanoTime();
        Arrays.fill(acked[slice], false);
        fenceEpoch[slice] = Math.max(fenceEpoch[slice], epoch);
        fenceFrom[slice] = nodeId;
        gate.close(slice);
    }

    private void sendFences(final int slice, final long epoch)
    {
        for (int node = 0; node < nodeCount; node++)
        {
            if (node != nodeId && !replication.isDead(node))
            {
                send(node, HANDOVER_FENCE_TYPE, slice, epoch);
            }
        }
    }

    // guarded by this
    private boolean isAcknowledged(final int slice)
    {
        for (int node = 0; node < nodeCount; node++)
        {
            if (node != nodeId && !acked[slice][node] && !replication.checkDead(node))
            {
                return false;
            }
        }
        return true;
    }

    private boolean hasDeadHolder(final Replication.Holders current)
    {
        for (final int node : current.nodes)
        {
            if (replication.isDead(node))
            {
                return true;
            }
        }
        return false;
    }

    private boolean isFirstLiveHolder(final Replication.Holders current)
    {
        for (final int node : current.nodes)
        {
            if (node == nodeId)
            {
                return true;
            }
            if (!replication.isDead(node))
            {
                return false;
            }
        }
        return false;
    }

    // guarded by this: open the gate once no hand-over of the slice is pending here
    private void maybeOpen(final int slice)
    {
        if (fenceEpoch[slice] <= replication.holders(slice).epoch && 0 == runningEpoch[slice] &&
            !hasDeadHolder(replication.holders(slice)))
        {
            gate.open(slice);
        }
    }

    // every live node drained the slice: re-replicate, install, tell everyone
    private void complete(final int slice, final long epoch)
    {
        final Replication.Holders previous = replication.holders(slice);
        final int[] nodes = new int[replicas + 1];
        final int[] slots = new int[replicas + 1];
        int count = 0;
        for (int j = 0; j < previous.nodes.length; j++)
        {
            if (!replication.isDead(previous.nodes[j]))
            {
                nodes[count] = previous.nodes[j];
                slots[count++] = previous.slots[j];
            }
        }
        final int ownSlot = slots[0]; // this node: the first live holder
        final int liveHolders = count;
        for (int k = 1; k < nodeCount && count <= replicas; k++)
        {
            final int candidate = (slice + k) % nodeCount;
            if (candidate == nodeId || replication.isDead(candidate) || contains(nodes, count, candidate))
            {
                continue;
            }
            phase(slice, "re-replicating: claiming a spare slot of node " + candidate);
            final long grant = claim(candidate, slice, epoch);
            if (grant < 0)
            {
                continue;
            }
            final int slot = (int)(grant & ~Replication.SPARE_CLAIMED_BEFORE);
            phase(slice, "re-replicating: copying the slice to node " + candidate + " slot " + slot);
            try
            {
                copy(ownSlot, candidate, slot, 0 == (grant & Replication.SPARE_CLAIMED_BEFORE));
            }
            catch (final NodeUnavailableException ex)
            {
                continue; // the candidate died: the next one
            }
            nodes[count] = candidate;
            slots[count++] = slot;
            slicesReReplicated.incrementAndGet();
        }
        final Replication.Holders current = copiesAfterServing(epoch, nodes, slots, liveHolders, count);
        synchronized (this)
        {
            completing[slice] = null;
            if (runningEpoch[slice] != epoch || replication.holders(slice).epoch >= epoch)
            {
                return; // another coordinator installed it meanwhile
            }
            // counted before the new holders are visible anywhere: whoever sees them installed sees it counted
            final long tookNs = System.nanoTime() - runningSinceNs[slice];
            handOvers.incrementAndGet();
            handOverNanos.addAndGet(tookNs);
            maxHandOverNanos.accumulateAndGet(tookNs, Math::max);
            if (count <= replicas)
            {
                underReplicated.incrementAndGet();
            }
            replication.install(slice, current);
            replication.giveBackSpares(slice, current);
            runningEpoch[slice] = 0;
            maybeOpen(slice);
        }
        for (int node = 0; node < nodeCount; node++)
        {
            if (node != nodeId && !replication.isDead(node))
            {
                sendHolders(node, slice, current);
            }
        }
        if (count <= replicas)
        {
            final boolean first;
            synchronized (this)
            {
                first = !underReplicationLogged[slice];
                underReplicationLogged[slice] = true;
            }
            if (first)
            {
                errorHandler.onError(new DsmException("slice " + slice + " has " + count + " of " + (replicas + 1) +
                    " copies after its hand-over (holders " + current + "): no live node has a free spare slot"));
            }
        }
    }

    // the new copies go right after the serving holder, before the live backups: a copy is of the serving holder,
    // and a backup may be ahead of it (a word a writer that died swapped or added at the tail only; Replication
    // decides those at the last holder), so each holder stays at or behind every holder after it
    private static Replication.Holders copiesAfterServing(
        final long epoch, final int[] nodes, final int[] slots, final int liveHolders, final int count)
    {
        final int[] orderedNodes = new int[count];
        final int[] orderedSlots = new int[count];
        orderedNodes[0] = nodes[0];
        orderedSlots[0] = slots[0];
        int j = 1;
        for (int k = liveHolders; k < count; k++, j++)
        {
            orderedNodes[j] = nodes[k];
            orderedSlots[j] = slots[k];
        }
        for (int k = 1; k < liveHolders; k++, j++)
        {
            orderedNodes[j] = nodes[k];
            orderedSlots[j] = slots[k];
        }
        return new Replication.Holders(epoch, orderedNodes, orderedSlots);
    }

    private synchronized void phase(final int slice, final String what)
    {
        completing[slice] = what;
    }

    private static boolean contains(final int[] nodes, final int count, final int node)
    {
        for (int j = 0; j < count; j++)
        {
            if (nodes[j] == node)
            {
                return true;
            }
        }
        return false;
    }

    private long claim(final int candidate, final int slice, final long epoch)
    {
        synchronized (this)
        {
            claimFrom[slice] = candidate;
            claimSlot[slice] = NO_CLAIM;
        }
        if (!send(candidate, SPARE_CLAIM_TYPE, slice, epoch))
        {
            return -1;
        }
        final long deadlineNs = System.nanoTime() + claimTimeoutNs;
        while (System.nanoTime() - deadlineNs < 0 && !replication.checkDead(candidate) && !isClosed)
        {
            synchronized (this)
            {
                if (NO_CLAIM != claimSlot[slice])
                {
                    claimFrom[slice] = NOBODY;
                    return claimSlot[slice];
                }
            }
            acknowledgeAll();
            LockSupport.parkNanos(100_000L);
        }
        synchronized (this)
        {
            claimFrom[slice] = NOBODY;
        }
        return -1;
    }

    // chunk by chunk; into a slot never written before (zero, as the region was allocated), chunks that are zero
    // here are not sent: a slice is carved by a bump pointer from its start, so the copy costs the bytes the slice
    // has used, not its stride (all operations on the slice wait for it). Fences of other slices are acknowledged
    // between chunks, so their hand-overs do not wait for this copy.
    private void copy(final int fromSlot, final int target, final int toSlot, final boolean isTargetZero)
    {
        final HeapSlice region = replication.region();
        final long stride = replication.stride();
        final int chunk = (int)Math.min(COPY_CHUNK_LENGTH, stride);
        for (long offset = 0; offset < stride; offset += chunk)
        {
            final long from = replication.base(fromSlot) + offset;
            final int length = (int)Math.min(chunk, stride - offset);
            if (isTargetZero && isZero(region, from, length))
            {
                bytesNotCopied.addAndGet(length);
                continue;
            }
            transport.write(target, replication.base(toSlot) + offset, region.segment(from),
                region.indexInSegment(from), length);
            bytesCopied.addAndGet(length);
            acknowledgeAll();
        }
    }

    private static boolean isZero(final HeapSlice region, final long from, final int length)
    {
        final UnsafeBuffer segment = region.segment(from);
        final int index = region.indexInSegment(from);
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            if (0 != segment.getLong(index + i))
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (0 != segment.getByte(index + i))
            {
                return false;
            }
        }
        return true;
    }

    private void acknowledgeAll()
    {
        for (int slice = 0; slice < nodeCount; slice++)
        {
            acknowledge(slice);
        }
    }

    /**
     * Act on a hand-over message, already checked for its header and type by the control adapter. Called on the
     * receiving thread; never blocks.
     *
     * @param source the sending node.
     * @param type   one of the hand-over types of {@link ControlMessageDescriptor}.
     * @param slice  the message's correlation id.
     * @param value  the message's value: an epoch, or a spare slot for a grant.
     * @param buffer holding the message.
     * @param offset of the message in the buffer.
     * @param length of the message.
     * @return null, or why the message was refused.
     */
    String onMessage(
        final int source,
        final int type,
        final long slice,
        final long value,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final String name = ControlMessageDescriptor.handoverTypeName(type);
        if (slice < 0 || slice >= nodeCount)
        {
            return refuse(name + " from node " + source + " names slice " + slice + ", not in [0, " + nodeCount + ")");
        }
        final int s = (int)slice;
        if (HANDED_OVER_TYPE != type && length != BODY_OFFSET)
        {
            return refuse(name + " of slice " + s + " from node " + source + " has " + length + " bytes, expected " +
                BODY_OFFSET);
        }
        if (SPARE_GRANT_TYPE != type && value <= 0)
        {
            return refuse(name + " of slice " + s + " from node " + source + " has epoch " + value +
                ", not a hand-over epoch (> 0)");
        }
        switch (type)
        {
            case HANDOVER_FENCE_TYPE:
                return onFence(source, s, value);
            case HANDOVER_FENCE_ACK_TYPE:
                return onFenceAck(source, s, value);
            case HANDED_OVER_TYPE:
                return onHandedOver(source, s, value, buffer, offset, length);
            case SPARE_CLAIM_TYPE:
                return onSpareClaim(source, s, value);
            case SPARE_GRANT_TYPE:
                return onSpareGrant(source, s, value);
            default:
                return refuse("control message of type " + type + " from node " + source + " is no hand-over message");
        }
    }

    private String refuse(final String reason)
    {
        refused.incrementAndGet();
        return reason;
    }

    private String onFence(final int source, final int slice, final long epoch)
    {
        final Replication.Holders current;
        synchronized (this)
        {
            current = replication.holders(slice);
            if (epoch > current.epoch)
            {
                if (epoch == current.epoch + 1 && current.indexOf(source) < 0)
                {
                    return refuse("HANDOVER_FENCE of slice " + slice + " epoch " + epoch + " from node " + source +
                        ", which does not hold the slice (holders " + current + ")");
                }
                if (epoch < fenceEpoch[slice])
                {
                    return refuse("HANDOVER_FENCE of slice " + slice + " epoch " + epoch + " from node " + source +
                        " is out of order: fenced at epoch " + fenceEpoch[slice] + " by node " + fenceFrom[slice]);
                }
                if (0 != runningEpoch[slice])
                {
                    if (current.indexOf(source) > current.indexOf(nodeId))
                    {
                        return refuse("HANDOVER_FENCE of slice " + slice + " epoch " + epoch + " from node " +
                            source + ": this node, an earlier holder, runs the hand-over at epoch " +
                            runningEpoch[slice]);
                    }
                    runningEpoch[slice] = 0; // an earlier live holder runs it: it wins
                }
                fencesReceived.incrementAndGet();
                fenceEpoch[slice] = epoch;
                fenceFrom[slice] = source;
                gate.close(slice);
                return null;
            }
        }
        // this node installed that epoch already: the coordinator missed the HANDED_OVER, send it again
        sendHolders(source, slice, current);
        return refuse("HANDOVER_FENCE of slice " + slice + " epoch " + epoch + " from node " + source +
            " is stale: this node installed epoch " + current.epoch + " (holders " + current + "), sent back to it");
    }

    private synchronized String onFenceAck(final int source, final int slice, final long epoch)
    {
        if (runningEpoch[slice] != epoch)
        {
            return refuse("HANDOVER_FENCE_ACK of slice " + slice + " epoch " + epoch + " from node " + source +
                ": this node runs no hand-over of the slice at that epoch (running: " + runningEpoch[slice] + ")");
        }
        acked[slice][source] = true;
        return null;
    }

    private String onHandedOver(
        final int source,
        final int slice,
        final long epoch,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (length < BODY_OFFSET + HOLDERS_COUNT_LENGTH)
        {
            return refuse("HANDED_OVER of slice " + slice + " from node " + source + " has " + length +
                " bytes: no holder count");
        }
        final int count = buffer.getInt(offset + BODY_OFFSET, ControlMessageFlyweight.ORDER);
        if (count < 1 || count > replicas + 1 ||
            length != BODY_OFFSET + HOLDERS_COUNT_LENGTH + count * HOLDER_LENGTH)
        {
            return refuse("HANDED_OVER of slice " + slice + " from node " + source + " names " + count +
                " holders in " + length + " bytes: expected 1 to " + (replicas + 1) + " holders of " + HOLDER_LENGTH +
                " bytes after the count");
        }
        final int[] nodes = new int[count];
        final int[] slots = new int[count];
        for (int j = 0; j < count; j++)
        {
            final int at = offset + BODY_OFFSET + HOLDERS_COUNT_LENGTH + j * HOLDER_LENGTH;
            nodes[j] = buffer.getInt(at, ControlMessageFlyweight.ORDER);
            slots[j] = buffer.getInt(at + 4, ControlMessageFlyweight.ORDER);
            if (nodes[j] < 0 || nodes[j] >= nodeCount || slots[j] < 0 ||
                slots[j] >= DsmConfig.regionSlots(replicas) || (0 == slots[j]) != (nodes[j] == slice) ||
                contains(nodes, j, nodes[j]))
            {
                return refuse("HANDED_OVER of slice " + slice + " from node " + source + " names holder " +
                    nodes[j] + " at slot " + slots[j] + ": not a node of the cluster, not a slot of a region, slot 0 " +
                    "of another node or a node named twice");
            }
        }
        final Replication.Holders current = new Replication.Holders(epoch, nodes, slots);
        synchronized (this)
        {
            final Replication.Holders installed = replication.holders(slice);
            if (epoch <= installed.epoch)
            {
                return refuse("HANDED_OVER of slice " + slice + " epoch " + epoch + " from node " + source +
                    " is stale: this node installed epoch " + installed.epoch + " (holders " + installed + ")");
            }
            replication.install(slice, current);
            replication.giveBackSpares(slice, current);
            if (0 != runningEpoch[slice] && runningEpoch[slice] <= epoch)
            {
                runningEpoch[slice] = 0;
            }
            maybeOpen(slice);
        }
        return null;
    }

    private String onSpareClaim(final int source, final int slice, final long epoch)
    {
        final Replication.Holders current = replication.holders(slice);
        if (epoch <= current.epoch)
        {
            return refuse("SPARE_CLAIM of slice " + slice + " epoch " + epoch + " from node " + source +
                " is stale: this node installed epoch " + current.epoch);
        }
        final long slot = current.indexOf(nodeId) >= 0 ? -1 : replication.claimSpare(slice, epoch);
        send(source, SPARE_GRANT_TYPE, slice, slot);
        return null;
    }

    private synchronized String onSpareGrant(final int source, final int slice, final long slot)
    {
        if (claimFrom[slice] != source)
        {
            return refuse("SPARE_GRANT of slice " + slice + " from node " + source + ": not asked for one");
        }
        final long index = slot & ~Replication.SPARE_CLAIMED_BEFORE;
        if (-1 != slot && (index <= replicas || index >= DsmConfig.regionSlots(replicas)))
        {
            return refuse("SPARE_GRANT of slice " + slice + " from node " + source + " names slot " + slot +
                ", not a spare slot in [" + (replicas + 1) + ", " + DsmConfig.regionSlots(replicas) + ") nor -1");
        }
        claimSlot[slice] = slot;
        return null;
    }

    // a node that left meanwhile is the membership's to declare: nobody waits for it
    private boolean send(final int target, final int type, final long slice, final long value)
    {
        messagesSent.incrementAndGet();
        try
        {
            proxy.send(target, type, slice, value);
            return true;
        }
        catch (final NodeUnavailableException ex)
        {
            return false;
        }
    }

    private void sendHolders(final int target, final int slice, final Replication.Holders current)
    {
        messagesSent.incrementAndGet();
        try
        {
            proxy.sendHolders(target, HANDED_OVER_TYPE, slice, current.epoch, current.nodes, current.slots);
        }
        catch (final NodeUnavailableException ex)
        {
            // it died meanwhile: the membership says so, nobody waits for it
        }
    }

    /**
     * @param slice a node's id.
     * @return the state of the slice's hand-over here, for a message.
     */
    synchronized String describe(final int slice)
    {
        if (0 != runningEpoch[slice])
        {
            final StringBuilder waiting = new StringBuilder();
            for (int node = 0; node < nodeCount; node++)
            {
                if (node != nodeId && !acked[slice][node] && !replication.isDead(node))
                {
                    waiting.append(waiting.length() > 0 ? ", " : "").append(node);
                }
            }
            return "run by this node " + nodeId + " at epoch " + runningEpoch[slice] + ", waiting for fence " +
                "acknowledgements from nodes [" + waiting + "]" + (null != completing[slice] ? ", " +
                completing[slice] : gate.inFlight(slice) > 0 ? " and for " + gate.inFlight(slice) +
                " operations of this node on the slice to drain" : "");
        }
        if (fenceEpoch[slice] > replication.holders(slice).epoch)
        {
            return "fenced at epoch " + fenceEpoch[slice] + " by node " + fenceFrom[slice] +
                (ackedEpoch[slice] == fenceEpoch[slice] && ackedTo[slice] == fenceFrom[slice] ?
                ", acknowledged" : ", not acknowledged yet (" + gate.inFlight(slice) +
                " operations of this node on the slice in flight)") + ", awaiting its HANDED_OVER";
        }
        return "not yet fenced by the slice's next live holder";
    }

    /**
     * @return hand-overs this node coordinated to the end, counted before their new holders were installed anywhere.
     */
    long handOvers()
    {
        return handOvers.get();
    }

    /**
     * @return nanoseconds from fence to installation, summed over the hand-overs this node coordinated.
     */
    long handOverNanos()
    {
        return handOverNanos.get();
    }

    /**
     * @return the longest hand-over this node coordinated, in nanoseconds.
     */
    long maxHandOverNanos()
    {
        return maxHandOverNanos.get();
    }

    /**
     * @return hand-over messages this node sent.
     */
    long messagesSent()
    {
        return messagesSent.get();
    }

    /**
     * @return fences this node accepted from coordinators.
     */
    long fencesReceived()
    {
        return fencesReceived.get();
    }

    /**
     * @return slices this node copied into a spare slot of another node.
     */
    long slicesReReplicated()
    {
        return slicesReReplicated.get();
    }

    /**
     * @return bytes this node copied for re-replication.
     */
    long bytesCopied()
    {
        return bytesCopied.get();
    }

    /**
     * @return bytes of re-replicated slices not sent: zero chunks copied into a slot that was zero.
     */
    long bytesNotCopied()
    {
        return bytesNotCopied.get();
    }

    /**
     * @return hand-overs after which the slice had fewer than {@code replicas + 1} copies.
     */
    long underReplicated()
    {
        return underReplicated.get();
    }

    /**
     * @return hand-over messages refused here.
     */
    long refused()
    {
        return refused.get();
    }
}
