package org.jdsm.coherence;

import org.jdsm.DsmConfig;
import org.jdsm.simulator.SimulatedNetwork;
import org.jdsm.simulator.SimulatedTransport;
import org.jdsm.spi.TransportContext;

/**
 * One heap of a node of one per jcstress JVM, shared by every state of the tests that need handles: an
 * {@link EngineHeap} built without a node ({@link EngineHeap#withoutNode}), so no cluster, workers or agent
 * threads start; its simulated transport is never started, as every address it allocates is local. States
 * allocate their own objects in it and free them in their arbiter.
 * <p>
 * <b>Note:</b> threadsafe: the heap is.
 */
final class JcstressEngine
{
    /** The shared heap, made on first use. */
    static final EngineHeap HEAP = newHeap();

    private JcstressEngine()
    {
    }

    private static EngineHeap newHeap()
    {
        final SimulatedNetwork network = new SimulatedNetwork(new SimulatedNetwork.Context().seed(1));
        final DsmConfig config = new DsmConfig()
            .nodeId(0)
            .nodeCount(1)
            .transport("simulated")
            .heapSize(32L * 1024 * 1024)
            .cacheSize(1024 * 1024)
            .maxObjectSize(4096)
            .workerThreads(1)
            .transportOption(SimulatedTransport.NETWORK_OPTION, network)
            .conclude();
        final HeapSlice heap = new HeapSlice(config.heapSize());
        final SimulatedTransport transport = new SimulatedTransport(
            new TransportContext(config, heap, (source, buffer, offset, length) -> {}));

        return EngineHeap.withoutNode(config, heap, transport);
    }
}
