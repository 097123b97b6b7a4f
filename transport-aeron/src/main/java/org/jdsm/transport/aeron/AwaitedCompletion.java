package org.jdsm.transport.aeron;

/**
 * Something a caller waits for while it drives the duty cycle ({@link AeronTransport}): a one-sided operation's
 * response ({@link PendingOperation}) or the answer to a control message ({@link AwaitedResponse}). Whoever completes
 * it unparks the waiting thread.
 * <p>
 * <b>Note:</b> {@link #isCompleted()} is threadsafe; the object belongs to the thread that waits for it.
 */
interface AwaitedCompletion
{
    /**
     * @return true once completed, normally or exceptionally.
     */
    boolean isCompleted();
}
