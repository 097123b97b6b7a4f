package org.jdsm.transport.aeron;

import org.jdsm.DsmException;

/**
 * Reported to the node's {@link org.agrona.ErrorHandler} when its responder drops a frame: malformed (short, unknown
 * type, inconsistent lengths), unauthenticated, forged (claiming a node from another node's session), or a failed
 * proof of the cluster secret. The responder counts it and keeps serving; nothing is thrown to a caller. It has no
 * stack trace (it is always the responder's, and would only fill the node's distinct error log).
 * <p>
 * <b>Note:</b> immutable.
 */
public class RejectedFrameException extends DsmException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message the receiving node, the frame's claimed source and session, and why it was dropped.
     */
    public RejectedFrameException(final String message)
    {
        super(message);
    }

    /**
     * No stack trace: see the class description.
     *
     * @return this.
     */
    public synchronized Throwable fillInStackTrace()
    {
        return this;
    }
}
