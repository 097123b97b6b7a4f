package org.jdsm.membership;

/**
 * The commands of the membership state machine, with the code each has in the log ({@link MembershipCommandDescriptor}).
 * <p>
 * <b>Note:</b> immutable and threadsafe.
 */
public enum MembershipCommandType
{
    /** {@code join(node)}: a node that was declared dead is live again (it may hold backups, not its old slice). */
    JOIN(1),
    /** {@code suspect(reporter, node)}: the reporter has not heard from the node for the peer timeout. */
    SUSPECT(2),
    /** {@code declareDead(node, newHome)}: the node is dead; newHome (a live backup) now serves its slices. */
    DECLARE_DEAD(3);

    private static final MembershipCommandType[] BY_CODE = { null, JOIN, SUSPECT, DECLARE_DEAD };

    private final int code;

    MembershipCommandType(final int code)
    {
        this.code = code;
    }

    /**
     * @return the code written in the log.
     */
    public int code()
    {
        return code;
    }

    /**
     * @param code read from the log.
     * @return the type, or null if the code names none.
     */
    public static MembershipCommandType get(final int code)
    {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
