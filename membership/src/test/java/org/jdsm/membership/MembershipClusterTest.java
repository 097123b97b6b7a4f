package org.jdsm.membership;

import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.service.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three real Aeron Cluster members in this JVM on loopback, each with its own media driver, archive, consensus
 * module and membership service.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MembershipClusterTest
{
    static final String QUORUM_TIMEOUT = "1s";
    static final long QUORUM_TIMEOUT_MS = 1000;

    final List<Membership> members = new ArrayList<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startThreeMembers() throws Exception
    {
        final String[] hosts = { "127.0.0.1", "127.0.0.1", "127.0.0.1" };
        final String memberList = MemberPorts.members(hosts, MemberPorts.pick(hosts));
        for (int i = 0; i < hosts.length; i++)
        {
            members.add(Membership.launch(new MembershipContext()
                .nodeId(i)
                .members(memberList)
                .replicas(1)
                .quorumTimeout(QUORUM_TIMEOUT)
                .startupTimeout("4s")
                .proposalTimeout("4s")
                .errorHandler(errors::add)));
        }
        awaitTrue("every member has quorum", 30_000, () -> members.stream().allMatch(Membership::hasQuorum));
    }

    @AfterEach
    void closeMembers()
    {
        members.forEach(Membership::close);
    }

    @Test
    void shouldShowViewChangeProposedByOneMemberToAllThreeWithSameEpoch() throws Exception
    {
        awaitTrue("exactly one leader", 10_000,
            () -> 1 == members.stream().filter((m) -> Cluster.Role.LEADER == m.role()).count());

        final MembershipView committed = members.get(1).proposeSuspect(2).get(10, TimeUnit.SECONDS);

        assertEquals(1, committed.epoch());
        assertArrayEquals(new int[]{ 1 }, committed.suspectedBy(2));
        awaitTrue("all members at epoch 1", 5_000, () -> members.stream().allMatch((m) -> 1 == m.currentView().epoch()));
        for (final Membership member : members)
        {
            assertEquals(committed, member.currentView(), "view of node " + member.nodeId());
        }
    }

    @Test
    void shouldSnapshotTheViewOnEveryMemberAndGoOnCommitting() throws Exception
    {
        members.get(0).proposeSuspect(1).get(10, TimeUnit.SECONDS);
        awaitTrue("exactly one leader", 10_000,
            () -> 1 == members.stream().filter((m) -> Cluster.Role.LEADER == m.role()).count());
        final Membership leader = members.stream().filter((m) -> Cluster.Role.LEADER == m.role()).findFirst()
            .orElseThrow();

        assertTrue(ClusterControl.ToggleState.SNAPSHOT.toggle(leader.consensusModuleContext().controlToggleCounter()));

        awaitTrue("every member took a snapshot", 10_000,
            () -> members.stream().allMatch((m) -> 1 == m.consensusModuleContext().snapshotCounter().get()));
        final MembershipView after = members.get(2).proposeSuspect(1).get(10, TimeUnit.SECONDS);
        assertEquals(2, after.epoch());
        assertArrayEquals(new int[]{ 0, 2 }, after.suspectedBy(1));
        assertTrue(errors.stream().noneMatch((e) -> e instanceof MembershipException), errors.toString());
    }

    @Test
    void shouldSayTheMemberStoppedWhenItsConsensusModuleIsGone() throws Exception
    {
        final Membership member = members.get(1);

        member.consensusModule().close();

        awaitTrue("node 1 loses quorum", 5_000, () -> !member.hasQuorum());
        assertEquals("node 1's membership member has stopped (consensus module CLOSED; see its errors): it takes " +
            "part in no majority", member.quorumReason());
    }

    @Test
    void shouldRejectCommittedJoinOfLiveNodeOnEveryMemberWithoutChangingTheView() throws Exception
    {
        final ExecutionException ex = assertThrows(
            ExecutionException.class, () -> members.get(0).proposeJoin(2).get(10, TimeUnit.SECONDS));

        final MembershipRejectedException rejected = assertInstanceOf(MembershipRejectedException.class, ex.getCause());
        assertEquals(MembershipOutcome.ALREADY_LIVE, rejected.outcome());
        assertTrue(rejected.getMessage().startsWith(
            "join(node=2) proposed by node 0 (proposal 1) was committed but rejected: node is already live"),
            rejected.getMessage());
        members.forEach((m) -> assertEquals(0, m.currentView().epoch()));
    }

    @Test
    void shouldCommitDeclareDeadOnTheTwoMembersLeftWhenOneIsClosed() throws Exception
    {
        members.get(2).close();

        final MembershipView view = members.get(0).proposeDead(2).get(20, TimeUnit.SECONDS);

        assertEquals(1, view.epoch());
        assertArrayEquals(new int[]{ 0, 1 }, view.liveNodes());
        assertEquals(0, view.homeOf(2), "slice 2 moves to its first backup, node 0");
        assertArrayEquals(new int[]{ 1 }, view.backupsOf(2), "slice 2 gets a new backup");
        awaitTrue("node 1 applied it", 5_000, () -> view.equals(members.get(1).currentView()));
        awaitTrue("both survivors have quorum", 10_000,
            () -> members.get(0).hasQuorum() && members.get(1).hasQuorum());
    }

    @Test
    void shouldReportNoQuorumWithinTheTimeoutAndCommitNothingWhenTwoOfThreeAreClosed() throws Exception
    {
        final Membership last = members.get(0);
        final long[] lostAtNs = { 0 };
        last.addQuorumListener((hasQuorum, reason) ->
        {
            if (!hasQuorum)
            {
                lostAtNs[0] = System.nanoTime();
            }
        });
        members.get(1).close();
        members.get(2).close();
        // timed from when both are gone: closing an in-process member (its driver, archive and consensus) takes
        // a while of its own on a loaded machine
        final long closedAtNs = System.nanoTime();

        awaitTrue("node 0 loses quorum", 30_000, () -> !last.hasQuorum());
        final long lostAfterMs = TimeUnit.NANOSECONDS.toMillis(lostAtNs[0] - closedAtNs);
        System.out.println("membership: node 0 reported no quorum " + lostAfterMs + " ms after 2 of 3 closed");
        assertTrue(lostAfterMs <= 2 * QUORUM_TIMEOUT_MS + 500, "lost quorum after " + lostAfterMs + " ms");
        assertTrue(last.quorumReason().startsWith("node 0 can not reach a majority (2 of 3 members)"),
            last.quorumReason());

        final ExecutionException ex = assertThrows(
            ExecutionException.class, () -> last.proposeDead(1).get(10, TimeUnit.SECONDS));
        final NoQuorumException noQuorum = assertInstanceOf(NoQuorumException.class, ex.getCause());
        assertTrue(noQuorum.getMessage().startsWith("declareDead(node=1, newHome=first live backup) proposed by " +
            "node 0 (proposal 1) was not committed within 4000 ms (jdsm.membership.proposal.timeout); node 0 can " +
            "not reach a majority"), noQuorum.getMessage());
        assertEquals(0, last.currentView().epoch());
        assertFalse(last.hasQuorum());
    }

    static void awaitTrue(final String what, final long timeoutMs, final BooleanSupplier condition)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
