package org.jdsm.coherence;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local state word of a {@link MutexLease} and its successor, the part of the lease protocol that threads of
 * one node race on: application threads lock and unlock, the transport's receiving thread records a request.
 * <pre>
 *   ABSENT --ask--> WAITING --grant--> LOCKED --unlock, no successor--> FREE --lock--> LOCKED
 *                                        |                               |
 *                                        +--unlock, successor--+   +--request arrives--+
 *                                                              v   v
 *                                                             HANDING --sent--> ABSENT
 *   WAITING --predecessor lost--> LOST
 * </pre>
 * The one race that matters is an unlock against a request: the unlocking thread writes {@link #FREE} then reads
 * the successor; the receiving thread writes the successor then tries {@code FREE -> HANDING}. Both are volatile,
 * so at least one side sees the other's write, and the compare-and-swap lets exactly one of them hand over.
 * <p>
 * <b>Note:</b> threadsafe; {@link #request} is called by one thread at a time (the receiving thread), the
 * transitions out of {@link #LOCKED} by the lock holder only.
 */
final class LeaseState
{
    /** Lease elsewhere; nobody on this node asked. */
    static final int ABSENT = 0;
    /** This node asked for the lease and waits for the hand-over. */
    static final int WAITING = 1;
    /** Lease here, unlocked. */
    static final int FREE = 2;
    /** Lease here, locked by a thread of this node. */
    static final int LOCKED = 3;
    /** Lease being handed to the successor. */
    static final int HANDING = 4;
    /** The lease was lost with an unavailable node. */
    static final int LOST = 5;
    /** No successor. */
    static final int NONE = -1;

    private final AtomicInteger state;
    private volatile int successor = NONE;

    /**
     * @param initial {@link #FREE} at the mutex's home, which holds the lease first, else {@link #ABSENT}.
     */
    LeaseState(final int initial)
    {
        state = new AtomicInteger(initial);
    }

    int get()
    {
        return state.get();
    }

    void set(final int newState)
    {
        state.set(newState);
    }

    boolean compareAndSet(final int expected, final int newState)
    {
        return state.compareAndSet(expected, newState);
    }

    int successor()
    {
        return successor;
    }

    /**
     * Take the successor to hand the lease to, leaving none.
     *
     * @return the successor's node id.
     */
    int takeSuccessor()
    {
        final int to = successor;
        successor = NONE;
        return to;
    }

    /**
     * The lock holder releases: to {@link #HANDING} if a successor asked (before or during the release), else to
     * {@link #FREE}.
     *
     * @return true if the caller must now hand the lease over.
     */
    boolean unlock()
    {
        if (NONE != successor)
        {
            state.set(HANDING);
            return true;
        }
        state.set(FREE);

        // a request recorded after the read above: whoever wins FREE -> HANDING hands over
        return NONE != successor && state.compareAndSet(FREE, HANDING);
    }

    /**
     * Record a successor's request.
     *
     * @param source the asking node.
     * @return true if the caller must now hand the lease over (it was free), false if the lock holder will at
     * release, or this node still waits for the lease, or lost it (check {@link #get()}).
     */
    boolean request(final int source)
    {
        successor = source;
        return state.compareAndSet(FREE, HANDING);
    }
}
