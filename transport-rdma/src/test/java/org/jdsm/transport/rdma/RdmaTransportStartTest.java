package org.jdsm.transport.rdma;

import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.DsmConfig;
import org.jdsm.spi.HeapRegion;
import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;
import org.jdsm.spi.TransportProvider;
import org.jdsm.simulator.contract.BufferHeapRegion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class RdmaTransportStartTest
{
    static DsmConfig config()
    {
        return new DsmConfig().nodeId(0).nodeCount(2).transport(RdmaTransportProvider.NAME)
            .members(List.of("127.0.0.1:7001", "127.0.0.1:7002")).conclude();
    }

    @Test
    void shouldBeFoundByNameThroughServiceLoader()
    {
        assertInstanceOf(RdmaTransportProvider.class, TransportProvider.find("rdma"));
    }

    @Test
    @Timeout(10)
    void shouldFailAtOnceWithTheInstallAdviceWhenStartingOnThisMachine()
    {
        assumeFalse(new File(RdmaEnvironment.DEVICES_DIR).isDirectory(), "this machine has RDMA devices");
        final HeapRegion heap = new BufferHeapRegion(64 * 1024);
        final Transport transport = TransportProvider.find("rdma")
            .newTransport(new TransportContext(config(), heap, (source, buffer, offset, length) -> {}));

        final long startNs = System.nanoTime();
        final RdmaUnavailableException ex = assertThrows(RdmaUnavailableException.class, transport::start);
        final long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;

        assertEquals(RdmaEnvironmentTest.expectedMessageWithoutDeviceAndLibrary(
            "no disni in java.library.path: " + System.getProperty("java.library.path")), ex.getMessage());
        assertTrue(elapsedMs < 2_000, "start failed after " + elapsedMs + " ms");
        transport.close();
    }

    @Test
    void shouldRequireMembers()
    {
        final DsmConfig config = new DsmConfig().nodeId(0).nodeCount(2).transport("rdma").conclude();
        final org.jdsm.ConfigurationException ex = assertThrows(org.jdsm.ConfigurationException.class,
            () -> new RdmaTransport(new TransportContext(config, new BufferHeapRegion(1024), (s, b, o, l) -> {})));

        assertEquals("transport=rdma needs members: one host:port per node, has 0 for nodeCount=2", ex.getMessage());
    }

    @Test
    void shouldRejectHeapSegmentsThatDoNotCoverTheHeap()
    {
        final DsmConfig config = config().copy().conclude();
        final RdmaTransportContext settings = new RdmaTransportContext()
            .heapSegments(new java.nio.ByteBuffer[]{ java.nio.ByteBuffer.allocateDirect(4096) });
        final org.jdsm.ConfigurationException ex = assertThrows(org.jdsm.ConfigurationException.class,
            () -> new RdmaTransportProvider(settings)
                .newTransport(new TransportContext(config, new BufferHeapRegion(8192), (s, b, o, l) -> {})));

        assertEquals("heapSegments cover 4096 bytes != heap capacity 8192", ex.getMessage());
    }

    @Test
    void shouldTakeRdmaSettingsFromTransportOptions()
    {
        final DsmConfig config = config().copy()
            .transportOption("jdsm.rdma.buffer.size", "16k")
            .transportOption("jdsm.rdma.connect.timeout", "5s")
            .conclude();
        final RdmaTransport transport = new RdmaTransport(
            new TransportContext(config, new BufferHeapRegion(1024), (s, b, o, l) -> {}));

        assertEquals(16 * 1024 - RdmaFrameDescriptor.HEADER_LENGTH, transport.maxMessageLength());
        assertEquals(5_000_000_000L, transport.context().connectTimeoutNs());
        assertEquals(0, transport.unknownCompletionCount());
        new UnsafeBuffer(new byte[1]);
    }
}
