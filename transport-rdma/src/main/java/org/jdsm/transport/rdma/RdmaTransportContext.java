package org.jdsm.transport.rdma;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;
import org.jdsm.spi.TransportOptions;

import java.nio.ByteBuffer;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Settings of the RDMA transport: each starts from its {@code jdsm.rdma.*} property ({@link RdmaConfiguration}),
 * may be overridden by a transport option of the same name, or set fluently; {@link #conclude()} fills defaults
 * and validates, naming the bad setting and the bound it breaks.
 * <p>
 * Owned by the {@link RdmaTransport} built from it. <b>Note:</b> not threadsafe; set it up on one thread.
 */
public final class RdmaTransportContext
{
    private boolean isConcluded;
    private int queueDepth = RdmaConfiguration.queueDepth();
    private int maxInFlight = RdmaConfiguration.maxInFlight();
    private int readDepth = RdmaConfiguration.readDepth();
    private int maxInline = RdmaConfiguration.maxInline();
    private int signalInterval = RdmaConfiguration.signalInterval();
    private int cqSize = RdmaConfiguration.cqSize();
    private int receiveBuffers = RdmaConfiguration.receiveBuffers();
    private int bufferSize = RdmaConfiguration.bufferSize();
    private int sendBuffers = RdmaConfiguration.sendBuffers();
    private int stagingSize = RdmaConfiguration.stagingSize();
    private long connectTimeoutNs = RdmaConfiguration.connectTimeoutNs();
    private int pollBatch = RdmaConfiguration.pollBatch();
    private boolean atomicReplyBigEndian = RdmaConfiguration.atomicReplyBigEndian();
    private IdleStrategy idleStrategy;
    private ErrorHandler errorHandler;
    private ByteBuffer[] heapSegments;
    private RdmaEnvironment environment;
    private Supplier<VerbsFabric> fabricSupplier;

    /**
     * Apply the {@code jdsm.rdma.*} entries of a node's transport options, as strings or numbers.
     *
     * @param options of the node.
     * @return this for a fluent API.
     * @throws ConfigurationException naming an unknown {@code jdsm.rdma.*} option or an unparsable value.
     */
    public RdmaTransportContext options(final Map<String, Object> options)
    {
        for (final Map.Entry<String, Object> entry : options.entrySet())
        {
            final String name = entry.getKey();
            if (!TransportOptions.isUnder(RdmaConfiguration.PREFIX, name))
            {
                continue;
            }
            final String value = String.valueOf(entry.getValue());
            try
            {
                apply(name, value);
            }
            catch (final NumberFormatException ex)
            {
                throw new ConfigurationException(name + "=" + value + " is not a valid value: " +
                    ex.getMessage());
            }
        }
        return this;
    }

    private void apply(final String name, final String value)
    {
        switch (name)
        {
            case RdmaConfiguration.QUEUE_DEPTH_PROP_NAME: queueDepth(TransportOptions.parseInt(name, value)); break;
            case RdmaConfiguration.MAX_IN_FLIGHT_PROP_NAME: maxInFlight(TransportOptions.parseInt(name, value)); break;
            case RdmaConfiguration.READ_DEPTH_PROP_NAME: readDepth(TransportOptions.parseInt(name, value)); break;
            case RdmaConfiguration.MAX_INLINE_PROP_NAME: maxInline(size(name, value)); break;
            case RdmaConfiguration.SIGNAL_INTERVAL_PROP_NAME:
                signalInterval(TransportOptions.parseInt(name, value));
                break;
            case RdmaConfiguration.CQ_SIZE_PROP_NAME: cqSize(TransportOptions.parseInt(name, value)); break;
            case RdmaConfiguration.RECEIVE_BUFFERS_PROP_NAME:
                receiveBuffers(TransportOptions.parseInt(name, value));
                break;
            case RdmaConfiguration.BUFFER_SIZE_PROP_NAME: bufferSize(size(name, value)); break;
            case RdmaConfiguration.SEND_BUFFERS_PROP_NAME: sendBuffers(TransportOptions.parseInt(name, value)); break;
            case RdmaConfiguration.STAGING_SIZE_PROP_NAME: stagingSize(size(name, value)); break;
            case RdmaConfiguration.CONNECT_TIMEOUT_PROP_NAME:
                connectTimeoutNs(TransportOptions.parseDuration(name, value));
                break;
            case RdmaConfiguration.POLL_BATCH_PROP_NAME: pollBatch(TransportOptions.parseInt(name, value)); break;
            case RdmaConfiguration.ATOMIC_REPLY_BIG_ENDIAN_PROP_NAME:
                atomicReplyBigEndian(TransportOptions.parseBoolean(name, value));
                break;
            default:
                throw TransportOptions.unknown(name, Arrays.asList(RdmaConfiguration.PROPERTY_NAMES));
        }
    }

    private static int size(final String name, final String value)
    {
        return (int)TransportOptions.parseSize(name, value, Integer.MAX_VALUE);
    }

    /**
     * Validate every setting and fill null collaborators with defaults; calling it again does nothing.
     *
     * @return this for a fluent API.
     * @throws ConfigurationException naming the first invalid setting, its value and the bound it breaks.
     */
    public RdmaTransportContext conclude()
    {
        if (isConcluded)
        {
            return this;
        }

        checkRange("sendBuffers", sendBuffers, 1, 1 << 16);
        checkRange("maxInFlight", maxInFlight, 1, 1 << 16);
        checkRange("queueDepth", queueDepth, 1, 1 << 16);
        if (queueDepth < sendBuffers + maxInFlight)
        {
            throw new ConfigurationException("queueDepth=" + queueDepth + " < sendBuffers=" + sendBuffers +
                " + maxInFlight=" + maxInFlight + ": the send queue could overflow");
        }
        checkRange("readDepth", readDepth, 1, 255);
        checkRange("maxInline", maxInline, 0, 1024);
        checkRange("signalInterval", signalInterval, 1, sendBuffers);
        checkRange("receiveBuffers", receiveBuffers, 2, 1 << 16);
        checkRange("cqSize", cqSize, 1, 1 << 22);
        if (cqSize < queueDepth + receiveBuffers)
        {
            throw new ConfigurationException("cqSize=" + cqSize + " < queueDepth=" + queueDepth +
                " + receiveBuffers=" + receiveBuffers + ": the completion queue could overflow");
        }
        checkRange("bufferSize", bufferSize, RdmaFrameDescriptor.HEADER_LENGTH + 256, 1 << 24);
        if ((bufferSize & (RdmaFrameDescriptor.ALIGNMENT - 1)) != 0)
        {
            throw new ConfigurationException("bufferSize=" + bufferSize + " must be a multiple of " +
                RdmaFrameDescriptor.ALIGNMENT);
        }
        checkRange("stagingSize", stagingSize, 64, 1 << 30);
        if ((stagingSize & 63) != 0)
        {
            throw new ConfigurationException("stagingSize=" + stagingSize + " must be a multiple of 64");
        }
        if ((long)stagingSize * maxInFlight > Integer.MAX_VALUE)
        {
            throw new ConfigurationException("stagingSize=" + stagingSize + " * maxInFlight=" + maxInFlight +
                " exceeds " + Integer.MAX_VALUE + " bytes of staging per peer");
        }
        if (connectTimeoutNs <= 0 || connectTimeoutNs > DsmConfig.MAX_TIMEOUT_NS)
        {
            throw new ConfigurationException("connectTimeoutNs=" + connectTimeoutNs + " must be > 0 and <= " +
                DsmConfig.MAX_TIMEOUT_NS + " (1 day)");
        }
        checkRange("pollBatch", pollBatch, 1, 1024);

        if (null == idleStrategy)
        {
            idleStrategy = new BackoffIdleStrategy(
                100, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100));
        }
        if (null == errorHandler)
        {
            errorHandler = (throwable) -> System.err.println("jdsm rdma error: " + throwable);
        }
        if (null == environment)
        {
            environment = new RdmaEnvironment();
        }
        if (null == fabricSupplier)
        {
            final RdmaTransportContext self = this;
            fabricSupplier = () ->
            {
                try
                {
                    return new DisniFabric(self);
                }
                catch (final IOException ex)
                {
                    throw new RdmaUnavailableException("transport=rdma unavailable: DiSNI endpoint group " +
                        "could not be created: " + ex.getMessage() + ". " + RdmaEnvironment.USE_AERON);
                }
            };
        }
        isConcluded = true;
        return this;
    }

    /**
     * @return whether {@link #conclude()} has run.
     */
    boolean isConcluded()
    {
        return isConcluded;
    }

    private void checkNotConcluded()
    {
        if (isConcluded)
        {
            throw new ConfigurationException("rdma context already concluded");
        }
    }

    private static void checkRange(final String name, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw new ConfigurationException(name + "=" + value + " must be in [" + min + ", " + max + "]");
        }
    }

    /**
     * @return work requests per send queue.
     */
    public int queueDepth()
    {
        return queueDepth;
    }

    /**
     * @param queueDepth work requests per send queue, at least sendBuffers + maxInFlight.
     * @return this for a fluent API.
     */
    public RdmaTransportContext queueDepth(final int queueDepth)
    {
        checkNotConcluded();
        this.queueDepth = queueDepth;
        return this;
    }

    /**
     * @return one-sided operations in flight per peer.
     */
    public int maxInFlight()
    {
        return maxInFlight;
    }

    /**
     * @param maxInFlight one-sided operations in flight per peer.
     * @return this for a fluent API.
     */
    public RdmaTransportContext maxInFlight(final int maxInFlight)
    {
        checkNotConcluded();
        this.maxInFlight = maxInFlight;
        return this;
    }

    /**
     * @return outstanding READs and atomics per queue pair.
     */
    public int readDepth()
    {
        return readDepth;
    }

    /**
     * @param readDepth outstanding READs and atomics per queue pair, in [1, 255]; the device may cap it.
     * @return this for a fluent API.
     */
    public RdmaTransportContext readDepth(final int readDepth)
    {
        checkNotConcluded();
        this.readDepth = readDepth;
        return this;
    }

    /**
     * @return largest payload posted inline.
     */
    public int maxInline()
    {
        return maxInline;
    }

    /**
     * @param maxInline largest payload posted inline, in [0, 1024]; 0 disables inlining.
     * @return this for a fluent API.
     */
    public RdmaTransportContext maxInline(final int maxInline)
    {
        checkNotConcluded();
        this.maxInline = maxInline;
        return this;
    }

    /**
     * @return one SEND in this many is signalled.
     */
    public int signalInterval()
    {
        return signalInterval;
    }

    /**
     * @param signalInterval one SEND in this many is signalled, in [1, sendBuffers].
     * @return this for a fluent API.
     */
    public RdmaTransportContext signalInterval(final int signalInterval)
    {
        checkNotConcluded();
        this.signalInterval = signalInterval;
        return this;
    }

    /**
     * @return entries of each completion queue.
     */
    public int cqSize()
    {
        return cqSize;
    }

    /**
     * @param cqSize entries of each completion queue, at least queueDepth + receiveBuffers.
     * @return this for a fluent API.
     */
    public RdmaTransportContext cqSize(final int cqSize)
    {
        checkNotConcluded();
        this.cqSize = cqSize;
        return this;
    }

    /**
     * @return receive buffers per peer.
     */
    public int receiveBuffers()
    {
        return receiveBuffers;
    }

    /**
     * @param receiveBuffers receive buffers pre-posted per peer, at least 2.
     * @return this for a fluent API.
     */
    public RdmaTransportContext receiveBuffers(final int receiveBuffers)
    {
        checkNotConcluded();
        this.receiveBuffers = receiveBuffers;
        return this;
    }

    /**
     * @return size of each send and receive buffer.
     */
    public int bufferSize()
    {
        return bufferSize;
    }

    /**
     * @param bufferSize size of each send and receive buffer, the largest frame; a multiple of 8.
     * @return this for a fluent API.
     */
    public RdmaTransportContext bufferSize(final int bufferSize)
    {
        checkNotConcluded();
        this.bufferSize = bufferSize;
        return this;
    }

    /**
     * @return send buffers per peer.
     */
    public int sendBuffers()
    {
        return sendBuffers;
    }

    /**
     * @param sendBuffers send buffers per peer.
     * @return this for a fluent API.
     */
    public RdmaTransportContext sendBuffers(final int sendBuffers)
    {
        checkNotConcluded();
        this.sendBuffers = sendBuffers;
        return this;
    }

    /**
     * @return staging bytes per in-flight slot.
     */
    public int stagingSize()
    {
        return stagingSize;
    }

    /**
     * @param stagingSize staging bytes per in-flight slot, a multiple of 64.
     * @return this for a fluent API.
     */
    public RdmaTransportContext stagingSize(final int stagingSize)
    {
        checkNotConcluded();
        this.stagingSize = stagingSize;
        return this;
    }

    /**
     * @return join timeout in nanoseconds.
     */
    public long connectTimeoutNs()
    {
        return connectTimeoutNs;
    }

    /**
     * @param connectTimeoutNs how long joining may take.
     * @return this for a fluent API.
     */
    public RdmaTransportContext connectTimeoutNs(final long connectTimeoutNs)
    {
        checkNotConcluded();
        this.connectTimeoutNs = connectTimeoutNs;
        return this;
    }

    /**
     * @return completions per poll.
     */
    public int pollBatch()
    {
        return pollBatch;
    }

    /**
     * @param pollBatch completions taken per poll of one completion queue.
     * @return this for a fluent API.
     */
    public RdmaTransportContext pollBatch(final int pollBatch)
    {
        checkNotConcluded();
        this.pollBatch = pollBatch;
        return this;
    }

    /**
     * @return whether atomics return the old value big-endian.
     */
    public boolean atomicReplyBigEndian()
    {
        return atomicReplyBigEndian;
    }

    /**
     * @param atomicReplyBigEndian whether the NIC returns the old value of an atomic big-endian.
     * @return this for a fluent API.
     */
    public RdmaTransportContext atomicReplyBigEndian(final boolean atomicReplyBigEndian)
    {
        checkNotConcluded();
        this.atomicReplyBigEndian = atomicReplyBigEndian;
        return this;
    }

    /**
     * @return idle strategy of the poller.
     */
    public IdleStrategy idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * @param idleStrategy of the poller; defaults to backing off to 100 µs parks, never a busy spin.
     * @return this for a fluent API.
     */
    public RdmaTransportContext idleStrategy(final IdleStrategy idleStrategy)
    {
        checkNotConcluded();
        this.idleStrategy = idleStrategy;
        return this;
    }

    /**
     * @return handler for errors the agents can not throw.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * @param errorHandler for errors the agents can not throw; must not throw.
     * @return this for a fluent API.
     */
    public RdmaTransportContext errorHandler(final ErrorHandler errorHandler)
    {
        checkNotConcluded();
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * @return the heap's direct buffers to register, or null to take the heap region's own
     * ({@link org.jdsm.spi.HeapRegion#segments()}).
     */
    public ByteBuffer[] heapSegments()
    {
        return heapSegments;
    }

    /**
     * Register these direct buffers as the heap, for a heap region that does not expose its own segments: they cover
     * the heap in order, all of the first one's length but the last (checked when the transport is made).
     *
     * @param heapSegments of the heap.
     * @return this for a fluent API.
     */
    public RdmaTransportContext heapSegments(final ByteBuffer[] heapSegments)
    {
        checkNotConcluded();
        this.heapSegments = heapSegments;
        return this;
    }

    /**
     * @return the machine check run at start.
     */
    public RdmaEnvironment environment()
    {
        return environment;
    }

    /**
     * @param environment the machine check run at start, replaced in tests.
     * @return this for a fluent API.
     */
    public RdmaTransportContext environment(final RdmaEnvironment environment)
    {
        checkNotConcluded();
        this.environment = environment;
        return this;
    }

    Supplier<VerbsFabric> fabricSupplier()
    {
        return fabricSupplier;
    }

    RdmaTransportContext fabricSupplier(final Supplier<VerbsFabric> fabricSupplier)
    {
        checkNotConcluded();
        this.fabricSupplier = fabricSupplier;
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "RdmaTransportContext{queueDepth=" + queueDepth + ", maxInFlight=" + maxInFlight +
            ", readDepth=" + readDepth + ", maxInline=" + maxInline + ", signalInterval=" + signalInterval +
            ", cqSize=" + cqSize + ", receiveBuffers=" + receiveBuffers + ", bufferSize=" + bufferSize +
            ", sendBuffers=" + sendBuffers + ", stagingSize=" + stagingSize + ", connectTimeoutNs=" +
            connectTimeoutNs + ", pollBatch=" + pollBatch + ", atomicReplyBigEndian=" + atomicReplyBigEndian +
            '}';
    }
}
