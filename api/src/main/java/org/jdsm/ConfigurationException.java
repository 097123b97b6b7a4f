package org.jdsm;

/**
 * Thrown by {@link DsmConfig#conclude()} when a setting is invalid; the message names the setting, its value and
 * the bound it breaks.
 */
public class ConfigurationException extends DsmException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message {@code setting=value} and the bound broken.
     */
    public ConfigurationException(final String message)
    {
        super(message);
    }
}
