package org.jdsm.spi;

import org.jdsm.ConfigurationException;

import java.util.ServiceLoader;

/**
 * A factory of transports of one kind, registered for {@link ServiceLoader} and chosen by {@link #name()}.
 */
public interface TransportProvider
{
    /**
     * The name a configuration uses to choose this transport, e.g. {@code aeron}.
     *
     * @return the name.
     */
    String name();

    /**
     * A transport for one node, not yet started.
     *
     * @param context of the node.
     * @return the transport, owned by the node.
     */
    Transport newTransport(TransportContext context);

    /**
     * Find the provider with a name on the class path.
     *
     * @param name of the transport.
     * @return its provider.
     * @throws ConfigurationException naming the transports that are available when none has the name.
     */
    static TransportProvider find(final String name)
    {
        final StringBuilder available = new StringBuilder();
        for (final TransportProvider provider : ServiceLoader.load(TransportProvider.class))
        {
            if (provider.name().equals(name))
            {
                return provider;
            }
            available.append(available.length() == 0 ? "" : ", ").append(provider.name());
        }

        throw new ConfigurationException("transport=" + name + " not found on the class path; available: [" +
            available + "]");
    }
}
