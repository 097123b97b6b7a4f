package org.jdsm;

/**
 * The unique owner of one object in the global heap, like Rust's {@code Box}. {@link #read()} lends it shared,
 * {@link #write()} exclusively: many {@link Ref}s or one {@link Mut}, never both, checked at run time with a
 * {@link BorrowException} at once on a conflict.
 * <p>
 * Moving the box (into another object, a {@link DVec}, or a task sent to another node) consumes this handle;
 * {@link #close()} frees the object. Any use after either throws {@link BorrowException} naming the object.
 * <p>
 * <b>Note:</b> borrow methods are threadsafe: the borrow state is one atomic word.
 *
 * @param <T> the type of the value.
 */
public interface DBox<T> extends AutoCloseable
{
    /**
     * Borrow the value shared. A remote object is copied once into this node's cache.
     *
     * @return an open shared borrow, to be closed.
     * @throws BorrowException if a {@link Mut} is open, or the box was moved or freed.
     */
    Ref<T> read();

    /**
     * Borrow the value exclusively. A remote object moves to this node; a local one has its colour bumped.
     *
     * @return an open exclusive borrow, to be closed.
     * @throws BorrowException if any {@link Ref} or {@link Mut} is open, or the box was moved or freed.
     */
    Mut<T> write();

    /**
     * The object's current global address: colour, home node and offset.
     *
     * @return the global address.
     * @throws BorrowException if the box was moved or freed: its address is no longer the object's.
     */
    long address();

    /**
     * The node whose heap holds the object now.
     *
     * @return the home node id.
     * @throws BorrowException if the box was moved or freed.
     */
    int homeNode();

    /**
     * The codec of the value.
     *
     * @return the codec.
     */
    Codec<T> codec();

    /**
     * Free the object. Throws {@link BorrowException} if it is borrowed, moved, or already freed.
     */
    void close();
}
