package org.jdsm.coherence;

import org.jdsm.spi.Transport;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Where a node's {@code spawn} goes, and the load reports it decides by: each node's tasks queued or running
 * (its own counted here, its peers' from their heartbeats) plus the tasks this node has in flight to it, ties
 * broken round robin. Also keeps the free heap each peer last reported, which {@link Placement} allocates by.
 * <p>
 * <b>Note:</b> threadsafe: heartbeats arrive on the transport's receiving thread, the node agent sends them, and
 * any thread spawns. One per node, owned by it.
 */
final class Scheduler
{
    private final int nodeId;
    private final int nodeCount;
    private final Transport transport;
    private final ControlProxy proxy;
    private final AtomicInteger activeTasks = new AtomicInteger();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final AtomicLongArray peerLoad;
    private final AtomicLongArray peerFreeBytes;
    private final AtomicLongArray tasksInFlight;

    /**
     * @param nodeId    this node.
     * @param nodeCount of the cluster.
     * @param transport asked which peers are available.
     * @param proxy     heartbeats go through.
     */
    Scheduler(final int nodeId, final int nodeCount, final Transport transport, final ControlProxy proxy)
    {
        this.nodeId = nodeId;
        this.nodeCount = nodeCount;
        this.transport = transport;
        this.proxy = proxy;
        this.peerLoad = new AtomicLongArray(nodeCount);
        this.peerFreeBytes = new AtomicLongArray(nodeCount);
        this.tasksInFlight = new AtomicLongArray(nodeCount);
        for (int i = 0; i < nodeCount; i++)
        {
            peerFreeBytes.set(i, -1);
        }
    }

    /**
     * This node's tasks queued or running: its load, shared with {@link LocalTaskRunner} and {@link TaskRuntime}.
     *
     * @return the live count.
     */
    AtomicInteger activeTasks()
    {
        return activeTasks;
    }

    /**
     * The available node with the least load, starting the search at the next node round robin.
     *
     * @return a node id, this node's included.
     */
    int leastLoadedNode()
    {
        final int start = Math.floorMod(roundRobin.getAndIncrement(), nodeCount);
        int best = -1;
        long bestLoad = Long.MAX_VALUE;
        for (int i = 0; i < nodeCount; i++)
        {
            final int candidate = (start + i) % nodeCount;
            if (candidate != nodeId && !transport.isAvailable(candidate))
            {
                continue;
            }
            final long load = (candidate == nodeId ? activeTasks.get() : peerLoad.get(candidate)) +
                tasksInFlight.get(candidate);
            if (load < bestLoad)
            {
                best = candidate;
                bestLoad = load;
            }
        }

        return best;
    }

    /**
     * A task was sent to a node.
     *
     * @param target node.
     */
    void onTaskSent(final int target)
    {
        tasksInFlight.incrementAndGet(target);
    }

    /**
     * A task sent to a node returned, failed, or was never sent.
     *
     * @param target node.
     */
    void onTaskEnded(final int target)
    {
        tasksInFlight.decrementAndGet(target);
    }

    /**
     * A peer's heartbeat: its load.
     *
     * @param peer that sent it.
     * @param load its tasks queued or running.
     */
    void onLoadReport(final int peer, final long load)
    {
        peerLoad.set(peer, load);
    }

    /**
     * A peer's heartbeat: its free heap.
     *
     * @param peer      that sent it.
     * @param freeBytes of its heap.
     */
    void onFreeBytesReport(final int peer, final long freeBytes)
    {
        peerFreeBytes.set(peer, freeBytes);
    }

    /**
     * @param peer node.
     * @return free heap bytes it last reported, or -1 before its first heartbeat.
     */
    long peerFreeBytes(final int peer)
    {
        return peerFreeBytes.get(peer);
    }

    /**
     * Send this node's load and free heap to every available peer.
     *
     * @param freeBytes of this node's heap.
     */
    void sendHeartbeats(final long freeBytes)
    {
        for (int peer = 0; peer < nodeCount; peer++)
        {
            if (peer != nodeId && transport.isAvailable(peer))
            {
                proxy.sendHeartbeat(peer, activeTasks.get(), freeBytes);
            }
        }
    }
}
