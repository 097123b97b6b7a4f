package org.jdsm;

/**
 * A mutual-exclusion lock over a value, with its lock word at the home node taken by remote compare-and-swap.
 * Holding the lock gives a {@link Mut} over a copy of the value on the holder's node, written back on release.
 * Handles are reference counted like {@link DArc}: a task that captures one shares it.
 * <p>
 * <b>Note:</b> {@link #lock()} and {@link #tryLock()} are threadsafe; the {@link Mut} they return is not.
 *
 * @param <T> the type of the value.
 */
public interface DMutex<T> extends AutoCloseable
{
    /**
     * Take the lock, waiting with back-off while another holder has it.
     *
     * @return an exclusive borrow of the value; closing it writes the value back and releases the lock.
     */
    Mut<T> lock();

    /**
     * Take the lock if it is free.
     *
     * @return an exclusive borrow of the value, or {@code null} if another holder has the lock.
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
