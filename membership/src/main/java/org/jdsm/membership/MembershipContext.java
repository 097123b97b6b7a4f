package org.jdsm.membership;

import org.agrona.ErrorHandler;
import org.agrona.SystemUtil;
import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Settings of one node's membership member: who the members are, where its Aeron Cluster member listens, how fast
 * a lost majority is noticed, and where its files go. Each field starts from its {@code jdsm.membership.*} system
 * property (or the node's {@code jdsm.node.id} / {@code jdsm.members}); {@link #conclude()} validates them and
 * fails naming {@code setting=value} and the bound broken.
 * <p>
 * Each member uses {@link #PORTS_PER_MEMBER} consecutive UDP ports from its base port: ingress, consensus, log,
 * catch-up, archive control. By default the base port is the node's own port ({@code jdsm.members}) plus
 * {@code jdsm.membership.port.offset}.
 * <p>
 * The {@link Membership} launched from a context owns it.
 * <p>
 * <b>Note:</b> not threadsafe; set it up on one thread, then hand it to {@link Membership#launch(MembershipContext)}.
 */
public final class MembershipContext
{
    /** UDP ports each member uses from its base port: ingress, consensus, log, catch-up, archive control. */
    public static final int PORTS_PER_MEMBER = 5;

    /** Property for the members' base ports, {@code host:port} per node id, comma separated. */
    public static final String MEMBERS_PROP_NAME = "jdsm.membership.members";
    /** Property for the offset added to each node's port ({@code jdsm.members}) when members are not given. */
    public static final String PORT_OFFSET_PROP_NAME = "jdsm.membership.port.offset";
    /** Default port offset. */
    public static final int PORT_OFFSET_DEFAULT = 100;
    /** Property for backups per heap slice in the view. */
    public static final String REPLICAS_PROP_NAME = "jdsm.membership.replicas";
    /** Default backups per slice. */
    public static final int REPLICAS_DEFAULT = 0;
    /**
     * Property for how long a member may go without a leader (or, as leader, without a majority of followers) before
     * it starts an election and {@link Membership#hasQuorum()} turns false; must be below {@code jdsm.peer.timeout}.
     */
    public static final String QUORUM_TIMEOUT_PROP_NAME = "jdsm.membership.quorum.timeout";
    /** Default quorum timeout: half the default peer timeout. */
    public static final long QUORUM_TIMEOUT_DEFAULT_NS = DsmConfig.PEER_TIMEOUT_DEFAULT_NS / 2;
    /** Smallest quorum timeout. */
    public static final long MIN_QUORUM_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Property for how long a starting member waits for all others before electing a leader with a majority. */
    public static final String STARTUP_TIMEOUT_PROP_NAME = "jdsm.membership.startup.timeout";
    /** Default startup timeout. */
    public static final long STARTUP_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);
    /** Property for how long a proposal may wait to be committed before its future fails. */
    public static final String PROPOSAL_TIMEOUT_PROP_NAME = "jdsm.membership.proposal.timeout";
    /** Default proposal timeout. */
    public static final long PROPOSAL_TIMEOUT_DEFAULT_NS = DsmConfig.PEER_TIMEOUT_DEFAULT_NS;
    /**
     * Property for the member's directory (media driver, archive, cluster files); deleted at close. Default: a new
     * directory under {@code /dev/shm} (else {@code java.io.tmpdir}), where a launch also removes those of dead
     * processes.
     */
    public static final String DIR_PROP_NAME = "jdsm.membership.dir";

    private String nodeIdValue = System.getProperty(DsmConfig.NODE_ID_PROP_NAME, "0");
    private String membersValue = System.getProperty(MEMBERS_PROP_NAME);
    private String nodeMembersValue = System.getProperty(DsmConfig.MEMBERS_PROP_NAME);
    private String portOffsetValue = System.getProperty(PORT_OFFSET_PROP_NAME, String.valueOf(PORT_OFFSET_DEFAULT));
    private String replicasValue = System.getProperty(REPLICAS_PROP_NAME, String.valueOf(REPLICAS_DEFAULT));
    private String quorumTimeoutValue = System.getProperty(QUORUM_TIMEOUT_PROP_NAME, QUORUM_TIMEOUT_DEFAULT_NS + "ns");
    private String startupTimeoutValue =
        System.getProperty(STARTUP_TIMEOUT_PROP_NAME, STARTUP_TIMEOUT_DEFAULT_NS + "ns");
    private String proposalTimeoutValue =
        System.getProperty(PROPOSAL_TIMEOUT_PROP_NAME, PROPOSAL_TIMEOUT_DEFAULT_NS + "ns");
    private String dirValue = System.getProperty(DIR_PROP_NAME);
    private String peerTimeoutValue =
        System.getProperty(DsmConfig.PEER_TIMEOUT_PROP_NAME, DsmConfig.PEER_TIMEOUT_DEFAULT_NS + "ns");
    private ErrorHandler errorHandler;

    private boolean concluded;
    private int nodeId;
    private String[] hosts;
    private int[] basePorts;
    private int replicas;
    private long quorumTimeoutNs;
    private long startupTimeoutNs;
    private long proposalTimeoutNs;
    private long peerTimeoutNs;
    private File dir;

    /**
     * Validate every setting and derive the rest; called once by {@link Membership#launch(MembershipContext)}.
     *
     * @return this.
     * @throws ConfigurationException naming {@code setting=value} and the bound broken.
     */
    public MembershipContext conclude()
    {
        if (concluded)
        {
            throw new ConfigurationException("MembershipContext already concluded");
        }
        nodeId = parseInt(DsmConfig.NODE_ID_PROP_NAME, nodeIdValue);
        parseMembers();
        if (nodeId < 0 || nodeId >= hosts.length)
        {
            throw new ConfigurationException(DsmConfig.NODE_ID_PROP_NAME + "=" + nodeId + " out of range [0, " +
                hosts.length + ") for " + hosts.length + " members");
        }
        replicas = parseInt(REPLICAS_PROP_NAME, replicasValue);
        final int maxReplicas = Math.min(MembershipState.MAX_REPLICAS, hosts.length - 1);
        if (replicas < 0 || replicas > maxReplicas)
        {
            throw new ConfigurationException(REPLICAS_PROP_NAME + "=" + replicas + " out of range [0, " +
                maxReplicas + "] for " + hosts.length + " members");
        }
        quorumTimeoutNs = parseDuration(QUORUM_TIMEOUT_PROP_NAME, quorumTimeoutValue);
        if (quorumTimeoutNs < MIN_QUORUM_TIMEOUT_NS)
        {
            throw new ConfigurationException(QUORUM_TIMEOUT_PROP_NAME + "=" + quorumTimeoutValue + " must be >= " +
                TimeUnit.NANOSECONDS.toMillis(MIN_QUORUM_TIMEOUT_NS) + "ms");
        }
        peerTimeoutNs = parseDuration(DsmConfig.PEER_TIMEOUT_PROP_NAME, peerTimeoutValue);
        if (quorumTimeoutNs >= peerTimeoutNs)
        {
            throw new ConfigurationException(QUORUM_TIMEOUT_PROP_NAME + "=" + quorumTimeoutValue + " must be < " +
                DsmConfig.PEER_TIMEOUT_PROP_NAME + "=" + peerTimeoutValue +
                ": a node cut off must stop serving before the others may declare it dead");
        }
        startupTimeoutNs = parseDuration(STARTUP_TIMEOUT_PROP_NAME, startupTimeoutValue);
        if (startupTimeoutNs < 2 * quorumTimeoutNs)
        {
            throw new ConfigurationException(STARTUP_TIMEOUT_PROP_NAME + "=" + startupTimeoutValue +
                " must be >= 2 * " + QUORUM_TIMEOUT_PROP_NAME + "=" + quorumTimeoutValue);
        }
        proposalTimeoutNs = parseDuration(PROPOSAL_TIMEOUT_PROP_NAME, proposalTimeoutValue);
        if (proposalTimeoutNs <= 0)
        {
            throw new ConfigurationException(PROPOSAL_TIMEOUT_PROP_NAME + "=" + proposalTimeoutValue + " must be > 0");
        }
        dir = null != dirValue ? new File(dirValue) : MembershipDirectory.newDirectory(nodeId);
        if (null == errorHandler)
        {
            final int id = nodeId;
            errorHandler = (throwable) ->
            {
                System.err.println("jdsm-membership node " + id + ": " + throwable);
            };
        }
        concluded = true;
        return this;
    }

    private void parseMembers()
    {
        final String value;
        final String name;
        final int offset;
        if (null != membersValue)
        {
            value = membersValue;
            name = MEMBERS_PROP_NAME;
            offset = 0;
        }
        else if (null != nodeMembersValue)
        {
            value = nodeMembersValue;
            name = DsmConfig.MEMBERS_PROP_NAME;
            offset = parseInt(PORT_OFFSET_PROP_NAME, portOffsetValue);
        }
        else
        {
            throw new ConfigurationException(MEMBERS_PROP_NAME + " and " + DsmConfig.MEMBERS_PROP_NAME +
                " are both unset: name the members, host:port per node id");
        }
        final List<String> hostList = new ArrayList<>();
        final List<Integer> portList = new ArrayList<>();
        for (final String member : value.split(",", -1))
        {
            final int colon = member.trim().lastIndexOf(':');
            if (colon <= 0)
            {
                throw new ConfigurationException(name + "=" + value + ": member \"" + member +
                    "\" is not host:port");
            }
            final String host = member.trim().substring(0, colon);
            final int port;
            try
            {
                port = Integer.parseInt(member.trim().substring(colon + 1)) + offset;
            }
            catch (final NumberFormatException ex)
            {
                throw new ConfigurationException(name + "=" + value + ": member \"" + member +
                    "\" has no numeric port");
            }
            if (port < 1 || port + PORTS_PER_MEMBER - 1 > 65_535)
            {
                throw new ConfigurationException(name + "=" + value + ": member \"" + member + "\" gives base port " +
                    port + ", its " + PORTS_PER_MEMBER + " ports must lie in [1, 65535]");
            }
            hostList.add(host);
            portList.add(port);
        }
        if (hostList.size() > MembershipState.MAX_NODE_COUNT)
        {
            throw new ConfigurationException(name + " names " + hostList.size() + " members, at most " +
                MembershipState.MAX_NODE_COUNT);
        }
        hosts = hostList.toArray(new String[0]);
        basePorts = portList.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int parseInt(final String name, final String value)
    {
        try
        {
            return Integer.parseInt(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException(name + "=" + value + " is not an integer");
        }
    }

    private static long parseDuration(final String name, final String value)
    {
        try
        {
            return SystemUtil.parseDuration(name, value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException(name + "=" + value + " is not a duration (e.g. 500ms, 2s)");
        }
    }

    /**
     * @param nodeId this node's id, an index into the members.
     * @return this.
     */
    public MembershipContext nodeId(final int nodeId)
    {
        this.nodeIdValue = String.valueOf(nodeId);
        return this;
    }

    /**
     * @return this node's id (after {@link #conclude()}).
     */
    public int nodeId()
    {
        return nodeId;
    }

    /**
     * @param members base ports, {@code host:port} per node id, comma separated; each member uses
     *                {@link #PORTS_PER_MEMBER} ports from its base.
     * @return this.
     */
    public MembershipContext members(final String members)
    {
        this.membersValue = members;
        return this;
    }

    /**
     * @return number of members (after {@link #conclude()}).
     */
    public int memberCount()
    {
        return hosts.length;
    }

    /**
     * @param member node id.
     * @return the member's host (after {@link #conclude()}).
     */
    public String host(final int member)
    {
        return hosts[member];
    }

    /**
     * @param member node id.
     * @return the member's base port (after {@link #conclude()}).
     */
    public int basePort(final int member)
    {
        return basePorts[member];
    }

    /**
     * @param replicas backups per slice in the view, 0 to 2 and fewer than the members.
     * @return this.
     */
    public MembershipContext replicas(final int replicas)
    {
        this.replicasValue = String.valueOf(replicas);
        return this;
    }

    /**
     * @return backups per slice (after {@link #conclude()}).
     */
    public int replicas()
    {
        return replicas;
    }

    /**
     * @param quorumTimeout e.g. {@code 1s}: how long without a leader (or a majority) before quorum is lost.
     * @return this.
     */
    public MembershipContext quorumTimeout(final String quorumTimeout)
    {
        this.quorumTimeoutValue = quorumTimeout;
        return this;
    }

    /**
     * @return the quorum timeout in nanoseconds (after {@link #conclude()}).
     */
    public long quorumTimeoutNs()
    {
        return quorumTimeoutNs;
    }

    /**
     * @param peerTimeout e.g. {@code 5s}: the node's {@code jdsm.peer.timeout}, after which its peers may propose a
     *                    silent node dead; the quorum timeout must be shorter.
     * @return this.
     */
    public MembershipContext peerTimeout(final String peerTimeout)
    {
        this.peerTimeoutValue = peerTimeout;
        return this;
    }

    /**
     * @return the peer timeout in nanoseconds (after {@link #conclude()}).
     */
    public long peerTimeoutNs()
    {
        return peerTimeoutNs;
    }

    /**
     * @param startupTimeout e.g. {@code 10s}: how long a starting member waits for all others before electing with
     *                       a majority; at least twice the quorum timeout.
     * @return this.
     */
    public MembershipContext startupTimeout(final String startupTimeout)
    {
        this.startupTimeoutValue = startupTimeout;
        return this;
    }

    /**
     * @return the startup timeout in nanoseconds (after {@link #conclude()}).
     */
    public long startupTimeoutNs()
    {
        return startupTimeoutNs;
    }

    /**
     * @param proposalTimeout e.g. {@code 5s}: how long a proposal may wait to be committed.
     * @return this.
     */
    public MembershipContext proposalTimeout(final String proposalTimeout)
    {
        this.proposalTimeoutValue = proposalTimeout;
        return this;
    }

    /**
     * @return the proposal timeout in nanoseconds (after {@link #conclude()}).
     */
    public long proposalTimeoutNs()
    {
        return proposalTimeoutNs;
    }

    /**
     * @param dir the member's directory; created at launch, deleted at close.
     * @return this.
     */
    public MembershipContext dir(final String dir)
    {
        this.dirValue = dir;
        return this;
    }

    /**
     * @return the member's directory (after {@link #conclude()}).
     */
    public File dir()
    {
        return dir;
    }

    /**
     * @param errorHandler receives errors of the member's components (assumed not to throw); default prints one
     *                     line to standard error.
     * @return this.
     */
    public MembershipContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * @return the error handler (after {@link #conclude()}).
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * @return Aeron Cluster's member string: {@code id,ingress,consensus,log,catchup,archive|...}.
     */
    String clusterMembers()
    {
        final StringBuilder builder = new StringBuilder();
        for (int i = 0; i < hosts.length; i++)
        {
            if (i > 0)
            {
                builder.append('|');
            }
            builder.append(i);
            for (int p = 0; p < PORTS_PER_MEMBER; p++)
            {
                builder.append(',').append(endpoint(i, p));
            }
        }
        return builder.toString();
    }

    /**
     * @return Aeron Cluster's ingress endpoints: {@code id=host:port,...}.
     */
    String ingressEndpoints()
    {
        final StringBuilder builder = new StringBuilder();
        for (int i = 0; i < hosts.length; i++)
        {
            if (i > 0)
            {
                builder.append(',');
            }
            builder.append(i).append('=').append(endpoint(i, 0));
        }
        return builder.toString();
    }

    /**
     * @param member node id.
     * @param port   index from the base port: 0 ingress, 1 consensus, 2 log, 3 catch-up, 4 archive control.
     * @return {@code host:port}.
     */
    String endpoint(final int member, final int port)
    {
        final String host = hosts[member];
        final String hostPart = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return hostPart + ":" + (basePorts[member] + port);
    }
}
