package org.jdsm.membership;

/**
 * What applying one committed command did: {@link #APPLIED} changed the view (and bumped its epoch); every other
 * outcome left the state as it was and says why. Every member reaches the same outcome for the same command.
 * <p>
 * <b>Note:</b> immutable and threadsafe.
 */
public enum MembershipOutcome
{
    /** The view changed and its epoch is one higher. */
    APPLIED("applied"),
    /** A node id is outside {@code [0, nodeCount)}. */
    UNKNOWN_NODE("node id out of range"),
    /** A proposal this proposer (same incarnation) already had in the log: a resend after a leader change. */
    DUPLICATE("proposal already in the log (a resend)"),
    /** The command's code names no command. */
    UNKNOWN_COMMAND("unknown command code"),
    /** {@code join} of a node that is live. */
    ALREADY_LIVE("node is already live"),
    /** {@code suspect} or {@code declareDead} of a node that is not live. */
    NOT_LIVE("node is not live"),
    /** {@code suspect} reported by a node that is not live. */
    REPORTER_NOT_LIVE("reporter is not live"),
    /** {@code suspect(node, node)}. */
    SELF_SUSPICION("a node can not suspect itself"),
    /** {@code suspect} repeated: the reporter already suspects the node. */
    ALREADY_SUSPECTED("reporter already suspects the node"),
    /** {@code declareDead} naming a new home that is the dead node itself or not live. */
    NEW_HOME_NOT_LIVE("new home is not a live node other than the dead one"),
    /** {@code declareDead} naming a new home that holds no backup of a slice the dead node served. */
    NEW_HOME_NOT_A_BACKUP("new home holds no backup of a slice the dead node serves");

    private final String description;

    MembershipOutcome(final String description)
    {
        this.description = description;
    }

    /**
     * @return why the command was or was not applied, in words.
     */
    public String description()
    {
        return description;
    }
}
