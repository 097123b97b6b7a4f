package org.jdsm.coherence;

import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;
import org.jdsm.spi.EngineProvider;

/**
 * Registers the ownership-coherence engine with {@link org.jdsm.Dsm} through {@link java.util.ServiceLoader}.
 */
public final class CoherenceEngineProvider implements EngineProvider
{
    /**
     * {@inheritDoc}
     */
    public DsmNode start(final DsmConfig config)
    {
        JdkInternalsAccess.check();
        return new Node(config);
    }
}
