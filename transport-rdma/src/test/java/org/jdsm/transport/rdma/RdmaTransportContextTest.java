package org.jdsm.transport.rdma;

import org.jdsm.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RdmaTransportContextTest
{
    private static String failure(final RdmaTransportContext ctx)
    {
        return assertThrows(ConfigurationException.class, ctx::conclude).getMessage();
    }

    @Test
    void shouldHaveDocumentedDefaults()
    {
        assertEquals("RdmaTransportContext{queueDepth=256, maxInFlight=64, readDepth=16, maxInline=64, " +
            "signalInterval=16, cqSize=1024, receiveBuffers=128, bufferSize=65536, sendBuffers=64, " +
            "stagingSize=65536, connectTimeoutNs=30000000000, pollBatch=16, atomicReplyBigEndian=false}",
            new RdmaTransportContext().conclude().toString());
    }

    @Test
    void shouldNameEachBadSetting()
    {
        assertEquals("queueDepth=100 < sendBuffers=64 + maxInFlight=64: the send queue could overflow",
            failure(new RdmaTransportContext().queueDepth(100)));
        assertEquals("cqSize=300 < queueDepth=256 + receiveBuffers=128: the completion queue could overflow",
            failure(new RdmaTransportContext().cqSize(300)));
        assertEquals("signalInterval=65 must be in [1, 64]", failure(new RdmaTransportContext().signalInterval(65)));
        assertEquals("readDepth=0 must be in [1, 255]", failure(new RdmaTransportContext().readDepth(0)));
        assertEquals("maxInline=2048 must be in [0, 1024]", failure(new RdmaTransportContext().maxInline(2048)));
        assertEquals("receiveBuffers=1 must be in [2, 65536]",
            failure(new RdmaTransportContext().receiveBuffers(1)));
        assertEquals("bufferSize=100 must be in [304, 16777216]", failure(new RdmaTransportContext().bufferSize(100)));
        assertEquals("bufferSize=1001 must be a multiple of 8", failure(new RdmaTransportContext().bufferSize(1001)));
        assertEquals("stagingSize=100 must be a multiple of 64", failure(new RdmaTransportContext().stagingSize(100)));
        assertEquals("connectTimeoutNs=0 must be > 0 and <= 86400000000000 (1 day)",
            failure(new RdmaTransportContext().connectTimeoutNs(0)));
        assertEquals("connectTimeoutNs=9223372036854775807 must be > 0 and <= 86400000000000 (1 day)",
            failure(new RdmaTransportContext().connectTimeoutNs(Long.MAX_VALUE)));
        assertEquals("pollBatch=0 must be in [1, 1024]", failure(new RdmaTransportContext().pollBatch(0)));
        assertEquals("maxInFlight=0 must be in [1, 65536]", failure(new RdmaTransportContext().maxInFlight(0)));
    }

    @Test
    void shouldApplyOptionsAndRejectUnknownOnes()
    {
        final RdmaTransportContext ctx = new RdmaTransportContext()
            .options(Map.of("jdsm.rdma.staging.size", "128k", "jdsm.rdma.signal.interval", 8, "other", "x"))
            .conclude();
        assertEquals(128 * 1024, ctx.stagingSize());
        assertEquals(8, ctx.signalInterval());

        final String known = "known: jdsm.rdma.queue.depth, " +
            "jdsm.rdma.max.in.flight, jdsm.rdma.read.depth, jdsm.rdma.max.inline, jdsm.rdma.signal.interval, " +
            "jdsm.rdma.cq.size, jdsm.rdma.receive.buffers, jdsm.rdma.buffer.size, jdsm.rdma.send.buffers, " +
            "jdsm.rdma.staging.size, jdsm.rdma.connect.timeout, jdsm.rdma.poll.batch, " +
            "jdsm.rdma.atomic.reply.big.endian";
        assertEquals("transport option jdsm.rdma.x unknown; " + known,
            assertThrows(ConfigurationException.class, () -> new RdmaTransportContext()
                .options(Map.of("jdsm.rdma.x", "1"))).getMessage());
        assertEquals("transport option jdsm.rdma.queue.dept unknown, did you mean jdsm.rdma.queue.depth?; known: " +
            "jdsm.rdma.queue.depth, " +
            "jdsm.rdma.max.in.flight, jdsm.rdma.read.depth, jdsm.rdma.max.inline, jdsm.rdma.signal.interval, " +
            "jdsm.rdma.cq.size, jdsm.rdma.receive.buffers, jdsm.rdma.buffer.size, jdsm.rdma.send.buffers, " +
            "jdsm.rdma.staging.size, jdsm.rdma.connect.timeout, jdsm.rdma.poll.batch, " +
            "jdsm.rdma.atomic.reply.big.endian",
            assertThrows(ConfigurationException.class, () -> new RdmaTransportContext()
                .options(Map.of("jdsm.rdma.queue.dept", "1"))).getMessage());
        assertEquals("jdsm.rdma.cq.size=lots is not an integer",
            assertThrows(ConfigurationException.class, () -> new RdmaTransportContext()
                .options(Map.of("jdsm.rdma.cq.size", "lots"))).getMessage());
    }

    @Test
    void shouldNameAMalformedSettingInsteadOfGuessingIt()
    {
        // a byte order is not guessed: "yes" is not read as false
        assertEquals("jdsm.rdma.atomic.reply.big.endian=yes must be true or false",
            assertThrows(ConfigurationException.class, () -> new RdmaTransportContext()
                .options(Map.of("jdsm.rdma.atomic.reply.big.endian", "yes"))).getMessage());
        assertEquals(true, new RdmaTransportContext().options(Map.of("jdsm.rdma.atomic.reply.big.endian", "true"))
            .atomicReplyBigEndian());
        assertEquals("jdsm.rdma.staging.size= is not a size such as 4k, 1m or 2g", assertThrows(
            ConfigurationException.class,
            () -> new RdmaTransportContext().options(Map.of("jdsm.rdma.staging.size", ""))).getMessage());
        assertEquals("jdsm.rdma.buffer.size=3g must be in [0, 2147483647] bytes", assertThrows(
            ConfigurationException.class,
            () -> new RdmaTransportContext().options(Map.of("jdsm.rdma.buffer.size", "3g"))).getMessage());
        assertEquals("jdsm.rdma.connect.timeout=s is not a duration such as 10s, 500ms or 100us", assertThrows(
            ConfigurationException.class,
            () -> new RdmaTransportContext().options(Map.of("jdsm.rdma.connect.timeout", "s"))).getMessage());

        // the system properties a context starts from, which were read with silent defaults
        System.setProperty("jdsm.rdma.queue.depth", "1k");
        try
        {
            assertEquals("jdsm.rdma.queue.depth=1k is not an integer",
                assertThrows(ConfigurationException.class, RdmaTransportContext::new).getMessage());
        }
        finally
        {
            System.clearProperty("jdsm.rdma.queue.depth");
        }
        System.setProperty("jdsm.rdma.atomic.reply.big.endian", "on");
        try
        {
            assertEquals("jdsm.rdma.atomic.reply.big.endian=on must be true or false",
                assertThrows(ConfigurationException.class, RdmaTransportContext::new).getMessage());
        }
        finally
        {
            System.clearProperty("jdsm.rdma.atomic.reply.big.endian");
        }
    }
}
