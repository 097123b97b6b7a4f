package org.jdsm.apps.socialnet;

/**
 * A compose request whose text is longer than {@link ComposeRequest#MAX_TEXT_BYTES}. Thrown before the request
 * changes anything.
 * <p>
 * <b>Note:</b> immutable, threadsafe.
 */
public final class OversizedTextException extends SocialNetException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message naming the length and the limit.
     */
    public OversizedTextException(final String message)
    {
        super(message);
    }
}
