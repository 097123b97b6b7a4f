package org.jdsm;

import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;
import org.jdsm.spi.TransportProvider;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DsmConfigTest
{
    private static void assertRejected(final String message, final Consumer<DsmConfig> setting)
    {
        final DsmConfig config = new DsmConfig();
        setting.accept(config);
        assertEquals(message, assertThrows(ConfigurationException.class, config::conclude).getMessage());
    }

    @Test
    void shouldConcludeDefaults()
    {
        final DsmConfig config = new DsmConfig().conclude();
        assertEquals(0, config.nodeId());
        assertEquals(1, config.nodeCount());
        assertEquals(DsmConfig.HEAP_SIZE_DEFAULT, config.heapSize());
        assertEquals(DsmConfig.CACHE_SIZE_DEFAULT, config.cacheSize());
        assertEquals("local", config.transport());
        assertNotNull(config.errorHandler());
        assertSame(config, config.conclude());
    }

    @Test
    void shouldNameEachInvalidSetting()
    {
        assertRejected("nodeCount=0 must be in [1, 256]", (c) -> c.nodeCount(0));
        assertRejected("nodeCount=257 must be in [1, 256]", (c) -> c.nodeCount(257));
        assertRejected("nodeId=3 must be in [0, nodeCount=3)", (c) -> c.nodeCount(3).nodeId(3));
        assertRejected("nodeId=-1 must be in [0, nodeCount=1)", (c) -> c.nodeId(-1));
        assertRejected("transport=  must name a transport", (c) -> c.transport(" "));
        assertRejected("heapSize=1024 must be in [65536, 1099511627776]", (c) -> c.heapSize(1024));
        assertRejected("cacheSize=0 must be in [65536, 1099511627776]", (c) -> c.cacheSize(0));
        assertRejected("maxObjectSize=10 must be in [64, 1073741824]", (c) -> c.maxObjectSize(10));
        assertRejected("maxObjectSize=65536 must be <= heapSize/2=32768",
            (c) -> c.heapSize(65536).maxObjectSize(65536));
        assertRejected("maxObjectSize=65536 must be <= cacheSize/2=32768",
            (c) -> c.cacheSize(65536).maxObjectSize(65536));
        assertRejected("operationTimeoutNs=0 (jdsm.operation.timeout) must be > 0 and <= 86400000000000 (1 day): " +
            "deadlines are System.nanoTime() + the timeout", (c) -> c.operationTimeoutNs(0));
        assertRejected("startTimeoutNs=-1 (jdsm.start.timeout) must be > 0 and <= 86400000000000 (1 day): " +
            "deadlines are System.nanoTime() + the timeout", (c) -> c.startTimeoutNs(-1));
        assertRejected("heartbeatIntervalNs=2000000000 must be > 0 and < operationTimeoutNs=1000000000",
            (c) -> c.operationTimeoutNs(TimeUnit.SECONDS.toNanos(1)).heartbeatIntervalNs(TimeUnit.SECONDS.toNanos(2)));
        assertRejected("peerTimeoutNs=100000000 must be > heartbeatIntervalNs=100000000",
            (c) -> c.peerTimeoutNs(TimeUnit.MILLISECONDS.toNanos(100)));
        assertRejected("workerThreads=0 must be in [1, 1024]", (c) -> c.workerThreads(0));
        assertRejected("clusterSecret must have at least 8 characters, has 3", (c) -> c.clusterSecret("abc"));
        assertRejected("members has 1 endpoints, nodeCount=2", (c) -> c.nodeCount(2).members(List.of("a:1")));
        assertRejected("members[1]=hostonly must be host:port",
            (c) -> c.nodeCount(2).members(List.of("a:1", "hostonly")));
        assertRejected("members[0]=a:x has a port that is not a number", (c) -> c.members(List.of("a:x")));
        assertRejected("members[0]=a:70000 has port 70000 outside [1, 65535]", (c) -> c.members(List.of("a:70000")));
    }

    @Test
    void shouldCapPeerTimeoutByOperationTimeout()
    {
        assertEquals(DsmConfig.PEER_TIMEOUT_DEFAULT_NS, new DsmConfig().conclude().peerTimeoutNs());
        assertEquals(TimeUnit.SECONDS.toNanos(2),
            new DsmConfig().operationTimeoutNs(TimeUnit.SECONDS.toNanos(2)).conclude().peerTimeoutNs());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(700), new DsmConfig().operationTimeoutNs(TimeUnit.SECONDS.toNanos(2))
            .peerTimeoutNs(TimeUnit.MILLISECONDS.toNanos(700)).conclude().peerTimeoutNs());
    }

    @Test
    void shouldParseMemberEndpoints()
    {
        final DsmConfig config = new DsmConfig().nodeCount(2).transport("aeron")
            .members(List.of("127.0.0.1:40001", "[::1]:40002"))
            .conclude();
        assertEquals("127.0.0.1", config.memberHost(0));
        assertEquals(40001, config.memberPort(0));
        assertEquals("[::1]", config.memberHost(1));
        assertEquals(40002, config.memberPort(1));
    }

    @Test
    void shouldRefuseChangeAfterConcludeButAllowCopy()
    {
        final DsmConfig config = new DsmConfig().nodeCount(2).transport("aeron").conclude();
        assertEquals("configuration already concluded: copy() it to change a setting",
            assertThrows(ConfigurationException.class, () -> config.nodeId(1)).getMessage());
        final DsmConfig copy = config.copy().nodeId(1).conclude();
        assertEquals(1, copy.nodeId());
        assertEquals(0, config.nodeId());
    }

    @Test
    void shouldReadSystemPropertyOverrides()
    {
        System.setProperty(DsmConfig.HEAP_SIZE_PROP_NAME, "32m");
        System.setProperty(DsmConfig.OPERATION_TIMEOUT_PROP_NAME, "250ms");
        System.setProperty(DsmConfig.START_TIMEOUT_PROP_NAME, "45s");
        System.setProperty(DsmConfig.PEER_TIMEOUT_PROP_NAME, "200ms");
        System.setProperty(DsmConfig.MEMBERS_PROP_NAME, "h0:1, h1:2");
        try
        {
            final DsmConfig config = new DsmConfig().nodeCount(2);
            assertEquals(32L * 1024 * 1024, config.heapSize());
            assertEquals(TimeUnit.MILLISECONDS.toNanos(250), config.operationTimeoutNs());
            assertEquals(TimeUnit.SECONDS.toNanos(45), config.startTimeoutNs());
            assertEquals(TimeUnit.MILLISECONDS.toNanos(200), config.peerTimeoutNs());
            assertEquals(List.of("h0:1", "h1:2"), config.members());
        }
        finally
        {
            System.clearProperty(DsmConfig.HEAP_SIZE_PROP_NAME);
            System.clearProperty(DsmConfig.OPERATION_TIMEOUT_PROP_NAME);
            System.clearProperty(DsmConfig.START_TIMEOUT_PROP_NAME);
            System.clearProperty(DsmConfig.PEER_TIMEOUT_PROP_NAME);
            System.clearProperty(DsmConfig.MEMBERS_PROP_NAME);
        }
    }

    private static String propertyRejection(final String property, final String value)
    {
        final String previous = System.getProperty(property);
        System.setProperty(property, value);
        try
        {
            final DsmConfig config = new DsmConfig();
            return assertThrows(ConfigurationException.class, config::conclude).getMessage();
        }
        finally
        {
            if (null == previous)
            {
                System.clearProperty(property);
            }
            else
            {
                System.setProperty(property, previous);
            }
        }
    }

    @Test
    void shouldNameEachPropertyThatIsNotANumber()
    {
        assertEquals("jdsm.node.count=abc is not an integer", propertyRejection(DsmConfig.NODE_COUNT_PROP_NAME, "abc"));
        assertEquals("jdsm.node.id=abc is not an integer", propertyRejection(DsmConfig.NODE_ID_PROP_NAME, "abc"));
        assertEquals("jdsm.worker.threads=lots is not an integer",
            propertyRejection(DsmConfig.WORKER_THREADS_PROP_NAME, "lots"));
        assertEquals("jdsm.worker.threads= is not an integer",
            propertyRejection(DsmConfig.WORKER_THREADS_PROP_NAME, ""));

        final String sizeRule = " is not a size: a number of bytes with an optional unit k, m or g, e.g. 64m";
        assertEquals("jdsm.heap.size=abc" + sizeRule, propertyRejection(DsmConfig.HEAP_SIZE_PROP_NAME, "abc"));
        assertEquals("jdsm.heap.size=-128m" + sizeRule, propertyRejection(DsmConfig.HEAP_SIZE_PROP_NAME, "-128m"));
        assertEquals("jdsm.heap.size=" + sizeRule, propertyRejection(DsmConfig.HEAP_SIZE_PROP_NAME, ""));
        assertEquals("jdsm.cache.size=16q" + sizeRule, propertyRejection(DsmConfig.CACHE_SIZE_PROP_NAME, "16q"));
        assertEquals("jdsm.object.max.size=4g" + sizeRule + ", at most 2147483647",
            propertyRejection(DsmConfig.MAX_OBJECT_SIZE_PROP_NAME, "4g"));

        final String durationRule = " is not a duration: a number with a unit ns, us, ms or s, e.g. 10s";
        assertEquals("jdsm.operation.timeout=-1" + durationRule,
            propertyRejection(DsmConfig.OPERATION_TIMEOUT_PROP_NAME, "-1"));
        assertEquals("jdsm.start.timeout=30 seconds" + durationRule,
            propertyRejection(DsmConfig.START_TIMEOUT_PROP_NAME, "30 seconds"));
        assertEquals("jdsm.heartbeat.interval=-100ms" + durationRule,
            propertyRejection(DsmConfig.HEARTBEAT_INTERVAL_PROP_NAME, "-100ms"));
        assertEquals("jdsm.peer.timeout=5m" + durationRule, propertyRejection(DsmConfig.PEER_TIMEOUT_PROP_NAME, "5m"));
        assertEquals("jdsm.cell.lease=-1ms" + durationRule, propertyRejection(DsmConfig.CELL_LEASE_PROP_NAME, "-1ms"));
    }

    @Test
    void shouldBoundTheCellLeaseNamingTheProperty()
    {
        final String rule = " (jdsm.cell.lease) must be >= 0, <= 1000000000 and < operationTimeoutNs=";
        assertRejected("cellLeaseNs=-1" + rule + "10000000000", (c) -> c.cellLeaseNs(-1));
        assertRejected("cellLeaseNs=2000000000" + rule + "10000000000", (c) -> c.cellLeaseNs(2_000_000_000L));
        assertRejected("cellLeaseNs=500000000" + rule + "500000000",
            (c) -> c.operationTimeoutNs(500_000_000L).heartbeatIntervalNs(100_000_000L).peerTimeoutNs(400_000_000L)
                .cellLeaseNs(500_000_000L));
        assertEquals(0, new DsmConfig().conclude().cellLeaseNs(), "no lease by default");
        assertEquals(100_000_000L, new DsmConfig().cellLeaseNs(100_000_000L).conclude().cellLeaseNs());
    }

    @Test
    void shouldLetSetterOverrideBadProperty()
    {
        System.setProperty(DsmConfig.HEAP_SIZE_PROP_NAME, "abc");
        System.setProperty(DsmConfig.NODE_COUNT_PROP_NAME, "two");
        try
        {
            final DsmConfig config = new DsmConfig().heapSize(32L << 20);
            assertEquals("jdsm.node.count=two is not an integer",
                assertThrows(ConfigurationException.class, config.copy()::conclude).getMessage());
            config.nodeCount(2).transport("aeron").conclude();
            assertEquals(32L << 20, config.heapSize());
            assertEquals(2, config.nodeCount());
        }
        finally
        {
            System.clearProperty(DsmConfig.HEAP_SIZE_PROP_NAME);
            System.clearProperty(DsmConfig.NODE_COUNT_PROP_NAME);
        }
    }

    @Test
    void shouldRejectNegativeSettings()
    {
        assertRejected("heapSize=-134217728 must be in [65536, 1099511627776]", (c) -> c.heapSize(-128L << 20));
        assertRejected("cacheSize=-1 must be in [65536, 1099511627776]", (c) -> c.cacheSize(-1));
        assertRejected("maxObjectSize=-64 must be in [64, 1073741824]", (c) -> c.maxObjectSize(-64));
        assertRejected("operationTimeoutNs=-1 (jdsm.operation.timeout) must be > 0 and <= 86400000000000 (1 day): " +
            "deadlines are System.nanoTime() + the timeout", (c) -> c.operationTimeoutNs(-1));
        assertRejected("heartbeatIntervalNs=-1 must be > 0 and < operationTimeoutNs=10000000000",
            (c) -> c.heartbeatIntervalNs(-1));
        assertRejected("peerTimeoutNs=-1 (jdsm.peer.timeout) must be > 0 and <= 86400000000000 (1 day): " +
            "deadlines are System.nanoTime() + the timeout", (c) -> c.peerTimeoutNs(-1));
        assertRejected("workerThreads=-2 must be in [1, 1024]", (c) -> c.workerThreads(-2));
    }

    @Test
    void shouldReadTaskAllowedPackages()
    {
        assertEquals(List.of(), new DsmConfig().conclude().taskAllowedPackages());
        System.setProperty(DsmConfig.TASK_ALLOWED_PACKAGES_PROP_NAME, "com.acme., org.example.model ,");
        try
        {
            assertEquals(List.of("com.acme.", "org.example.model"), new DsmConfig().conclude().taskAllowedPackages());
        }
        finally
        {
            System.clearProperty(DsmConfig.TASK_ALLOWED_PACKAGES_PROP_NAME);
        }
        assertEquals(List.of("io.x."), new DsmConfig().taskAllowedPackages(List.of("io.x.")).conclude()
            .taskAllowedPackages());
    }

    @Test
    void shouldRefuseAnAllowedPackageThatIsEmptyTooBroadOrTheJdks()
    {
        for (final String prefix : java.util.Arrays.asList("", " ", "com", "com.", ".acme.", "com..acme", null))
        {
            final ConfigurationException ex = assertThrows(ConfigurationException.class,
                () -> new DsmConfig().taskAllowedPackages(java.util.Arrays.asList("io.x.", prefix)).conclude());
            assertEquals("jdsm.task.allowed.packages entry " + (null == prefix ? "null" : "\"" + prefix + "\"") +
                " must be a package of two names or more, e.g. com.acme.: a prefix allows every class whose name " +
                "starts with it", ex.getMessage());
        }
        for (final String prefix : List.of("java.util.", "javax.naming", "com.sun.rowset.", "com.s", "sun.misc"))
        {
            final ConfigurationException ex = assertThrows(ConfigurationException.class,
                () -> new DsmConfig().taskAllowedPackages(List.of(prefix)).conclude());
            assertTrue(ex.getMessage().startsWith("jdsm.task.allowed.packages entry \"" + prefix + "\" would allow " +
                "the JDK's "), ex.getMessage());
        }
        assertEquals(List.of("com.acme", "org.example.model.", "io.x1_$.y"),
            new DsmConfig().taskAllowedPackages(List.of("com.acme", "org.example.model.", "io.x1_$.y")).conclude()
            .taskAllowedPackages());
    }

    @Test
    void shouldRefuseATimeoutWhoseDeadlineWouldOverflow()
    {
        assertEquals("operationTimeoutNs=" + Long.MAX_VALUE + " (jdsm.operation.timeout) must be > 0 and <= " +
            DsmConfig.MAX_TIMEOUT_NS + " (1 day): deadlines are System.nanoTime() + the timeout",
            assertThrows(ConfigurationException.class,
            () -> new DsmConfig().operationTimeoutNs(Long.MAX_VALUE).conclude()).getMessage());
        assertTrue(assertThrows(ConfigurationException.class,
            () -> new DsmConfig().startTimeoutNs(DsmConfig.MAX_TIMEOUT_NS + 1).conclude()).getMessage()
            .startsWith("startTimeoutNs=" + (DsmConfig.MAX_TIMEOUT_NS + 1) + " (jdsm.start.timeout) must be > 0"));
        assertTrue(assertThrows(ConfigurationException.class,
            () -> new DsmConfig().peerTimeoutNs(Long.MAX_VALUE).conclude()).getMessage()
            .startsWith("peerTimeoutNs=" + Long.MAX_VALUE + " (jdsm.peer.timeout) must be > 0"));
        final DsmConfig longest = new DsmConfig().operationTimeoutNs(DsmConfig.MAX_TIMEOUT_NS)
            .startTimeoutNs(DsmConfig.MAX_TIMEOUT_NS).peerTimeoutNs(DsmConfig.MAX_TIMEOUT_NS).conclude();
        assertEquals(DsmConfig.MAX_TIMEOUT_NS, longest.operationTimeoutNs());
    }

    @Test
    void shouldCountTheRoundedSlotsOfAReplicatedRegionAgainstTheDirectMemory()
    {
        // a slice just over a power of two whose three slices fit the direct memory (4g in this module's tests)
        // and whose three slots, each rounded up to the next power of two or whole GiB, do not
        final long directBytes = DsmConfig.maxDirectMemory();
        final long cacheBytes = 64L << 10;
        long slice = 0;
        for (long power = 1L << 20; power < directBytes; power <<= 1)
        {
            if (3 * (power + 8) + cacheBytes <= directBytes &&
                DsmConfig.regionSize(power + 8, 1) + cacheBytes > directBytes)
            {
                slice = power + 8;
            }
        }
        assumeTrue(slice > 0, "no slice fits this JVM's direct memory only when unrounded: " + directBytes);
        final long heapSize = slice;
        final ConfigurationException ex = assertThrows(ConfigurationException.class, () -> new DsmConfig()
            .nodeCount(2).transport("aeron").replicas(1).heapSize(heapSize).cacheSize(cacheBytes)
            .maxObjectSize(16 << 10).conclude());
        assertTrue(ex.getMessage().startsWith("jdsm.heap.size=" + slice + " in (1 + 2 * jdsm.replicas=1) slots of " +
            DsmConfig.slotStride(slice, DsmConfig.REGION_SEGMENT_LENGTH) + " bytes"), ex.getMessage());
        assertTrue(DsmConfig.slotStride(slice, DsmConfig.REGION_SEGMENT_LENGTH) > slice + (slice >> 2));
        assertTrue(ex.getMessage().contains("is more direct memory than this JVM may reserve"), ex.getMessage());
    }

    @Test
    void shouldReadCountersDirectoryAndErrorVerbosity()
    {
        final DsmConfig defaults = new DsmConfig().conclude();
        assertEquals(org.jdsm.spi.CountersFile.defaultDirectory(), defaults.countersDir());
        assertEquals(false, defaults.errorVerbose());
        assertEquals(org.jdsm.spi.DistinctErrorPrinter.class, defaults.errorHandler().getClass());
        System.setProperty(DsmConfig.COUNTERS_DIR_PROP_NAME, "/var/tmp/counters");
        System.setProperty(DsmConfig.ERROR_VERBOSE_PROP_NAME, "true");
        try
        {
            final DsmConfig config = new DsmConfig().conclude();
            assertEquals("/var/tmp/counters", config.countersDir());
            assertEquals(true, config.errorVerbose());
        }
        finally
        {
            System.clearProperty(DsmConfig.COUNTERS_DIR_PROP_NAME);
            System.clearProperty(DsmConfig.ERROR_VERBOSE_PROP_NAME);
        }
        assertRejected("jdsm.counters.dir=\" \" must name a directory", (c) -> c.countersDir(" "));
        System.setProperty(DsmConfig.ERROR_VERBOSE_PROP_NAME, "yes");
        try
        {
            assertRejected("jdsm.error.verbose=yes is not true or false", (c) -> { });
            assertEquals(true, new DsmConfig().errorVerbose(true).conclude().errorVerbose(), "a setter overrides it");
        }
        finally
        {
            System.clearProperty(DsmConfig.ERROR_VERBOSE_PROP_NAME);
        }
    }

    @Test
    void shouldFailStartNamingMissingTransport()
    {
        final DsmConfig config = new DsmConfig().transport("carrier-pigeon");
        final ConfigurationException ex = assertThrows(ConfigurationException.class, () -> Dsm.start(config));
        assertEquals("no jdsm engine on the class path: add the org.jdsm:jdsm-coherence artifact", ex.getMessage());
    }

    @Test
    void shouldTakeTheTransportsNameFromAGivenProviderAndKeepItInACopy()
    {
        final TransportProvider provider = new TransportProvider()
        {
            public String name()
            {
                return "given";
            }

            public Transport newTransport(final TransportContext context)
            {
                throw new UnsupportedOperationException();
            }
        };
        final DsmConfig config = new DsmConfig().transportProvider(provider);

        assertEquals("given", config.transport());
        assertSame(provider, config.copy().transportProvider());
        assertEquals(null, config.copy().transport("aeron").transportProvider(), "a name chosen later wins");
    }
}
