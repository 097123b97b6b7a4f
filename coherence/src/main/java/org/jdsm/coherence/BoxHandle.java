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
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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
    private static final VarHandle LEASE;
    private static final VarHandle LESSEE;
    private static final VarHandle LEASE_READERS;
    private static final VarHandle FOREIGN_RELEASES;

    /*
     * Paths of a borrow that the JIT must not inline, called through handles in fields that are not final (the JIT
     * inlines a call through a constant handle only, and there is no other way to say so without the JDK's internal
     * annotations): inlined, they make the method that calls them too big to inline in turn once it is compiled on
     * its own, and the borrow it creates or is handed then escapes (see read() and SharedBorrow.bytes()).
     */
    @SuppressWarnings("FieldMayBeFinal")
    private static MethodHandle remoteCountedRead;
    @SuppressWarnings("FieldMayBeFinal")
    private static MethodHandle pinCopyForBorrow;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(BoxHandle.class, "state", long.class);
            LEASE = lookup.findVarHandle(BoxHandle.class, "lease", CacheEntry.class);
            LESSEE = lookup.findVarHandle(BoxHandle.class, "lessee", ReaderLeases.Lessee.class);
            LEASE_READERS = lookup.findVarHandle(BoxHandle.class, "leaseReaders", int.class);
            FOREIGN_RELEASES = lookup.findVarHandle(BoxHandle.class, "foreignReleases", int.class);
            remoteCountedRead = lookup.findVirtual(
                BoxHandle.class, "acquireRemoteCountedRead", MethodType.methodType(CacheEntry.class));
            pinCopyForBorrow = lookup.findVirtual(
                BoxHandle.class, "pinCopyForBorrow", MethodType.methodType(CacheEntry.class));
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final transient HeapAccess node;
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
    /** The thread whose cache hits go through {@link #lease}: set once, by CAS from null. */
    private transient volatile ReaderLeases.Lessee lessee;
    /** A pin on the cached copy of the object held for {@link #lessee}: set and cleared by the lessee's thread. */
    private transient volatile CacheEntry lease;
    /** Open Refs of the lessee through the lease: written only by the lessee's thread, with release. */
    private transient int leaseReaders;
    /** Leased Refs closed by threads other than the lessee's, subtracted from {@link #leaseReaders}. */
    private transient volatile int foreignReleases;

    BoxHandle(final HeapAccess node, final Codec<T> codec, final long address, final int length)
    {
        this(node, codec, address, length, null, null, 0);
    }

    private BoxHandle(
        final HeapAccess node,
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
        final HeapAccess node, final Codec<E> codec, final Object parent, final DirectBuffer buffer, final int slotOffset)
    {
        final long address = buffer.getLong(slotOffset);
        final MutableDirectBuffer writable = parent instanceof Mut ? (MutableDirectBuffer)buffer : null;
        return new BoxHandle<>(node, codec, address, -1, parent, writable, slotOffset);
    }

    public Ref<T> read()
    {
        final CacheEntry leased = leasedHit(); // a box with a parent is never leased (takeLease)
        final CacheEntry entry;
        final UnsafeBuffer buffer;
        if (null != leased)
        {
            entry = CacheEntry.LEASED;
            buffer = leased.payload;
        }
        else
        {
            checkParent(false);
            acquireRead(); // from here on nobody moves the object: its address is stable
            if (node.isLocal(address))
            {
                entry = null;
                buffer = view;
            }
            else
            {
                entry = callOutOfLine(remoteCountedRead, this);
                buffer = null != entry ? entry.payload : null;
            }
        }

        // one allocation site and a small method, so the JIT inlines it and scalar-replaces the borrow of a
        // try-with-resources block: a cache-hit borrow allocates nothing. The remote counted path is a call the JIT
        // can not inline: with it inlined, read() compiled on its own (as it is once called from several places)
        // took over InlineSmallCode (2,500 bytes), and its callers then called it instead of inlining it, so the
        // borrow it returns escaped and was allocated
        return new SharedBorrow<>(this, buffer, entry);
    }

    /**
     * {@link #pinCopyForBorrow()} through a call the JIT does not inline, for {@link SharedBorrow}'s fetch on first
     * access.
     *
     * @return the pinned copy.
     */
    CacheEntry pinCopyForBorrowOutOfLine()
    {
        return callOutOfLine(pinCopyForBorrow, this);
    }

    private static CacheEntry callOutOfLine(final MethodHandle path, final BoxHandle<?> box)
    {
        try
        {
            return (CacheEntry)path.invokeExact(box);
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(path + " declares no checked exception", ex);
        }
    }

    /**
     * The counted path of {@link #read()} for a remote object, whose reader the state word counts already: when the
     * box remembers the object's copy, a pin on that copy (and a lease for the calling thread, see {@link #takeLease}).
     *
     * @return the pinned copy, or null for a miss, which is fetched on first access (so a Ref only lent to a task
     * near the data copies nothing here).
     */
    private CacheEntry acquireRemoteCountedRead()
    {
        final long address = this.address;
        final CacheEntry entry = memo;
        if (null != entry && entry.key == address && entry.tryPin())
        {
            node.liveCounters().increment(Counters.CACHE_HITS);
            takeLease(entry);
            return entry;
        }

        return null;
    }

    /**
     * The cache hit of the lessee thread: no atomic, no fence, no pin. The lease is written only by the lessee's own
     * thread (see {@link ReaderLeases}), so the copy it pins can not be unpinned or evicted under this thread; its key
     * is the address with colour, so a copy of an older colour is never read once the colour bump happened-before
     * this call. The reader is counted by a release store of {@link #leaseReaders}, which a later
     * {@code write()}, {@code close()} or move reads: on this thread, or on any thread ordered after this call by
     * happens-before, it is refused while the Ref is open. A {@code write()} on another thread racing this call with
     * no happens-before between them is detected only best-effort (as {@link java.util.ConcurrentModificationException}
     * is): the Ref then reads the consistent copy of the value before that write.
     *
     * @return the leased entry, or null when the counted path must be taken.
     */
    private CacheEntry leasedHit()
    {
        final ReaderLeases.Lessee lessee = this.lessee;
        if (null == lessee || lessee.thread != Thread.currentThread())
        {
            return null;
        }
        final CacheEntry lease = this.lease;
        if (null == lease || lease.key != address || 0 != (state & (WRITER | UNUSABLE)))
        {
            return null;
        }
        LEASE_READERS.setRelease(this, leaseReaders + 1);
        lessee.hit();

        return lease;
    }

    /**
     * A Ref opened by {@link #leasedHit()} closed: its reads happen-before the release store.
     */
    void releaseLeasedRead()
    {
        final ReaderLeases.Lessee lessee = this.lessee;
        if (lessee.thread == Thread.currentThread())
        {
            LEASE_READERS.setRelease(this, leaseReaders - 1);
        }
        else
        {
            FOREIGN_RELEASES.getAndAdd(this, 1);
        }
    }

    /**
     * Leased Refs open: exact on the lessee's thread and for Refs opened before this call by happens-before.
     */
    private int leasedReaders()
    {
        return (int)LEASE_READERS.getVolatile(this) - foreignReleases;
    }

    /**
     * On a counted cache hit of a remote object: take a lease on its copy for the calling thread, when it is the
     * box's lessee (or the box has none yet, and it becomes the lessee for good) and no leased Ref is open.
     */
    private void takeLease(final CacheEntry entry)
    {
        if (SizeClassAllocator.NO_SPACE == entry.arenaOffset || lease == entry || null != parent)
        {
            // a slot box lives for one decode: a lease would only churn the ring
            return;
        }
        ReaderLeases.Lessee lessee = this.lessee;
        if (null == lessee)
        {
            lessee = node.readerLeases().lessee();
            if (!LESSEE.compareAndSet(this, null, lessee))
            {
                return;
            }
        }
        else if (lessee.thread != Thread.currentThread())
        {
            return;
        }
        if (0 != leasedReaders() || !entry.tryPin())
        {
            return;
        }
        dropLease();
        if (!LEASE.compareAndSet(this, null, entry))
        {
            entry.unpin();
            return;
        }
        lessee.leased(this);
    }

    /**
     * Release the lease on {@code thread}'s behalf: called by the lessee's own thread (its ring dropped this box),
     * or by any thread once the lessee thread has terminated. No leased Ref of it may be open.
     *
     * @param thread the lessee's.
     */
    void releaseLeaseOf(final Thread thread)
    {
        final ReaderLeases.Lessee lessee = this.lessee;
        if (null != lessee && lessee.thread == thread && 0 == leasedReaders())
        {
            dropLease();
        }
    }

    /**
     * Whether the box holds a lease on a cached copy for its lessee thread.
     *
     * @return true if leased.
     */
    boolean isLeased()
    {
        return null != lease;
    }

    private void dropLease()
    {
        final CacheEntry lease = this.lease;
        if (null != lease && LEASE.compareAndSet(this, lease, null))
        {
            lease.unpin();
        }
    }

    /**
     * After a CAS that took the state word for a writer, a free or a move: back out if a leased Ref is open; else, on
     * the lessee's thread, drop the lease, whose copy is of a value about to change or end. Another thread leaves
     * the lease to its lessee (who drops it on its next read of this box, or when its ring of leases turns), so a
     * lease is never released under a racing leased hit.
     */
    private void checkNoLeasedReaders(final String operation)
    {
        final ReaderLeases.Lessee lessee = this.lessee;
        if (null == lessee)
        {
            return;
        }
        final int leased = leasedReaders();
        if (0 != leased)
        {
            STATE.setRelease(this, 0L);
            throw new BorrowException(operation + " on " + describe() + " while " + leased + " Ref(s) of it are open");
        }
        if (lessee.thread == Thread.currentThread())
        {
            dropLease();
        }
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
        checkUsable("address()");
        return address;
    }

    public int homeNode()
    {
        checkUsable("homeNode()");
        return GlobalAddress.nodeId(address);
    }

    /**
     * The address this handle names, whatever its state: for the engine, which moves and lends boxes.
     *
     * @return the global address.
     */
    long rawAddress()
    {
        return address;
    }

    private void checkUsable(final String operation)
    {
        final long state = this.state;
        if ((state & BorrowState.UNUSABLE) != 0)
        {
            throw conflict(operation, state);
        }
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
        checkNoLeasedReaders("close()");
        node.free(address);
        final CacheEntry copy = memo;
        if (null != copy && copy.key == address)
        {
            // the owner freed it: nobody here reads that copy again, and the next copy takes its slot while warm
            memo = null;
            node.dropCopy(copy);
        }
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

    HeapAccess node()
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
        checkNoLeasedReaders("write()");
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
        checkNoLeasedReaders("move");
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

        return new BorrowException(operation + " on " + name + " while " +
            (BorrowState.readers(state) + leasedReaders()) + " Ref(s) of it are open");
    }

    private Object writeReplace()
    {
        return TaskScope.current("a DBox").move(this);
    }
}
