package org.jdsm;

/**
 * A shared, immutable object with a reference count kept at its home node and updated by remote fetch-add. Its
 * colour never changes, so it is freely cached on every node. The last handle closed frees it.
 * <p>
 * A {@code DArc} captured by a spawned task is shared into it: the task holds its own count, dropped when the
 * task returns.
 * <p>
 * <b>Note:</b> one handle is one count: {@link #share()} and {@link #close()} are threadsafe, but each handle is
 * closed once.
 *
 * @param <T> the type of the value.
 */
public interface DArc<T> extends AutoCloseable
{
    /**
     * Borrow the value shared; a remote one is copied once into this node's cache.
     *
     * @return an open shared borrow.
     */
    Ref<T> read();

    /**
     * Decode the value.
     *
     * @return the value.
     */
    T get();

    /**
     * Another handle on the same object, adding one to its count.
     *
     * @return the new handle.
     */
    DArc<T> share();

    /**
     * The current reference count, read from the home node.
     *
     * @return the count.
     */
    long referenceCount();

    /**
     * The object's global address.
     *
     * @return the global address.
     */
    long address();

    /**
     * Drop this handle's count; the object is freed when the count reaches zero.
     */
    void close();
}
