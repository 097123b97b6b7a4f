package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.BorrowException;
import org.jdsm.DsmException;
import org.jdsm.NodeUnavailableException;
import org.jdsm.RemoteAccessException;

import java.util.concurrent.locks.LockSupport;

import static org.jdsm.coherence.ControlMessageDescriptor.BODY_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.LEASE_VALUE_AT_HOME;
import static org.jdsm.coherence.ControlMessageDescriptor.LEASE_VALUE_INLINE;
import static org.jdsm.coherence.ControlMessageDescriptor.MUTEX_LEASE_GRANT_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.MUTEX_LEASE_LOST_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.MUTEX_LEASE_REQUEST_TYPE;

/**
 * One node's share of a migrating {@link MutexHandle DMutex}, as DRust designed it: the lock and its value move to
 * the node that acquires it and stay there (a <em>lease</em>) until another node asks for it.
 * <h2>Protocol</h2>
 * <ul>
 *   <li><b>Queue tail at the home.</b> The mutex's lock word at its home node ({@link MutexHandle#LOCK_OFFSET}) is
 *       the tail of a distributed queue of lease holders: {@code 0} = the home node (initial), else
 *       {@code nodeId + 1} of the node that asked last. It is the one authoritative word; nodes only ever
 *       swap themselves into it.</li>
 *   <li><b>Local state word</b> ({@link #state()}), one per node per mutex: {@link #ABSENT} (lease elsewhere),
 *       {@link #WAITING} (asked, hand-over not arrived), {@link #FREE} (lease here, unlocked), {@link #LOCKED}
 *       (lease here, a thread of this node holds the lock), {@link #HANDING} (lease being sent on),
 *       {@link #LOST} (the node before this one in the queue died with the lease). Beside it a
 *       {@code successor}: the node that asked this one for the lease, at most one per queue position. Both in
 *       {@link LeaseState}, whose races jcstress checks ({@code LeaseStateTests}).</li>
 *   <li><b>Lock with the lease here</b>: CAS {@code FREE → LOCKED} on the local word. No network operation.</li>
 *   <li><b>Lock with the lease elsewhere</b>: CAS {@code ABSENT → WAITING} (the calling thread becomes this node's
 *       requester; other local threads wait on the word), swap this node into the tail word by compare-and-swap
 *       at the home (one round trip when the guessed tail is right, a second when it is not; local when this node
 *       is the home), then send {@link ControlMessageDescriptor#MUTEX_LEASE_REQUEST_TYPE} to the node found there
 *       (the predecessor). The predecessor answers with
 *       {@link ControlMessageDescriptor#MUTEX_LEASE_GRANT_TYPE} carrying the value (length, bytes) as soon as
 *       its own lock is free; receiving it sets {@code WAITING → LOCKED} for the requester: the value comes
 *       with the lock, nothing is read from the home.</li>
 *   <li><b>Unlock</b>: if a successor asked, {@code LOCKED → HANDING}, send the grant, {@code → ABSENT}; else
 *       {@code LOCKED → FREE} and re-check the successor (a request that arrived meanwhile): whichever of the
 *       unlocking thread and the message thread wins CAS {@code FREE → HANDING} sends the grant. Both sides write
 *       their own variable then read the other's, all volatile, so a request is never left unanswered.</li>
 *   <li><b>Value too large for one message</b>: the holder writes it back to the home block and sends the grant
 *       with {@link ControlMessageDescriptor#LEASE_VALUE_AT_HOME}; the new holder reads it from there.</li>
 *   <li><b>Failures</b>: a requester whose predecessor becomes unavailable moves {@code WAITING → LOST} and every
 *       lock on that node throws {@link NodeUnavailableException} naming it; a node that becomes {@code LOST}
 *       tells its own successor with {@link ControlMessageDescriptor#MUTEX_LEASE_LOST_TYPE}, so nobody down the
 *       queue hangs. A failed swap at the home (home unavailable) puts the word back to {@code ABSENT}.</li>
 * </ul>
 * Mutual exclusion: the lease is one token handed along the queue, each hand-over to exactly one successor, and a
 * node locks only while its word says the token is here. Linearizability: lock takes effect at the
 * {@code FREE → LOCKED} or {@code WAITING → LOCKED} transition, and the value written under the previous lock
 * travels in the message that causes the latter.
 * <h2>Home-locked, with {@code jdsm.replicas > 0}</h2>
 * A migrating lease keeps the only copy of the value on the holder's node, so a holder's death would lose it. With
 * backups the mutex therefore stays at its home, where every change is mirrored (see {@link Replication}) and fails
 * over with the home's slice:
 * <ul>
 *   <li><b>Lock word</b> at {@link MutexHandle#LOCK_OFFSET}: {@code 0} free, else {@code nodeId + 1} of the holder.
 *       The local state word only serialises this node's threads ({@code ABSENT → WAITING} makes the calling
 *       thread the node's one acquirer, {@code LOCKED} while it holds, back to {@code ABSENT} at unlock).</li>
 *   <li><b>Lock</b>: compare-and-swap {@code 0 → me} on the word through the engine (local at the home, else one
 *       round trip to the slice's serving holder; either way mirrored to the backups before it returns), then
 *       read the value record (length, bytes) from there: one more round trip, none at the home, which uses the
 *       record in place. While a live node holds the word the acquirer backs off (parks 10 us doubling up to
 *       200 us: each poll is a round trip) and tries again; it gives up only if interrupted or if this node
 *       itself is closed.</li>
 *   <li><b>Unlock</b>: if the holder wrote the value (a setter or {@code buffer()}), write the record to the home
 *       (mirrored before the write returns), then compare-and-swap {@code me → 0} (mirrored). So no backup ever
 *       shows the word free before it holds the value of that unlock. An unlock that fails throws (it is in
 *       doubt) and still tries to free the word, so waiters never wait on a live node whose unlock failed.</li>
 *   <li><b>Take-over</b>: an acquirer that finds the word held by a node the membership declared dead swaps
 *       {@code dead → me}: the value it reads is that of the last completed unlock, or of the dead holder's
 *       unlock if it died between its write and its swap (an unlock in doubt that took effect). What the dead
 *       holder had not unlocked was never published. A holder that finds the word taken over at its unlock (it
 *       was declared dead while alive) fails with {@link RemoteAccessException}.</li>
 *   <li><b>Home dies</b>: the word and value are read and swapped at the slice's first live backup, which holds
 *       the same bytes at the same offsets; a home that died holding its own lock is a dead holder like any.</li>
 * </ul>
 * Mutual exclusion: the word names at most one node and a node's threads take turns through the local state word;
 * a holder loses the word only once the membership declared it dead. Linearizability: a lock takes effect at its
 * successful swap, and the value of the previous unlock is at the serving holder before that unlock's swap.
 * Cost per lock and unlock with R backups, in round trips: at the home 0 to the home and 3R mirrors (2R when the
 * value was not written); from another node 4 to the home (swap, read, write, swap) and 3R mirrors (3 and 2R when
 * not written). The migrating lease's re-lock on the same node costs 0; it is kept with {@code jdsm.replicas=0}.
 * Mutual exclusion across the death of the <em>home</em> relies on {@link Replication} deciding every swap at the
 * slice's last live holder and applying it at the home last: the backup that takes over holds every swap anybody saw.
 * <p>
 * <b>Note:</b> threadsafe. Owned by its node's {@link MutexLeases}; application threads lock and unlock, the
 * transport's receiving thread calls {@code on*} methods.
 */
