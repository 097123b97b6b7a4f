package org.jdsm.simulator;

import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;
import org.jdsm.spi.TransportProvider;

/**
 * Provides {@link SimulatedTransport}s under the name {@value #NAME}: over the {@link SimulatedNetwork} it was built
 * with ({@code config.transportProvider(new SimulatedTransportProvider(network))}), or, found through
 * {@link java.util.ServiceLoader} by name, for a single node on a network of its own.
 * <p>
 * <b>Note:</b> immutable, so threadsafe.
 */
public final class SimulatedTransportProvider implements TransportProvider
{
    /**
     * Name a configuration uses to choose the simulated transport.
     */
    public static final String NAME = "simulated";

    private final SimulatedNetwork network;

    /**
     * The provider {@link java.util.ServiceLoader} finds: a single node, on a network of its own.
     */
    public SimulatedTransportProvider()
    {
        this(null);
    }

    /**
     * @param network the nodes share; null for a single node on a network of its own.
     */
    public SimulatedTransportProvider(final SimulatedNetwork network)
    {
        this.network = network;
    }

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
        return new SimulatedTransport(context, network);
    }
}
