package org.jdsm.membership;

import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;
import org.jdsm.spi.MembershipViewProvider;
import org.jdsm.spi.Transport;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code jdsm.membership=agreed}: launches this node's {@link Membership} member and wraps it in an
 * {@link AgreedMembershipView}. The member's settings come from the {@code jdsm.membership.*} properties, and
 * otherwise from the node's configuration: its node id, its replicas, its peer timeout, quorum timeout half of it, and
 * the members from {@code jdsm.members} (each port + {@code jdsm.membership.port.offset}).
 * <p>
 * <b>Note:</b> threadsafe, stateless; registered in {@code META-INF/services/org.jdsm.spi.MembershipViewProvider}.
 */
public final class AgreedMembershipViewProvider implements MembershipViewProvider
{
    /** The name {@code jdsm.membership} selects this provider by. */
    public static final String NAME = "agreed";

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return NAME;
    }

    /**
     * {@inheritDoc}
     */
    public AgreedMembershipView newView(final DsmConfig config, final Transport transport)
    {
        final Membership membership = Membership.launch(context(config));
        if (membership.context().memberCount() != config.nodeCount())
        {
            membership.close();
            throw new ConfigurationException(DsmConfig.MEMBERSHIP_PROP_NAME + "=" + NAME + ": " +
                membership.context().memberCount() + " membership members for " + DsmConfig.NODE_COUNT_PROP_NAME +
                "=" + config.nodeCount() + ": one member per node");
        }

        return new AgreedMembershipView(membership, transport::isAvailable);
    }

    /**
     * @param config of the node, concluded.
     * @return the member's settings derived from it (not concluded).
     */
    static MembershipContext context(final DsmConfig config)
    {
        final MembershipContext ctx = new MembershipContext()
            .nodeId(config.nodeId())
            .replicas(config.replicas())
            .peerTimeout(config.peerTimeoutNs() + "ns");
        if (null == System.getProperty(MembershipContext.QUORUM_TIMEOUT_PROP_NAME))
        {
            ctx.quorumTimeout(Math.max(MembershipContext.MIN_QUORUM_TIMEOUT_NS, config.peerTimeoutNs() / 2) + "ns");
        }
        if (null == System.getProperty(MembershipContext.MEMBERS_PROP_NAME))
        {
            if (config.members().isEmpty())
            {
                throw new ConfigurationException(DsmConfig.MEMBERSHIP_PROP_NAME + "=" + NAME + " needs " +
                    DsmConfig.MEMBERS_PROP_NAME + " or " + MembershipContext.MEMBERS_PROP_NAME +
                    ": the members of the agreed membership run beside the nodes");
            }
            final int offset;
            final String offsetValue = System.getProperty(
                MembershipContext.PORT_OFFSET_PROP_NAME, String.valueOf(MembershipContext.PORT_OFFSET_DEFAULT));
            try
            {
                offset = Integer.parseInt(offsetValue.trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new ConfigurationException(
                    MembershipContext.PORT_OFFSET_PROP_NAME + "=" + offsetValue + " is not an integer");
            }
            final List<String> members = new ArrayList<>();
            for (final String endpoint : config.members())
            {
                final int colon = endpoint.lastIndexOf(':');
                members.add(endpoint.substring(0, colon) + ":" +
                    (Integer.parseInt(endpoint.substring(colon + 1).trim()) + offset));
            }
            ctx.members(String.join(",", members));
        }

        return ctx;
    }
}