final class MutexLease
{
    static final int ABSENT = LeaseState.ABSENT;
    static final int WAITING = LeaseState.WAITING;
    static final int FREE = LeaseState.FREE;
    static final int LOCKED = LeaseState.LOCKED;
    static final int HANDING = LeaseState.HANDING;
    static final int LOST = LeaseState.LOST;
    static final int NONE = LeaseState.NONE;
    private static final long MAX_PARK_NS = 200_000;
    private static final int VALUE_IN_RECORD = MutexHandle.VALUE_OFFSET - MutexHandle.VALUE_LENGTH_OFFSET;

    /** A home-locked waiter polls the lock word (a round trip when the home is elsewhere): parks between polls. */
    private static final long MIN_HOME_POLL_PARK_NS = 10_000;
    private static final long MAX_HOME_POLL_PARK_NS = 200_000;

    private final HeapAccess node;
    private final long address;
    private final int capacity;
    private final boolean isHome;
    private final boolean isHomeLocked;
    private final UnsafeBuffer record = new UnsafeBuffer(0, 0);
    private final LeaseState state;
    private volatile int predecessor = NONE;
    private volatile int lostWith = NONE;
    private volatile boolean isValueAtHome;
    private volatile Thread requester;
    // the thread that holds the lock on this node, for two refusals only: a lock() by that same thread (which reads
    // its own writes), and a wait for a thread that ended without unlocking (its end happens-before isAlive() is
    // false, so a holder re-read after that is current); plain, so a local lock and unlock pay no extra fence
    private Thread holder;
    private volatile long tailGuess;

