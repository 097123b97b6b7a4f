package org.jdsm.coherence;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.BorrowException;
import org.jdsm.Codec;
import org.jdsm.DMutex;
import org.jdsm.Mut;
import org.jdsm.NodeUnavailableException;
import org.jdsm.ObjectSizeException;
import org.jdsm.RemoteAccessException;

import java.io.Serializable;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine's {@link DMutex}. Payload layout:
 * <pre>
 *   0: reference count   8: lock word (0 = free, else holder id)   16: value length   24: value ...
 * </pre>
 * The lock word is taken by compare-and-swap at the home node (one-sided when remote). The holder works on a copy
 * of the value on its own node (or in place when the mutex is local) and writes it back before releasing the lock,
 * so the next holder's successful CAS comes after the write-back completed.
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
    private static final int HOLDER_CHECK_INTERVAL = 1024;
    private static final long MAX_PARK_NS = 1_000_000;

    MutexHandle(final Node node, final Codec<T> codec, final long address, final int length)
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
        final long holder = node.nextHolderId();
        long parkNs = 1000;
        for (int attempt = 1; ; attempt++)
        {
            final long witness = node.compareAndSwap(address, LOCK_OFFSET, UNLOCKED, holder);
            if (UNLOCKED == witness)
            {
                return guard(holder);
            }

            if (attempt < 64)
            {
                Thread.onSpinWait();
            }
            else if (attempt < 128)
            {
                Thread.yield();
            }
            else
            {
                LockSupport.parkNanos(parkNs);
                parkNs = Math.min(parkNs * 2, MAX_PARK_NS);
            }

            if (attempt % HOLDER_CHECK_INTERVAL == 0)
            {
                final int holderNode = (int)(witness >>> 40) - 1;
                if (holderNode >= 0 && holderNode < node.nodeCount() && !node.isAvailable(holderNode))
                {
                    throw new NodeUnavailableException(holderNode, describe() + " is held by it");
                }
            }
        }
    }

    public Mut<T> tryLock()
    {
        checkOpen();
        final long holder = node.nextHolderId();
        if (UNLOCKED == node.compareAndSwap(address, LOCK_OFFSET, UNLOCKED, holder))
        {
            return guard(holder);
        }

        return null;
    }

    public DMutex<T> share()
    {
        addReference();
        return new MutexHandle<>(node, codec, address, length);
    }

    private Mut<T> guard(final long holder)
    {
        openBorrows.incrementAndGet();
        try
        {
            return new Guard<>(this, holder);
        }
        catch (final RuntimeException ex)
        {
            node.compareAndSwap(address, LOCK_OFFSET, holder, UNLOCKED);
            openBorrows.decrementAndGet();
            throw ex;
        }
    }

    /**
     * The held lock: the value on the holder's node until close writes it back and releases the lock.
     * <p>
     * {@code record} spans the value length word and the value's capacity: in place when the mutex is local, else a
     * copy read with one remote read, beside a snapshot of it. At close a local value only has its length word
     * updated if it changed; a remote copy is written back (length and value in one write) only if it differs
     * from the snapshot, so a lock that only reads costs a compare-and-swap, a read and a compare-and-swap.
     */
    static final class Guard<T> implements Mut<T>, Borrow
    {
        private static final int VALUE_IN_RECORD = VALUE_OFFSET - VALUE_LENGTH_OFFSET;

        private final MutexHandle<T> mutex;
        private final long holder;
        private final boolean isLocal;
        private final UnsafeBuffer record = new UnsafeBuffer(0, 0);
        private UnsafeBuffer value;
        private final byte[] snapshot;
        private final int capacity;
        private final int initialLength;
        private int valueLength;
        private boolean closed;

        Guard(final MutexHandle<T> mutex, final long holder)
        {
            this.mutex = mutex;
            this.holder = holder;
            this.capacity = mutex.length - VALUE_OFFSET;
            this.isLocal = mutex.node.isLocal(mutex.address);
            final int recordLength = VALUE_IN_RECORD + capacity;
            final long length;
            if (isLocal)
            {
                snapshot = null;
                mutex.node.wrapPayload(record, mutex.address, VALUE_LENGTH_OFFSET, recordLength);
                length = record.getLongAcquire(0);
            }
            else
            {
                final byte[] copy = new byte[recordLength];
                record.wrap(copy);
                mutex.node.readPayload(mutex.address, VALUE_LENGTH_OFFSET, record, 0, recordLength);
                snapshot = copy.clone();
                length = record.getLong(0);
            }
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
            return record.getLong(VALUE_IN_RECORD);
        }

        public int getInt()
        {
            checkOpen();
            return record.getInt(VALUE_IN_RECORD);
        }

        public double getDouble()
        {
            checkOpen();
            return record.getDouble(VALUE_IN_RECORD);
        }

        public MutableDirectBuffer buffer()
        {
            checkOpen();
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
            record.putLong(VALUE_IN_RECORD, newValue);
        }

        public void setInt(final int newValue)
        {
            checkOpen();
            record.putInt(VALUE_IN_RECORD, newValue);
        }

        public void setDouble(final double newValue)
        {
            checkOpen();
            record.putDouble(VALUE_IN_RECORD, newValue);
        }

        public void close()
        {
            checkOpen();
            closed = true;
            try
            {
                if (isLocal)
                {
                    if (valueLength != initialLength)
                    {
                        record.putLongRelease(0, valueLength);
                    }
                }
                else
                {
                    record.putLong(0, valueLength);
                    final int dirtyLength = VALUE_IN_RECORD + valueLength;
                    if (!isUnchanged(dirtyLength))
                    {
                        mutex.node.writePayload(mutex.address, VALUE_LENGTH_OFFSET, record, 0, dirtyLength);
                    }
                }
                // release the lock only after the value is written back: the next holder's CAS follows it
                final long witness = mutex.node.compareAndSwap(mutex.address, LOCK_OFFSET, holder, UNLOCKED);
                if (witness != holder)
                {
                    throw new RemoteAccessException(mutex.describe() + " lock word was " + witness +
                        " at release, expected holder " + holder);
                }
            }
            finally
            {
                mutex.openBorrows.decrementAndGet();
            }
        }

        public boolean isOpen()
        {
            return !closed;
        }

        private boolean isUnchanged(final int length)
        {
            for (int i = 0; i < length; i++)
            {
                if (record.getByte(i) != snapshot[i])
                {
                    return false;
                }
            }

            return true;
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
            scope.onTaskEnd(handle::dropIfOpen);
            return handle;
        }
    }
}
