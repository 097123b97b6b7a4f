package org.jdsm.membership;

import org.jdsm.DsmException;

/**
 * Base of the membership errors: a proposal that could not be committed or was rejected, a bad snapshot, a member
 * that could not start.
 * <p>
 * <b>Note:</b> immutable once thrown.
 */
public class MembershipException extends DsmException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the node or setting involved.
     */
    public MembershipException(final String message)
    {
        super(message);
    }

    /**
     * @param message what went wrong, naming the node or setting involved.
     * @param cause   the underlying failure.
     */
    public MembershipException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
