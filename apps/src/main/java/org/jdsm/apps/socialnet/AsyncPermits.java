package org.jdsm.apps.socialnet;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * A semaphore that never blocks: {@link #acquire()} returns a future completed when a permit is free. Bounds the
 * media in flight, so a wave of a thousand composes does not hold a thousand 1.9 MB clips at once.
 * <p>
 * <b>Note:</b> threadsafe (synchronized); futures are completed outside the lock.
 */
final class AsyncPermits
{
    private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private int available;

    AsyncPermits(final int permits)
    {
        available = permits;
    }

    CompletableFuture<Void> acquire()
    {
        synchronized (this)
        {
            if (available > 0)
            {
                available--;
                return CompletableFuture.completedFuture(null);
            }
            final CompletableFuture<Void> future = new CompletableFuture<>();
            waiting.addLast(future);
            return future;
        }
    }

    void release()
    {
        final CompletableFuture<Void> next;
        synchronized (this)
        {
            next = waiting.pollFirst();
            if (null == next)
            {
                available++;
                return;
            }
        }
        next.complete(null);
    }
}
