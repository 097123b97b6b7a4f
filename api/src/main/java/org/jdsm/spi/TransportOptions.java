package org.jdsm.spi;

import org.agrona.SystemUtil;
import org.jdsm.ConfigurationException;

import java.util.Collection;

/**
 * How every transport context rejects a node's transport option ({@link org.jdsm.DsmConfig#transportOptions()}) under
 * its own prefix (e.g. {@code jdsm.aeron.}) that it does not know: a typo is named with the known name closest to it,
 * never silently ignored. Options under other prefixes belong to other components and are left alone. And how it
 * parses a value, from an option or a system property: strictly, a malformed one named with the setting, never read
 * as a default or as {@code false}.
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
     * Parse an integer setting.
     *
     * @param name  of the setting.
     * @param value as given.
     * @return the value.
     * @throws ConfigurationException naming the setting when the value is not an integer.
     */
    public static int parseInt(final String name, final String value)
    {
        try
        {
            return Integer.parseInt(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException(name + "=" + value + " is not an integer");
        }
    }

    /**
     * Parse a size setting: bytes with an optional unit k, m or g.
     *
     * @param name     of the setting.
     * @param value    as given.
     * @param maxBytes the largest size the setting takes.
     * @return bytes, in {@code [0, maxBytes]}.
     * @throws ConfigurationException naming the setting when the value is not such a size or out of range.
     */
    public static long parseSize(final String name, final String value, final long maxBytes)
    {
        final long size;
        try
        {
            size = SystemUtil.parseSize(name, value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException(name + "=" + value + " is not a size such as 4k, 1m or 2g");
        }
        if (size < 0 || size > maxBytes)
        {
            throw new ConfigurationException(name + "=" + value + " must be in [0, " + maxBytes + "] bytes");
        }

        return size;
    }

    /**
     * Parse a duration setting: a number with a unit ns, us, ms or s (nanoseconds without one).
     *
     * @param name  of the setting.
     * @param value as given.
     * @return nanoseconds.
     * @throws ConfigurationException naming the setting when the value is not such a duration.
     */
    public static long parseDuration(final String name, final String value)
    {
        try
        {
            return SystemUtil.parseDuration(name, value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException(name + "=" + value + " is not a duration such as 10s, 500ms or 100us");
        }
    }

    /**
     * Parse a setting that is {@code true} or {@code false}, nothing else.
     *
     * @param name  of the setting.
     * @param value as given.
     * @return the value.
     * @throws ConfigurationException naming the setting when the value is neither.
     */
    public static boolean parseBoolean(final String name, final String value)
    {
        final String trimmed = value.trim();
        if (!"true".equals(trimmed) && !"false".equals(trimmed))
        {
            throw new ConfigurationException(name + "=" + value + " must be true or false");
        }

        return "true".equals(trimmed);
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
