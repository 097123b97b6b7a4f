package org.jdsm.membership;

/**
 * A proposal was not committed within the proposal timeout because this member could not reach a majority; the
 * message says why (the quorum state at the time). The proposal may still commit later: watch the view.
 * <p>
 * <b>Note:</b> immutable once thrown.
 */
public class NoQuorumException extends MembershipException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was not committed and why.
     */
    public NoQuorumException(final String message)
    {
        super(message);
    }
}
