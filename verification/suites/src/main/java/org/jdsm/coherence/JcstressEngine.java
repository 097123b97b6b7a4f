package org.jdsm.coherence;

import org.jdsm.DsmConfig;
import org.jdsm.simulator.SimulatedNetwork;
import org.jdsm.simulator.SimulatedTransport;

/**
 * One single-node engine per jcstress JVM, shared by every state of the tests that need a {@link Node} (a
 * {@link BoxHandle} asks its node whether an address is local): starting a node per state would cost more than the
 * race under test. States allocate their own objects in its heap and free them in their arbiter.
 * <p>
 * <b>Note:</b> threadsafe: the node is.
 */
final class JcstressEngine
{
    /** The shared node, started on first use and left to die with the JVM. */
    static final Node NODE = start();

    private JcstressEngine()
    {
    }

    /**
     * Start the network and the node from a daemon thread: the agent threads they start inherit its daemon status,
     * so the forked jcstress JVM can exit when its tests are done (the node is never closed).
     */
    private static Node start()
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
            throw new IllegalStateException("interrupted while starting the shared node", ex);
        }
        if (null == start.node)
        {
            throw new IllegalStateException("the shared node did not start", start.failure);
        }

        return start.node;
    }

    private static final class Starter implements Runnable
    {
        Node node;
        RuntimeException failure;

        public void run()
        {
            try
            {
                node = newNode();
            }
            catch (final RuntimeException ex)
            {
                failure = ex;
            }
        }

        private static Node newNode()
        {
            final SimulatedNetwork network = new SimulatedNetwork(new SimulatedNetwork.Context().seed(1));
            return new Node(new DsmConfig()
                .nodeId(0)
                .nodeCount(1)
                .transport("simulated")
                .heapSize(32L * 1024 * 1024)
                .cacheSize(1024 * 1024)
                .maxObjectSize(4096)
                .workerThreads(1)
                .transportOption(SimulatedTransport.NETWORK_OPTION, network));
        }
    }
}
