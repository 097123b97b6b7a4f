package org.jdsm.transport.local;

import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;
import org.jdsm.spi.TransportProvider;

/**
 * Registers the {@code local} transport with {@link java.util.ServiceLoader}.
 */
public final class LocalTransportProvider implements TransportProvider
{
    /** Name a configuration uses to choose the local transport: {@code jdsm.transport=local}. */
    public static final String NAME = "local";

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
        return new LocalTransport(context);
    }
}
