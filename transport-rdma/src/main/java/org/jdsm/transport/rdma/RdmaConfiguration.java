package org.jdsm.transport.rdma;

import org.jdsm.spi.TransportOptions;

import java.util.concurrent.TimeUnit;

/**
 * The {@code jdsm.rdma.*} system properties of the RDMA transport, their defaults (unit in the name) and one
 * accessor per property. {@link RdmaTransportContext} starts each field from its accessor; the same names may be
 * given as transport options of the node's {@code DsmConfig}, which win over the system properties.
 * <p>
 * <b>Note:</b> constants and stateless accessors, so threadsafe.
 */
public final class RdmaConfiguration
{
    /** Prefix of every RDMA transport option: an unknown option under it is rejected. */
    public static final String PREFIX = "jdsm.rdma.";

    /** Work requests each queue pair's send queue holds. */
    public static final String QUEUE_DEPTH_PROP_NAME = "jdsm.rdma.queue.depth";
    /** Default send-queue depth. */
    public static final int QUEUE_DEPTH_DEFAULT = 256;

    /** One-sided operations in flight per peer (one staging slot each). */
    public static final String MAX_IN_FLIGHT_PROP_NAME = "jdsm.rdma.max.in.flight";
    /** Default one-sided operations in flight per peer. */
    public static final int MAX_IN_FLIGHT_DEFAULT = 64;

    /** Outstanding RDMA READs and atomics per queue pair (RDMA-CM initiator depth and responder resources). */
    public static final String READ_DEPTH_PROP_NAME = "jdsm.rdma.read.depth";
    /** Default outstanding READs and atomics. */
    public static final int READ_DEPTH_DEFAULT = 16;

    /** Largest WRITE or SEND payload posted inline, e.g. {@code 64}. */
    public static final String MAX_INLINE_PROP_NAME = "jdsm.rdma.max.inline";
    /** Default largest inline payload in bytes. */
    public static final int MAX_INLINE_DEFAULT = 64;

    /** Signal one SEND in this many; see {@link SendSignalPolicy}. */
    public static final String SIGNAL_INTERVAL_PROP_NAME = "jdsm.rdma.signal.interval";
    /** Default signal interval. */
    public static final int SIGNAL_INTERVAL_DEFAULT = 16;

    /** Entries of each peer's completion queue. */
    public static final String CQ_SIZE_PROP_NAME = "jdsm.rdma.cq.size";
    /** Default completion-queue size. */
    public static final int CQ_SIZE_DEFAULT = 1024;

    /** Receive buffers pre-posted per peer. */
    public static final String RECEIVE_BUFFERS_PROP_NAME = "jdsm.rdma.receive.buffers";
    /** Default receive buffers per peer. */
    public static final int RECEIVE_BUFFERS_DEFAULT = 128;

    /** Size of each receive and send buffer, the largest frame, e.g. {@code 64k}. */
    public static final String BUFFER_SIZE_PROP_NAME = "jdsm.rdma.buffer.size";
    /** Default buffer size in bytes. */
    public static final int BUFFER_SIZE_DEFAULT = 64 * 1024;

    /** Send buffers per peer (the send ring). */
    public static final String SEND_BUFFERS_PROP_NAME = "jdsm.rdma.send.buffers";
    /** Default send buffers per peer. */
    public static final int SEND_BUFFERS_DEFAULT = 64;

    /** Registered staging bytes per in-flight slot, for buffers that are not registered, e.g. {@code 64k}. */
    public static final String STAGING_SIZE_PROP_NAME = "jdsm.rdma.staging.size";
    /** Default staging bytes per slot. */
    public static final int STAGING_SIZE_DEFAULT = 64 * 1024;

    /** How long joining (connecting to and hearing from every peer) may take, e.g. {@code 30s}. */
    public static final String CONNECT_TIMEOUT_PROP_NAME = "jdsm.rdma.connect.timeout";
    /** Default join timeout in nanoseconds. */
    public static final long CONNECT_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(30);

    /** Work completions taken per poll of one completion queue. */
    public static final String POLL_BATCH_PROP_NAME = "jdsm.rdma.poll.batch";
    /** Default completions per poll. */
    public static final int POLL_BATCH_DEFAULT = 16;

    /** Whether the NIC returns the old value of an atomic big-endian (some ConnectX generations do). */
    public static final String ATOMIC_REPLY_BIG_ENDIAN_PROP_NAME = "jdsm.rdma.atomic.reply.big.endian";
    /** Default: the old value arrives in host (little-endian) order. */
    public static final boolean ATOMIC_REPLY_BIG_ENDIAN_DEFAULT = false;

