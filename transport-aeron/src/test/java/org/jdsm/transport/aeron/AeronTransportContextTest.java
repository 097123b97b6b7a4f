package org.jdsm.transport.aeron;

import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;
import org.jdsm.simulator.contract.BufferHeapRegion;
import org.jdsm.spi.TransportContext;
import org.jdsm.spi.TransportProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class AeronTransportContextTest
{
    private static DsmConfig loopbackConfig()
    {
        return new DsmConfig().nodeId(0).nodeCount(2).transport("aeron")
            .members(Arrays.asList("127.0.0.1:40101", "localhost:40102")).conclude();
    }

    private static String concludeFailure(final DsmConfig config, final Consumer<AeronTransportContext> setup)
    {
        final AeronTransportContext ctx = new AeronTransportContext();
        setup.accept(ctx);
        return assertThrows(ConfigurationException.class, () -> ctx.conclude(config)).getMessage();
    }

    @Test
    void shouldDefaultToUdpWithMembersAndIpcWithout()
    {
        final AeronTransportContext udp = new AeronTransportContext().conclude(loopbackConfig());
        assertFalse(udp.isIpc());
        assertEquals(8192, udp.mtuLength());
        assertEquals(4 * 1024 * 1024, udp.termLength());
        assertEquals("backoff", udp.idleStrategy());
        assertEquals(100_000L, udp.idleMaxParkNs());
        assertTrue(udp.callerDrives());
        assertEquals("embedded", udp.driver());

        final AeronTransportContext ipc = new AeronTransportContext()
            .conclude(new DsmConfig().nodeCount(3).transport("aeron").conclude());
        assertTrue(ipc.isIpc());
    }

    @Test
    void shouldDeriveAeronLivenessFromThePeerTimeout()
    {
        assertEquals(TimeUnit.SECONDS.toNanos(10), new AeronTransportContext().conclude(loopbackConfig())
            .aeronLivenessTimeoutNs(), "twice the default 5 s peer timeout");
        final DsmConfig slow = new DsmConfig().nodeCount(2).transport("aeron")
            .members(Arrays.asList("127.0.0.1:40101", "localhost:40102"))
            .peerTimeoutNs(TimeUnit.SECONDS.toNanos(20)).operationTimeoutNs(TimeUnit.SECONDS.toNanos(30)).conclude();
        assertEquals(TimeUnit.SECONDS.toNanos(40), new AeronTransportContext().conclude(slow).aeronLivenessTimeoutNs());
        final DsmConfig capped = new DsmConfig().nodeCount(2).transport("aeron")
            .members(Arrays.asList("127.0.0.1:40101", "localhost:40102"))
            .peerTimeoutNs(TimeUnit.SECONDS.toNanos(20)).conclude();
        assertEquals(TimeUnit.SECONDS.toNanos(20), new AeronTransportContext().conclude(capped)
            .aeronLivenessTimeoutNs(), "the peer timeout is capped by the 10 s operation timeout");
        final DsmConfig fast = new DsmConfig().nodeCount(2).transport("aeron")
            .members(Arrays.asList("127.0.0.1:40101", "localhost:40102"))
            .peerTimeoutNs(TimeUnit.SECONDS.toNanos(1)).conclude();
        assertEquals(TimeUnit.SECONDS.toNanos(10), new AeronTransportContext().conclude(fast).aeronLivenessTimeoutNs(),
            "never below Aeron's 10 s");
    }

    @Test
    void shouldReadTransportOptions()
    {
        final DsmConfig config = new DsmConfig().nodeCount(2).transport("aeron")
            .members(Arrays.asList("127.0.0.1:40101", "127.0.0.1:40102"))
            .transportOption(AeronTransportContext.Configuration.CHANNEL_PROP_NAME, "ipc")
            .transportOption(AeronTransportContext.Configuration.MTU_LENGTH_PROP_NAME, "65504")
            .transportOption(AeronTransportContext.Configuration.TERM_LENGTH_PROP_NAME, "16m")
            .transportOption(AeronTransportContext.Configuration.IDLE_STRATEGY_PROP_NAME, "yield")
            .transportOption(AeronTransportContext.Configuration.IDLE_MAX_PARK_PROP_NAME, "1ms")
            .transportOption(AeronTransportContext.Configuration.STREAM_ID_PROP_NAME, 77)
            .transportOption(AeronTransportContext.Configuration.CALLER_DRIVES_PROP_NAME, "false")
            .conclude();
        final AeronTransportContext ctx = AeronTransportContext.fromOptions(config).conclude(config);

        assertTrue(ctx.isIpc());
        assertEquals(65504, ctx.mtuLength());
        assertEquals(16 * 1024 * 1024, ctx.termLength());
        assertEquals("yield", ctx.idleStrategy());
        assertEquals(1_000_000L, ctx.idleMaxParkNs());
        assertEquals(77, ctx.streamId());
        assertFalse(ctx.callerDrives());
    }

    @Test
    void shouldRejectCallerDrivesOtherThanTrueOrFalse()
    {
        final DsmConfig config = new DsmConfig().nodeCount(1)
            .transportOption(AeronTransportContext.Configuration.CALLER_DRIVES_PROP_NAME, "yes").conclude();
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> AeronTransportContext.fromOptions(config).conclude(config));
        assertEquals("callerDrives=yes must be one of [true, false]", ex.getMessage());
    }

    @Test
    void shouldNameBadSizePropertyWithWholeValue()
    {
        final String rule = " is not a size: a number of bytes with an optional unit k, m or g, e.g. 8k, at most " +
            Integer.MAX_VALUE;
        System.setProperty(AeronTransportContext.Configuration.MTU_LENGTH_PROP_NAME, "banana");
        try
        {
            assertEquals("jdsm.aeron.mtu=banana" + rule,
                assertThrows(ConfigurationException.class, AeronTransportContext::new).getMessage());
        }
        finally
        {
            System.clearProperty(AeronTransportContext.Configuration.MTU_LENGTH_PROP_NAME);
        }
        System.setProperty(AeronTransportContext.Configuration.TERM_LENGTH_PROP_NAME, "-4m");
        try
        {
            assertEquals("jdsm.aeron.term.length=-4m" + rule,
                assertThrows(ConfigurationException.class, AeronTransportContext::new).getMessage());
        }
        finally
        {
            System.clearProperty(AeronTransportContext.Configuration.TERM_LENGTH_PROP_NAME);
        }

        final DsmConfig options = new DsmConfig().transport("aeron")
            .transportOption(AeronTransportContext.Configuration.MTU_LENGTH_PROP_NAME, "banana").conclude();
        assertEquals("jdsm.aeron.mtu=banana" + rule, assertThrows(ConfigurationException.class,
            () -> AeronTransportContext.fromOptions(options)).getMessage());
        final DsmConfig typo = new DsmConfig().transport("aeron").transportOption("jdsm.aeron.mtuu", "8k")
            .transportOption("jdsm.other.setting", "kept").conclude();
        assertEquals("transport option jdsm.aeron.mtuu unknown, did you mean jdsm.aeron.mtu?; known: " +
            String.join(", ", AeronTransportContext.Configuration.PROPERTY_NAMES),
            assertThrows(ConfigurationException.class, () -> AeronTransportContext.fromOptions(typo)).getMessage());
        final DsmConfig unrelated = new DsmConfig().transport("aeron").transportOption("jdsm.aeron.window", "1")
            .conclude();
        assertTrue(assertThrows(ConfigurationException.class, () -> AeronTransportContext.fromOptions(unrelated))
            .getMessage().startsWith("transport option jdsm.aeron.window unknown; known: jdsm.aeron.channel, "));
        final DsmConfig tooLarge = new DsmConfig().transport("aeron")
            .transportOption(AeronTransportContext.Configuration.TERM_LENGTH_PROP_NAME, "4g").conclude();
        assertEquals("jdsm.aeron.term.length=4g" + rule, assertThrows(ConfigurationException.class,
            () -> AeronTransportContext.fromOptions(tooLarge)).getMessage());
    }

    @Test
    void shouldNameAMalformedStreamIdOrParkTimeInsteadOfTakingTheDefault()
    {
        System.setProperty(AeronTransportContext.Configuration.STREAM_ID_PROP_NAME, "abc");
        try
        {
            assertEquals("jdsm.aeron.stream.id=abc is not an integer",
                assertThrows(ConfigurationException.class, AeronTransportContext::new).getMessage());
        }
        finally
        {
            System.clearProperty(AeronTransportContext.Configuration.STREAM_ID_PROP_NAME);
        }
        System.setProperty(AeronTransportContext.Configuration.IDLE_MAX_PARK_PROP_NAME, "");
        try
        {
            assertEquals("jdsm.aeron.idle.max.park= is not a duration such as 10s, 500ms or 100us",
                assertThrows(ConfigurationException.class, AeronTransportContext::new).getMessage());
        }
        finally
        {
            System.clearProperty(AeronTransportContext.Configuration.IDLE_MAX_PARK_PROP_NAME);
        }
        final DsmConfig park = new DsmConfig().transport("aeron")
            .transportOption(AeronTransportContext.Configuration.IDLE_MAX_PARK_PROP_NAME, "ms").conclude();
        assertEquals("jdsm.aeron.idle.max.park=ms is not a duration such as 10s, 500ms or 100us", assertThrows(
            ConfigurationException.class, () -> AeronTransportContext.fromOptions(park)).getMessage());
        final DsmConfig stream = new DsmConfig().transport("aeron")
            .transportOption(AeronTransportContext.Configuration.STREAM_ID_PROP_NAME, "1.5").conclude();
        assertEquals("jdsm.aeron.stream.id=1.5 is not an integer", assertThrows(
            ConfigurationException.class, () -> AeronTransportContext.fromOptions(stream)).getMessage());
    }

    @Test
    void shouldNameEveryInvalidSetting()
    {
        final DsmConfig config = loopbackConfig();
        assertEquals("channel=tcp must be one of [auto, udp, ipc]",
            concludeFailure(config, (ctx) -> ctx.channel("tcp")));
        assertEquals("mtuLength=1000 must be a multiple of 32 in [64, 65504]",
            concludeFailure(config, (ctx) -> ctx.mtuLength(1000)));
        assertEquals("mtuLength=65536 must be a multiple of 32 in [64, 65504]",
            concludeFailure(config, (ctx) -> ctx.mtuLength(65536)));
        assertEquals("termLength=65536 must be a power of 2 in [524288, 1073741824]",
            concludeFailure(config, (ctx) -> ctx.termLength(65536)));
        assertEquals("termLength=3000000 must be a power of 2 in [524288, 1073741824]",
            concludeFailure(config, (ctx) -> ctx.termLength(3_000_000)));
        assertEquals("idleStrategy=spin must be one of [backoff, yield, sleep, busy-spin]",
            concludeFailure(config, (ctx) -> ctx.idleStrategy("spin")));
        assertEquals("idleMaxParkNs=10 must be in [1000, 1000000000]",
            concludeFailure(config, (ctx) -> ctx.idleMaxParkNs(10)));
        assertEquals("driver=remote must be one of [embedded, external]",
            concludeFailure(config, (ctx) -> ctx.driver("remote")));
        assertEquals("aeronDirectoryName=null must name the external media driver's directory (jdsm.aeron.dir) " +
            "when driver=external", concludeFailure(config, (ctx) -> ctx.driver("external").aeronDirectoryName(null)));
        assertEquals("streamId=0 must not be 0", concludeFailure(config, (ctx) -> ctx.streamId(0)));
    }

    @Test
    void shouldRequireMembersForUdp()
    {
        final DsmConfig config = new DsmConfig().nodeCount(2).transport("aeron").members(Collections.emptyList())
            .conclude();
        assertEquals("channel=udp needs members: one host:port per node (jdsm.members)",
            concludeFailure(config, (ctx) -> ctx.channel("udp")));
    }

    @Test
    void shouldRequireClusterSecretForUdpBetweenHosts()
    {
        final DsmConfig config = new DsmConfig().nodeCount(2).transport("aeron")
            .members(Arrays.asList("127.0.0.1:40101", "192.0.2.7:40102")).conclude();
        assertEquals("clusterSecret=unset must be set for channel=udp between hosts: members[1]=192.0.2.7:40102 is " +
            "not a loopback address", concludeFailure(config, (ctx) -> { }));

        final DsmConfig withSecret = new DsmConfig().nodeCount(2).transport("aeron").clusterSecret("s3cret-s3cret")
            .members(Arrays.asList("127.0.0.1:40101", "192.0.2.7:40102")).conclude();
        assertFalse(new AeronTransportContext().conclude(withSecret).isIpc());
    }

    @Test
    void shouldFailTransportConstructionWithTheSettingNamed()
    {
        final DsmConfig config = new DsmConfig().nodeCount(2).transport("aeron")
            .transportOption(AeronTransportContext.Configuration.TERM_LENGTH_PROP_NAME, "1k").conclude();
        final ConfigurationException ex = assertThrows(ConfigurationException.class, () -> new AeronTransport(
            new TransportContext(config, new BufferHeapRegion(1024), (source, buffer, offset, length) -> { })));
        assertEquals("termLength=1024 must be a power of 2 in [524288, 1073741824]", ex.getMessage());
    }

    @Test
    void shouldBeFoundByName()
    {
        final TransportProvider provider = TransportProvider.find("aeron");
        assertInstanceOf(AeronTransportProvider.class, provider);
        assertEquals("aeron", provider.name());
    }
}
