package org.jdsm;

import org.jdsm.spi.EngineProvider;

import java.util.ServiceLoader;

/**
 * Entry point: starts a node of a jdsm cluster with the engine found on the class path, as the driver that runs
 * the program ({@link #start(DsmConfig)} on node 0) or as a node that serves it ({@link #serve(DsmConfig)}).
 */
public final class Dsm
{
    private Dsm()
    {
    }

    /**
     * Conclude the configuration and start a node. The engine (module {@code jdsm-coherence}) is found with
     * {@link ServiceLoader}; the transport named in the configuration likewise.
     *
     * @param config of the node; concluded here if it was not already.
     * @return the started node, which owns the configuration.
     * @throws ConfigurationException if a setting is invalid or no engine is on the class path.
     */
    public static DsmNode start(final DsmConfig config)
    {
        config.conclude();
        for (final EngineProvider provider : ServiceLoader.load(EngineProvider.class))
        {
            return provider.start(config);
        }

        throw new ConfigurationException(
            "no jdsm engine on the class path: add the org.jdsm:jdsm-coherence artifact");
    }

    /**
     * Start a serving node (any node but node 0, the driver), serve the driver's tasks and objects until the
     * driver closes the cluster, then close the node and return. A program's {@code main} is typically
     * <pre>{@code
     * final DsmConfig config = new DsmConfig();
     * if (0 != config.nodeId()) { Dsm.serve(config); return; }
     * try (DsmNode node = Dsm.start(config)) { ... the program ... }
     * }</pre>
     * which is what {@code jdsm run} and {@code jdsm node --main} do for a {@code main} that only calls
     * {@link #start(DsmConfig)}.
     *
     * @param config of the node; concluded here if it was not already.
     * @throws ConfigurationException if a setting is invalid, no engine is on the class path, or the node is
     *                                node 0, the driver.
     * @throws DriverLostException    if the driver left or died before it closed the cluster: the program did not
     *                                end cleanly (the launcher exits with status 3).
     */
    public static void serve(final DsmConfig config)
    {
        config.conclude();
        if (0 == config.nodeId())
        {
            throw new ConfigurationException(DsmConfig.NODE_ID_PROP_NAME + "=0 is the driver, it runs the " +
                "program's main with Dsm.start: Dsm.serve is for the other nodes");
        }
        try (DsmNode node = start(config))
        {
            node.serve();
        }
    }
}
