package org.jdsm.coherence;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.BorrowException;
import org.jdsm.CodecException;
import org.jdsm.Mut;

import java.io.Serializable;

/**
 * An exclusive borrow of one element of a {@link VecHandle}: the vector's spine borrowed exclusively and the
 * element's chunk in the local heap, both held until close. Handles decoded from it name it as their parent, so
 * they can be written, moved or freed while it is open, their new addresses stored in the element.
 * <p>
 * <b>Note:</b> not threadsafe: it belongs to the thread that opened it, and it is not sent to tasks.
 *
 * @param <T> type of the element.
 */
final class ElementMut<T> implements Mut<T>, Borrow, Serializable
{
    private static final long serialVersionUID = 1L;

    private final transient VecHandle<T> vec;
    private final transient long index;
    private final transient Mut<byte[]> spineMut;
    private final transient UnsafeBuffer view;
    private transient boolean closed;

    ElementMut(final VecHandle<T> vec, final long index, final Mut<byte[]> spineMut, final UnsafeBuffer view)
    {
        this.vec = vec;
        this.index = index;
        this.spineMut = spineMut;
        this.view = view;
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

    public MutableDirectBuffer buffer()
    {
        checkOpen();
        return view;
    }

    public int length()
    {
        checkOpen();
        return view.capacity();
    }

    public void set(final T value)
    {
        checkOpen();
        final int encodedLength = vec.codec().encodedLength(value);
        if (encodedLength != view.capacity())
        {
            throw new CodecException("element of " + encodedLength + " bytes in a DVec of " + view.capacity() +
                "-byte elements");
        }
        vec.codec().encode(value, view, 0, vec.node().handleContext(this));
    }

    public void setLong(final long value)
    {
        checkOpen();
        view.putLong(0, value);
    }

    public void setInt(final int value)
    {
        checkOpen();
        view.putInt(0, value);
    }

    public void setDouble(final double value)
    {
        checkOpen();
        view.putDouble(0, value);
    }

    public void close()
    {
        if (closed)
        {
            throw new BorrowException(describe() + " closed twice");
        }
        closed = true;
        vec.publishElement(spineMut.buffer(), index);
        spineMut.close();
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
        return "Mut of element " + index + " of " + vec;
    }

    private Object writeReplace()
    {
        throw new BorrowException(describe() + " can not be sent to a task: send the DVec, or a Mut of the box " +
            "it names");
    }

    public String toString()
    {
        return describe() + (closed ? ", closed" : "");
    }
}
