package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.BorrowException;
import org.jdsm.Codec;
import org.jdsm.DBox;
import org.jdsm.HandleContext;
import org.jdsm.Mut;
import org.jdsm.Ref;

import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static org.jdsm.coherence.BorrowState.FREED;
import static org.jdsm.coherence.BorrowState.MOVED;
import static org.jdsm.coherence.BorrowState.UNUSABLE;
import static org.jdsm.coherence.BorrowState.WRITER;

/**
 * The engine's {@link DBox}: an owner of one object, with its borrow state word, its current global address and
 * a view of its bytes when they are local.
 * <p>
 * A <em>root</em> box is owned by the program; a <em>slot</em> box was decoded from a nested field and its owner
 * slot is 8 bytes of the enclosing object, reached through the borrow of that object: it may be written only
 * through an exclusive borrow of the enclosing object, and its new address is then stored in the slot.
 * <p>
 * <b>Note:</b> borrow and free are threadsafe (CAS on the state word); the address and view change only under the
 * exclusive borrow.
 *
 * @param <T> type of the value.
 */
final class BoxHandle<T> implements DBox<T>, BorrowOwner, Serializable
{
    private static final long serialVersionUID = 1L;
    private static final VarHandle STATE;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(BoxHandle.class, "state", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final transient Node node;
    private final transient Codec<T> codec;
    private final transient Object parent;
    private final transient MutableDirectBuffer slotBuffer;
    private final transient int slotOffset;
    final transient UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private transient long address;
    private transient int length;
    private transient volatile CacheEntry memo;
    private transient String movedTo;
    @SuppressWarnings("unused")
    private transient volatile long state;

    BoxHandle(final Node node, final Codec<T> codec, final long address, final int length)
    {
        this(node, codec, address, length, null, null, 0);
    }

    private BoxHandle(
        final Node node,
        final Codec<T> codec,
        final long address,
        final int length,
        final Object parent,
        final MutableDirectBuffer slotBuffer,
        final int slotOffset)
    {
        this.node = node;
        this.codec = codec;
        this.parent = parent;
        this.slotBuffer = slotBuffer;
        this.slotOffset = slotOffset;
        setAddress(address, length);
    }

    /**
     * A box whose owner slot is a field of an object borrowed through {@code parent}.
     */
    static <E> BoxHandle<E> slot(
        final Node node, final Codec<E> codec, final Object parent, final DirectBuffer buffer, final int slotOffset)
    {
        final long address = buffer.getLong(slotOffset);
        final MutableDirectBuffer writable = parent instanceof Mut ? (MutableDirectBuffer)buffer : null;
        return new BoxHandle<>(node, codec, address, -1, parent, writable, slotOffset);
    }

    public Ref<T> read()
    {
        checkParent(false);
        acquireRead();
        final long address = this.address;
        UnsafeBuffer buffer = view;
        CacheEntry entry = null;
        if (!node.isLocal(address))
        {
            entry = memo;
            if (null != entry && entry.key == address && entry.tryPin())
            {
                node.liveCounters().increment(Counters.CACHE_HITS);
                buffer = entry.payload;
            }
            else
            {
                // a miss is fetched on first access, so a Ref only lent to a task near the data copies nothing here
                entry = null;
                buffer = null;
            }
        }

        // one allocation site and a small method, so the JIT inlines it and scalar-replaces the borrow of a
        // try-with-resources block: a cache-hit borrow allocates nothing
        return new SharedBorrow<>(this, codec, buffer, entry);
    }

    /**
     * Pin a copy of this box's remote object for a shared borrow that is being accessed for the first time.
     *
     * @return the pinned entry.
     */
    CacheEntry pinCopyForBorrow()
    {
        final long address = this.address;
        final CacheEntry entry = memo;
        if (null != entry && entry.key == address && entry.tryPin())
        {
            node.liveCounters().increment(Counters.CACHE_HITS);
            return entry;
        }

        return pinCopy(address);
    }

    private CacheEntry pinCopy(final long address)
    {
        final CacheEntry entry = node.pinCopy(address, length);
        length = entry.length;
        if (entry.arenaOffset != SizeClassAllocator.NO_SPACE)
        {
            memo = entry;
        }

        return entry;
    }

    public Mut<T> write()
    {
        checkParent(true);
        acquireWrite();
        try
        {
            makeExclusive();
            return new ExclusiveBorrow<>(this);
        }
        catch (final RuntimeException ex)
        {
            releaseWrite();
            throw ex;
        }
    }

    public long address()
    {
        return address;
    }

    public int homeNode()
    {
        return GlobalAddress.nodeId(address);
    }

    public Codec<T> codec()
    {
        return codec;
    }

    public void close()
    {
        checkParent(true);
        final long state = this.state;
        if (0 != state || !STATE.compareAndSet(this, 0L, FREED))
        {
            throw conflict("close()", this.state);
        }
        node.free(address);
        if (null != slotBuffer)
        {
            slotBuffer.putLong(slotOffset, 0);
        }
    }

    public String describe()
    {
        return "DBox(" + GlobalAddress.toString(address) + ")";
    }

    public String toString()
    {
        return describe();
    }

    public HandleContext handleContext(final Object borrow)
    {
        return node.handleContext(borrow);
    }

    Node node()
    {
        return node;
    }

    int length()
    {
        return length;
    }

    boolean isLocal()
    {
        return node.isLocal(address);
    }

    boolean isSlot()
    {
        return null != parent;
    }

    void acquireRead()
    {
        while (true)
        {
            final long state = this.state;
            if ((state & (WRITER | UNUSABLE)) != 0 || !STATE.compareAndSet(this, state, state + 1))
            {
                if ((state & (WRITER | UNUSABLE)) != 0)
                {
                    throw conflict("read()", state);
                }
                continue;
            }
            return;
        }
    }

    public void releaseRead()
    {
        STATE.getAndAdd(this, -1L);
    }

    void acquireWrite()
    {
        if (!STATE.compareAndSet(this, 0L, WRITER))
        {
            throw conflict("write()", state);
        }
    }

    public void releaseWrite()
    {
        // release: the bytes written under the borrow happen-before the next borrow's acquire by CAS
        STATE.setRelease(this, 0L);
    }

    /**
     * Consume this handle because its object moved into another object or a task.
     *
     * @param destination for the error message of a later use, e.g. "a task on node 2".
     */
    void moveOut(final String destination)
    {
        if (isSlot())
        {
            throw new BorrowException(describe() + " is a field of another object and can not be moved out of it");
        }
        if (!STATE.compareAndSet(this, 0L, MOVED))
        {
            throw conflict("move", state);
        }
        movedTo = destination;
    }

    /**
     * Undo {@link #moveOut(String)} when the move did not happen.
     */
    void undoMoveOut()
    {
        movedTo = null;
        STATE.setRelease(this, 0L);
    }

    void setAddress(final long address, final int length)
    {
        this.address = address;
        if (node.isLocal(address))
        {
            this.length = node.localLength(address);
            node.wrapPayload(view, address, this.length);
        }
        else
        {
            this.length = length;
        }
    }

    /**
     * Under the exclusive borrow: bring the object here and give it a new colour, so no cached copy of the old
     * value is looked up again.
     */
    void makeExclusive()
    {
        final long oldAddress = address;
        final long newAddress = node.acquireExclusive(oldAddress, length);
        if (GlobalAddress.withColour(newAddress, 0) == GlobalAddress.withColour(oldAddress, 0) &&
            node.isLocal(oldAddress))
        {
            // a colour bump in place: same block, same length, the view already wraps the payload
            address = newAddress;
        }
        else
        {
            setAddress(newAddress, -1);
        }
        storeInSlot();
    }

    void makeLocalForWrite()
    {
        makeExclusive();
    }

    /**
     * The task a Mut of this box was lent to returned; the object is at an address it reported.
     */
    void adoptAfterLend(final long address)
    {
        setAddress(address, node.isLocal(address) ? -1 : this.length);
        storeInSlot();
    }

    void setValue(final T value, final Object borrow)
    {
        final int newLength = codec.encodedLength(value);
        final long newAddress = node.resizeLocal(address, newLength);
        if (newAddress != address)
        {
            setAddress(newAddress, -1);
            storeInSlot();
        }
        else if (newLength != length)
        {
            setAddress(newAddress, -1);
        }
        codec.encode(value, view, 0, node.handleContext(borrow));
    }

    private void storeInSlot()
    {
        if (null != slotBuffer)
        {
            slotBuffer.putLong(slotOffset, address);
        }
    }

    private void checkParent(final boolean exclusive)
    {
        if (null == parent)
        {
            return;
        }
        final boolean isMut = parent instanceof Mut;
        if (!(parent instanceof Borrow) || !((Borrow)parent).isOpen())
        {
            throw new BorrowException(describe() + " was reached through a " + (isMut ? "Mut" : "Ref") +
                " that is closed");
        }
        if (!isMut)
        {
            if (exclusive)
            {
                throw new BorrowException(describe() + " was reached through a Ref: borrow the enclosing object " +
                    "with write() to write or free it");
            }
        }
    }

    private BorrowException conflict(final String operation, final long state)
    {
        final String name = describe();
        if ((state & FREED) != 0)
        {
            return new BorrowException(operation + " on " + name + " after it was freed");
        }
        if ((state & MOVED) != 0)
        {
            return new BorrowException(operation + " on " + name + " after it was moved to " + movedTo +
                ": this handle is consumed");
        }
        if ((state & WRITER) != 0)
        {
            return new BorrowException(operation + " on " + name + " while a Mut of it is open");
        }

        return new BorrowException(operation + " on " + name + " while " + BorrowState.readers(state) +
            " Ref(s) of it are open");
    }

    private Object writeReplace()
    {
        return TaskScope.current("a DBox").move(this);
    }
}
