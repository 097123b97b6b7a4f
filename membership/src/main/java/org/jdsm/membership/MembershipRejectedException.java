package org.jdsm.membership;

/**
 * A proposal was committed by a majority but the state machine rejected it (e.g. {@code declareDead} of a node
 * already dead): every member reached the same {@link MembershipOutcome}, and the view did not change.
 * <p>
 * <b>Note:</b> immutable once thrown.
 */
public class MembershipRejectedException extends MembershipException
{
    private static final long serialVersionUID = 1L;

    private final MembershipOutcome outcome;

    /**
     * @param message the command and why it was rejected.
     * @param outcome the state machine's outcome.
     */
    public MembershipRejectedException(final String message, final MembershipOutcome outcome)
    {
        super(message);
        this.outcome = outcome;
    }

    /**
     * @return the state machine's outcome, never {@link MembershipOutcome#APPLIED}.
     */
    public MembershipOutcome outcome()
    {
        return outcome;
    }
}
