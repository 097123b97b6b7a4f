package org.jdsm.coherence;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.BorrowException;
import org.jdsm.Codec;
import org.jdsm.DMutex;
import org.jdsm.Mut;
import org.jdsm.ObjectSizeException;
import org.jdsm.RemoteAccessException;

import java.io.Serializable;

/**
 * The engine's {@link DMutex}: a lock whose value migrates with it, as in DRust. Payload layout at the home node:
 * <pre>
 *   0: reference count   8: lease queue tail (home-locked: holder)   16: value length   24: value ...
 * </pre>
 * The lock and its value live where the lock was last taken, in that node's {@link MutexLease} (see its Javadoc
 * for the protocol): locking again on that node is a local compare-and-swap with no network operation; locking from
 * another node swaps it into the queue tail at the home (one compare-and-swap) and asks the previous holder, which
 * hands the lease over with the value in one message once its own lock is free. The {@link Mut} a lock returns
 * works on the value in place, in the lease's record; nothing is written back on release.
 * <p>
 * With {@code jdsm.replicas > 0} the mutex is <em>home-locked</em> instead: the lock word holds the holder's node,
 * the value is read from the home after the lock and written back to it (mirrored to its backups) before the
 * unlock frees the word, so a holder's or the home's death loses no completed unlock (see {@link MutexLease}).
 * <p>
 * <b>Note:</b> threadsafe; the {@link Mut} a lock returns is not.
 *
 * @param <T> type of the value.
 */
final class MutexHandle<T> extends SharedObjectHandle<T> implements DMutex<T>
{
    private static final long serialVersionUID = 1L;

    static final int LOCK_OFFSET = 8;
    static final int VALUE_LENGTH_OFFSET = 16;
    static final int VALUE_OFFSET = 24;
    static final long UNLOCKED = 0;

    private transient MutexLease lease;
    // the Mut this handle's lock() returned and nobody closed yet: at most one, the lock being exclusive on a node;
    // read at a task's end on the thread that ran the task, so plain: a local lock and unlock pay no extra fence
    private transient Guard<T> openGuard;

    MutexHandle(final HeapAccess node, final Codec<T> codec, final long address, final int length)
    {
        super(node, codec, address, length);
    }

    String kind()
    {
        return "DMutex";
    }

    Object token()
    {
        return new MutexToken(address, length, codec);
    }

    public Mut<T> lock()
    {
        checkOpen();
        final MutexLease lease = lease();
        lease.lock(describe());
        return guard(lease);
    }

    public Mut<T> tryLock()
    {
        checkOpen();
        final MutexLease lease = lease();
        return lease.tryLock(describe()) ? guard(lease) : null;
    }

    public DMutex<T> share()
    {
        addReference();
        return new MutexHandle<>(node, codec, address, length);
    }

    /**
     * The task that was given this handle returned: a lock it left held would never be released (its worker thread
     * lives on in the pool, and every other lock() would wait), so release it and fail the task; then drop the
     * handle's count.
     *
     * @throws BorrowException naming the mutex when the task left its Mut open.
     */
    void endOfTask()
    {
        final Guard<T> guard = openGuard;
        if (null != guard && guard.isOpen())
        {
            guard.close();
            dropIfOpen();
            throw new BorrowException("a task returned with a Mut of " + describe() + " still open: its lock was " +
                "released with the value the task left; close the Mut in the task (try-with-resources)");
        }
        dropIfOpen();
    }

    MutexLease lease()
    {
        MutexLease lease = this.lease;
        if (null == lease)
        {
            // racy but benign: every thread gets the node's one lease of this mutex
            lease = node.mutexLease(address, length - VALUE_OFFSET);
            this.lease = lease;
        }

        return lease;
    }

    private Mut<T> guard(final MutexLease lease)
    {
        openBorrows.incrementAndGet();
        try
        {
            final Guard<T> guard = new Guard<>(this, lease);
            openGuard = guard;
            return guard;
        }
        catch (final RuntimeException ex)
        {
            lease.unlock(false);
            openBorrows.decrementAndGet();
            throw ex;
        }
    }

    /**
     * The held lock: the value in place in the lease's record, on this node, until close releases the lock. It
     * notes whether the value may have been written, so a home-locked release writes it back only then.
     */
    static final class Guard<T> implements Mut<T>, Borrow
    {
        private static final int VALUE_IN_RECORD = VALUE_OFFSET - VALUE_LENGTH_OFFSET;

