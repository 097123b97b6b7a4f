package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.jdsm.spi.MessageHandler;

import static org.jdsm.coherence.ControlMessageDescriptor.ALLOC_REQUEST_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.ALLOC_RESPONSE_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.BODY_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.FREE_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.HANDED_OVER_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.HANDOVER_FENCE_ACK_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.HANDOVER_FENCE_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.HEARTBEAT_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.SPARE_CLAIM_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.SPARE_GRANT_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.MUTEX_LEASE_GRANT_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.MUTEX_LEASE_LOST_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.MUTEX_LEASE_REQUEST_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.RESULT_STAGED_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.RESULT_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.SPAWN_STAGED_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.SPAWN_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.STAGED_ADDRESS_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.STAGED_BODY_LENGTH;
import static org.jdsm.coherence.ControlMessageDescriptor.STAGED_LENGTH_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.STOP_ACK_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.STOP_REQUEST_TYPE;

/**
 * Decodes the control messages a node receives ({@link ControlMessageDescriptor}, little-endian, through a
 * {@link ControlMessageFlyweight}), validates them, and calls the room that acts on each: {@link Placement} for
 * allocations, {@link EngineHeap} for frees, {@link TaskRuntime} for tasks and results, {@link MutexLeases} for
 * leases, {@link SliceHandover} for slice hand-overs, {@link Scheduler} for heartbeats, {@link ClusterLifecycle}
 * for stops. {@link ControlProxy} encodes them.
 * <p>
 * It never blocks, and never throws for a message it refuses: a malformed message, or one the node can not act on,
 * is counted as {@link Counters#REQUESTS_REJECTED} and reported through {@link Rejections} (see
 * {@code ControlAdapterProperties}). Task bodies go to the workers and results to the completion thread; only an
 * answer the node fails to send (an allocation's, to a peer that just left) reaches the receiving thread, as the
 * transport's own error.
 * <p>
 * <b>Note:</b> called by the transport's receiving thread only: its flyweight is not shared. One per node.
 */
final class ControlAdapter implements MessageHandler
{
    private final int nodeId;
    private final int nodeCount;
    private final int maxObjectSize;
    private final Rejections rejections;
    private final Placement placement;
    private final EngineHeap heap;
    private final TaskRuntime tasks;
    private final Scheduler scheduler;
    private final ClusterLifecycle lifecycle;
    private final ControlMessageFlyweight flyweight = new ControlMessageFlyweight();

    ControlAdapter(
        final EngineHeap heap,
        final Placement placement,
        final TaskRuntime tasks,
        final Scheduler scheduler,
        final ClusterLifecycle lifecycle,
        final Rejections rejections)
    {
        this.nodeId = heap.nodeId();
        this.nodeCount = heap.nodeCount();
        this.maxObjectSize = heap.config().maxObjectSize();
        this.rejections = rejections;
        this.placement = placement;
        this.heap = heap;
        this.tasks = tasks;
        this.scheduler = scheduler;
        this.lifecycle = lifecycle;
    }

    /**
     * {@inheritDoc}
     */
    public void onMessage(final int sourceNodeId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < BODY_OFFSET || sourceNodeId < 0 || sourceNodeId >= nodeCount)
        {
            rejections.reject("control message of " + length + " bytes from node " + sourceNodeId + " is malformed");
            return;
        }