    /**
     * @param node     this node.
     * @param address  the mutex's global address.
     * @param capacity bytes its value can hold.
     */
    MutexLease(final HeapAccess node, final long address, final int capacity)
    {
        this.node = node;
        this.address = address;
        this.capacity = capacity;
        this.isHome = node.isLocal(address);
        this.isHomeLocked = node.config().replicas() > 0;
        if (isHome)
        {
            // the lease can only leave the home through this object, so a home that has none yet holds it; a
            // home-locked mutex is taken at its lock word like from any other node, its value used in place
            node.wrapPayload(record, address, MutexHandle.VALUE_LENGTH_OFFSET, VALUE_IN_RECORD + capacity);
            state = new LeaseState(isHomeLocked ? ABSENT : FREE);
        }
        else
        {
            record.wrap(new byte[VALUE_IN_RECORD + capacity]);
            state = new LeaseState(ABSENT);
        }
    }

    int state()
    {
        return state.get();
    }

    int capacity()
    {
        return capacity;
    }

    /**
     * The lease's record: value length (64 bits) then the value. Read and written only by the lock holder.
     *
     * @return the record, in the home block when the lease is at the home, else in this node's memory.
     */
    UnsafeBuffer record()
    {
        return record;
    }

    /**
     * Take the lock, asking for the lease when it is elsewhere and waiting with back-off while a thread of this
     * node holds it or waits for it.
     *
     * @param describe what to name in exceptions.
     * @throws BorrowException if the calling thread holds the lock already (it would wait for itself).
     */
    void lock(final String describe)
    {
        final Thread caller = Thread.currentThread();
        if (caller == holder)
        {
            throw new BorrowException(describe + " lock() on thread " + caller.getName() + ", which holds it " +
                "already: a DMutex is not re-entrant, use the Mut that thread holds");
        }
        long parkNs = 1000;
        for (int attempt = 1; ; attempt++)
        {
            final int current = state.get();
            if (FREE == current && state.compareAndSet(FREE, LOCKED))
            {
                holder = caller;
                return;
            }
            if (ABSENT == current && state.compareAndSet(ABSENT, WAITING))
            {
                acquire(describe);
                holder = caller;
                return;
            }
            if (LOST == current)
            {
                throw lost(describe);
            }

            if (attempt < 64)
            {
                Thread.onSpinWait();
            }
            else if (attempt < 128)
            {
                Thread.yield();
            }
            else
            {
                checkCanWait(describe, caller);
                LockSupport.parkNanos(this, parkNs);
                parkNs = Math.min(parkNs * 2, MAX_PARK_NS);
            }
        }
    }

    // a wait on a thread of this node that can never end: its holder ended without closing its Mut, or the waiter
    // was interrupted (park would return at once, a busy spin)
    private void checkCanWait(final String describe, final Thread caller)
    {
        final Thread holder = this.holder;
        if (null != holder && !holder.isAlive() && LOCKED == state.get() && holder == this.holder)
        {
            throw new BorrowException(describe + " is held by thread " + holder.getName() + ", which ended without " +
                "closing its Mut: the lock is never released (close every Mut, e.g. with try-with-resources)");
        }
        if (caller.isInterrupted())
        {
            throw new DsmException(describe + " lock() on thread " + caller.getName() + " interrupted while " +
                "waiting for the lock (the interrupt is kept)");
        }
    }

    /**
     * Take the lock unless a thread of this node holds it or waits for it; when the lease is elsewhere, ask for it
     * and wait for the hand-over.
     *
     * @param describe what to name in exceptions.
     * @return whether the lock was taken.
     */
    boolean tryLock(final String describe)
    {
        final int current = state.get();
        if (FREE == current && state.compareAndSet(FREE, LOCKED))
        {
            holder = Thread.currentThread();
            return true;
        }
        if (ABSENT == current && state.compareAndSet(ABSENT, WAITING))
        {
            acquire(describe);
            holder = Thread.currentThread();
            return true;
        }
        if (LOST == current)
        {
            throw lost(describe);
        }

        return false;
    }

