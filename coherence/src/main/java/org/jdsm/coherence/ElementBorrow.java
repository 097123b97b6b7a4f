package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.BorrowException;
import org.jdsm.Ref;

import java.io.Serializable;

/**
 * A shared borrow of one element of a {@link VecHandle}: the vector's spine borrowed shared, and the element's
 * chunk in place when local or as a pinned copy in the node's cache when remote, both held until close. Handles
 * decoded from it name it as their parent, so they stay readable while it is open.
 * <p>
 * <b>Note:</b> not threadsafe: it belongs to the thread that opened it, and it is not sent to tasks.
 *
 * @param <T> type of the element.
 */
final class ElementBorrow<T> implements Ref<T>, Borrow, Serializable
{
    private static final long serialVersionUID = 1L;

    private final transient VecHandle<T> vec;
    private final transient long index;
    private final transient Ref<byte[]> spineRef;
    private final transient UnsafeBuffer view;
    private final transient CacheEntry copy;
    private transient boolean closed;

    ElementBorrow(
        final VecHandle<T> vec, final long index, final Ref<byte[]> spineRef, final UnsafeBuffer view,
        final CacheEntry copy)
    {
        this.vec = vec;
        this.index = index;
        this.spineRef = spineRef;
        this.view = view;
        this.copy = copy;
    }

    public T get()
    {
        checkOpen();
        return vec.codec().decode(view, 0, view.capacity(), vec.node().handleContext(this));
    }

    public long getLong()
    {
        checkOpen();
        return view.getLong(0);
    }

    public int getInt()
    {
        checkOpen();
        return view.getInt(0);
    }

    public double getDouble()
    {
        checkOpen();
        return view.getDouble(0);
    }

    public DirectBuffer buffer()
    {
        checkOpen();
        return view;
    }

    public int length()
    {
        checkOpen();
        return view.capacity();
    }

    public void close()
    {
        if (closed)
        {
            throw new BorrowException(describe() + " closed twice");
        }
        closed = true;
        if (null != copy)
        {
            copy.unpin();
        }
        spineRef.close();
    }

    public boolean isOpen()
    {
        return !closed;
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new BorrowException(describe() + " used after close");
        }
    }

    private String describe()
    {
        return "Ref of element " + index + " of " + vec;
    }

    private Object writeReplace()
    {
        throw new BorrowException(describe() + " can not be sent to a task: send a Ref of the box it names, " +
            "or the DVec");
    }

    public String toString()
    {
        return describe() + (closed ? ", closed" : "");
    }
}
