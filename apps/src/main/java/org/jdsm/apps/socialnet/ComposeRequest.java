package org.jdsm.apps.socialnet;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * A client's request to compose a post: the author's username, the text (which may mention {@code @user_N} and
 * hold {@code http://} or {@code https://} URLs) and the media clip attached to it.
 * <p>
 * <b>Note:</b> immutable, threadsafe.
 *
 * @param username of the author.
 * @param text     of the post.
 * @param clipId   of the clip in the media store.
 */
public record ComposeRequest(String username, String text, int clipId) implements Serializable
{
    /** Longest text accepted, in UTF-8 bytes. */
    public static final int MAX_TEXT_BYTES = 1024;

    /**
     * Check what can be checked without a service: the text's length.
     *
     * @throws OversizedTextException if the text is longer than {@link #MAX_TEXT_BYTES}.
     * @throws SocialNetException     if the username or text is missing.
     */
    public void validate()
    {
        if (null == username || null == text)
        {
            throw new SocialNetException("compose request needs a username and a text: " + this);
        }
        final int length = text.getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_TEXT_BYTES)
        {
            throw new OversizedTextException("text of " + length + " bytes by " + username + " > maxTextBytes=" +
                MAX_TEXT_BYTES);
        }
    }
}
