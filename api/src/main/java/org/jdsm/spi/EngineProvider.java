package org.jdsm.spi;

import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;

/**
 * How {@link org.jdsm.Dsm} finds the coherence engine, through {@link java.util.ServiceLoader}.
 */
public interface EngineProvider
{
    /**
     * Start a node.
     *
     * @param config concluded configuration, owned by the node from now on.
     * @return the started node.
     */
    DsmNode start(DsmConfig config);
}
