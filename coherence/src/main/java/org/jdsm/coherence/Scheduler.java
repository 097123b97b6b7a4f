package org.jdsm.coherence;

import org.jdsm.spi.Transport;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Where a node's {@code spawn} goes, and the load reports it decides by: each node's tasks queued or running
 * (its own counted here, its peers' from their heartbeats) plus the tasks this node has in flight to it, ties
 * broken round robin. Also keeps the free heap each peer last reported, which {@link Placement} allocates by.
 * <p>
 * Liveness is the transport's job (its own heartbeats), so a load report is not a second heartbeat stream: it goes
 * to a peer only when this node's load or free heap differs from what that peer was last told, or
 * {@link #REFRESH_INTERVALS} report intervals after it was last told (transports deliver reliably; the refresh only
 * bounds how long a peer's view can stay wrong if one did not). An idle node sends none.
 * <p>
 * <b>Note:</b> threadsafe: heartbeats arrive on the transport's receiving thread, the node agent sends them, and
 * any thread spawns. One per node, owned by it.
 */
final class Scheduler
{
    /**
     * Report intervals after which a peer is told this node's load again even though it has not changed.
     */
    static final int REFRESH_INTERVALS = 10;

    private final int nodeId;
    private final int nodeCount;
    private final Transport transport;
    private final ControlProxy proxy;
    private final AtomicInteger activeTasks = new AtomicInteger();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final AtomicLongArray peerLoad;
    private final AtomicLongArray peerFreeBytes;
    private final AtomicLongArray tasksInFlight;
    private final long[] loadToldPeer;
    private final long[] freeBytesToldPeer;
    private final int[] intervalsSinceToldPeer;

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
        this.loadToldPeer = new long[nodeCount];
        this.freeBytesToldPeer = new long[nodeCount];
        this.intervalsSinceToldPeer = new int[nodeCount];
        Arrays.fill(loadToldPeer, -1);
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
     * Tell every available peer this node's load and free heap when they changed since it was last told, or when
     * {@link #REFRESH_INTERVALS} calls have passed since. Called once per report interval, by the node agent only.
     *
     * @param freeBytes of this node's heap.
     * @return the number of reports sent.
     */
    int sendHeartbeats(final long freeBytes)
    {
        final long load = activeTasks.get();
        int sent = 0;
        for (int peer = 0; peer < nodeCount; peer++)
        {
            if (peer != nodeId && transport.isAvailable(peer))
            {
                if (load != loadToldPeer[peer] || freeBytes != freeBytesToldPeer[peer] ||
                    ++intervalsSinceToldPeer[peer] >= REFRESH_INTERVALS)
                {
                    proxy.sendHeartbeat(peer, load, freeBytes);
                    loadToldPeer[peer] = load;
                    freeBytesToldPeer[peer] = freeBytes;
                    intervalsSinceToldPeer[peer] = 0;
                    sent++;
                }
            }
        }

        return sent;
    }
}
