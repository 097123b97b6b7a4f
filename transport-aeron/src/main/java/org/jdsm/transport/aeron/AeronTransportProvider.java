package org.jdsm.transport.aeron;

import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;
import org.jdsm.spi.TransportProvider;

/**
 * Provides {@link AeronTransport}s under the name {@value #NAME}, found through {@link java.util.ServiceLoader}.
 * <p>
 * <b>Note:</b> stateless, so threadsafe.
 */
public final class AeronTransportProvider implements TransportProvider
{
    /**
     * Name a configuration uses to choose the Aeron transport.
     */
    public static final String NAME = "aeron";

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
        return new AeronTransport(context);
    }
}
