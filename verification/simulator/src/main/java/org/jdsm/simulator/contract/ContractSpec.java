package org.jdsm.simulator.contract;

import org.jdsm.DsmConfig;

/**
 * What a {@link TransportContract} test asks of the cluster it starts.
 * <p>
 * <b>Note:</b> immutable.
 */
public final class ContractSpec
{
    private final int nodeCount;
    private final int heapCapacity;
    private final long operationTimeoutNs;
    private final long heartbeatIntervalNs;
    private final boolean copiesIndirectRanges;

    /**
     * A spec for a transport that need not copy the range an indirect read's word points to.
     *
     * @param nodeCount           number of nodes.
     * @param heapCapacity        of each node's {@link BufferHeapRegion}.
     * @param operationTimeoutNs  for {@link DsmConfig#operationTimeoutNs(long)}.
     * @param heartbeatIntervalNs for {@link DsmConfig#heartbeatIntervalNs(long)}.
     */
    public ContractSpec(
        final int nodeCount, final int heapCapacity, final long operationTimeoutNs, final long heartbeatIntervalNs)
    {
        this(nodeCount, heapCapacity, operationTimeoutNs, heartbeatIntervalNs, false);
    }

    /**
     * @param nodeCount            number of nodes.
     * @param heapCapacity         of each node's {@link BufferHeapRegion}.
     * @param operationTimeoutNs   for {@link DsmConfig#operationTimeoutNs(long)}.
     * @param heartbeatIntervalNs  for {@link DsmConfig#heartbeatIntervalNs(long)}.
     * @param copiesIndirectRanges see {@link #copiesIndirectRanges()}.
     */
    public ContractSpec(
        final int nodeCount,
        final int heapCapacity,
        final long operationTimeoutNs,
        final long heartbeatIntervalNs,
        final boolean copiesIndirectRanges)
    {
        this.nodeCount = nodeCount;
        this.heapCapacity = heapCapacity;
        this.operationTimeoutNs = operationTimeoutNs;
        this.heartbeatIntervalNs = heartbeatIntervalNs;
        this.copiesIndirectRanges = copiesIndirectRanges;
    }

    /**
     * This spec with {@link #copiesIndirectRanges()} set, for a transport's test to declare it:
     * {@code super.spec().copiesIndirectRanges(true)}.
     *
     * @param copiesIndirectRanges see {@link #copiesIndirectRanges()}.
     * @return a spec with the other settings of this one.
     */
    public ContractSpec copiesIndirectRanges(final boolean copiesIndirectRanges)
    {
        return new ContractSpec(nodeCount, heapCapacity, operationTimeoutNs, heartbeatIntervalNs, copiesIndirectRanges);
    }

    /**
     * @return number of nodes.
     */
    public int nodeCount()
    {
        return nodeCount;
    }

    /**
     * @return capacity of each node's heap in bytes.
     */
    public int heapCapacity()
    {
        return heapCapacity;
    }

    /**
     * @return the operation timeout in nanoseconds.
     */
    public long operationTimeoutNs()
    {
        return operationTimeoutNs;
    }

    /**
     * @return the heartbeat interval in nanoseconds.
     */
    public long heartbeatIntervalNs()
    {
        return heartbeatIntervalNs;
    }

    /**
     * Whether the transport under test serves reads on the peer's CPU and so must copy, in one
     * {@link org.jdsm.spi.Transport#readIndirect}, the small range a changed word points to (return true). False by
     * default: a one-sided transport (RDMA) may read the word alone.
     *
     * @return true if the contract requires indirect reads to follow their word.
     */
    public boolean copiesIndirectRanges()
    {
        return copiesIndirectRanges;
    }

    /**
     * A node's configuration with this spec's settings, not concluded, for the caller to add the transport name,
     * members and options.
     *
     * @param nodeId of the node.
     * @return the configuration.
     */
    public DsmConfig config(final int nodeId)
    {
        return new DsmConfig()
            .nodeId(nodeId)
            .nodeCount(nodeCount)
            .heapSize(heapCapacity)
            .cacheSize(heapCapacity)
            .maxObjectSize(heapCapacity / 2)
            .operationTimeoutNs(operationTimeoutNs)
            .heartbeatIntervalNs(heartbeatIntervalNs);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "ContractSpec{nodeCount=" + nodeCount + ", heapCapacity=" + heapCapacity + ", operationTimeoutNs=" +
            operationTimeoutNs + ", heartbeatIntervalNs=" + heartbeatIntervalNs + ", copiesIndirectRanges=" +
            copiesIndirectRanges + '}';
    }
}
