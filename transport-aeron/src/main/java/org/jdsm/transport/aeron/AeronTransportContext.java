package org.jdsm.transport.aeron;

import org.agrona.BitUtil;
import org.agrona.SystemUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;
import org.jdsm.spi.TransportOptions;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Settings of an {@link AeronTransport}: each starts from its {@code jdsm.aeron.*} system property (see
 * {@link Configuration}), can be overridden by a transport option of the same name in
 * {@link DsmConfig#transportOptions()} (a string, parsed like the property, or a value of the setting's type), and is
 * validated by {@link #conclude(DsmConfig)}, which fails fast with a {@link ConfigurationException} naming
 * {@code setting=value} and the bound it breaks.
 * <p>
 * The {@link AeronTransport} built from a context owns it.
 * <p>
 * <b>Note:</b> not threadsafe; set up on one thread, then concluded once.
 */
public final class AeronTransportContext
{
    /**
     * Property names, defaults and accessors.
     */
    public static final class Configuration
    {
        /** Property for the channel kind: {@code auto}, {@code udp} or {@code ipc}. */
        public static final String CHANNEL_PROP_NAME = "jdsm.aeron.channel";
        /** Default channel kind: {@code ipc} when the config has no members (all nodes in this process), else udp. */
        public static final String CHANNEL_DEFAULT = "auto";

        /** Property for the MTU of UDP channels, e.g. {@code 8k}. */
        public static final String MTU_LENGTH_PROP_NAME = "jdsm.aeron.mtu";
        /** Default MTU in bytes. */
        public static final int MTU_LENGTH_DEFAULT = 8192;
        /** Largest MTU Aeron accepts. */
        public static final int MAX_MTU_LENGTH = 65504;

        /** Property for the term length of the channels, e.g. {@code 4m}. */
        public static final String TERM_LENGTH_PROP_NAME = "jdsm.aeron.term.length";
        /** Default term length in bytes: largest message 512 KiB, a window of 2 MiB. */
        public static final int TERM_LENGTH_DEFAULT = 4 * 1024 * 1024;
        /** Smallest term length: one 64 KiB chunk must be at most an eighth of a term. */
        public static final int MIN_TERM_LENGTH = 512 * 1024;
        /** Largest term length. */
        public static final int MAX_TERM_LENGTH = 1024 * 1024 * 1024;

        /** Property for the idle strategy of the duty cycle: {@code backoff}, {@code yield}, {@code sleep} or
         * {@code busy-spin}. */
        public static final String IDLE_STRATEGY_PROP_NAME = "jdsm.aeron.idle.strategy";
        /** Default idle strategy: spins, yields, then parks up to {@link #IDLE_MAX_PARK_DEFAULT_NS}. */
        public static final String IDLE_STRATEGY_DEFAULT = "backoff";

        /** Property for the longest park of the {@code backoff} and {@code sleep} idle strategies, e.g. {@code 100us}. */
        public static final String IDLE_MAX_PARK_PROP_NAME = "jdsm.aeron.idle.max.park";
        /** Default longest park in nanoseconds. */
        public static final long IDLE_MAX_PARK_DEFAULT_NS = TimeUnit.MICROSECONDS.toNanos(100);

        /** Property for who polls for a one-sided operation's response: {@code true} (default), the waiting caller
         * drives the process's duty cycle itself while no other thread does (no hand-off to the duty-cycle thread and
         * back), or {@code false}, the duty-cycle thread polls and wakes the caller. */
        public static final String CALLER_DRIVES_PROP_NAME = "jdsm.aeron.caller.drives";
        /** Default: the waiting caller drives the duty cycle. */
        public static final String CALLER_DRIVES_DEFAULT = "true";

        /** Property for the media driver: {@code embedded} (one per process, started and removed by jdsm) or
         * {@code external}. */
        public static final String DRIVER_PROP_NAME = "jdsm.aeron.driver";
        /** Default media driver. */
        public static final String DRIVER_DEFAULT = "embedded";

        /** Property for the directory of an external media driver. */
        public static final String DIR_PROP_NAME = "jdsm.aeron.dir";

        /**
         * Least liveness timeout of the embedded media driver and the Aeron client: Aeron's own default (10 s). See
         * {@link AeronTransportContext#aeronLivenessTimeoutNs()}.
         */
        public static final long AERON_LIVENESS_TIMEOUT_MIN_NS = TimeUnit.SECONDS.toNanos(10);

        /** Property for the stream id of jdsm's channels (IPC adds the node id). */
        public static final String STREAM_ID_PROP_NAME = "jdsm.aeron.stream.id";
        /** Default stream id. */
        public static final int STREAM_ID_DEFAULT = 0x6a64;

        /** The idle strategy names accepted. */
        public static final List<String> IDLE_STRATEGIES = Arrays.asList("backoff", "yield", "sleep", "busy-spin");

        /** Prefix of every Aeron transport option: an unknown option under it is rejected. */
        public static final String PREFIX = "jdsm.aeron.";

        /** Every option the transport reads, for the message rejecting an unknown one. */
        public static final List<String> PROPERTY_NAMES = List.of(
            CHANNEL_PROP_NAME, MTU_LENGTH_PROP_NAME, TERM_LENGTH_PROP_NAME, IDLE_STRATEGY_PROP_NAME,
            IDLE_MAX_PARK_PROP_NAME, CALLER_DRIVES_PROP_NAME, DRIVER_PROP_NAME, DIR_PROP_NAME, STREAM_ID_PROP_NAME);

        private Configuration()
        {
        }

        /**
         * @return the channel kind from {@link #CHANNEL_PROP_NAME}.
         */
        public static String channel()
        {
            return System.getProperty(CHANNEL_PROP_NAME, CHANNEL_DEFAULT);
        }

        /**
         * @return the MTU from {@link #MTU_LENGTH_PROP_NAME}.
         */
        public static int mtuLength()
        {
            return parseIntSize(MTU_LENGTH_PROP_NAME, System.getProperty(MTU_LENGTH_PROP_NAME), MTU_LENGTH_DEFAULT);
        }

        /**
         * @return the term length from {@link #TERM_LENGTH_PROP_NAME}.
         */
        public static int termLength()
        {
            return parseIntSize(TERM_LENGTH_PROP_NAME, System.getProperty(TERM_LENGTH_PROP_NAME), TERM_LENGTH_DEFAULT);
        }

        /**
         * Parse a size setting: bytes with an optional unit k, m or g, at most {@link Integer#MAX_VALUE}.
         *
         * @param name         of the setting, for the error.
         * @param value        to parse, or null for the default.
         * @param defaultValue when value is null.
         * @return the size in bytes.
         * @throws ConfigurationException naming the setting and the whole value when it is not such a size.
         */
        static int parseIntSize(final String name, final String value, final int defaultValue)
        {
            if (null == value)
            {
                return defaultValue;
            }
            try
            {
                final long size = value.startsWith("-") ? -1 : SystemUtil.parseSize(name, value);
                if (size >= 0 && size <= Integer.MAX_VALUE)
                {
                    return (int)size;
                }
            }
            catch (final RuntimeException ex)
            {
                // not a number (Agrona throws NumberFormatException, or an index error for an empty value): below
            }
            throw new ConfigurationException(name + "=" + value + " is not a size: a number of bytes with an " +
                "optional unit k, m or g, e.g. 8k, at most " + Integer.MAX_VALUE);
        }

        /**
         * @return the idle strategy name from {@link #IDLE_STRATEGY_PROP_NAME}.
         */
        public static String idleStrategy()
        {
            return System.getProperty(IDLE_STRATEGY_PROP_NAME, IDLE_STRATEGY_DEFAULT);
        }

        /**
         * @return the longest park from {@link #IDLE_MAX_PARK_PROP_NAME}.
         */
        public static long idleMaxParkNs()
        {
            final String value = System.getProperty(IDLE_MAX_PARK_PROP_NAME);
            return null == value ?
                IDLE_MAX_PARK_DEFAULT_NS : TransportOptions.parseDuration(IDLE_MAX_PARK_PROP_NAME, value);
        }

        /**
         * @return {@code true} or {@code false} (else rejected by conclude) from {@link #CALLER_DRIVES_PROP_NAME}.
         */
        public static String callerDrives()
        {
            return System.getProperty(CALLER_DRIVES_PROP_NAME, CALLER_DRIVES_DEFAULT);
        }

        /**
         * @return the media driver kind from {@link #DRIVER_PROP_NAME}.
         */
        public static String driver()
        {
            return System.getProperty(DRIVER_PROP_NAME, DRIVER_DEFAULT);
        }

        /**
         * @return the external driver's directory from {@link #DIR_PROP_NAME}, or null.
         */
        public static String aeronDirectoryName()
        {
            return System.getProperty(DIR_PROP_NAME);
        }

        /**
         * @return the stream id from {@link #STREAM_ID_PROP_NAME}.
         */
        public static int streamId()
        {
            final String value = System.getProperty(STREAM_ID_PROP_NAME);
            return null == value ? STREAM_ID_DEFAULT : TransportOptions.parseInt(STREAM_ID_PROP_NAME, value);
        }
    }

    private boolean isConcluded;
    private String channel = Configuration.channel();
    private int mtuLength = Configuration.mtuLength();
    private int termLength = Configuration.termLength();
    private String idleStrategyName = Configuration.idleStrategy();
    private long idleMaxParkNs = Configuration.idleMaxParkNs();
    private String callerDrives = Configuration.callerDrives();
    private String driver = Configuration.driver();
    private String aeronDirectoryName = Configuration.aeronDirectoryName();
    private int streamId = Configuration.streamId();
    private boolean isIpc;
    private long aeronLivenessTimeoutNs = Configuration.AERON_LIVENESS_TIMEOUT_MIN_NS;

    /**
     * A context from the system properties, overridden by the {@code jdsm.aeron.*} transport options of a node's
     * configuration.
     *
     * @param config of the node.
     * @return the context, not yet concluded.
     * @throws ConfigurationException naming an option whose value can not be parsed, or an unknown
     *                                {@code jdsm.aeron.*} option (and the closest known one).
     */
    public static AeronTransportContext fromOptions(final DsmConfig config)
    {
        final AeronTransportContext ctx = new AeronTransportContext();
        for (final Map.Entry<String, Object> option : config.transportOptions().entrySet())
        {
            final String name = option.getKey();
            final String value = String.valueOf(option.getValue());
            switch (name)
            {
                case Configuration.CHANNEL_PROP_NAME:
                    ctx.channel(value);
                    break;
                case Configuration.MTU_LENGTH_PROP_NAME:
                    ctx.mtuLength(Configuration.parseIntSize(name, value, Configuration.MTU_LENGTH_DEFAULT));
                    break;
                case Configuration.TERM_LENGTH_PROP_NAME:
                    ctx.termLength(Configuration.parseIntSize(name, value, Configuration.TERM_LENGTH_DEFAULT));
                    break;
                case Configuration.IDLE_STRATEGY_PROP_NAME:
                    ctx.idleStrategy(value);
                    break;
                case Configuration.IDLE_MAX_PARK_PROP_NAME:
                    ctx.idleMaxParkNs(TransportOptions.parseDuration(name, value));
                    break;
                case Configuration.CALLER_DRIVES_PROP_NAME:
                    ctx.callerDrives = value;
                    break;
                case Configuration.DRIVER_PROP_NAME:
                    ctx.driver(value);
                    break;
                case Configuration.DIR_PROP_NAME:
                    ctx.aeronDirectoryName(value);
                    break;
                case Configuration.STREAM_ID_PROP_NAME:
                    ctx.streamId(TransportOptions.parseInt(name, value));
                    break;
                default:
                    if (TransportOptions.isUnder(Configuration.PREFIX, name))
                    {
                        throw TransportOptions.unknown(name, Configuration.PROPERTY_NAMES);
                    }
                    break;
            }
        }

        return ctx;
    }

    /**
     * Validate the settings against a node's configuration and resolve {@code auto}. Calling it again does
     * nothing.
     *
     * @param config of the node, concluded.
     * @return this for a fluent API.
     * @throws ConfigurationException naming the first invalid setting, its value and the bound it breaks.
     */
    public AeronTransportContext conclude(final DsmConfig config)
    {
        if (isConcluded)
        {
            return this;
        }

        final boolean hasMembers = !config.members().isEmpty();
        switch (String.valueOf(channel))
        {
            case "auto":
                isIpc = !hasMembers;
                break;
            case "ipc":
                isIpc = true;
                break;
            case "udp":
                if (!hasMembers)
                {
                    throw new ConfigurationException("channel=udp needs members: one host:port per node (" +
                        DsmConfig.MEMBERS_PROP_NAME + ")");
                }
                isIpc = false;
                break;
            default:
                throw new ConfigurationException("channel=" + channel + " must be one of [auto, udp, ipc]");
        }
        if (mtuLength < 64 || mtuLength > Configuration.MAX_MTU_LENGTH || 0 != (mtuLength & 31))
        {
            throw new ConfigurationException("mtuLength=" + mtuLength + " must be a multiple of 32 in [64, " +
                Configuration.MAX_MTU_LENGTH + "]");
        }
        if (termLength < Configuration.MIN_TERM_LENGTH || termLength > Configuration.MAX_TERM_LENGTH ||
            !BitUtil.isPowerOfTwo(termLength))
        {
            throw new ConfigurationException("termLength=" + termLength + " must be a power of 2 in [" +
                Configuration.MIN_TERM_LENGTH + ", " + Configuration.MAX_TERM_LENGTH + "]");
        }
        if (!Configuration.IDLE_STRATEGIES.contains(idleStrategyName))
        {
            throw new ConfigurationException("idleStrategy=" + idleStrategyName + " must be one of " +
                Configuration.IDLE_STRATEGIES);
        }
        if (idleMaxParkNs < 1000 || idleMaxParkNs > TimeUnit.SECONDS.toNanos(1))
        {
            throw new ConfigurationException("idleMaxParkNs=" + idleMaxParkNs + " must be in [1000, 1000000000]");
        }
        if (!"true".equals(callerDrives) && !"false".equals(callerDrives))
        {
            throw new ConfigurationException("callerDrives=" + callerDrives + " must be one of [true, false]");
        }
        if (!"embedded".equals(driver) && !"external".equals(driver))
        {
            throw new ConfigurationException("driver=" + driver + " must be one of [embedded, external]");
        }
        if ("external".equals(driver) && (null == aeronDirectoryName || aeronDirectoryName.isBlank()))
        {
            throw new ConfigurationException("aeronDirectoryName=" + aeronDirectoryName +
                " must name the external media driver's directory (" + Configuration.DIR_PROP_NAME +
                ") when driver=external");
        }
        if (0 == streamId)
        {
            throw new ConfigurationException("streamId=0 must not be 0");
        }
        if (!isIpc && null == config.clusterSecret())
        {
            for (int i = 0; i < config.nodeCount(); i++)
            {
                if (!isLoopback(config, i))
                {
                    throw new ConfigurationException("clusterSecret=unset must be set for channel=udp between " +
                        "hosts: members[" + i + "]=" + config.members().get(i) + " is not a loopback address");
                }
            }
        }

        aeronLivenessTimeoutNs = Math.max(Configuration.AERON_LIVENESS_TIMEOUT_MIN_NS, 2 * config.peerTimeoutNs());

        isConcluded = true;
        return this;
    }

    private static boolean isLoopback(final DsmConfig config, final int nodeId)
    {
        try
        {
            return InetAddress.getByName(config.memberHost(nodeId)).isLoopbackAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new ConfigurationException("members[" + nodeId + "]=" + config.members().get(nodeId) +
                " has an unknown host");
        }
    }

    /**
     * A new idle strategy of the configured kind, for the duty cycle.
     *
     * @return the idle strategy.
     */
    public IdleStrategy newIdleStrategy()
    {
        switch (idleStrategyName)
        {
            case "yield":
                return new YieldingIdleStrategy();
            case "sleep":
                return new SleepingIdleStrategy(idleMaxParkNs);
            case "busy-spin":
                return new BusySpinIdleStrategy();
            default:
                return new BackoffIdleStrategy(100, 100, TimeUnit.MICROSECONDS.toNanos(1), idleMaxParkNs);
        }
    }

    /**
     * @return true once concluded to IPC, false for UDP.
     */
    public boolean isIpc()
    {
        return isIpc;
    }

    /**
     * @return the channel kind as set: {@code auto}, {@code udp} or {@code ipc}.
     */
    public String channel()
    {
        return channel;
    }

    /**
     * @param channel kind: {@code auto} (IPC when the config has no members), {@code udp} or {@code ipc}.
     * @return this for a fluent API.
     */
    public AeronTransportContext channel(final String channel)
    {
        checkNotConcluded();
        this.channel = channel;
        return this;
    }

    /**
     * @return the MTU of UDP channels in bytes.
     */
    public int mtuLength()
    {
        return mtuLength;
    }

    /**
     * @param mtuLength of UDP channels, a multiple of 32 in [64, 65504]; 65504 suits loopback and large objects.
     * @return this for a fluent API.
     */
    public AeronTransportContext mtuLength(final int mtuLength)
    {
        checkNotConcluded();
        this.mtuLength = mtuLength;
        return this;
    }

    /**
     * @return the term length of the channels in bytes.
     */
    public int termLength()
    {
        return termLength;
    }

    /**
     * @param termLength of the channels, a power of 2 in [512 KiB, 1 GiB]; the largest control message is an
     *                   eighth of it, less a header.
     * @return this for a fluent API.
     */
    public AeronTransportContext termLength(final int termLength)
    {
        checkNotConcluded();
        this.termLength = termLength;
        return this;
    }

    /**
     * @return the idle strategy name.
     */
    public String idleStrategy()
    {
        return idleStrategyName;
    }

    /**
     * @param idleStrategy name: {@code backoff} (default), {@code yield}, {@code sleep} or {@code busy-spin}
     *                     (only with a core to spare per process).
     * @return this for a fluent API.
     */
    public AeronTransportContext idleStrategy(final String idleStrategy)
    {
        checkNotConcluded();
        this.idleStrategyName = idleStrategy;
        return this;
    }

    /**
     * @return true if a caller waiting for a one-sided operation drives the process's duty cycle itself
     * ({@link Configuration#CALLER_DRIVES_PROP_NAME}).
     */
    public boolean callerDrives()
    {
        return Boolean.parseBoolean(callerDrives);
    }

    /**
     * @param callerDrives true (default) if a caller waiting for a one-sided operation drives the process's duty
     *                     cycle itself, polling its own response; false if it waits for the duty-cycle thread to
     *                     poll it and wake it.
     * @return this for a fluent API.
     */
    public AeronTransportContext callerDrives(final boolean callerDrives)
    {
        checkNotConcluded();
        this.callerDrives = String.valueOf(callerDrives);
        return this;
    }

    /**
     * @return the longest park of the idle strategy in nanoseconds.
     */
    public long idleMaxParkNs()
    {
        return idleMaxParkNs;
    }

    /**
     * @param idleMaxParkNs longest park of the {@code backoff} and {@code sleep} idle strategies, in [1us, 1s].
     * @return this for a fluent API.
     */
    public AeronTransportContext idleMaxParkNs(final long idleMaxParkNs)
    {
        checkNotConcluded();
        this.idleMaxParkNs = idleMaxParkNs;
        return this;
    }

    /**
     * @return the media driver kind: {@code embedded} or {@code external}.
     */
    public String driver()
    {
        return driver;
    }

    /**
     * @param driver {@code embedded} (one per process, under {@code /dev/shm} or {@code java.io.tmpdir}, see
     *               {@code EmbeddedDriverDirectory}, removed on close) or
     *               {@code external} (running in {@link #aeronDirectoryName()}).
     * @return this for a fluent API.
     */
    public AeronTransportContext driver(final String driver)
    {
        checkNotConcluded();
        this.driver = driver;
        return this;
    }

    /**
     * @return the external media driver's directory, or null.
     */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /**
     * @param aeronDirectoryName of the external media driver.
     * @return this for a fluent API.
     */
    public AeronTransportContext aeronDirectoryName(final String aeronDirectoryName)
    {
        checkNotConcluded();
        this.aeronDirectoryName = aeronDirectoryName;
        return this;
    }

    /**
     * The liveness timeout of the embedded media driver and of the Aeron client, derived from the node's peer timeout
     * by {@link #conclude}: twice {@link DsmConfig#peerTimeoutNs()}, at least
     * {@link Configuration#AERON_LIVENESS_TIMEOUT_MIN_NS}. Longer than the peer timeout, so jdsm's own liveness
     * decides: a stall of this process (a GC pause) shorter than the peer timeout neither times out the Aeron client
     * on resume ({@code ConductorServiceTimeoutException}) nor lets a peer's driver drop this node's image; one
     * longer is found by the peers (they declare this node dead) and by this node (it is cut off) at the peer
     * timeout, before Aeron's. {@link AeronRuntime} sets from it the driver's {@code clientLivenessTimeoutNs} (which
     * the client takes as its service interval timeout), {@code imageLivenessTimeoutNs} and
     * {@code publicationConnectionTimeoutNs}, {@code publicationUnblockTimeoutNs} (one and a half times it, as
     * Aeron's defaults) and the client's {@code driverTimeoutMs}.
     *
     * @return the timeout in nanoseconds; Aeron's default of 10 s until concluded.
     */
    public long aeronLivenessTimeoutNs()
    {
        return aeronLivenessTimeoutNs;
    }

    /**
     * @return the stream id.
     */
    public int streamId()
    {
        return streamId;
    }

    /**
     * @param streamId of jdsm's channels, not 0; IPC channels use {@code streamId + nodeId}.
     * @return this for a fluent API.
     */
    public AeronTransportContext streamId(final int streamId)
    {
        checkNotConcluded();
        this.streamId = streamId;
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "AeronTransportContext{channel=" + channel + (isConcluded ? (isIpc ? "(ipc)" : "(udp)") : "") +
            ", mtuLength=" + mtuLength + ", termLength=" + termLength + ", idleStrategy=" + idleStrategyName +
            ", idleMaxParkNs=" + idleMaxParkNs + ", callerDrives=" + callerDrives + ", driver=" + driver + ", aeronDirectoryName=" +
            aeronDirectoryName + ", streamId=" + streamId + ", aeronLivenessTimeoutNs=" + aeronLivenessTimeoutNs +
            '}';
    }

    private void checkNotConcluded()
    {
        if (isConcluded)
        {
            throw new ConfigurationException("aeron transport context already concluded");
        }
    }
}
