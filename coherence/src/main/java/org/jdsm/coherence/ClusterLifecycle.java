package org.jdsm.coherence;

import org.jdsm.ConfigurationException;
import org.jdsm.DriverLostException;
import org.jdsm.DsmException;
import org.jdsm.DsmNode;
import org.jdsm.NodeUnavailableException;

import java.util.concurrent.TimeUnit;

import static org.jdsm.coherence.ControlMessageDescriptor.STOP_ACK_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.STOP_REQUEST_TYPE;

/**
 * The roles of a cluster and how its program ends: node {@link #DRIVER_NODE_ID} runs the program's {@code main}
 * (the driver); the other nodes {@link #serve() serve} its tasks and objects until it closes the cluster.
 * <ol>
 *     <li>The driver's {@code close()} calls {@link #stopServers()}: it waits (at most the operation timeout) until
 *     no task it sent is in flight, sends {@link ControlMessageDescriptor#STOP_REQUEST_TYPE} to every available
 *     peer and waits (at most the operation timeout) for each one's {@link ControlMessageDescriptor#STOP_ACK_TYPE}
 *     or its departure; then the node leaves.</li>
 *     <li>A serving node acknowledges once it runs no task and waits for none, and keeps serving until the driver
 *     has left: no server leaves while the driver could still pick it for a {@code spawn}. Then {@link #serve()}
 *     returns normally. A driver that leaves or dies without a stop request makes {@link #serve()} throw
 *     {@link DriverLostException}.</li>
 *     <li>A peer that is not serving (started with {@code Dsm.start}, e.g. in a test) acknowledges at once, but
 *     not before it has joined: the driver's join can complete before a server's (the server waits for the
 *     driver's answer to its HELLO), and a driver that ran its whole program and left in that window would leave
 *     the server to time out its join. So a stop request that arrives while the node is still joining is
 *     acknowledged when the join completes (or by {@link #serve()}), while the driver still waits.</li>
 * </ol>
 * <p>
 * <b>Note:</b> threadsafe; one per node, owned by it. Not on a hot path: it waits with a monitor.
 */
final class ClusterLifecycle
{
    /** The node that runs the program. */
    static final int DRIVER_NODE_ID = 0;

    private static final long POLL_MS = 5;

    private final DsmNode node;
    private final TaskRuntime tasks;
    private final ControlProxy proxy;
    private final long operationTimeoutNs;
    private final boolean[] stopAcknowledged;
    private boolean isJoined;
    private boolean isServing;
    private boolean isStopRequested;
    private boolean isAcknowledged;

    /**
     * @param node               whose lifecycle this is, its face.
     * @param tasks              asked whether the node is idle.
     * @param proxy              sends stop requests and acknowledgements.
     * @param operationTimeoutNs longest wait for tasks in flight and for each acknowledgement.
     */
    ClusterLifecycle(
        final DsmNode node, final TaskRuntime tasks, final ControlProxy proxy, final long operationTimeoutNs)
    {
        this.node = node;
        this.tasks = tasks;
        this.proxy = proxy;
        this.operationTimeoutNs = operationTimeoutNs;
        this.stopAcknowledged = new boolean[node.nodeCount()];
    }

    /**
     * A stop request arrived.
     *
     * @param sourceNodeId sender.
     * @return false if the sender is not the driver, a message the node rejects.
     */
    boolean onStopRequest(final int sourceNodeId)
    {
        if (DRIVER_NODE_ID != sourceNodeId || DRIVER_NODE_ID == node.nodeId())
        {
            return false;
        }
        final boolean acknowledgeNow;
        synchronized (this)
        {
            isStopRequested = true;
            acknowledgeNow = isJoined && !isServing && !isAcknowledged;
            isAcknowledged |= acknowledgeNow;
            notifyAll();
        }
        if (acknowledgeNow)
        {
            sendLifecycleMessage(DRIVER_NODE_ID, STOP_ACK_TYPE);
        }

        return true;
    }

    /**
     * @return true once the driver asked this node to stop: the program ended and nodes leave from now on.
     */
    synchronized boolean isStopRequested()
    {
        return isStopRequested;
    }

    /**
     * The node's transport has joined every peer: acknowledge a stop request that arrived while it was joining,
     * unless the node serves (then {@link #serve()} acknowledges once it is idle).
     */
    void onJoined()
    {
        final boolean acknowledgeNow;
        synchronized (this)
        {
            isJoined = true;
            acknowledgeNow = isStopRequested && !isServing && !isAcknowledged;
            isAcknowledged |= acknowledgeNow;
        }
        if (acknowledgeNow && DRIVER_NODE_ID != node.nodeId())
        {
            sendLifecycleMessage(DRIVER_NODE_ID, STOP_ACK_TYPE);
        }
    }