    /** Every property name, for rejecting misspelt transport options. */
    static final String[] PROPERTY_NAMES =
    {
        QUEUE_DEPTH_PROP_NAME, MAX_IN_FLIGHT_PROP_NAME, READ_DEPTH_PROP_NAME, MAX_INLINE_PROP_NAME,
        SIGNAL_INTERVAL_PROP_NAME, CQ_SIZE_PROP_NAME, RECEIVE_BUFFERS_PROP_NAME, BUFFER_SIZE_PROP_NAME,
        SEND_BUFFERS_PROP_NAME, STAGING_SIZE_PROP_NAME, CONNECT_TIMEOUT_PROP_NAME, POLL_BATCH_PROP_NAME,
        ATOMIC_REPLY_BIG_ENDIAN_PROP_NAME
    };

    private RdmaConfiguration()
    {
    }

    /**
     * @return {@link #QUEUE_DEPTH_PROP_NAME} or its default.
     */
    public static int queueDepth()
    {
        return intProperty(QUEUE_DEPTH_PROP_NAME, QUEUE_DEPTH_DEFAULT);
    }

    /**
     * @return {@link #MAX_IN_FLIGHT_PROP_NAME} or its default.
     */
    public static int maxInFlight()
    {
        return intProperty(MAX_IN_FLIGHT_PROP_NAME, MAX_IN_FLIGHT_DEFAULT);
    }

    /**
     * @return {@link #READ_DEPTH_PROP_NAME} or its default.
     */
    public static int readDepth()
    {
        return intProperty(READ_DEPTH_PROP_NAME, READ_DEPTH_DEFAULT);
    }

    /**
     * @return {@link #MAX_INLINE_PROP_NAME} or its default.
     */
    public static int maxInline()
    {
        return sizeProperty(MAX_INLINE_PROP_NAME, MAX_INLINE_DEFAULT);
    }

    /**
     * @return {@link #SIGNAL_INTERVAL_PROP_NAME} or its default.
     */
    public static int signalInterval()
    {
        return intProperty(SIGNAL_INTERVAL_PROP_NAME, SIGNAL_INTERVAL_DEFAULT);
    }

    /**
     * @return {@link #CQ_SIZE_PROP_NAME} or its default.
     */
    public static int cqSize()
    {
        return intProperty(CQ_SIZE_PROP_NAME, CQ_SIZE_DEFAULT);
    }

    /**
     * @return {@link #RECEIVE_BUFFERS_PROP_NAME} or its default.
     */
    public static int receiveBuffers()
    {
        return intProperty(RECEIVE_BUFFERS_PROP_NAME, RECEIVE_BUFFERS_DEFAULT);
    }

    /**
     * @return {@link #BUFFER_SIZE_PROP_NAME} or its default.
     */
    public static int bufferSize()
    {
        return sizeProperty(BUFFER_SIZE_PROP_NAME, BUFFER_SIZE_DEFAULT);
    }

    /**
     * @return {@link #SEND_BUFFERS_PROP_NAME} or its default.
     */
    public static int sendBuffers()
    {
        return intProperty(SEND_BUFFERS_PROP_NAME, SEND_BUFFERS_DEFAULT);
    }

    /**
     * @return {@link #STAGING_SIZE_PROP_NAME} or its default.
     */
    public static int stagingSize()
    {
        return sizeProperty(STAGING_SIZE_PROP_NAME, STAGING_SIZE_DEFAULT);
    }

    /**
     * @return {@link #CONNECT_TIMEOUT_PROP_NAME} or its default.
     */
    public static long connectTimeoutNs()
    {
        final String value = System.getProperty(CONNECT_TIMEOUT_PROP_NAME);
        return null == value ?
            CONNECT_TIMEOUT_DEFAULT_NS : TransportOptions.parseDuration(CONNECT_TIMEOUT_PROP_NAME, value);
    }

    /**
     * @return {@link #POLL_BATCH_PROP_NAME} or its default.
     */
    public static int pollBatch()
    {
        return intProperty(POLL_BATCH_PROP_NAME, POLL_BATCH_DEFAULT);
    }

    /**
     * @return {@link #ATOMIC_REPLY_BIG_ENDIAN_PROP_NAME} or its default.
     */
    public static boolean atomicReplyBigEndian()
    {
        final String value = System.getProperty(ATOMIC_REPLY_BIG_ENDIAN_PROP_NAME);
        return null == value ?
            ATOMIC_REPLY_BIG_ENDIAN_DEFAULT : TransportOptions.parseBoolean(ATOMIC_REPLY_BIG_ENDIAN_PROP_NAME, value);
    }

    private static int intProperty(final String name, final int defaultValue)
    {
        final String value = System.getProperty(name);
        return null == value ? defaultValue : TransportOptions.parseInt(name, value);
    }

    private static int sizeProperty(final String name, final int defaultValue)
    {
        final String value = System.getProperty(name);
        return null == value ? defaultValue : (int)TransportOptions.parseSize(name, value, Integer.MAX_VALUE);
    }
}
