package org.jdsm;

import org.agrona.MutableDirectBuffer;

/**
 * An exclusive borrow of a distributed object: the one writer, with no reader beside it on any node, until
 * {@link #close()}. Taking it moves a remote object to this node, or bumps the colour of a local one, so no cached
 * copy of the old value is ever read again.
 * <p>
 * <b>Note:</b> not threadsafe; belongs to the thread that opened it or to the task it was passed to.
 *
 * @param <T> the type of the value.
 */
public interface Mut<T> extends Ref<T>
{
    /**
     * Replace the value; a value of another length may move the object to a new block on this node.
     *
     * @param value the new value.
     */
    void set(T value);

    /**
     * Write a {@code long} object in place with no allocation.
     *
     * @param value the new value.
     */
    void setLong(long value);

    /**
     * Write an {@code int} object in place with no allocation.
     *
     * @param value the new value.
     */
    void setInt(int value);

    /**
     * Write a {@code double} object in place with no allocation.
     *
     * @param value the new value.
     */
    void setDouble(double value);

    /**
     * A zero-copy, writable view of the object's bytes; valid until {@link #close()}.
     *
     * @return the view.
     */
    MutableDirectBuffer buffer();
}
