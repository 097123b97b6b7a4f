package org.jdsm.apps;

import org.jdsm.DsmConfig;

/**
 * Makes a program's own {@code new DsmConfig()} on the driver describe the cluster the launcher runs it in: sets
 * the {@code jdsm.*} system property of every setting of the node's configuration (from the cluster file), so a
 * {@code main} written for one node ({@code Dsm.start(new DsmConfig())}) becomes node 0 of the cluster.
 * <p>
 * <b>Note:</b> stateless; sets process-wide system properties.
 */
final class DriverProperties
{
    private DriverProperties()
    {
    }

    /**
     * Set the system properties.
     *
     * @param config of the driver node, not yet concluded.
     */
    static void set(final DsmConfig config)
    {
        System.setProperty(DsmConfig.NODE_ID_PROP_NAME, Integer.toString(config.nodeId()));
        System.setProperty(DsmConfig.NODE_COUNT_PROP_NAME, Integer.toString(config.nodeCount()));
        System.setProperty(DsmConfig.MEMBERS_PROP_NAME, String.join(",", config.members()));
        System.setProperty(DsmConfig.TRANSPORT_PROP_NAME, config.transport());
        if (null != config.clusterSecret())
        {
            System.setProperty(DsmConfig.CLUSTER_SECRET_PROP_NAME, config.clusterSecret());
        }
        System.setProperty(DsmConfig.HEAP_SIZE_PROP_NAME, Long.toString(config.heapSize()));
        System.setProperty(DsmConfig.CACHE_SIZE_PROP_NAME, Long.toString(config.cacheSize()));
        System.setProperty(DsmConfig.MAX_OBJECT_SIZE_PROP_NAME, Integer.toString(config.maxObjectSize()));
        System.setProperty(DsmConfig.WORKER_THREADS_PROP_NAME, Integer.toString(config.workerThreads()));
        System.setProperty(DsmConfig.REPLICAS_PROP_NAME, Integer.toString(config.replicas()));
        System.setProperty(DsmConfig.OPERATION_TIMEOUT_PROP_NAME, config.operationTimeoutNs() + "ns");
        System.setProperty(DsmConfig.START_TIMEOUT_PROP_NAME, config.startTimeoutNs() + "ns");
        System.setProperty(DsmConfig.HEARTBEAT_INTERVAL_PROP_NAME, config.heartbeatIntervalNs() + "ns");
        System.setProperty(DsmConfig.PEER_TIMEOUT_PROP_NAME, config.peerTimeoutNs() + "ns");
    }
}
