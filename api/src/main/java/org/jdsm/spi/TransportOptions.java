package org.jdsm.spi;

import org.jdsm.ConfigurationException;

import java.util.Collection;

/**
 * How every transport context rejects a node's transport option ({@link org.jdsm.DsmConfig#transportOptions()}) under
 * its own prefix (e.g. {@code jdsm.aeron.}) that it does not know: a typo is named with the known name closest to it,
 * never silently ignored. Options under other prefixes belong to other components and are left alone.
 * <p>
 * <b>Note:</b> stateless and threadsafe; for configuration, not a hot path.
 */
public final class TransportOptions
{
    private TransportOptions()
    {
    }

    /**
     * Whether an option is a transport's own, so the transport must know it or reject it.
     *
     * @param prefix of the transport's options, e.g. {@code jdsm.aeron.}.
     * @param name   of the option.
     * @return true if {@code name} starts with {@code prefix}.
     */
    public static boolean isUnder(final String prefix, final String name)
    {
        return name.startsWith(prefix);
    }

    /**
     * The error for an option under a transport's prefix that the transport does not know.
     *
     * @param name  of the unknown option, e.g. {@code jdsm.aeron.mtuu}.
     * @param known the option names the transport reads.
     * @return a {@link ConfigurationException} naming the option, the closest known one if it looks like a typo of
     *         it ({@link NearestName}), and every known one.
     */
    public static ConfigurationException unknown(final String name, final Collection<String> known)
    {
        final String nearest = NearestName.among(name, known);
        return new ConfigurationException("transport option " + name + " unknown" +
            (null == nearest ? "" : ", did you mean " + nearest + "?") + "; known: " + String.join(", ", known));
    }
}
