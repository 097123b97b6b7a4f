package org.jdsm;

import org.jdsm.spi.EngineProvider;

import java.util.ServiceLoader;

/**
 * Entry point: starts a node of a jdsm cluster with the engine found on the class path.
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
}
