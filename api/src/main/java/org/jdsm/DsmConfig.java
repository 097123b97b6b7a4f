package org.jdsm;

import org.agrona.ErrorHandler;
import org.agrona.SystemUtil;
import org.jdsm.spi.MembershipView;
import org.jdsm.spi.TransportProvider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Configuration of one node: one context object with defaults, {@code jdsm.*} system-property overrides, fluent
 * setters, and {@link #conclude()} that validates every setting and fails fast naming the one that is wrong.
 * <p>
 * A {@code jdsm.*} property that can not be parsed (e.g. {@code -Djdsm.node.count=abc}) does not fail the
 * constructor: the setting keeps its default and the property's name and whole value are kept, so that
 * {@link #conclude()} fails with a {@link ConfigurationException} naming them, unless a setter has set that setting
 * since, overriding the property.
 * <p>
 * The node started from a configuration owns it.
 * <p>
 * <b>Note:</b> not threadsafe; set it up on one thread, then hand it to {@link Dsm#start(DsmConfig)}.
 */
public final class DsmConfig implements Cloneable
{
    /** Property for this node's id. */
    public static final String NODE_ID_PROP_NAME = "jdsm.node.id";
    /** Default node id. */
    public static final int NODE_ID_DEFAULT = 0;

    /** Property for the number of nodes in the cluster. */
    public static final String NODE_COUNT_PROP_NAME = "jdsm.node.count";
    /** Default number of nodes. */
    public static final int NODE_COUNT_DEFAULT = 1;
    /** Most nodes a cluster may have: the node id has 8 bits in a global address. */
    public static final int MAX_NODE_COUNT = 256;

    /** Property naming the transport, found with {@link java.util.ServiceLoader}. */
    public static final String TRANSPORT_PROP_NAME = "jdsm.transport";
    /** Default transport: {@code local}, one node in this JVM (artifact jdsm-transport-local); clusters name {@code aeron}. */
    public static final String TRANSPORT_DEFAULT = "local";

    /** Property for the size of this node's heap slice, e.g. {@code 64m}. */
    public static final String HEAP_SIZE_PROP_NAME = "jdsm.heap.size";
    /** Default heap slice size in bytes. */
    public static final long HEAP_SIZE_DEFAULT = 128L * 1024 * 1024;
    /** Smallest heap slice. */
    public static final long MIN_HEAP_SIZE = 64L * 1024;
    /** Largest heap slice: offsets have 40 bits in a global address. */
    public static final long MAX_HEAP_SIZE = 1L << 40;
    /** Largest segment of a node's heap region: no block crosses one, so a replicated region's slots align to it. */
    public static final int REGION_SEGMENT_LENGTH = 1 << 30;
    /** Longest operation, start and peer timeout: deadlines are {@code System.nanoTime()} plus the timeout. */
    public static final long MAX_TIMEOUT_NS = TimeUnit.DAYS.toNanos(1);

    /** Property for the byte budget of the copy cache, e.g. {@code 16m}. */
    public static final String CACHE_SIZE_PROP_NAME = "jdsm.cache.size";
    /** Default copy cache budget in bytes. */
    public static final long CACHE_SIZE_DEFAULT = 64L * 1024 * 1024;

    /** Property for the largest object, e.g. {@code 16m}. */
    public static final String MAX_OBJECT_SIZE_PROP_NAME = "jdsm.object.max.size";
    /** Default largest object in bytes. */
    public static final int MAX_OBJECT_SIZE_DEFAULT = 16 * 1024 * 1024;
    /** Limit on the largest object: objects never span a heap segment. */
    public static final int MAX_OBJECT_SIZE_LIMIT = 1 << 30;

    /** Property for the members' endpoints, {@code host:port} per node id, comma separated. */
    public static final String MEMBERS_PROP_NAME = "jdsm.members";

    /** Property for the shared secret peers prove they know before their requests are served. */
    public static final String CLUSTER_SECRET_PROP_NAME = "jdsm.cluster.secret";

    /** Property for how long an operation on a peer may take before the peer is declared unavailable. */
    public static final String OPERATION_TIMEOUT_PROP_NAME = "jdsm.operation.timeout";
    /** Default operation timeout in nanoseconds. */
    public static final long OPERATION_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);

    /** Property for how long a starting node waits at the start barrier for every peer to join. */
    public static final String START_TIMEOUT_PROP_NAME = "jdsm.start.timeout";
    /** Default start barrier timeout in nanoseconds. */
    public static final long START_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(30);

    /**
     * Property for the read lease of the {@link DCell}s this node creates, a duration, 0 (the default) for none.
     * With a lease of D, a node that reads a remote cell may read it again without a round trip for the next D
     * (less a margin for clock rate drift) unless a write began meanwhile; a write to a cell that a reader leased
     * waits D before it swaps (README, "Leased cell reads"). No invalidation message is ever sent. The lease is the
     * cell's own, kept at its home: readers and writers on every node use it, whatever their own setting.
     */
    public static final String CELL_LEASE_PROP_NAME = "jdsm.cell.lease";
    /** Longest cell lease: a write may wait this long. */
    public static final long MAX_CELL_LEASE_NS = TimeUnit.SECONDS.toNanos(1);

    /** Property for the number of threads that run spawned tasks on a node. */
    public static final String WORKER_THREADS_PROP_NAME = "jdsm.worker.threads";
    /** Default task worker threads. */
    public static final int WORKER_THREADS_DEFAULT = 2;

    /**
     * Property for the number of backups of every node's heap slice, kept on the next nodes, 0 to 2: with 1, the
     * objects of a serving node that dies are served by its backup (README, "Replication").
     */
    public static final String REPLICAS_PROP_NAME = "jdsm.replicas";
    /** Default number of backups: none, a node's death costs its objects. */
    public static final int REPLICAS_DEFAULT = 0;

    /**
     * Property for who decides a node is dead for fail-over ({@code jdsm.replicas > 0}): {@code transport} (the
     * engine's own view, not partition-safe) or the name of a {@link org.jdsm.spi.MembershipViewProvider}, e.g.
     * {@code agreed} (artifact {@code jdsm-membership}: a majority decides, a minority stops serving writes).
     */
    public static final String MEMBERSHIP_PROP_NAME = "jdsm.membership";

    /** Default of {@link #MEMBERSHIP_PROP_NAME}: the engine's own view from its transport. */
    public static final String MEMBERSHIP_DEFAULT = "transport";
    /** Most backups of a slice. */
    public static final int MAX_REPLICAS = 2;

    /** Property for the interval of heartbeats that carry load and free heap to peers. */
    public static final String HEARTBEAT_INTERVAL_PROP_NAME = "jdsm.heartbeat.interval";
    /** Default heartbeat interval in nanoseconds. */
    public static final long HEARTBEAT_INTERVAL_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Property for how long a joined peer may stay silent (no heartbeat or other frame) before a transport that
     * watches heartbeats declares it dead. The operation timeout caps it.
     */
    public static final String PEER_TIMEOUT_PROP_NAME = "jdsm.peer.timeout";
    /** Default peer timeout in nanoseconds: 50 missed heartbeats at the default interval. */
    public static final long PEER_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(5);

    /**
     * Property for the package prefixes, comma separated, whose classes tasks, results and failures read from peers
     * may hold, beyond those always allowed (see {@code TaskInputFilter} in the engine), e.g. {@code com.acme.}.
     */
    public static final String TASK_ALLOWED_PACKAGES_PROP_NAME = "jdsm.task.allowed.packages";

    /**
     * Property for the directory of the nodes' counters files ({@link org.jdsm.spi.CountersFile}), which
     * {@code ./jdsm stat} and {@code ./jdsm errors} read. Default: {@code jdsm-<user>} under {@code /dev/shm} when that
     * is a writable directory, else under {@code java.io.tmpdir}.
     */
    public static final String COUNTERS_DIR_PROP_NAME = "jdsm.counters.dir";

    /**
     * Property, {@code true} or {@code false} (the default), for whether the default error handler
     * ({@link org.jdsm.spi.DistinctErrorPrinter}) prints the stack trace of the first error of each kind.
     */
    public static final String ERROR_VERBOSE_PROP_NAME = "jdsm.error.verbose";

    private boolean isConcluded;
    private Map<String, String> propertyErrors = new LinkedHashMap<>();
    private int nodeId = intProperty(NODE_ID_PROP_NAME, NODE_ID_DEFAULT);
    private int nodeCount = intProperty(NODE_COUNT_PROP_NAME, NODE_COUNT_DEFAULT);
    private String transport = System.getProperty(TRANSPORT_PROP_NAME, TRANSPORT_DEFAULT);
    private long heapSize = sizeProperty(HEAP_SIZE_PROP_NAME, HEAP_SIZE_DEFAULT, Long.MAX_VALUE);
    private long cacheSize = sizeProperty(CACHE_SIZE_PROP_NAME, CACHE_SIZE_DEFAULT, Long.MAX_VALUE);
    private int maxObjectSize = (int)sizeProperty(
        MAX_OBJECT_SIZE_PROP_NAME, MAX_OBJECT_SIZE_DEFAULT, Integer.MAX_VALUE);
    private String clusterSecret = System.getProperty(CLUSTER_SECRET_PROP_NAME);
    private long operationTimeoutNs = durationProperty(OPERATION_TIMEOUT_PROP_NAME, OPERATION_TIMEOUT_DEFAULT_NS);
    private long startTimeoutNs = durationProperty(START_TIMEOUT_PROP_NAME, START_TIMEOUT_DEFAULT_NS);
    private long cellLeaseNs = durationProperty(CELL_LEASE_PROP_NAME, 0);
    private int workerThreads = intProperty(WORKER_THREADS_PROP_NAME, WORKER_THREADS_DEFAULT);
    private int replicas = intProperty(REPLICAS_PROP_NAME, REPLICAS_DEFAULT);
    private String membership = System.getProperty(MEMBERSHIP_PROP_NAME, MEMBERSHIP_DEFAULT);
    private long heartbeatIntervalNs = durationProperty(HEARTBEAT_INTERVAL_PROP_NAME, HEARTBEAT_INTERVAL_DEFAULT_NS);
    private long peerTimeoutNs = durationProperty(PEER_TIMEOUT_PROP_NAME, PEER_TIMEOUT_DEFAULT_NS);
    private List<String> members = parseMembers(System.getProperty(MEMBERS_PROP_NAME));
    private List<String> taskAllowedPackages = parsePackages(System.getProperty(TASK_ALLOWED_PACKAGES_PROP_NAME));
    private String countersDir = System.getProperty(COUNTERS_DIR_PROP_NAME);
    private boolean errorVerbose = booleanProperty(ERROR_VERBOSE_PROP_NAME);
    private ErrorHandler errorHandler;
    private MembershipView membershipView;
    private Map<String, Object> transportOptions = new HashMap<>();
    private TransportProvider transportProvider;

    /**
     * Validate every setting and fill defaults. Called by {@link Dsm#start(DsmConfig)}; calling it again does
     * nothing.
     *
     * @return this for a fluent API.
     * @throws ConfigurationException naming the first invalid setting, its value and the bound it breaks.
     */
    public DsmConfig conclude()
    {
        if (isConcluded)
        {
            return this;
        }

        if (!propertyErrors.isEmpty())
        {
            throw new ConfigurationException(propertyErrors.values().iterator().next());
        }
        if (nodeCount < 1 || nodeCount > MAX_NODE_COUNT)
        {
            throw new ConfigurationException("nodeCount=" + nodeCount + " must be in [1, " + MAX_NODE_COUNT + "]");
        }
        if (nodeId < 0 || nodeId >= nodeCount)
        {
            throw new ConfigurationException("nodeId=" + nodeId + " must be in [0, nodeCount=" + nodeCount + ")");
        }
        if (null == transport || transport.isBlank())
        {
            throw new ConfigurationException("transport=" + transport + " must name a transport");
        }
        if (heapSize < MIN_HEAP_SIZE || heapSize > MAX_HEAP_SIZE)
        {
            throw new ConfigurationException(
                "heapSize=" + heapSize + " must be in [" + MIN_HEAP_SIZE + ", " + MAX_HEAP_SIZE + "]");
        }
        if (cacheSize < MIN_HEAP_SIZE || cacheSize > MAX_HEAP_SIZE)
        {
            throw new ConfigurationException(
                "cacheSize=" + cacheSize + " must be in [" + MIN_HEAP_SIZE + ", " + MAX_HEAP_SIZE + "]");
        }
        if (maxObjectSize < 64 || maxObjectSize > MAX_OBJECT_SIZE_LIMIT)
        {
            throw new ConfigurationException(
                "maxObjectSize=" + maxObjectSize + " must be in [64, " + MAX_OBJECT_SIZE_LIMIT + "]");
        }
        if (maxObjectSize > heapSize / 2)
        {
            throw new ConfigurationException(
                "maxObjectSize=" + maxObjectSize + " must be <= heapSize/2=" + heapSize / 2);
        }
        if (maxObjectSize > cacheSize / 2)
        {
            throw new ConfigurationException(
                "maxObjectSize=" + maxObjectSize + " must be <= cacheSize/2=" + cacheSize / 2);
        }
        checkTimeout("operationTimeoutNs", OPERATION_TIMEOUT_PROP_NAME, operationTimeoutNs);
        if (!isCellLeaseInRange(cellLeaseNs, operationTimeoutNs))
        {
            throw new ConfigurationException("cellLeaseNs=" + cellLeaseNs + " (" + CELL_LEASE_PROP_NAME +
                ") must be >= 0, <= " + MAX_CELL_LEASE_NS + " and < operationTimeoutNs=" + operationTimeoutNs);
        }
        checkTimeout("startTimeoutNs", START_TIMEOUT_PROP_NAME, startTimeoutNs);
        if (heartbeatIntervalNs <= 0 || heartbeatIntervalNs >= operationTimeoutNs)
        {
            throw new ConfigurationException("heartbeatIntervalNs=" + heartbeatIntervalNs +
                " must be > 0 and < operationTimeoutNs=" + operationTimeoutNs);
        }
        checkTimeout("peerTimeoutNs", PEER_TIMEOUT_PROP_NAME, peerTimeoutNs);
        if (peerTimeoutNs <= heartbeatIntervalNs)
        {
            throw new ConfigurationException("peerTimeoutNs=" + peerTimeoutNs +
                " must be > heartbeatIntervalNs=" + heartbeatIntervalNs);
        }
        if (workerThreads < 1 || workerThreads > 1024)
        {
            throw new ConfigurationException("workerThreads=" + workerThreads + " must be in [1, 1024]");
        }
        if (null == membership || membership.isBlank())
        {
            throw new ConfigurationException(MEMBERSHIP_PROP_NAME + "=" + membership + " must name a membership view (" +
                MEMBERSHIP_DEFAULT + " or a provider, e.g. agreed)");
        }
        if (replicas < 0 || replicas > MAX_REPLICAS)
        {
            throw new ConfigurationException(
                REPLICAS_PROP_NAME + "=" + replicas + " must be in [0, " + MAX_REPLICAS + "]");
        }
        if (replicas >= nodeCount && replicas > 0)
        {
            throw new ConfigurationException(REPLICAS_PROP_NAME + "=" + replicas + " must be < " +
                NODE_COUNT_PROP_NAME + "=" + nodeCount + ": each backup lives on another node");
        }
        if (replicas > 0 && regionSize(heapSize, replicas) > MAX_HEAP_SIZE)
        {
            throw new ConfigurationException(HEAP_SIZE_PROP_NAME + "=" + heapSize + " in (1 + 2 * " +
                REPLICAS_PROP_NAME + "=" + replicas + ") slots of " + slotStride(heapSize, REGION_SEGMENT_LENGTH) +
                " bytes must be <= " + MAX_HEAP_SIZE + ": backup slots and spare slots (for re-replication after a " +
                "death) share the region");
        }
        if (null != clusterSecret && clusterSecret.length() < 8)
        {
            throw new ConfigurationException("clusterSecret must have at least 8 characters, has " +
                clusterSecret.length());
        }
        if (!members.isEmpty())
        {
            if (members.size() != nodeCount)
            {
                throw new ConfigurationException("members has " + members.size() + " endpoints, nodeCount=" + nodeCount);
            }
            for (int i = 0; i < members.size(); i++)
            {
                checkEndpoint(i, members.get(i));
            }
        }
        if (TRANSPORT_DEFAULT.equals(transport) && nodeCount > 1)
        {
            throw new ConfigurationException(TRANSPORT_PROP_NAME + "=" + transport + " runs one node, not " +
                NODE_COUNT_PROP_NAME + "=" + nodeCount + ": set " + TRANSPORT_PROP_NAME + "=aeron (artifact " +
                "jdsm-transport-aeron, in jdsm-all) for a cluster");
        }
        checkMemoryFits(heapSize, replicas, cacheSize);
        if (null == countersDir)
        {
            countersDir = org.jdsm.spi.CountersFile.defaultDirectory();
        }
        if (countersDir.isBlank())
        {
            throw new ConfigurationException(COUNTERS_DIR_PROP_NAME + "=\"" + countersDir + "\" must name a directory");
        }
        if (null == errorHandler)
        {
            errorHandler = new org.jdsm.spi.DistinctErrorPrinter(nodeId, errorVerbose);
        }

        members = Collections.unmodifiableList(new ArrayList<>(members));
        transportOptions = Collections.unmodifiableMap(new HashMap<>(transportOptions));
        for (final String prefix : taskAllowedPackages)
        {
            checkAllowedPackage(prefix);
        }
        taskAllowedPackages = List.copyOf(taskAllowedPackages);
        isConcluded = true;

        return this;
    }

    /**
     * A node's heap region (its slice, with backups also its backup and spare slots) and cache are direct memory,
     * reserved when it starts: reject before any is touched a region larger than the machine's physical memory, or
     * a region and cache larger than the direct memory this JVM may reserve ({@code -XX:MaxDirectMemorySize}, by
     * default the Java heap's {@code -Xmx}).
     */
    private static void checkMemoryFits(final long sliceSize, final int replicas, final long cacheSize)
    {
        // with backups the region is the own slice, a backup slot and a spare slot per replica
        final long heapSize = regionSize(sliceSize, replicas);
        final String heapName = 0 == replicas ? HEAP_SIZE_PROP_NAME + "=" + heapSize : HEAP_SIZE_PROP_NAME + "=" +
            sliceSize + " in (1 + 2 * " + REPLICAS_PROP_NAME + "=" + replicas + ") slots of " +
            slotStride(sliceSize, REGION_SEGMENT_LENGTH) + " bytes, own slice, backup and spare slots, = " + heapSize;
        final java.lang.management.OperatingSystemMXBean os =
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean)
        {
            final long physicalBytes = ((com.sun.management.OperatingSystemMXBean)os).getTotalMemorySize();
            if (physicalBytes > 0 && heapSize > physicalBytes)
            {
                throw new ConfigurationException(heapName + " is larger than this " +
                    "machine's physical memory of " + physicalBytes + " bytes: give each node a smaller heap slice " +
                    "and add nodes");
            }
        }

        final long maxDirectBytes = maxDirectMemory();
        if (heapSize + cacheSize > maxDirectBytes)
        {
            throw new ConfigurationException(heapName + " plus " + CACHE_SIZE_PROP_NAME +
                "=" + cacheSize + " is more direct memory than this JVM may reserve (" + maxDirectBytes + " bytes): " +
                "raise -XX:MaxDirectMemorySize (default: -Xmx) to at least " + (heapSize + cacheSize) +
                " or lower " + HEAP_SIZE_PROP_NAME);
        }
    }

    /**
     * The bytes a node reserves for its heap region: its slice ({@code heapSize} rounded up to 8 bytes), and with
     * backups also a backup and a spare slot per replica, every slot {@link #slotStride} long.
     *
     * @param heapSize the node's {@code jdsm.heap.size}.
     * @param replicas the cluster's {@code jdsm.replicas}.
     * @return bytes of direct memory the region takes.
     */
    public static long regionSize(final long heapSize, final int replicas)
    {
        final long sliceLength = (heapSize + 7) & ~7L;
        return 0 == replicas ? sliceLength : slotStride(sliceLength, REGION_SEGMENT_LENGTH) * regionSlots(replicas);
    }

    /**
     * The slots of a replicated node's heap region: its own slice, a backup slot and a spare slot (for
     * re-replication after a death) per replica.
     *
     * @param replicas the cluster's {@code jdsm.replicas}.
     * @return slots of the region.
     */
    public static int regionSlots(final int replicas)
    {
        return 1 + 2 * replicas;
    }

    /**
     * Bytes between the slots of a replicated region: the slice rounded up so no block of a slot crosses a segment of
     * the region (a power of two up to a segment, else whole segments).
     *
     * @param sliceLength   bytes of a node's own slice.
     * @param segmentLength of the region, a power of two ({@link #REGION_SEGMENT_LENGTH}).
     * @return the stride.
     */
    public static long slotStride(final long sliceLength, final long segmentLength)
    {
        if (sliceLength <= segmentLength)
        {
            return Long.bitCount(sliceLength) == 1 ? sliceLength : Long.highestOneBit(sliceLength) << 1;
        }

        return (sliceLength + segmentLength - 1) / segmentLength * segmentLength;
    }

    private static void checkTimeout(final String name, final String propertyName, final long timeoutNs)
    {
        if (timeoutNs <= 0 || timeoutNs > MAX_TIMEOUT_NS)
        {
            throw new ConfigurationException(name + "=" + timeoutNs + " (" + propertyName + ") must be > 0 and <= " +
                MAX_TIMEOUT_NS + " (1 day): deadlines are System.nanoTime() + the timeout");
        }
    }

    private static void checkAllowedPackage(final String prefix)
    {
        if (null == prefix || !prefix.matches("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)+\\.?"))
        {
            throw new ConfigurationException(TASK_ALLOWED_PACKAGES_PROP_NAME + " entry " +
                (null == prefix ? "null" : "\"" + prefix + "\"") + " must be a package of two names or more, e.g. " +
                "com.acme.: a prefix allows every class whose name starts with it");
        }
        for (final String jdk : List.of("java.", "javax.", "jdk.", "sun.", "com.sun."))
        {
            if (prefix.startsWith(jdk) || jdk.startsWith(prefix))
            {
                throw new ConfigurationException(TASK_ALLOWED_PACKAGES_PROP_NAME + " entry \"" + prefix + "\" " +
                    "would allow the JDK's " + jdk + "* classes: jdsm allows the JDK types a task needs itself, " +
                    "name your own packages");
            }
        }
    }

    /**
     * The direct memory this JVM may reserve: its {@code -XX:MaxDirectMemorySize}, else the JVM's default, the
     * maximum Java heap.
     *
     * @return bytes.
     */
    static long maxDirectMemory()
    {
        long maxDirectBytes = Runtime.getRuntime().maxMemory();
        final String flag = "-XX:MaxDirectMemorySize=";
        for (final String argument : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith(flag))
            {
                try
                {
                    final long bytes = SystemUtil.parseSize(flag, argument.substring(flag.length()));
                    maxDirectBytes = 0 == bytes ? Runtime.getRuntime().maxMemory() : bytes;
                }
                catch (final NumberFormatException ignore)
                {
                    // the JVM would not have started with it: keep the default
                }
            }
        }

        return maxDirectBytes;
    }

    /**
     * A copy that is not yet concluded, for starting another node with the same settings.
     *
     * @return the copy.
     */
    public DsmConfig copy()
    {
        try
        {
            final DsmConfig copy = (DsmConfig)super.clone();
            copy.isConcluded = false;
            copy.transportOptions = new HashMap<>(transportOptions);
            copy.members = new ArrayList<>(members);
            copy.propertyErrors = new LinkedHashMap<>(propertyErrors);
            return copy;
        }
        catch (final CloneNotSupportedException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private void checkNotConcluded()
    {
        if (isConcluded)
        {
            throw new ConfigurationException("configuration already concluded: copy() it to change a setting");
        }
    }

    /**
     * @return this node's id.
     */
    public int nodeId()
    {
        return nodeId;
    }

    /**
     * @param nodeId this node's id, in [0, nodeCount).
     * @return this for a fluent API.
     */
    public DsmConfig nodeId(final int nodeId)
    {
        checkNotConcluded();
        propertyErrors.remove(NODE_ID_PROP_NAME);
        this.nodeId = nodeId;
        return this;
    }

    /**
     * @return number of nodes in the cluster.
     */
    public int nodeCount()
    {
        return nodeCount;
    }

    /**
     * @param nodeCount number of nodes in the cluster, in [1, 256].
     * @return this for a fluent API.
     */
    public DsmConfig nodeCount(final int nodeCount)
    {
        checkNotConcluded();
        propertyErrors.remove(NODE_COUNT_PROP_NAME);
        this.nodeCount = nodeCount;
        return this;
    }

    /**
     * @return name of the transport.
     */
    public String transport()
    {
        return transport;
    }

    /**
     * @param transport name of the transport, as its provider reports it.
     * @return this for a fluent API.
     */
    public DsmConfig transport(final String transport)
    {
        checkNotConcluded();
        this.transport = transport;
        this.transportProvider = null;
        return this;
    }

    /**
     * @return the provider set with {@link #transportProvider(TransportProvider)}, or null when the transport is
     * found by its name on the class path.
     */
    public TransportProvider transportProvider()
    {
        return transportProvider;
    }

    /**
     * Use this provider for the node's transport instead of finding one by name: how a test or a tool hands the
     * transport live objects (a simulated network, a fault control, a wrapped transport) that are not settings, so
     * {@link #transportOptions()} holds settings only. Sets {@link #transport()} to the provider's name.
     *
     * @param provider of the node's transport.
     * @return this for a fluent API.
     */
    public DsmConfig transportProvider(final TransportProvider provider)
    {
        checkNotConcluded();
        this.transportProvider = Objects.requireNonNull(provider, "provider");
        this.transport = provider.name();
        return this;
    }

    /**
     * @return size of this node's heap slice in bytes.
     */
    public long heapSize()
    {
        return heapSize;
    }

    /**
     * @param heapSize size of this node's heap slice in bytes.
     * @return this for a fluent API.
     */
    public DsmConfig heapSize(final long heapSize)
    {
        checkNotConcluded();
        propertyErrors.remove(HEAP_SIZE_PROP_NAME);
        this.heapSize = heapSize;
        return this;
    }

    /**
     * @return byte budget of the copy cache.
     */
    public long cacheSize()
    {
        return cacheSize;
    }

    /**
     * @param cacheSize byte budget of the copy cache.
     * @return this for a fluent API.
     */
    public DsmConfig cacheSize(final long cacheSize)
    {
        checkNotConcluded();
        propertyErrors.remove(CACHE_SIZE_PROP_NAME);
        this.cacheSize = cacheSize;
        return this;
    }

    /**
     * @return largest object in bytes.
     */
    public int maxObjectSize()
    {
        return maxObjectSize;
    }

    /**
     * @param maxObjectSize largest object in bytes.
     * @return this for a fluent API.
     */
    public DsmConfig maxObjectSize(final int maxObjectSize)
    {
        checkNotConcluded();
        propertyErrors.remove(MAX_OBJECT_SIZE_PROP_NAME);
        this.maxObjectSize = maxObjectSize;
        return this;
    }

    /**
     * @return the cluster secret, or null if none is set.
     */
    public String clusterSecret()
    {
        return clusterSecret;
    }

    /**
     * @param clusterSecret shared secret peers prove they know; at least 8 characters.
     * @return this for a fluent API.
     */
    public DsmConfig clusterSecret(final String clusterSecret)
    {
        checkNotConcluded();
        this.clusterSecret = clusterSecret;
        return this;
    }

    /**
     * @return operation timeout in nanoseconds.
     */
    public long operationTimeoutNs()
    {
        return operationTimeoutNs;
    }

    /**
     * @param operationTimeoutNs how long an operation on a peer may take before it is declared unavailable.
     * @return this for a fluent API.
     */
    public DsmConfig operationTimeoutNs(final long operationTimeoutNs)
    {
        checkNotConcluded();
        propertyErrors.remove(OPERATION_TIMEOUT_PROP_NAME);
        this.operationTimeoutNs = operationTimeoutNs;
        return this;
    }

    /**
     * Whether a cell's read lease is one a node may give it: at least 0, at most {@link #MAX_CELL_LEASE_NS}, and
     * below the node's operation timeout (a write may wait it).
     *
     * @param cellLeaseNs        the lease, 0 for none.
     * @param operationTimeoutNs of the node that makes the cell.
     * @return true if in range.
     */
    public static boolean isCellLeaseInRange(final long cellLeaseNs, final long operationTimeoutNs)
    {
        return cellLeaseNs >= 0 && cellLeaseNs <= MAX_CELL_LEASE_NS && cellLeaseNs < operationTimeoutNs;
    }

    /**
     * @return the read lease of the cells this node creates without a lease of their own, in nanoseconds, 0 for none
     * ({@link #CELL_LEASE_PROP_NAME}; {@link DsmNode#cell(Codec, Object, long)} gives a cell its own).
     */
    public long cellLeaseNs()
    {
        return cellLeaseNs;
    }

    /**
     * @param cellLeaseNs read lease of the cells this node creates without a lease of their own, 0 for none
     *                    ({@link #CELL_LEASE_PROP_NAME}).
     * @return this for a fluent API.
     */
    public DsmConfig cellLeaseNs(final long cellLeaseNs)
    {
        checkNotConcluded();
        propertyErrors.remove(CELL_LEASE_PROP_NAME);
        this.cellLeaseNs = cellLeaseNs;
        return this;
    }

    /**
     * @return start barrier timeout in nanoseconds.
     */
    public long startTimeoutNs()
    {
        return startTimeoutNs;
    }

    /**
     * @param startTimeoutNs how long a starting node waits at the start barrier for every peer to join.
     * @return this for a fluent API.
     */
    public DsmConfig startTimeoutNs(final long startTimeoutNs)
    {
        checkNotConcluded();
        propertyErrors.remove(START_TIMEOUT_PROP_NAME);
        this.startTimeoutNs = startTimeoutNs;
        return this;
    }

    /**
     * @return number of task worker threads.
     */
    public int workerThreads()
    {
        return workerThreads;
    }

    /**
     * @param workerThreads number of threads that run spawned tasks on this node at once. A task blocked waiting
     *                      for a future (e.g. of a task it spawned on this node) gets a spare thread in its place,
     *                      so nested tasks do not starve the pool.
     * @return this for a fluent API.
     */
    public DsmConfig workerThreads(final int workerThreads)
    {
        checkNotConcluded();
        propertyErrors.remove(WORKER_THREADS_PROP_NAME);
        this.workerThreads = workerThreads;
        return this;
    }

    /**
     * @return number of backups of every node's heap slice, 0 to {@link #MAX_REPLICAS}.
     */
    public int replicas()
    {
        return replicas;
    }

    /**
     * @param replicas number of backups of every node's heap slice, each on another node (the next ones by id),
     *                 0 to {@link #MAX_REPLICAS} and fewer than the nodes. Every published change reaches every
     *                 backup before it completes; a slice whose node dies is served by its first live backup.
     * @return this for a fluent API.
     */
    public DsmConfig replicas(final int replicas)
    {
        checkNotConcluded();
        propertyErrors.remove(REPLICAS_PROP_NAME);
        this.replicas = replicas;
        return this;
    }

    /**
     * @return who decides a node is dead: {@value #MEMBERSHIP_DEFAULT} or a
     * {@link org.jdsm.spi.MembershipViewProvider}'s name (e.g. {@code agreed}); see {@link #MEMBERSHIP_PROP_NAME}.
     * Used only with {@link #replicas()} &gt; 0 and no {@link #membershipView()} set.
     */
    public String membership()
    {
        return membership;
    }

    /**
     * @param membership {@value #MEMBERSHIP_DEFAULT} or a {@link org.jdsm.spi.MembershipViewProvider}'s name.
     * @return this for a fluent API.
     */
    public DsmConfig membership(final String membership)
    {
        checkNotConcluded();
        this.membership = membership;
        return this;
    }

    /**
     * @return heartbeat interval in nanoseconds.
     */
    public long heartbeatIntervalNs()
    {
        return heartbeatIntervalNs;
    }

    /**
     * @param heartbeatIntervalNs interval of heartbeats that carry load and free heap to peers.
     * @return this for a fluent API.
     */
    public DsmConfig heartbeatIntervalNs(final long heartbeatIntervalNs)
    {
        checkNotConcluded();
        propertyErrors.remove(HEARTBEAT_INTERVAL_PROP_NAME);
        this.heartbeatIntervalNs = heartbeatIntervalNs;
        return this;
    }

    /**
     * @return how long a joined peer may stay silent before it is declared dead: the peer timeout as set, capped by
     * the operation timeout.
     */
    public long peerTimeoutNs()
    {
        return Math.min(peerTimeoutNs, operationTimeoutNs);
    }

    /**
     * @param peerTimeoutNs how long a joined peer may stay silent (no heartbeat or other frame) before it is
     *                      declared dead and operations that need it fail with {@link NodeUnavailableException};
     *                      capped by the operation timeout.
     * @return this for a fluent API.
     */
    public DsmConfig peerTimeoutNs(final long peerTimeoutNs)
    {
        checkNotConcluded();
        propertyErrors.remove(PEER_TIMEOUT_PROP_NAME);
        this.peerTimeoutNs = peerTimeoutNs;
        return this;
    }

    /**
     * @return the members' endpoints, {@code host:port} indexed by node id; empty when the transport needs none.
     */
    public List<String> members()
    {
        return members;
    }

    /**
     * @param members endpoints, {@code host:port} indexed by node id, one per node.
     * @return this for a fluent API.
     */
    public DsmConfig members(final List<String> members)
    {
        checkNotConcluded();
        this.members = new ArrayList<>(members);
        return this;
    }

    /**
     * The host of a member's endpoint.
     *
     * @param nodeId of the member.
     * @return its host.
     */
    public String memberHost(final int nodeId)
    {
        final String endpoint = members.get(nodeId);
        return endpoint.substring(0, endpoint.lastIndexOf(':'));
    }

    /**
     * The port of a member's endpoint.
     *
     * @param nodeId of the member.
     * @return its port.
     */
    public int memberPort(final int nodeId)
    {
        final String endpoint = members.get(nodeId);
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    private static List<String> parseMembers(final String value)
    {
        final List<String> members = new ArrayList<>();
        if (null != value && !value.isBlank())
        {
            for (final String endpoint : value.split(","))
            {
                members.add(endpoint.trim());
            }
        }

        return members;
    }

    /**
     * @return the package prefixes whose classes tasks, results and failures read from peers may hold, beyond those
     * always allowed; empty by default.
     */
    public List<String> taskAllowedPackages()
    {
        return taskAllowedPackages;
    }

    /**
     * @param taskAllowedPackages package prefixes, e.g. {@code com.acme.}, whose classes tasks, results and failures
     *                            read from peers may hold, beyond those the engine always allows: a prefix allows
     *                            every class whose name starts with it.
     * @return this for a fluent API.
     */
    public DsmConfig taskAllowedPackages(final List<String> taskAllowedPackages)
    {
        checkNotConcluded();
        this.taskAllowedPackages = new ArrayList<>(taskAllowedPackages);
        return this;
    }

    private static List<String> parsePackages(final String value)
    {
        final List<String> packages = new ArrayList<>();
        if (null != value && !value.isBlank())
        {
            for (final String prefix : value.split(","))
            {
                if (!prefix.isBlank())
                {
                    packages.add(prefix.trim());
                }
            }
        }

        return packages;
    }

    /**
     * A system property holding an int, in decimal; a value that is not one is recorded for {@link #conclude()}.
     */
    private boolean booleanProperty(final String name)
    {
        final String value = System.getProperty(name);
        if (null == value || "false".equals(value))
        {
            return false;
        }
        if ("true".equals(value))
        {
            return true;
        }
        propertyErrors.put(name, name + "=" + value + " is not true or false");
        return false;
    }

    private int intProperty(final String name, final int defaultValue)
    {
        final String value = System.getProperty(name);
        if (null == value)
        {
            return defaultValue;
        }
        try
        {
            return Integer.parseInt(value);
        }
        catch (final NumberFormatException ex)
        {
            propertyErrors.put(name, name + "=" + value + " is not an integer");
            return defaultValue;
        }
    }

    /**
     * A system property holding a size in bytes, with an optional unit {@code k}, {@code m} or {@code g}; a value
     * that is not one, or is negative or over max, is recorded for {@link #conclude()}.
     */
    private long sizeProperty(final String name, final long defaultValue, final long max)
    {
        final String value = System.getProperty(name);
        if (null == value)
        {
            return defaultValue;
        }
        try
        {
            final long size = value.startsWith("-") ? -1 : SystemUtil.parseSize(name, value);
            if (size >= 0 && size <= max)
            {
                return size;
            }
        }
        catch (final RuntimeException ex)
        {
            // not a number (Agrona throws NumberFormatException, or an index error for an empty value): recorded below
        }
        propertyErrors.put(name, name + "=" + value + " is not a size: a number of bytes with an optional unit k, m " +
            "or g, e.g. 64m" + (Long.MAX_VALUE == max ? "" : ", at most " + max));
        return defaultValue;
    }

    /**
     * A system property holding a duration, nanoseconds by default or with a unit {@code ns}, {@code us},
     * {@code ms} or {@code s}; a value that is not one, or is negative, is recorded for {@link #conclude()}.
     */
    private long durationProperty(final String name, final long defaultValue)
    {
        final String value = System.getProperty(name);
        if (null == value)
        {
            return defaultValue;
        }
        try
        {
            final long duration = value.startsWith("-") ? -1 : SystemUtil.parseDuration(name, value);
            if (duration >= 0)
            {
                return duration;
            }
        }
        catch (final RuntimeException ex)
        {
            // not a number (Agrona throws NumberFormatException, or an index error for an empty value): recorded below
        }
        propertyErrors.put(name, name + "=" + value + " is not a duration: a number with a unit ns, us, ms or s, " +
            "e.g. 10s");
        return defaultValue;
    }

    private static void checkEndpoint(final int nodeId, final String endpoint)
    {
        final int colon = null == endpoint ? -1 : endpoint.lastIndexOf(':');
        if (colon <= 0)
        {
            throw new ConfigurationException("members[" + nodeId + "]=" + endpoint + " must be host:port");
        }
        final int port;
        try
        {
            port = Integer.parseInt(endpoint.substring(colon + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException("members[" + nodeId + "]=" + endpoint + " has a port that is not a number");
        }
        if (port < 1 || port > 65535)
        {
            throw new ConfigurationException("members[" + nodeId + "]=" + endpoint + " has port " + port +
                " outside [1, 65535]");
        }
    }

    /**
     * @return directory of the nodes' counters files, see {@link #COUNTERS_DIR_PROP_NAME}; once concluded, never null.
     */
    public String countersDir()
    {
        return countersDir;
    }

    /**
     * @param countersDir directory of the nodes' counters files, created if missing.
     * @return this for a fluent API.
     */
    public DsmConfig countersDir(final String countersDir)
    {
        checkNotConcluded();
        this.countersDir = countersDir;
        return this;
    }

    /**
     * @return whether the default error handler prints the stack trace of the first error of each kind.
     */
    public boolean errorVerbose()
    {
        return errorVerbose;
    }

    /**
     * @param errorVerbose whether the default error handler prints the stack trace of the first error of each kind.
     * @return this for a fluent API.
     */
    public DsmConfig errorVerbose(final boolean errorVerbose)
    {
        checkNotConcluded();
        propertyErrors.remove(ERROR_VERBOSE_PROP_NAME);
        this.errorVerbose = errorVerbose;
        return this;
    }

    /**
     * @return handler for errors the node's agents can not throw to a caller; by default a
     * {@link org.jdsm.spi.DistinctErrorPrinter} to {@link System#err}.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * @param errorHandler handler for errors the node's agents can not throw; must not throw.
     * @return this for a fluent API.
     */
    public DsmConfig errorHandler(final ErrorHandler errorHandler)
    {
        checkNotConcluded();
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * @return who decides that a node is dead for fail-over with {@link #replicas()} &gt; 0, or null for the
     * view named by {@link #membership()} (by default the engine's own, {@link MembershipView#fromTransport}: not
     * partition-safe).
     */
    public MembershipView membershipView()
    {
        return membershipView;
    }

    /**
     * @param membershipView who decides that a node is dead, e.g. a membership agreed by a majority; null for the
     *                       view named by {@link #membership()}. The caller owns it: the node does not close
     *                       it. Every node must use views that reach the same decisions.
     * @return this for a fluent API.
     */
    public DsmConfig membershipView(final MembershipView membershipView)
    {
        checkNotConcluded();
        this.membershipView = membershipView;
        return this;
    }

    /**
     * @return options for the transport, read-only once concluded.
     */
    public Map<String, Object> transportOptions()
    {
        return transportOptions;
    }

    /**
     * Set a setting of the transport, for example {@code jdsm.aeron.mtu}: a string parsed as the transport documents
     * the setting, or a value of the setting's type. Live objects go to the transport through
     * {@link #transportProvider(TransportProvider)}.
     *
     * @param name  of the option, as the transport documents it.
     * @param value of the option.
     * @return this for a fluent API.
     */
    public DsmConfig transportOption(final String name, final Object value)
    {
        checkNotConcluded();
        transportOptions.put(name, value);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "DsmConfig{nodeId=" + nodeId + ", nodeCount=" + nodeCount + ", transport=" + transport +
            ", heapSize=" + heapSize + ", cacheSize=" + cacheSize + ", maxObjectSize=" + maxObjectSize +
            ", operationTimeoutNs=" + operationTimeoutNs + ", startTimeoutNs=" + startTimeoutNs +
            ", cellLeaseNs=" + cellLeaseNs + ", workerThreads=" + workerThreads +
            ", heartbeatIntervalNs=" + heartbeatIntervalNs + ", members=" + members + ", clusterSecret=" +
            (null == clusterSecret ? "unset" : "set") + '}';
    }
}
