package org.jdsm.simulator;

import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;
import org.jdsm.spi.TransportProvider;

/**
 * Provides {@link SimulatedTransport}s under the name {@value #NAME}, found through
 * {@link java.util.ServiceLoader}.
 * <p>
 * <b>Note:</b> stateless, so threadsafe.
 */
public final class SimulatedTransportProvider implements TransportProvider
{
    /**
     * Name a configuration uses to choose the simulated transport.
     */
    public static final String NAME = "simulated";

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return NAME;
    }

    /**
     * {@inheritDoc}
     */
    public Transport newTransport(final TransportContext context)
    {
        return new SimulatedTransport(context);
    }
}
