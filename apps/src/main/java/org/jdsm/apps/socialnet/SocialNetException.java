package org.jdsm.apps.socialnet;

/**
 * A SocialNet request or setup that can not be served: bad arguments, a malformed social graph file, a request
 * naming an unknown user or carrying an oversized text. The message names the setting, line or value at fault.
 * <p>
 * <b>Note:</b> immutable, threadsafe.
 */
public class SocialNetException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message naming what is wrong.
     */
    public SocialNetException(final String message)
    {
        super(message);
    }

    /**
     * @param message naming what failed.
     * @param cause   the failure underneath.
     */
    public SocialNetException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
