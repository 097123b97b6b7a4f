package org.jdsm.coherence;

import org.jdsm.BorrowException;
import org.jdsm.Codecs;
import org.jdsm.DsmConfig;
import org.jdsm.Mut;
import org.jdsm.Ref;
import org.jdsm.simulator.SimulatedNetwork;
import org.jdsm.simulator.SimulatedTransport;
import org.jdsm.simulator.SimulatedTransportProvider;
import org.jdsm.spi.TransportContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Handles built over an {@link EngineHeap} of a node of one, with no {@link Node}: no cluster joined, no worker,
 * agent or completion thread, the transport never started (its network is only there to be closed). What the
 * jcstress states use.
 */
class HandleWithoutNodeTest
{
    private final SimulatedNetwork network = new SimulatedNetwork(new SimulatedNetwork.Context());

    @AfterEach
    void closeNetwork()
    {
        network.close();
    }

    private EngineHeap heapOfOne()
    {
        final DsmConfig config = new DsmConfig()
            .nodeId(0)
            .nodeCount(1)
            .transport(SimulatedTransportProvider.NAME)
            .heapSize(1024 * 1024)
            .cacheSize(64 * 1024)
            .maxObjectSize(4096)
            .conclude();
        final HeapSlice heap = new HeapSlice(config.heapSize());
        return EngineHeap.withoutNode(config, heap,
            new SimulatedTransport(new TransportContext(config, heap, (source, buffer, offset, length) -> {}), network));
    }

    @Test
    void shouldReadWriteAndFreeABoxWithoutANodeOrItsThreads()
    {
        final EngineHeap heap = heapOfOne();
        final long freeBefore = heap.freeBytes();

        final BoxHandle<Long> box = heap.newBox(-1, Codecs.LONG, 7L);
        assertTrue(heap.isLocal(box.address()));
        assertTrue(heap.freeBytes() < freeBefore);
        try (Mut<Long> mut = box.write())
        {
            assertEquals(7L, mut.getLong());
            mut.setLong(8);
        }
        try (Ref<Long> ref = box.read())
        {
            assertEquals(8L, ref.getLong());
            assertThrows(BorrowException.class, box::write, "a writer while a reader is open");
        }
        box.close();

        assertEquals(freeBefore, heap.freeBytes());
        assertEquals(1, heap.liveCounters().snapshot().get(org.jdsm.NodeCounters.Counter.FREES));
    }

    @Test
    void shouldBuildAHandleOfAnAddressTheHeapAllocated()
    {
        final EngineHeap heap = heapOfOne();
        final long address = heap.allocate(8);
        heap.writeInitial(address, 8, Codecs.LONG, 42L);

        final BoxHandle<Long> box = new BoxHandle<>(heap, Codecs.LONG, address, 8);
        try (Ref<Long> ref = box.read())
        {
            assertEquals(42L, ref.getLong());
        }
        box.close();
    }
}
