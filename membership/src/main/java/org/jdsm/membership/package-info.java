/**
 * Cluster membership agreed by a majority: every node hosts one Aeron Cluster (Raft) member whose replicated state
 * machine is the {@link org.jdsm.membership.MembershipView} (epoch, live nodes, who serves each heap slice and its
 * backups). Start with {@link org.jdsm.membership.Membership}; the state machine alone is
 * {@link org.jdsm.membership.MembershipState}. The engine uses it with {@code jdsm.membership=agreed}
 * ({@link org.jdsm.membership.AgreedMembershipViewProvider}, a {@code org.jdsm.spi.MembershipViewProvider}): then
 * {@link org.jdsm.membership.AgreedMembershipView} decides fail-over and refuses writes without a majority.
 */
package org.jdsm.membership;
