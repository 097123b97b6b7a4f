package org.jdsm.simulator.contract;

import org.jdsm.spi.HeapRegion;
import org.jdsm.spi.Transport;

/**
 * The nodes a {@link TransportContract} test runs against, all started (past the join barrier). Node 0, the driver,
 * lives in the test's JVM; the others may live in this JVM or in other processes. Every node serves a zeroed
 * {@link BufferHeapRegion} of the spec's capacity and uses a {@link ContractMessageHandler}; every node but the
 * driver echoes the messages it receives back to their source.
 * <p>
 * <b>Note:</b> used by the test thread and the threads it starts; {@link #close()} is called once, by the test.
 */
public interface ContractCluster extends AutoCloseable
{
    /**
     * @return number of nodes.
     */
    int nodeCount();

    /**
     * The transport of a node in this JVM.
     *
     * @param nodeId of the node.
     * @return its transport, or null when the node lives in another process. Never null for node 0.
     */
    Transport transport(int nodeId);

    /**
     * The messages received by a node in this JVM.
     *
     * @param nodeId of the node.
     * @return its handler, or null when the node lives in another process. Never null for node 0.
     */
    ContractMessageHandler messages(int nodeId);

    /**
     * The heap a node in this JVM serves, for a test to change it as that node's own threads would, while peers
     * read it.
     *
     * @param nodeId of the node.
     * @return its heap, or null when the cluster does not expose it (tests that need it are skipped).
     */
    default HeapRegion heap(final int nodeId)
    {
        return null;
    }

    /**
     * Whether {@link #kill(int)} is supported; peer-death tests are skipped when it is not.
     *
     * @return true if nodes can be killed.
     */
    default boolean canKill()
    {
        return false;
    }

    /**
     * Kill a node other than the driver as a crash would: no goodbye, its heap no longer served.
     *
     * @param nodeId of the node, in [1, nodeCount).
     */
    default void kill(final int nodeId)
    {
        throw new UnsupportedOperationException("kill");
    }

    /**
     * Close every node and release everything the cluster started, processes included.
     */
    void close();
}
