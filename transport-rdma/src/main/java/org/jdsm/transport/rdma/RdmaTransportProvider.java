package org.jdsm.transport.rdma;

import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;
import org.jdsm.spi.TransportProvider;

/**
 * Provides {@link RdmaTransport}s under the name {@value #NAME}, found through {@link java.util.ServiceLoader}.
 * Creating a transport touches nothing native; its {@link Transport#start()} checks the machine first.
 * <p>
 * <b>Note:</b> immutable, so threadsafe.
 */
public final class RdmaTransportProvider implements TransportProvider
{
    /**
     * Name a configuration uses to choose the RDMA transport.
     */
    public static final String NAME = "rdma";

    private final RdmaTransportContext settings;

    /**
     * The provider {@link java.util.ServiceLoader} finds: settings from properties and the node's transport options.
     */
    public RdmaTransportProvider()
    {
        this(null);
    }

    /**
     * @param settings every transport it makes uses, instead of ones built from properties and options (one node
     *                 per provider: the transport owns its context).
     */
    public RdmaTransportProvider(final RdmaTransportContext settings)
    {
        this.settings = settings;
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
        return new RdmaTransport(context, settings);
    }
}