        private final MutexHandle<T> mutex;
        private final MutexLease lease;
        private final UnsafeBuffer record;
        private UnsafeBuffer value;
        private final int capacity;
        private final int initialLength;
        private int valueLength;
        private boolean isWritten;
        private boolean closed;

        Guard(final MutexHandle<T> mutex, final MutexLease lease)
        {
            this.mutex = mutex;
            this.lease = lease;
            this.record = lease.record();
            this.capacity = lease.capacity();
            final long length = record.getLongAcquire(0);
            if (length < 0 || length > capacity)
            {
                throw new RemoteAccessException(mutex.describe() + " has value length " + length +
                    " outside [0, " + capacity + "]");
            }
            initialLength = (int)length;
            valueLength = initialLength;
        }

        public T get()
        {
            checkOpen();
            return mutex.codec.decode(record, VALUE_IN_RECORD, valueLength, mutex.node.handleContext(this));
        }

        public long getLong()
        {
            checkOpen();
            checkLength("getLong", 8);
            return record.getLong(VALUE_IN_RECORD);
        }

        public int getInt()
        {
            checkOpen();
            checkLength("getInt", 4);
            return record.getInt(VALUE_IN_RECORD);
        }

        public double getDouble()
        {
            checkOpen();
            checkLength("getDouble", 8);
            return record.getDouble(VALUE_IN_RECORD);
        }

        public MutableDirectBuffer buffer()
        {
            checkOpen();
            isWritten = true; // the view is writable: count it as written
            if (null == value)
            {
                value = new UnsafeBuffer(record, VALUE_IN_RECORD, valueLength);
            }

            return value;
        }

        public int length()
        {
            checkOpen();
            return valueLength;
        }

        public void set(final T newValue)
        {
            checkOpen();
            isWritten = true;
            final int newLength = mutex.codec.encodedLength(newValue);
            if (newLength > capacity)
            {
                throw new ObjectSizeException("value of " + newLength + " bytes does not fit " + mutex.describe() +
                    ", which holds at most " + capacity);
            }
            if (newLength != valueLength)
            {
                valueLength = newLength;
                if (null != value)
                {
                    value.wrap(record, VALUE_IN_RECORD, newLength);
                }
            }
            mutex.codec.encode(newValue, record, VALUE_IN_RECORD, mutex.node.handleContext(this));
        }

        public void setLong(final long newValue)
        {
            checkOpen();
            checkLength("setLong", 8);
            isWritten = true;
            record.putLong(VALUE_IN_RECORD, newValue);
        }

        public void setInt(final int newValue)
        {
            checkOpen();
            checkLength("setInt", 4);
            isWritten = true;
            record.putInt(VALUE_IN_RECORD, newValue);
        }

        public void setDouble(final double newValue)
        {
            checkOpen();
            checkLength("setDouble", 8);
            isWritten = true;
            record.putDouble(VALUE_IN_RECORD, newValue);
        }

        // the value's own length, not the record's capacity: a shorter value would be read or written past its end
        private void checkLength(final String operation, final int bytes)
        {
            if (valueLength < bytes)
            {
                throw new IllegalStateException(operation + " on " + mutex.describe() + ", whose value is " +
                    valueLength + " bytes: it needs " + bytes + " (use get() or set(value) for its codec)");
            }
        }

        public void close()
        {
            checkOpen();
            closed = true;
            try
            {
                if (valueLength != initialLength)
                {
                    record.putLongRelease(0, valueLength);
                }
                lease.unlock(isWritten || valueLength != initialLength);
            }
            finally
            {
                if (mutex.openGuard == this)
                {
                    mutex.openGuard = null;
                }
                mutex.openBorrows.decrementAndGet();
            }
        }

        public boolean isOpen()
        {
            return !closed;
        }

        private void checkOpen()
        {
            if (closed)
            {
                throw new BorrowException("Mut of " + mutex.describe() + " used after its lock was released");
            }
        }
    }

    /**
     * A count of a mutex given to a task or its result.
     */
    static final class MutexToken implements Serializable
    {
        private static final long serialVersionUID = 1L;
        final long address;
        final int length;
        final Codec<?> codec;

        MutexToken(final long address, final int length, final Codec<?> codec)
        {
            this.address = address;
            this.length = length;
            this.codec = codec;
        }

        private Object readResolve()
        {
            final TaskScope scope = TaskScope.current("a DMutex");
            final MutexHandle<?> handle = new MutexHandle<>(scope.node, codec, address, length);
            scope.onTaskEnd(handle::endOfTask);
            return handle;
        }
    }
}
