package org.jdsm.coherence;

import org.agrona.concurrent.Agent;

/**
 * A node's duty cycle, once per heartbeat interval: publishes its counters to its counters file, sends heartbeats
 * carrying its load and free heap, and fails the futures of tasks sent to nodes the transport found dead.
 * <p>
 * <b>Note:</b> runs on its own agent thread, owned by the {@link Node}.
 */
final class NodeAgent implements Agent
{
    private final Node node;
    private final long intervalNs;
    private long nextDeadlineNs;

    NodeAgent(final Node node, final long intervalNs)
    {
        this.node = node;
        this.intervalNs = intervalNs;
    }

    public int doWork()
    {
        final long nowNs = System.nanoTime();
        if (nowNs - nextDeadlineNs < 0)
        {
            return 0;
        }
        nextDeadlineNs = nowNs + intervalNs;
        node.liveCounters().publish();
        node.sendHeartbeats();
        node.failTasksOnUnavailableNodes();

        return 1;
    }

    public String roleName()
    {
        return "jdsm-node-" + node.nodeId();
    }
}
