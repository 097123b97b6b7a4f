package org.jdsm.coherence;

import org.agrona.DirectBuffer;

import java.util.concurrent.ConcurrentHashMap;

import static org.jdsm.coherence.ControlMessageDescriptor.BODY_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.MUTEX_LEASE_GRANT_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.MUTEX_LEASE_LOST_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.MUTEX_LEASE_REQUEST_TYPE;

/**
 * A node's {@link MutexLease}s, one per mutex address this node has locked or been asked for, and the adapter that
 * decodes the lease messages ({@link ControlMessageDescriptor#MUTEX_LEASE_REQUEST_TYPE},
 * {@link ControlMessageDescriptor#MUTEX_LEASE_GRANT_TYPE}, {@link ControlMessageDescriptor#MUTEX_LEASE_LOST_TYPE})
 * and hands them to the lease they name. Every handle of one mutex on a node shares that node's lease.
 * <p>
 * An entry stays until the node closes: one small object per mutex a node has touched.
 * <p>
 * <b>Note:</b> threadsafe; {@link #onMessage} is called by the transport's receiving thread only.
 */
final class MutexLeases
{
    private final HeapAccess node;
    private final ConcurrentHashMap<Long, MutexLease> leases = new ConcurrentHashMap<>();
    private final ControlMessageFlyweight flyweight = new ControlMessageFlyweight();

    MutexLeases(final HeapAccess node)
    {
        this.node = node;
    }

    /**
     * This node's lease of a mutex, made on first use.
     *
     * @param address  the mutex's global address.
     * @param capacity bytes its value can hold.
     * @return the lease.
     */
    MutexLease lease(final long address, final int capacity)
    {
        final MutexLease lease = leases.get(address);
        if (null != lease)
        {
            return lease;
        }

        return leases.computeIfAbsent(address, (a) -> new MutexLease(node, a, capacity));
    }

    /**
     * Decode a lease message and pass it to its lease; a message naming no lease of this node is rejected.
     *
     * @param sourceNodeId sender.
     * @param buffer       holding the message.
     * @param offset       of the message.
     * @param length       of the message.
     * @return null, or why the message was rejected.
     */
    String onMessage(final int sourceNodeId, final DirectBuffer buffer, final int offset, final int length)
    {
        flyweight.wrapForRead(buffer, offset);
        final int type = flyweight.type();
        final long address = flyweight.correlationId();
        final long value = flyweight.value();
        MutexLease lease = leases.get(address);
        if (null == lease && MUTEX_LEASE_REQUEST_TYPE == type && node.isLocal(address))
        {
            // the home is asked before any handle of it locked here: it still holds the lease
            final int objectLength;
            try
            {
                objectLength = node.localLength(address);
            }
            catch (final RuntimeException ex)
            {
                return "lease request from node " + sourceNodeId + " rejected: " + ex.getMessage();
            }
            if (objectLength < MutexHandle.VALUE_OFFSET)
            {
                return "lease request from node " + sourceNodeId + " names " + EngineHeap.describe(address) + " of " +
                    objectLength + " bytes: not a mutex";
            }
            lease = lease(address, objectLength - MutexHandle.VALUE_OFFSET);
        }
        if (null == lease)
        {
            return "lease message type=" + type + " from node " + sourceNodeId + " names mutex at " +
                GlobalAddress.toString(address) + ", unknown on node " + node.nodeId();
        }

        switch (type)
        {
            case MUTEX_LEASE_REQUEST_TYPE:
                return lease.onRequest(sourceNodeId);

            case MUTEX_LEASE_GRANT_TYPE:
                return lease.onGrant(sourceNodeId, value, buffer, offset + BODY_OFFSET, length - BODY_OFFSET);

            case MUTEX_LEASE_LOST_TYPE:
                return lease.onLost(sourceNodeId, value);

            default:
                return "lease message of unknown type=" + type + " from node " + sourceNodeId;
        }
    }
}
