package org.jdsm.coherence;

import org.agrona.concurrent.Agent;

/**
 * A node's duty cycle, once per heartbeat interval: publishes its counters to its counters file, sends heartbeats
 * carrying its load and free heap, and fails the futures of tasks sent to nodes the transport found dead.
 * <p>
 * <b>Note:</b> runs on its own agent thread, owned by its node.
 */
final class NodeAgent implements Agent
{
    private final int nodeId;
    private final long intervalNs;
    private final Scheduler scheduler;
    private final TaskRuntime tasks;
    private final Placement placement;
    private final Counters counters;
    private long nextDeadlineNs;

    NodeAgent(
        final int nodeId,
        final long intervalNs,
        final Scheduler scheduler,
        final TaskRuntime tasks,
        final Placement placement,
        final Counters counters)
    {
        this.nodeId = nodeId;
        this.intervalNs = intervalNs;
        this.scheduler = scheduler;
        this.tasks = tasks;
        this.placement = placement;
        this.counters = counters;
    }

    public int doWork()
    {
        final long nowNs = System.nanoTime();
        if (nowNs - nextDeadlineNs < 0)
        {
            return 0;
        }
        nextDeadlineNs = nowNs + intervalNs;
        counters.publish();
        scheduler.sendHeartbeats(placement.freeBytes());
        tasks.failTasksOnUnavailableNodes();

        return 1;
    }

    public String roleName()
    {
        return "jdsm-node-" + nodeId;
    }
}
