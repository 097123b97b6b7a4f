package org.jdsm;

/**
 * A mutual-exclusion lock over a value that migrates, as in DRust: the lock and its value move to the node that
 * takes it and stay there (a lease) until another node asks. Locking again on that node costs no network
 * operation; locking from another node costs one compare-and-swap at the mutex's home, one request to the node
 * holding the lease and its answer, which carries the value. Holding the lock gives a {@link Mut} over the value on
 * the holder's node. Lock and unlock are linearizable. If the node holding the lease becomes unavailable, locking
 * throws {@link NodeUnavailableException} naming it. Handles are reference counted like {@link DArc}: a task that
 * captures one shares it.
 * <p>
 * With {@code jdsm.replicas > 0} the mutex does not migrate: its lock word and value stay at its home, mirrored to
 * the home's backups (a lock reads the value from the home, an unlock that wrote it writes it back first), so the
 * death of the holder, of a waiter or of the home loses no completed unlock: a lock held by a node declared dead
 * is taken over with the value of the last completed unlock.
 * <p>
 * <b>Note:</b> {@link #lock()} and {@link #tryLock()} are threadsafe; the {@link Mut} they return is not.
 *
 * @param <T> the type of the value.
 */
public interface DMutex<T> extends AutoCloseable
{
    /**
     * Take the lock, waiting with back-off while another holder has it. The lock is not re-entrant.
     *
     * @return an exclusive borrow of the value; closing it writes the value back and releases the lock.
     * @throws BorrowException if the calling thread holds the lock already (it would wait for itself).
     */
    Mut<T> lock();

    /**
     * Take the lock unless a thread of this node holds it or waits for it. When the lease is on another node this
     * asks for it and waits for the hand-over, which comes when that node's holder releases it.
     *
     * @return an exclusive borrow of the value, or {@code null} if a thread of this node has or awaits the lock.
     */
    Mut<T> tryLock();

    /**
     * Another handle on the same mutex, adding one to its count.
     *
     * @return the new handle.
     */
    DMutex<T> share();

    /**
     * The object's global address.
     *
     * @return the global address.
     */
    long address();

    /**
     * Drop this handle's count; the mutex is freed when the count reaches zero.
     */
    void close();
}
