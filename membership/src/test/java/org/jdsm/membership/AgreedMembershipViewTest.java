package org.jdsm.membership;

import org.jdsm.DsmConfig;
import org.jdsm.NodeUnavailableException;
import org.jdsm.spi.MembershipViewProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.jdsm.membership.MembershipClusterTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's view over three real members in this JVM: the transport's verdict on each peer is an array the test
 * sets (what {@code Transport::isAvailable} answers after the peer timeout).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgreedMembershipViewTest
{
    final List<AgreedMembershipView> views = new ArrayList<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final AtomicIntegerArray unavailable = new AtomicIntegerArray(3);

    @BeforeEach
    void startThreeMembers() throws Exception
    {
        final String[] hosts = { "127.0.0.1", "127.0.0.1", "127.0.0.1" };
        final String memberList = MemberPorts.members(hosts, MemberPorts.pick(hosts));
        for (int i = 0; i < hosts.length; i++)
        {
            views.add(new AgreedMembershipView(Membership.launch(new MembershipContext()
                .nodeId(i)
                .members(memberList)
                .replicas(1)
                .quorumTimeout(MembershipClusterTest.QUORUM_TIMEOUT)
                .startupTimeout("4s")
                .proposalTimeout("4s")
                .errorHandler(errors::add)), (node) -> 0 == unavailable.get(node)));
        }
        awaitTrue("every member has quorum", 30_000,
            () -> views.stream().allMatch((v) -> v.membership().hasQuorum()));
    }

    @AfterEach
    void closeMembers()
    {
        views.forEach(AgreedMembershipView::close);
    }

    @Test
    void shouldDeclareDeadOnlyOnceTheTransportGaveUpAndTheMajorityCommitted() throws Exception
    {
        views.forEach(AgreedMembershipView::checkCanServeWrites);
        views.get(2).close();

        // the transport still says node 2 is available (its peer timeout has not passed): nothing is proposed
        final long quietUntilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000);
        while (System.nanoTime() - quietUntilNs < 0)
        {
            assertFalse(views.get(0).isDeclaredDead(2));
            Thread.sleep(20);
        }
        assertEquals(0, views.get(0).membership().currentView().epoch(), "nothing proposed");

        unavailable.set(2, 1);
        assertFalse(views.get(0).isDeclaredDead(2), "proposed, not yet committed");
        awaitTrue("node 0's view declares node 2 dead", 20_000, () -> views.get(0).isDeclaredDead(2));

        final MembershipView committed = views.get(0).membership().currentView();
        assertEquals(1, committed.epoch(), "exactly one declareDead applied: " + committed);
        assertEquals(0, committed.homeOf(2), "slice 2 served by its first backup, node 0 (node (2 + 1) mod 3)");
        awaitTrue("node 1 applied the same view", 5_000,
            () -> committed.equals(views.get(1).membership().currentView()));
        assertTrue(views.get(1).isDeclaredDead(2), "node 1 agrees without its own transport's verdict");
        assertFalse(views.get(1).isDeclaredDead(0));
        views.get(0).checkCanServeWrites();
        views.get(1).checkCanServeWrites();
    }

    @Test
    void shouldRefuseWritesForGoodOnANodeTheMajorityDeclaredDeadEvenWithQuorum() throws Exception
    {
        unavailable.set(2, 1); // node 2 is live and has quorum, but the others' transports gave up on it
        awaitTrue("node 2 applied its own death", 20_000,
            () -> views.get(0).isDeclaredDead(2) && !views.get(2).membership().currentView().isLive(2));
        assertTrue(views.get(2).membership().hasQuorum());

        final NodeUnavailableException refused =
            assertThrows(NodeUnavailableException.class, views.get(2)::checkCanServeWrites);
        assertTrue(refused.getMessage().startsWith("node 2 unavailable: node 2 stops serving writes " +
            "(jdsm.membership=agreed): the majority declared it dead and serves its slice elsewhere"),
            refused.getMessage());
        views.get(0).checkCanServeWrites();
    }

    @Test
    void shouldRefuseWritesAndDeclareNobodyDeadWithoutAMajority() throws Exception
    {
        final AgreedMembershipView last = views.get(0);
        last.checkCanServeWrites();
        views.get(1).close();
        views.get(2).close();
        unavailable.set(1, 1);
        unavailable.set(2, 1);

        awaitTrue("node 0 loses quorum", 4 * MembershipClusterTest.QUORUM_TIMEOUT_MS,
            () -> !last.membership().hasQuorum());

        final NodeUnavailableException refused =
            assertThrows(NodeUnavailableException.class, last::checkCanServeWrites);
        assertEquals(0, refused.nodeId());
        assertTrue(refused.getMessage().startsWith("node 0 unavailable: node 0 stops serving writes " +
            "(jdsm.membership=agreed), it may not act on its own view: node 0 can not reach a majority (2 of 3 " +
            "members)"), refused.getMessage());
        final long untilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        while (System.nanoTime() - untilNs < 0)
        {
            assertFalse(last.isDeclaredDead(1));
            assertFalse(last.isDeclaredDead(2));
            Thread.sleep(20);
        }
        assertEquals(0, last.membership().currentView().epoch());
    }

    @Test
    void shouldBeFoundByNameAndTakeItsMembersFromTheNodes()
    {
        final MembershipViewProvider provider = MembershipViewProvider.find("agreed");
        assertInstanceOf(AgreedMembershipViewProvider.class, provider);

        final MembershipContext ctx = AgreedMembershipViewProvider.context(new DsmConfig()
            .nodeCount(3)
            .nodeId(1)
            .replicas(1)
            .peerTimeoutNs(TimeUnit.SECONDS.toNanos(2))
            .members(List.of("10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7010")));
        if (null == System.getProperty(MembershipContext.MEMBERS_PROP_NAME) &&
            null == System.getProperty(MembershipContext.PORT_OFFSET_PROP_NAME))
        {
            ctx.dir(System.getProperty("java.io.tmpdir") + "/jdsm-agreed-view-test").conclude();
            assertEquals(1, ctx.nodeId());
            assertEquals(3, ctx.memberCount());
            assertEquals("10.0.0.3", ctx.host(2));
            assertEquals(7110, ctx.basePort(2));
            assertEquals(1, ctx.replicas());
            assertEquals(TimeUnit.SECONDS.toNanos(1), ctx.quorumTimeoutNs(), "half the peer timeout");
        }
    }
}