    /**
     * Whether the mutex is home-locked ({@code jdsm.replicas > 0}): its lock word and value stay at the home.
     *
     * @return true when home-locked, false when the lease migrates.
     */
    boolean isHomeLocked()
    {
        return isHomeLocked;
    }

    /**
     * Release the lock held by the calling thread, handing the lease to a successor that asked; a home-locked mutex
     * writes its value back to the home when it was written, then frees the lock word.
     *
     * @param isWritten whether the holder may have changed the value (or its length).
     */
    void unlock(final boolean isWritten)
    {
        holder = null;
        if (isHomeLocked)
        {
            unlockAtHome(isWritten);
        }
        else if (state.unlock())
        {
            handOver();
        }
    }

    // the calling thread moved the local state ABSENT -> WAITING: it is this node's one acquirer
    private void acquire(final String describe)
    {
        if (isHomeLocked)
        {
            acquireAtHome(describe);
        }
        else
        {
            acquireRemote(describe);
        }
    }

    /**
     * Home-locked: swap this node into the lock word at the home (free, or held by a node the membership declared
     * dead), backing off while a live node holds it, then read the value of the last completed unlock.
     */
    private void acquireAtHome(final String describe)
    {
        final long self = node.nodeId() + 1;
        IdleStrategy idle = null;
        long expected = MutexHandle.UNLOCKED;
        try
        {
            while (true)
            {
                final long witness;
                try
                {
                    witness = node.compareAndSwap(address, MutexHandle.LOCK_OFFSET, expected, self);
                }
                catch (final RuntimeException ex)
                {
                    // in doubt (e.g. timed out): the swap may have taken effect at the home, and no lock was handed
                    // out, so free the word if it names this node, or every other node would wait for it forever
                    releaseWord(self);
                    throw ex;
                }
                if (witness == expected || witness == self)
                {
                    // witness == self: an unlock of this node failed before it freed the word; the node still holds it
                    break;
                }
                if (MutexHandle.UNLOCKED == witness)
                {
                    // freed meanwhile (a take-over raced with the dead holder's unlock that was still landing)
                    expected = MutexHandle.UNLOCKED;
                    continue;
                }
                final long holder = witness - 1;
                if (holder < 0 || holder >= node.nodeCount())
                {
                    throw new RemoteAccessException(describe + " lock word holds " + witness + ": not a node");
                }
                if (node.isDeclaredDead((int)holder))
                {
                    // its holder died inside its critical section: what it had not unlocked was never published
                    expected = witness;
                    continue;
                }
                if (!node.isAvailable(node.nodeId()))
                {
                    // closed, or crashed in a simulation: a node that left the cluster stops waiting
                    throw new NodeUnavailableException(node.nodeId(), describe + " lock given up: node " +
                        node.nodeId() + " itself is no longer available (closed)");
                }
                if (Thread.currentThread().isInterrupted())
                {
                    throw new DsmException(describe + " lock interrupted while node " + holder + " holds it");
                }
                expected = MutexHandle.UNLOCKED;
                if (null == idle)
                {
                    idle = new BackoffIdleStrategy(1, 1, MIN_HOME_POLL_PARK_NS, MAX_HOME_POLL_PARK_NS);
                }
                idle.idle();
            }
        }
        catch (final RuntimeException ex)
        {
            state.set(ABSENT);
            throw ex;
        }

        try
        {
            if (!isHome)
            {
                node.readPayload(address, MutexHandle.VALUE_LENGTH_OFFSET, record, 0, record.capacity());
            }
        }
        catch (final RuntimeException ex)
        {
            releaseWord(self);
            state.set(ABSENT);
            throw ex;
        }
        state.set(LOCKED);
    }

