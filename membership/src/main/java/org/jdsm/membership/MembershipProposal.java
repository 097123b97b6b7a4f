package org.jdsm.membership;

import java.util.concurrent.CompletableFuture;

/**
 * One proposed command waiting to be sent and committed: what it is, when it expires, and the future its proposer
 * holds.
 * <p>
 * <b>Note:</b> immutable but for its future (threadsafe); made by the proposing thread, sent by the client agent,
 * completed by the service thread or, on expiry, the client agent.
 */
final class MembershipProposal
{
    final long proposalId;
    final MembershipCommandType type;
    final int node;
    final int argument;
    final long deadlineNs;
    final CompletableFuture<MembershipView> future = new CompletableFuture<>();

    MembershipProposal(
        final long proposalId,
        final MembershipCommandType type,
        final int node,
        final int argument,
        final long deadlineNs)
    {
        this.proposalId = proposalId;
        this.type = type;
        this.node = node;
        this.argument = argument;
        this.deadlineNs = deadlineNs;
    }

    /**
     * @param proposer node id of the proposer.
     * @return e.g. {@code declareDead(node=2, newHome=0) proposed by node 1 (proposal 3)}.
     */
    String describe(final int proposer)
    {
        final String command;
        switch (type)
        {
            case JOIN:
                command = "join(node=" + node + ")";
                break;
            case SUSPECT:
                command = "suspect(reporter=" + argument + ", node=" + node + ")";
                break;
            default:
                command = "declareDead(node=" + node + ", newHome=" +
                    (MembershipState.FIRST_LIVE_BACKUP == argument ? "first live backup" : argument) + ")";
                break;
        }
        return command + " proposed by node " + proposer + " (proposal " + proposalId + ")";
    }
}
