package org.jdsm.transport.aeron;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * The answer to a control message, as an {@link AwaitedCompletion}: complete when its future is, which unparks the
 * thread that waits for it.
 * <p>
 * <b>Note:</b> belongs to the thread that creates it, which is the one that waits.
 */
final class AwaitedResponse implements AwaitedCompletion
{
    private final CompletableFuture<?> response;

    /**
     * @param response the future a message handler completes.
     */
    AwaitedResponse(final CompletableFuture<?> response)
    {
        this.response = response;
        final Thread waiter = Thread.currentThread();
        response.whenComplete((value, failure) -> LockSupport.unpark(waiter));
    }

    public boolean isCompleted()
    {
        return response.isDone();
    }
}
