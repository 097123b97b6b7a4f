package org.jdsm;

import org.agrona.DirectBuffer;

/**
 * A shared borrow of a distributed object: read access that lasts until {@link #close()}. Many {@code Ref}s of
 * one object may be open at once, on any nodes, but never beside a {@link Mut}.
 * <p>
 * <b>Note:</b> a handle belongs to the thread that opened it, or to the task it was passed to, and is not
 * threadsafe. Every method throws {@link BorrowException} once the handle is closed.
 *
 * @param <T> the type of the value.
 */
public interface Ref<T> extends AutoCloseable
{
    /**
     * Decode the value.
     *
     * @return the value.
     */
    T get();

    /**
     * The value of a {@code long} object, read in place with no allocation.
     *
     * @return the first 8 bytes of the object as a {@code long}.
     */
    long getLong();

    /**
     * The value of an {@code int} object, read in place with no allocation.
     *
     * @return the first 4 bytes of the object as an {@code int}.
     */
    int getInt();

    /**
     * The value of a {@code double} object, read in place with no allocation.
     *
     * @return the first 8 bytes of the object as a {@code double}.
     */
    double getDouble();

    /**
     * A zero-copy view of the object's bytes, from index 0 to {@link #length()}; valid until {@link #close()}.
     *
     * @return the view.
     */
    DirectBuffer buffer();

    /**
     * Length of the object's bytes.
     *
     * @return the length in bytes.
     */
    int length();

    /**
     * End the borrow. Closing twice throws {@link BorrowException}.
     */
    void close();
}
