package org.jdsm.apps.socialnet;

import org.jdsm.DsmNode;
import org.jdsm.apps.AppCluster;
import org.jdsm.simulator.SimulatedNetwork;

import java.io.StringReader;
import java.util.concurrent.TimeUnit;

/**
 * The shared {@link AppCluster} sized for the SocialNet tests, and their small social graph; closes the nodes,
 * then the network.
 */
final class SocialNetCluster implements AutoCloseable
{
    /**
     * Ten users: user 0 is followed by 1, 2 and 3; 4 and 5 follow each other; 6 follows 7; 8 and 9 follow nobody.
     */
    static final String EDGES = "% a small test graph\n# 0-based ids\n0 1\n0 2\n0 3\n1 2\n4 5\n6 7\n8 9\n";

    final DsmNode[] nodes;
    private final AppCluster cluster;

    SocialNetCluster(final int nodeCount)
    {
        cluster = new AppCluster(nodeCount, new SimulatedNetwork.Context().seed(3).maxDelaySteps(1), 96L << 20,
            TimeUnit.SECONDS.toNanos(10));
        nodes = cluster.nodes;
    }

    static SocialGraph graph()
    {
        return SocialGraph.parse(new StringReader(EDGES), "test");
    }

    static SocialNetSettings settings(final PassMode mode)
    {
        return new SocialNetSettings(mode, 2, 7, 16, 4, false);
    }

    DistributedSocialNet deploy(final PassMode mode)
    {
        return DistributedSocialNet.deploy(nodes[0], graph(), settings(mode), 2);
    }

    public void close()
    {
        cluster.close();
    }
}
