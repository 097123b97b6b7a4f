package org.jdsm;

/**
 * A growable vector in the global heap, stored as fixed-size chunks each owned by the vector, so a large one
 * spans nodes. Elements have a fixed-length {@link Codec}. Each element operation borrows its chunk for the
 * duration of the call: a read copies a remote chunk into this node's cache, a write moves it here.
 * <p>
 * <b>Note:</b> a {@code DVec} handle is not threadsafe: it has a single owner, like a {@link DBox}.
 *
 * @param <T> the type of the elements.
 */
public interface DVec<T> extends AutoCloseable
{
    /**
     * Number of elements.
     *
     * @return the size.
     */
    long size();

    /**
     * Append an element, adding a chunk when the last one is full.
     *
     * @param value to append.
     */
    void push(T value);

    /**
     * Decode the element at an index.
     *
     * @param index of the element.
     * @return the element.
     */
    T get(long index);

    /**
     * A shared borrow of the element at an index, open until closed. Unlike {@link #get(long)}, whose nested
     * handles are valid only inside the call, a handle decoded from this borrow (a {@link DBox} or {@code DVec}
     * field of the element) stays usable for reading while the borrow is open, e.g. to borrow the box it names and
     * lend that {@link Ref} to a task near the box. While it is open the vector can not be written. The borrow
     * itself stays on this node: send a {@code Ref} of the box it names to a task, not the borrow.
     *
     * @param index of the element.
     * @return the borrow, to close with try-with-resources.
     * @throws IndexOutOfBoundsException if the index is outside the vector.
     * @throws BorrowException if the vector is being written.
     */
    Ref<T> read(long index);

    /**
     * An exclusive borrow of the element at an index, open until closed: its chunk moves to this node (or gets a
     * new colour), and a handle decoded from it (a {@link DBox} or {@code DVec} field) can be written, moved or
     * freed while it is open; freeing a nested box clears the element's field. While it is open the vector can not
     * be read or written otherwise. Like {@link #read(long)}, the borrow stays on this node.
     *
     * @param index of the element.
     * @return the borrow, to close with try-with-resources.
     * @throws IndexOutOfBoundsException if the index is outside the vector.
     * @throws BorrowException if the vector is borrowed.
     */
    Mut<T> write(long index);

    /**
     * The element of a vector of {@code long}, with no allocation on a cache hit.
     *
     * @param index of the element.
     * @return the element.
     */
    long getLong(long index);

    /**
     * Replace the element at an index.
     *
     * @param index of the element.
     * @param value the new value.
     */
    void set(long index, T value);

    /**
     * Replace the element of a vector of {@code long}.
     *
     * @param index of the element.
     * @param value the new value.
     */
    void setLong(long index, long value);

    /**
     * Elements per chunk.
     *
     * @return the chunk length in elements.
     */
    int chunkLength();

    /**
     * Number of chunks.
     *
     * @return the chunk count.
     */
    int chunkCount();

    /**
     * The node that holds a chunk now.
     *
     * @param chunkIndex of the chunk.
     * @return its home node.
     */
    int chunkHome(int chunkIndex);

    /**
     * The global address of the vector's spine, the object that holds its size and chunk addresses.
     *
     * @return the spine's global address.
     */
    long address();

    /**
     * The element codec.
     *
     * @return the codec.
     */
    Codec<T> codec();

    /**
     * Free the vector and all its chunks.
     */
    void close();
}