    /**
     * A stop acknowledgement arrived.
     *
     * @param sourceNodeId sender.
     * @return false if this node is not the driver, a message the node rejects.
     */
    synchronized boolean onStopAck(final int sourceNodeId)
    {
        if (DRIVER_NODE_ID != node.nodeId() || DRIVER_NODE_ID == sourceNodeId)
        {
            return false;
        }
        stopAcknowledged[sourceNodeId] = true;
        notifyAll();

        return true;
    }

    /**
     * Serve the driver until it closes the cluster: see the class comment.
     *
     * @throws ConfigurationException if this node is the driver.
     * @throws DriverLostException    if the driver left or died before it asked this node to stop.
     * @throws DsmException           if the calling thread is interrupted.
     */
    void serve()
    {
        final int nodeId = node.nodeId();
        if (DRIVER_NODE_ID == nodeId)
        {
            throw new ConfigurationException("jdsm.node.id=0 is the driver, it runs the program's main with " +
                "Dsm.start: Dsm.serve is for nodes 1.." + (node.nodeCount() - 1));
        }
        synchronized (this)
        {
            isServing = true;
        }

        try
        {
            while (true)
            {
                boolean acknowledgeNow = false;
                final boolean stopRequested;
                synchronized (this)
                {
                    stopRequested = isStopRequested;
                    if (stopRequested && !isAcknowledged && tasks.isIdle())
                    {
                        isAcknowledged = true;
                        acknowledgeNow = true;
                    }
                }
                if (acknowledgeNow)
                {
                    sendLifecycleMessage(DRIVER_NODE_ID, STOP_ACK_TYPE);
                }
                if (!node.isNodeAvailable(DRIVER_NODE_ID))
                {
                    if (stopRequested)
                    {
                        return;
                    }
                    throw new DriverLostException(DRIVER_NODE_ID, nodeId);
                }
                synchronized (this)
                {
                    wait(POLL_MS);
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new DsmException("node " + nodeId + " interrupted while serving the driver", ex);
        }
        finally
        {
            synchronized (this)
            {
                isServing = false;
            }
        }
    }

    /**
     * On the driver's close, before it leaves: wait for its tasks in flight, then stop every available server and
     * wait for its acknowledgement, each wait bounded by the operation timeout. Does nothing on a server or a
     * one-node cluster.
     */
    void stopServers()
    {
        final int nodeCount = node.nodeCount();
        if (DRIVER_NODE_ID != node.nodeId() || 1 == nodeCount)
        {
            return;
        }

        final long timeoutNs = operationTimeoutNs;
        try
        {
            final long tasksDeadlineNs = System.nanoTime() + timeoutNs;
            while (tasks.pendingTaskCount() > 0 && System.nanoTime() - tasksDeadlineNs < 0)
            {
                Thread.sleep(POLL_MS);
            }

            final boolean[] asked = new boolean[nodeCount];
            for (int peer = 0; peer < nodeCount; peer++)
            {
                if (peer != DRIVER_NODE_ID && node.isNodeAvailable(peer))
                {
                    asked[peer] = sendLifecycleMessage(peer, STOP_REQUEST_TYPE);
                }
            }

            final long acksDeadlineNs = System.nanoTime() + timeoutNs;
            while (System.nanoTime() - acksDeadlineNs < 0 && isWaitingForAck(asked))
            {
                synchronized (this)
                {
                    wait(POLL_MS);
                }
            }
        }
        catch (final InterruptedException ex)
        {
            // close() goes on without waiting; the caller's interrupt stays set
            Thread.currentThread().interrupt();
        }
    }

    private boolean isWaitingForAck(final boolean[] asked)
    {
        final boolean[] acknowledged;
        synchronized (this)
        {
            acknowledged = stopAcknowledged.clone();
        }
        // the transport is asked outside the monitor: its receiver thread takes the monitor in onStopAck
        for (int peer = 0; peer < asked.length; peer++)
        {
            if (asked[peer] && !acknowledged[peer] && node.isNodeAvailable(peer))
            {
                return true;
            }
        }

        return false;
    }

    /**
     * Send a stop request or acknowledgement.
     *
     * @param target node.
     * @param type   {@link ControlMessageDescriptor#STOP_REQUEST_TYPE} or {@link ControlMessageDescriptor#STOP_ACK_TYPE}.
     * @return false if the target has left.
     */
    boolean sendLifecycleMessage(final int target, final int type)
    {
        try
        {
            proxy.send(target, type, 0, 0);
            return true;
        }
        catch (final NodeUnavailableException ex)
        {
            return false; // it left: nothing to stop or acknowledge
        }
    }
}
