package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.jdsm.BorrowException;
import org.jdsm.Codec;
import org.jdsm.Ref;

import java.io.Serializable;

/**
 * A shared borrow: a read-only view of an object's bytes, either in the local heap or in a pinned copy in the
 * node's {@link CopyCache}, fetched on first access. Closing it unpins the copy and releases the owner's reader
 * count.
 * <p>
 * <b>Note:</b> not threadsafe: it belongs to the thread that opened it, or to the task it was lent to.
 *
 * @param <T> type of the value.
 */
final class SharedBorrow<T> implements Ref<T>, Borrow, Serializable
{
    private static final long serialVersionUID = 1L;

    private final transient BorrowOwner owner;
    private transient DirectBuffer buffer;
    private transient CacheEntry entry;
    private transient int state;

    static final int OPEN = 0;
    static final int CLOSED = 1;
    static final int EXPIRED = 2;

    /**
     * The borrow keeps as few fields as it needs (its codec is its owner's, a lease is marked by its entry): a cache
     * hit's borrow is scalar-replaced, and each field is a value the JIT carries through the reading code, into stack
     * slots around the calls of a miss's paths when it has compiled those in ({@code BorrowBenchmark}, a hit after
     * misses: 6.0 ns with the codec and a lease flag as fields, 4.6 ns without, against 2.5 ns for a
     * {@code ConcurrentHashMap} get).
     *
     * @param owner  of the object.
     * @param buffer of the bytes, or null to fetch them into the cache on first access.
     * @param entry  the pinned copy in the cache, null for none, or {@link CacheEntry#LEASED} when opened through the
     *               lease of a {@link BoxHandle} (see {@link ReaderLeases}): counted in the box's lease readers, with
     *               no pin and no count in its state word.
     */
    SharedBorrow(final BorrowOwner owner, final DirectBuffer buffer, final CacheEntry entry)
    {
        this.owner = owner;
        this.buffer = buffer;
        this.entry = entry;
    }

    public T get()
    {
        checkOpen();
        final DirectBuffer bytes = bytes();
        return codec().decode(bytes, 0, bytes.capacity(), owner.handleContext(this));
    }

    public long getLong()
    {
        checkOpen();
        return bytes().getLong(0);
    }

    public int getInt()
    {
        checkOpen();
        return bytes().getInt(0);
    }

    public double getDouble()
    {
        checkOpen();
        return bytes().getDouble(0);
    }

    public DirectBuffer buffer()
    {
        checkOpen();
        return bytes();
    }

    public int length()
    {
        checkOpen();
        return bytes().capacity();
    }

    /**
     * The bytes, fetched into the cache on first access when the borrow was opened on a miss.
     * <p>
     * The fetch is a call the JIT can not inline ({@link BoxHandle#pinCopyForBorrowOutOfLine}), so this method stays
     * a few instructions when compiled on its own: compiled with a miss's fetch inlined it took ~18 KB of code, over
     * {@code InlineSmallCode}, and a program that had run misses then called it from every accessor instead of
     * inlining it, handing it the borrow, which then escaped: each cache hit allocated its {@code Ref}.
     */
    private DirectBuffer bytes()
    {
        DirectBuffer bytes = buffer;
        if (null == bytes)
        {
            final CacheEntry pinned = ((BoxHandle<?>)owner).pinCopyForBorrowOutOfLine();
            entry = pinned;
            bytes = pinned.payload;
            buffer = bytes;
        }

        return bytes;
    }

    /**
     * Five bytes of bytecode, within HotSpot's {@code MaxTrivialSize} (6): the JIT inlines a method that small even
     * at a call site that never ran, such as the exception handler javac makes for a try-with-resources block, and
     * the call inside it ran on every normal close, so it is inlined as well. Were the body here, JDK 17's C2 would
     * call it from that handler ("call site not reached"), handing it the borrow, which would then escape: in a JVM
     * that has compiled misses, every cache-hit borrow would allocate its {@code Ref}.
     */
    public void close()
    {
        closeOpen();
    }

    private void closeOpen()
    {
        checkOpen();
        state = CLOSED;
        release();
    }

    public boolean isOpen()
    {
        return OPEN == state;
    }

    long address()
    {
        return owner.address();
    }

    @SuppressWarnings("unchecked")
    Codec<T> codec()
    {
        return (Codec<T>)owner.codec();
    }

    BorrowOwner owner()
    {
        return owner;
    }

    /**
     * Ends a borrow lent to a task when the task returns.
     */
    void expire()
    {
        if (OPEN == state)
        {
            state = EXPIRED;
            release();
        }
    }

    private void release()
    {
        if (CacheEntry.LEASED == entry)
        {
            ((BoxHandle<?>)owner).releaseLeasedRead();
            return;
        }
        if (null != entry)
        {
            entry.unpin();
        }
        owner.releaseRead();
    }

    private void checkOpen()
    {
        if (OPEN != state)
        {
            throw new BorrowException("Ref of " + owner.describe() +
                (CLOSED == state ? " used after close" : " used after the task it was lent to returned"));
        }
    }

    private Object writeReplace()
    {
        checkOpen();
        return TaskScope.current("a Ref").lend(this);
    }

    public String toString()
    {
        return "Ref{" + owner.describe() + (OPEN == state ? "" : CLOSED == state ? ", closed" : ", expired") + '}';
    }
}
