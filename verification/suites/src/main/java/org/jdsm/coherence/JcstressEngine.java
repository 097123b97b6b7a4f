package org.jdsm.coherence;

import org.jdsm.DsmConfig;
import org.jdsm.simulator.SimulatedNetwork;
import org.jdsm.simulator.SimulatedTransport;
import org.jdsm.spi.TransportContext;

/**
 * One heap of a node of one per jcstress JVM, shared by every state of the tests that need handles: an
 * {@link EngineHeap} built without a node ({@link EngineHeap#withoutNode}), so no cluster is joined and no worker,
 * agent or completion thread starts; its simulated transport is never started, as every address it allocates is
 * local. States allocate their own objects in it and free them in their arbiter.
 * <p>
 * <b>Note:</b> threadsafe: the heap is.
 */
final class JcstressEngine
{
    /** The shared heap, made on first use and left to die with the JVM. */
    static final EngineHeap HEAP = start();

    private JcstressEngine()
    {
    }

    /**
     * Make the heap from a daemon thread: the simulated network's delivery thread inherits its daemon status, so
     * the forked jcstress JVM can exit when its tests are done (the network is never closed).
     */
    private static EngineHeap start()
    {
        // a nested class, not a lambda: a lambda's body is a method of this class, which the starter thread could
        // not run until this class's initialisation, waiting for the starter, had finished
        final Starter start = new Starter();
        final Thread starter = new Thread(start, "jcstress-engine-starter");
        starter.setDaemon(true);
        starter.start();
        try
        {
            starter.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the shared heap", ex);
        }
        if (null == start.heap)
        {
            throw new IllegalStateException("the shared heap was not made", start.failure);
        }

        return start.heap;
    }

    private static final class Starter implements Runnable
    {
        EngineHeap heap;
        RuntimeException failure;

        public void run()
        {
            try
            {
                heap = newHeap();
            }
            catch (final RuntimeException ex)
            {
                failure = ex;
            }
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
                .conclude();
            final HeapSlice heap = new HeapSlice(config.heapSize()).pointsToBlocksOf(config.nodeId());
            final SimulatedTransport transport = new SimulatedTransport(
                new TransportContext(config, heap, (source, buffer, offset, length) -> {}), network);

            return EngineHeap.withoutNode(config, heap, transport);
        }
    }
}
