package org.jdsm.coherence;

import org.jdsm.BorrowException;
import org.jdsm.Codec;

import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Base of the reference-counted handles ({@link ArcHandle}, {@link MutexHandle}): the count is the first payload
 * word of the object, at its home node, updated by fetch-add (one-sided when the home is remote). Each handle holds
 * one count; closing the last frees the object.
 * <p>
 * <b>Note:</b> threadsafe.
 *
 * @param <T> type of the value.
 */
abstract class SharedObjectHandle<T> implements Serializable
{
    private static final long serialVersionUID = 1L;

    private static final VarHandle CLOSED;

    static
    {
        try
        {
            CLOSED = MethodHandles.lookup().findVarHandle(SharedObjectHandle.class, "closed", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Offset of the reference count in the payload. */
    static final int COUNT_OFFSET = 0;

    final transient HeapAccess node;
    final transient Codec<T> codec;
    final transient long address;
    final transient int length;
    final transient AtomicInteger openBorrows = new AtomicInteger();
    // a field of the handle, not an AtomicInteger: every read checks it, and an object of its own is one more
    // cache line per handle to miss (a store reads one of its 1,024 bucket cells per get)
    private transient volatile int closed;

    SharedObjectHandle(final HeapAccess node, final Codec<T> codec, final long address, final int length)
    {
        this.node = node;
        this.codec = codec;
        this.address = address;
        this.length = length;
    }

    abstract String kind();

    abstract Object token();

    public long address()
    {
        return address;
    }

    public void close()
    {
        if (openBorrows.get() != 0)
        {
            throw new BorrowException("close() on " + describe() + " while " + openBorrows.get() +
                " borrow(s) of it are open");
        }
        if (!CLOSED.compareAndSet(this, 0, 1))
        {
            throw new BorrowException(describe() + " closed twice");
        }
        dropReference();
    }

    public String describe()
    {
        return kind() + "(" + GlobalAddress.toString(address) + ")";
    }

    public String toString()
    {
        return describe();
    }

    void checkOpen()
    {
        if (closed != 0)
        {
            throw new BorrowException(describe() + " used after close");
        }
    }

    void addReference()
    {
        checkOpen();
        node.fetchAdd(address, COUNT_OFFSET, 1);
    }

    void dropReference()
    {
        if (node.fetchAdd(address, COUNT_OFFSET, -1) == 1)
        {
            node.free(address);
        }
    }

    /**
     * Hand this handle's count to a token: the handle is closed without dropping it.
     */
    void consume()
    {
        if (openBorrows.get() != 0 || !CLOSED.compareAndSet(this, 0, 1))
        {
            throw new BorrowException(describe() + " can not be moved: it is closed or borrowed");
        }
    }

    void dropIfOpen()
    {
        if (closed == 0 && openBorrows.get() == 0)
        {
            close();
        }
    }

    long referenceCountAtHome()
    {
        checkOpen();
        return node.fetchAdd(address, COUNT_OFFSET, 0);
    }

    /**
     * Protected, not private, so serialization finds it from the subclasses.
     */
    protected final Object writeReplace()
    {
        return TaskScope.current("a " + kind()).share(this);
    }
}
