package org.jdsm.membership;

import org.jdsm.ConfigurationException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MembershipContextTest
{
    private static MembershipContext valid()
    {
        return new MembershipContext().nodeId(1).members("10.0.0.1:20000,10.0.0.2:20000,10.0.0.3:20010");
    }

    @Test
    void shouldBuildAeronClusterMemberAndIngressStrings()
    {
        final MembershipContext ctx = valid().conclude();

        assertEquals("0,10.0.0.1:20000,10.0.0.1:20001,10.0.0.1:20002,10.0.0.1:20003,10.0.0.1:20004|" +
            "1,10.0.0.2:20000,10.0.0.2:20001,10.0.0.2:20002,10.0.0.2:20003,10.0.0.2:20004|" +
            "2,10.0.0.3:20010,10.0.0.3:20011,10.0.0.3:20012,10.0.0.3:20013,10.0.0.3:20014", ctx.clusterMembers());
        assertEquals("0=10.0.0.1:20000,1=10.0.0.2:20000,2=10.0.0.3:20010", ctx.ingressEndpoints());
        assertEquals(MembershipContext.QUORUM_TIMEOUT_DEFAULT_NS, ctx.quorumTimeoutNs());
    }

    @Test
    void shouldRejectNodeIdOutsideMembers()
    {
        assertEquals("jdsm.node.id=3 out of range [0, 3) for 3 members",
            assertThrows(ConfigurationException.class, () -> valid().nodeId(3).conclude()).getMessage());
    }

    @Test
    void shouldRejectMemberWithoutPort()
    {
        assertEquals("jdsm.membership.members=a:1,b: member \"b\" is not host:port",
            assertThrows(ConfigurationException.class, () -> valid().members("a:1,b").conclude()).getMessage());
        assertEquals("jdsm.membership.members=a:65533: member \"a:65533\" gives base port 65533, its 5 ports must " +
            "lie in [1, 65535]",
            assertThrows(ConfigurationException.class, () -> valid().nodeId(0).members("a:65533").conclude())
                .getMessage());
    }

    @Test
    void shouldRejectTooManyReplicas()
    {
        assertEquals("jdsm.membership.replicas=3 out of range [0, 2] for 3 members",
            assertThrows(ConfigurationException.class, () -> valid().replicas(3).conclude()).getMessage());
    }

    @Test
    void shouldRejectStartupTimeoutBelowTwiceQuorumTimeout()
    {
        assertEquals("jdsm.membership.startup.timeout=3s must be >= 2 * jdsm.membership.quorum.timeout=2s",
            assertThrows(ConfigurationException.class,
                () -> valid().quorumTimeout("2s").startupTimeout("3s").conclude()).getMessage());
    }

    @Test
    void shouldRejectTinyOrMalformedQuorumTimeout()
    {
        assertEquals("jdsm.membership.quorum.timeout=10ms must be >= 100ms",
            assertThrows(ConfigurationException.class, () -> valid().quorumTimeout("10ms").conclude()).getMessage());
        assertEquals("jdsm.membership.quorum.timeout=soon is not a duration (e.g. 500ms, 2s)",
            assertThrows(ConfigurationException.class, () -> valid().quorumTimeout("soon").conclude()).getMessage());
    }

    @Test
    void shouldRejectQuorumTimeoutNotBelowPeerTimeout()
    {
        assertEquals("jdsm.membership.quorum.timeout=5s must be < jdsm.peer.timeout=5s: a node cut off must stop " +
            "serving before the others may declare it dead",
            assertThrows(ConfigurationException.class,
                () -> valid().quorumTimeout("5s").startupTimeout("10s").peerTimeout("5s").conclude()).getMessage());
    }

    @Test
    void shouldRejectZeroProposalTimeout()
    {
        assertEquals("jdsm.membership.proposal.timeout=0s must be > 0",
            assertThrows(ConfigurationException.class, () -> valid().proposalTimeout("0s").conclude()).getMessage());
    }
}
