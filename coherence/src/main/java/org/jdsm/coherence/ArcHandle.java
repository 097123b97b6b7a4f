package org.jdsm.coherence;

import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.BorrowException;
import org.jdsm.Codec;
import org.jdsm.DArc;
import org.jdsm.HandleContext;
import org.jdsm.Ref;

import java.io.Serializable;

/**
 * The engine's {@link DArc}: payload is the reference count then the value. The value never changes and the
 * block keeps its colour while the count is above zero, so remote nodes cache it freely.
 * <p>
 * <b>Note:</b> threadsafe.
 *
 * @param <T> type of the value.
 */
final class ArcHandle<T> extends SharedObjectHandle<T> implements DArc<T>, BorrowOwner
{
    private static final long serialVersionUID = 1L;

    /** Offset of the value in the payload. */
    static final int VALUE_OFFSET = 8;

    /** The copy of the remote value read last, pinned by the next read without the cache's lock while not evicted. */
    private transient volatile CacheEntry memo;

    ArcHandle(final HeapAccess node, final Codec<T> codec, final long address, final int length)
    {
        super(node, codec, address, length);
    }

    String kind()
    {
        return "DArc";
    }

    Object token()
    {
        return new ArcToken(address, length, codec);
    }

    public Ref<T> read()
    {
        checkOpen();
        openBorrows.incrementAndGet();
        try
        {
            final UnsafeBuffer value = new UnsafeBuffer(0, 0);
            if (node.isLocal(address))
            {
                node.wrapPayload(value, address, VALUE_OFFSET, length - VALUE_OFFSET);
                return new SharedBorrow<>(this, value, null);
            }

            CacheEntry entry = memo;
            if (null != entry && entry.key == node.cacheKey(address) && entry.tryPin())
            {
                // the copy read last: an evicted copy can not be pinned, so no lookup under the cache's lock
                node.liveCounters().increment(Counters.CACHE_HITS);
            }
            else
            {
                entry = node.pinCopy(address, length);
                if (SizeClassAllocator.NO_SPACE != entry.arenaOffset)
                {
                    memo = entry; // not a private copy, which is gone once unpinned
                }
            }
            value.wrap(entry.payload, VALUE_OFFSET, length - VALUE_OFFSET);
            return new SharedBorrow<>(this, value, entry);
        }
        catch (final RuntimeException ex)
        {
            openBorrows.decrementAndGet();
            throw ex;
        }
    }

    public T get()
    {
        try (Ref<T> ref = read())
        {
            return ref.get();
        }
    }

    public DArc<T> share()
    {
        addReference();
        return new ArcHandle<>(node, codec, address, length);
    }

    public long referenceCount()
    {
        return referenceCountAtHome();
    }

    public void releaseRead()
    {
        openBorrows.decrementAndGet();
    }

    public void releaseWrite()
    {
        throw new BorrowException(describe() + " is immutable");
    }

    public HandleContext handleContext(final Object borrow)
    {
        return node.handleContext(borrow);
    }

    /**
     * A count of an arc given to a task or its result.
     */
    static final class ArcToken implements Serializable
    {
        private static final long serialVersionUID = 1L;
        final long address;
        final int length;
        final Codec<?> codec;

        ArcToken(final long address, final int length, final Codec<?> codec)
        {
            this.address = address;
            this.length = length;
            this.codec = codec;
        }

        private Object readResolve()
        {
            final TaskScope scope = TaskScope.current("a DArc");
            final ArcHandle<?> handle = new ArcHandle<>(scope.node, codec, address, length);
            scope.onTaskEnd(handle::dropIfOpen);
            return handle;
        }
    }

    public Codec<T> codec()
    {
        return codec;
    }
}
