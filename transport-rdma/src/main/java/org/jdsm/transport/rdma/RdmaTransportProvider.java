package org.jdsm.transport.rdma;

import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;
import org.jdsm.spi.TransportProvider;

/**
 * Provides {@link RdmaTransport}s under the name {@value #NAME}, found through {@link java.util.ServiceLoader}.
 * Creating a transport touches nothing native; its {@link Transport#start()} checks the machine first.
 * <p>
 * <b>Note:</b> stateless, so threadsafe.
 */
public final class RdmaTransportProvider implements TransportProvider
{
    /**
     * Name a configuration uses to choose the RDMA transport.
     */
    public static final String NAME = "rdma";

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
        return new RdmaTransport(context);
    }
}