    /**
     * Home-locked: publish the value at the home (mirrored to its backups before the write returns), then free the
     * lock word (mirrored too). A word that no longer names this node means the membership declared this node dead
     * while it held the lock and another node took it over: the unlock fails, saying so.
     */
    private void unlockAtHome(final boolean isWritten)
    {
        final long self = node.nodeId() + 1;
        boolean isSwapped = false;
        try
        {
            if (isWritten)
            {
                final int length = VALUE_IN_RECORD + (int)record.getLongVolatile(0);
                if (isHome)
                {
                    node.publish(address, MutexHandle.VALUE_LENGTH_OFFSET, length);
                }
                else
                {
                    node.writePayload(address, MutexHandle.VALUE_LENGTH_OFFSET, record, 0, length);
                }
            }
            final long witness = node.compareAndSwap(address, MutexHandle.LOCK_OFFSET, self, MutexHandle.UNLOCKED);
            isSwapped = true;
            if (witness != self)
            {
                throw new RemoteAccessException("DMutex at " + GlobalAddress.toString(address) + " was taken over " +
                    "from node " + node.nodeId() + " while it held the lock (lock word " + witness + "): the node " +
                    "was declared dead");
            }
        }
        finally
        {
            if (!isSwapped)
            {
                // the unlock failed and is in doubt (the caller gets the failure): free the word all the same, so
                // the nodes waiting for it do not wait for this live node to lock again
                releaseWord(self);
            }
            state.set(ABSENT);
        }
    }

    // best effort after a failed lock or unlock: leave the word free; a failure here is counted, the caller gets
    // the first
    private void releaseWord(final long self)
    {
        try
        {
            node.compareAndSwap(address, MutexHandle.LOCK_OFFSET, self, MutexHandle.UNLOCKED);
        }
        catch (final RuntimeException ex)
        {
            node.onLeaseError(ex);
        }
    }

    private void acquireRemote(final String describe)
    {
        requester = Thread.currentThread();
        final long self = node.nodeId() + 1;
        long expected = tailGuess;
        try
        {
            while (true)
            {
                final long witness = node.compareAndSwap(address, MutexHandle.LOCK_OFFSET, expected, self);
                if (witness == expected)
                {
                    break;
                }
                expected = witness;
            }
        }
        catch (final RuntimeException ex)
        {
            requester = null;
            state.set(ABSENT);
            throw ex;
        }

        final int previous = 0 == expected ? GlobalAddress.nodeId(address) : (int)expected - 1;
        if (previous < 0 || previous >= node.nodeCount() || previous == node.nodeId())
        {
            lostWith = previous;
            state.set(LOST);
            throw new RemoteAccessException(describe + " lock word held " + expected + ": no lease holder to ask");
        }
        predecessor = previous;
        try
        {
            node.sendControl(previous, MUTEX_LEASE_REQUEST_TYPE, address, 0);
        }
        catch (final RuntimeException ex)
        {
            lose(previous);
            requester = null;
            throw lost(describe);
        }
        awaitGrant(describe);
    }

    private void awaitGrant(final String describe)
    {
        long parkNs = 1000;
        for (int attempt = 1; ; attempt++)
        {
            final int current = state.get();
            if (LOCKED == current)
            {
                requester = null;
                if (isValueAtHome)
                {
                    isValueAtHome = false;
                    if (!isHome)
                    {
                        node.readPayload(address, MutexHandle.VALUE_LENGTH_OFFSET, record, 0, record.capacity());
                    }
                }
                return;
            }
            if (LOST == current)
            {
                requester = null;
                throw lost(describe);
            }

            if (attempt < 64)
            {
                Thread.onSpinWait();
            }
            else if (attempt < 128)
            {
                Thread.yield();
            }
            else
            {
                if (!node.isAvailable(predecessor))
                {
                    lose(predecessor);
                    continue;
                }
                LockSupport.parkNanos(this, parkNs);
                parkNs = Math.min(parkNs * 2, MAX_PARK_NS);
            }
        }
    }

    /**
     * Send the lease and value to the successor. The caller moved the state to {@link #HANDING}.
     */
    private void handOver()
    {
        final int to = state.takeSuccessor();
        tailGuess = to + 1;
        final int length = (int)record.getLongVolatile(0);
        try
        {
            if (BODY_OFFSET + VALUE_IN_RECORD + length <= node.maxMessageLength())
            {
                node.sendControl(to, MUTEX_LEASE_GRANT_TYPE, address, LEASE_VALUE_INLINE, length, record,
                    VALUE_IN_RECORD, length);
            }
            else
            {
                if (!isHome)
                {
                    node.writePayload(address, MutexHandle.VALUE_LENGTH_OFFSET, record, 0, VALUE_IN_RECORD + length);
                }
                node.sendControl(to, MUTEX_LEASE_GRANT_TYPE, address, LEASE_VALUE_AT_HOME);
            }
        }
        catch (final RuntimeException ex)
        {
            // the successor can not take it: keep the lease here; nodes queued behind it see it unavailable
            state.set(FREE);
            node.onLeaseError(new NodeUnavailableException(to, "lease of mutex at " +
                GlobalAddress.toString(address) + " could not be handed to it: " + ex.getMessage()));
            return;
        }
        state.set(ABSENT);
    }

