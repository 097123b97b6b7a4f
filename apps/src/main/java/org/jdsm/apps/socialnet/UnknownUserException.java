package org.jdsm.apps.socialnet;

/**
 * A request named a user that does not exist: as author, as a mention, or as the owner of a timeline. Thrown before
 * the request changes anything.
 * <p>
 * <b>Note:</b> immutable, threadsafe.
 */
public final class UnknownUserException extends SocialNetException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message naming the user.
     */
    public UnknownUserException(final String message)
    {
        super(message);
    }
}
