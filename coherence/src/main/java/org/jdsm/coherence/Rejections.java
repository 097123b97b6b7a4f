package org.jdsm.coherence;

import org.agrona.ErrorHandler;
import org.jdsm.RemoteAccessException;

/**
 * Where the engine's rooms report a control message, or part of one, they refuse: counted as
 * {@link Counters#REQUESTS_REJECTED} and passed to the node's error handler as a {@link RemoteAccessException}
 * naming what was wrong. Nothing is thrown back to the sender's thread.
 * <p>
 * <b>Note:</b> threadsafe; one per node, owned by it.
 */
final class Rejections
{
    private final Counters counters;
    private final ErrorHandler errorHandler;

    Rejections(final Counters counters, final ErrorHandler errorHandler)
    {
        this.counters = counters;
        this.errorHandler = errorHandler;
    }

    /**
     * Count and report a refused message.
     *
     * @param reason naming the message and what was wrong with it.
     */
    void reject(final String reason)
    {
        counters.increment(Counters.REQUESTS_REJECTED);
        errorHandler.onError(new RemoteAccessException(reason));
    }
}
