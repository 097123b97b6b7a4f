package org.jdsm.coherence;

import org.jdsm.simulator.SimulatedCluster;
import org.jdsm.simulator.SimulatedNetwork;

/**
 * Two engines on one simulated network per jcstress JVM, for tests of remote boxes (node 1 holds the objects, node 0
 * reads and caches them), started once like {@link JcstressEngine} and left to die with the JVM.
 * <p>
 * <b>Note:</b> threadsafe: the nodes are.
 */
final class JcstressTwoNodes
{
    /** The node whose threads borrow: its cache holds the copies. */
    static final Node READER;

    static
    {
        final Starter start = new Starter();
        final Thread starter = new Thread(start, "jcstress-two-nodes-starter");
        starter.setDaemon(true);
        starter.start();
        try
        {
            starter.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting two nodes", ex);
        }
        if (null == start.node)
        {
            throw new IllegalStateException("two nodes did not start", start.failure);
        }
        READER = start.node;
    }

    private JcstressTwoNodes()
    {
    }

    private static final class Starter implements Runnable
    {
        Node node;
        RuntimeException failure;

        public void run()
        {
            try
            {
                final SimulatedCluster cluster = SimulatedCluster.start(
                    new SimulatedNetwork.Context().seed(1),
                    2,
                    (config) -> config
                        .heapSize(32L * 1024 * 1024)
                        .cacheSize(4L * 1024 * 1024)
                        .maxObjectSize(4096)
                        .workerThreads(1));
                node = (Node)cluster.node(0);
            }
            catch (final RuntimeException ex)
            {
                failure = ex;
            }
        }
    }
}