    /**
     * Whether a hand-over now would go out in one message, so the receiving thread may send it itself.
     */
    private boolean fitsOneMessage()
    {
        return BODY_OFFSET + VALUE_IN_RECORD + record.getLongVolatile(0) <= node.maxMessageLength() || isHome;
    }

    /**
     * A successor asks for the lease. Called by the transport's receiving thread.
     *
     * @param source the asking node.
     * @return null, or why the request was rejected.
     */
    String onRequest(final int source)
    {
        if (NONE != state.successor())
        {
            return "node " + source + " asked for the lease of mutex at " + GlobalAddress.toString(address) +
                " already promised to node " + state.successor();
        }
        if (ABSENT == state.get())
        {
            return "node " + source + " asked node " + node.nodeId() + " for the lease of mutex at " +
                GlobalAddress.toString(address) + ", which it neither holds nor waits for";
        }
        if (state.request(source))
        {
            if (fitsOneMessage())
            {
                handOver();
            }
            else
            {
                // the value goes back to its home first: a one-sided write, not on the receiving thread
                node.runAsync(this::handOver);
            }
        }
        else if (LOST == state.get())
        {
            passLoss();
        }

        return null;
    }

    /**
     * The predecessor hands the lease over. Called by the transport's receiving thread.
     *
     * @return null, or why the message was rejected.
     */
    String onGrant(final int source, final long kind, final DirectBuffer buffer, final int bodyOffset, final int bodyLength)
    {
        if (WAITING != state.get() || source != predecessor)
        {
            return "lease of mutex at " + GlobalAddress.toString(address) + " granted by node " + source +
                " to node " + node.nodeId() + ", which did not ask it (state " + state.get() + ", asked node " +
                predecessor + ")";
        }
        if (LEASE_VALUE_INLINE == kind)
        {
            final long length = bodyLength >= VALUE_IN_RECORD ?
                buffer.getLong(bodyOffset, ControlMessageFlyweight.ORDER) : -1;
            if (length < 0 || length > capacity || bodyLength != VALUE_IN_RECORD + length)
            {
                return "lease grant of mutex at " + GlobalAddress.toString(address) + " from node " + source +
                    " is malformed: value length " + length + ", body " + bodyLength + " bytes, capacity " + capacity;
            }
            record.putBytes(VALUE_IN_RECORD, buffer, bodyOffset + VALUE_IN_RECORD, (int)length);
            record.putLongRelease(0, length);
        }
        else if (LEASE_VALUE_AT_HOME == kind)
        {
            isValueAtHome = true;
        }
        else
        {
            return "lease grant of mutex at " + GlobalAddress.toString(address) + " from node " + source +
                " has unknown kind " + kind;
        }
        state.set(LOCKED);
        LockSupport.unpark(requester);

        return null;
    }

    /**
     * The predecessor lost the lease with an unavailable node. Called by the transport's receiving thread.
     *
     * @return null, or why the message was rejected.
     */
    String onLost(final int source, final long deadNodeId)
    {
        if (LOST == state.get())
        {
            return null;
        }
        if (WAITING != state.get() || source != predecessor || deadNodeId < 0 || deadNodeId >= node.nodeCount())
        {
            return "lease of mutex at " + GlobalAddress.toString(address) + " reported lost with node " + deadNodeId +
                " by node " + source + ", which node " + node.nodeId() + " did not ask";
        }
        lose((int)deadNodeId);
        LockSupport.unpark(requester);

        return null;
    }

    private void lose(final int deadNodeId)
    {
        if (NONE == lostWith)
        {
            lostWith = deadNodeId;
        }
        state.set(LOST);
        passLoss();
    }

    private void passLoss()
    {
        final int to = state.takeSuccessor();
        if (NONE != to)
        {
            try
            {
                node.sendControl(to, MUTEX_LEASE_LOST_TYPE, address, lostWith);
            }
            catch (final RuntimeException ex)
            {
                node.onLeaseError(ex);
            }
        }
    }

    private NodeUnavailableException lost(final String describe)
    {
        return new NodeUnavailableException(lostWith, describe + " lease was lost with it");
    }
}
