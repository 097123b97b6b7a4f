/**
 * Cluster membership agreed by a majority: every node hosts one Aeron Cluster (Raft) member whose replicated state
 * machine is the {@link org.jdsm.membership.MembershipView} (epoch, live nodes, who serves each heap slice and its
 * backups). Start with {@link org.jdsm.membership.Membership}; the state machine alone is
 * {@link org.jdsm.membership.MembershipState}.
 */
package org.jdsm.membership;