        flyweight.wrapForRead(buffer, offset);
        final int type = flyweight.type();
        final long correlationId = flyweight.correlationId();
        final long value = flyweight.value();
        switch (type)
        {
            case ALLOC_REQUEST_TYPE:
                if (null != heap.replication())
                {
                    // the new header is mirrored to the backups before the answer, which blocks: not on this thread
                    heap.runAsync(() -> runCounted(() -> placement.onAllocRequest(sourceNodeId, correlationId, value)));
                }
                else
                {
                    placement.onAllocRequest(sourceNodeId, correlationId, value);
                }
                break;

            case ALLOC_RESPONSE_TYPE:
                placement.onAllocResponse(sourceNodeId, correlationId, value);
                break;

            case FREE_TYPE:
                if (null != heap.replication())
                {
                    heap.runAsync(() -> runCounted(() -> onFree(sourceNodeId, value)));
                }
                else
                {
                    onFree(sourceNodeId, value);
                }
                break;

            case SPAWN_TYPE:
                tasks.onSpawn(sourceNodeId, correlationId, body(buffer, offset, length));
                break;

            case RESULT_TYPE:
                tasks.onResult(sourceNodeId, correlationId, value, body(buffer, offset, length));
                break;

            case SPAWN_STAGED_TYPE:
            {
                final long address = stagedAddress(sourceNodeId, buffer, offset, length, "task");
                if (GlobalAddress.NULL != address)
                {
                    tasks.onSpawnStaged(sourceNodeId, correlationId, address, stagedLength(buffer, offset));
                }
                break;
            }

            case RESULT_STAGED_TYPE:
            {
                final long address = stagedAddress(sourceNodeId, buffer, offset, length, "task result");
                if (GlobalAddress.NULL != address)
                {
                    tasks.onResultStaged(sourceNodeId, correlationId, value, address, stagedLength(buffer, offset));
                }
                break;
            }

            case STOP_REQUEST_TYPE:
                if (!lifecycle.onStopRequest(sourceNodeId))
                {
                    rejections.reject("stop request from node " + sourceNodeId + ", which is not the driver of node " +
                        nodeId);
                }
                break;

            case STOP_ACK_TYPE:
                if (!lifecycle.onStopAck(sourceNodeId))
                {
                    rejections.reject("stop acknowledgement from node " + sourceNodeId + " to node " + nodeId);
                }
                break;

            case MUTEX_LEASE_REQUEST_TYPE:
            case MUTEX_LEASE_GRANT_TYPE:
            case MUTEX_LEASE_LOST_TYPE:
            {
                final String rejected = heap.mutexLeases().onMessage(sourceNodeId, buffer, offset, length);
                if (null != rejected)
                {
                    rejections.reject(rejected);
                }
                break;
            }

            case HANDOVER_FENCE_TYPE:
            case HANDOVER_FENCE_ACK_TYPE:
            case HANDED_OVER_TYPE:
            case SPARE_CLAIM_TYPE:
            case SPARE_GRANT_TYPE:
            {
                final Replication replication = heap.replication();
                final SliceHandover handover = null == replication ? null : replication.handover();
                final String rejected = null == handover ?
                    ControlMessageDescriptor.handoverTypeName(type) + " from node " + sourceNodeId + " to node " +
                    nodeId + ", which runs no slice hand-over (jdsm.replicas=0)" :
                    handover.onMessage(sourceNodeId, type, correlationId, value, buffer, offset, length);
                if (null != rejected)
                {
                    rejections.reject(rejected);
                }
                break;
            }

            case HEARTBEAT_TYPE:
                scheduler.onLoadReport(sourceNodeId, value);
                if (length >= BODY_OFFSET + 8)
                {
                    scheduler.onFreeBytesReport(
                        sourceNodeId, buffer.getLong(flyweight.bodyOffset(), ControlMessageFlyweight.ORDER));
                }
                break;

            default:
                rejections.reject("control message of unknown type=" + type + " from node " + sourceNodeId);
        }
    }

    // off the receiving thread a failure (e.g. this node crashed while mirroring) goes to the counting error handler
    private void runCounted(final Runnable action)
    {
        try
        {
            action.run();
        }
        catch (final RuntimeException ex)
        {
            heap.onLeaseError(ex);
        }
    }

    private void onFree(final int sourceNodeId, final long address)
    {
        if (!heap.isLocal(address))
        {
            rejections.reject("free of " + EngineHeap.describe(address) + " from node " + sourceNodeId +
                " sent to node " + nodeId);
            return;
        }
        final String refused = heap.freeForPeer(address);
        if (null != refused)
        {
            rejections.reject("free from node " + sourceNodeId + " rejected: " + refused);
        }
    }

    private static byte[] body(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] body = new byte[length - BODY_OFFSET];
        buffer.getBytes(offset + BODY_OFFSET, body);
        return body;
    }

    private static int stagedLength(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + BODY_OFFSET + STAGED_LENGTH_OFFSET, ControlMessageFlyweight.ORDER);
    }

    /**
     * The address of a staged message's block, or {@link GlobalAddress#NULL} after rejecting a malformed message:
     * the block must be in the sender's own heap and its length within {@code maxObjectSize}.
     */
    private long stagedAddress(
        final int sourceNodeId, final DirectBuffer buffer, final int offset, final int length, final String what)
    {
        if (length != BODY_OFFSET + STAGED_BODY_LENGTH)
        {
            rejections.reject("staged " + what + " message of " + length + " bytes from node " + sourceNodeId +
                " is malformed");
            return GlobalAddress.NULL;
        }
        final long address = buffer.getLong(offset + BODY_OFFSET + STAGED_ADDRESS_OFFSET, ControlMessageFlyweight.ORDER);
        final int stagedLength = stagedLength(buffer, offset);
        if (GlobalAddress.nodeId(address) != sourceNodeId || stagedLength < 0 || stagedLength > maxObjectSize)
        {
            rejections.reject("staged " + what + " from node " + sourceNodeId + " names " +
                EngineHeap.describe(address) + " of " + stagedLength + " bytes: not in the sender's heap or over " +
                "maxObjectSize=" + maxObjectSize);
            return GlobalAddress.NULL;
        }

        return address;
    }
}
