package org.jdsm.spi;

import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Makes the {@link MembershipView} a node's engine decides fail-over with, chosen by name with
 * {@code jdsm.membership} ({@link DsmConfig#membership()}); found through {@link ServiceLoader} (register the
 * implementation in {@code META-INF/services/org.jdsm.spi.MembershipViewProvider}). The name
 * {@value DsmConfig#MEMBERSHIP_DEFAULT} is the engine's own view ({@link MembershipView#fromTransport}) and needs
 * no provider; {@code agreed} is the majority-agreed view of the {@code jdsm-membership} artifact.
 * <p>
 * <b>Note:</b> threadsafe; {@link #newView} is called once per node, when the node starts.
 */
public interface MembershipViewProvider
{
    /**
     * @return the name {@code jdsm.membership} selects this provider by.
     */
    String name();

    /**
     * Make the view of one node; the node closes it when it closes.
     *
     * @param config    of the node, concluded.
     * @param transport of the node, created but not yet started.
     * @return the view.
     */
    MembershipView newView(DsmConfig config, Transport transport);

    /**
     * @param name of a provider.
     * @return the provider registered under the name.
     * @throws ConfigurationException naming the setting and the providers found if none has the name.
     */
    static MembershipViewProvider find(final String name)
    {
        final List<String> found = new ArrayList<>();
        for (final MembershipViewProvider provider : ServiceLoader.load(MembershipViewProvider.class))
        {
            if (provider.name().equals(name))
            {
                return provider;
            }
            found.add(provider.name());
        }

        throw new ConfigurationException(DsmConfig.MEMBERSHIP_PROP_NAME + "=" + name + ": no membership view of " +
            "that name on the class path (found: " + DsmConfig.MEMBERSHIP_DEFAULT + (found.isEmpty() ? "" : ", ") +
            String.join(", ", found) + "); for agreed add the artifact jdsm-membership");
    }
}
