package org.jdsm.apps.socialnet;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A stored post, as post-storage keeps it and a timeline read returns it: ids, author, the text with its URLs
 * shortened, the ids of the users it mentions, the URLs it shortened (short and expanded, space separated, in the
 * same order) and the clip its media was made from. Laid out in the heap by {@code Codecs.record(Post.class)}.
 * <p>
 * <b>Note:</b> immutable by convention (do not change the array), threadsafe.
 *
 * @param postId       unique id, increasing with time.
 * @param timestampMs  when it was composed, milliseconds since the epoch.
 * @param creatorId    user id of the author.
 * @param clipId       clip of the media store its frames were watermarked from.
 * @param creatorName  username of the author.
 * @param text         text, URLs replaced by their short form.
 * @param mentionIds   user ids mentioned, in order of first mention.
 * @param shortUrls    short URLs, space separated.
 * @param expandedUrls the URLs they stand for, space separated, in the same order.
 */
public record Post(
    long postId,
    long timestampMs,
    int creatorId,
    int clipId,
    String creatorName,
    String text,
    int[] mentionIds,
    String shortUrls,
    String expandedUrls) implements Serializable
{
    /**
     * Assemble a post from what the services made of a compose request, as compose-post does.
     *
     * @param postId     from unique-id.
     * @param creatorId  from user.
     * @param clipId     of the request.
     * @param username   of the author.
     * @param text       of the request.
     * @param urls       from text.
     * @param shortUrls  from url-shorten.
     * @param mentionIds from user-mention.
     * @return the post.
     */
    public static Post of(
        final long postId,
        final int creatorId,
        final int clipId,
        final String username,
        final String text,
        final String[] urls,
        final String[] shortUrls,
        final int[] mentionIds)
    {
        return new Post(postId, UniqueIds.timestampMs(postId), creatorId, clipId, username,
            TextParts.render(text, urls, shortUrls), mentionIds, String.join(" ", shortUrls), String.join(" ", urls));
    }

    /**
     * The short URLs.
     *
     * @return them, in order, empty if none.
     */
    public String[] shortUrlList()
    {
        return shortUrls.isEmpty() ? new String[0] : shortUrls.split(" ");
    }

    /**
     * The expanded URLs.
     *
     * @return them, in the order of {@link #shortUrlList()}.
     */
    public String[] expandedUrlList()
    {
        return expandedUrls.isEmpty() ? new String[0] : expandedUrls.split(" ");
    }

    /**
     * Encoded length in UTF-16 units of the text fields plus the fixed fields: what passing it by value copies.
     *
     * @return the approximate size in bytes.
     */
    public int approximateBytes()
    {
        return 24 + 4 * mentionIds.length + creatorName.length() + text.length() + shortUrls.length() +
            expandedUrls.length();
    }

    /**
     * {@inheritDoc}
     */
    public boolean equals(final Object o)
    {
        if (!(o instanceof Post))
        {
            return false;
        }
        final Post other = (Post)o;
        return postId == other.postId && timestampMs == other.timestampMs && creatorId == other.creatorId &&
            clipId == other.clipId && creatorName.equals(other.creatorName) && text.equals(other.text) &&
            Arrays.equals(mentionIds, other.mentionIds) && shortUrls.equals(other.shortUrls) &&
            expandedUrls.equals(other.expandedUrls);
    }

    /**
     * {@inheritDoc}
     */
    public int hashCode()
    {
        return Long.hashCode(postId);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "Post{" + postId + " by " + creatorName + "(" + creatorId + "), mentions " +
            Arrays.toString(mentionIds) + ", clip " + clipId + ": " + text + '}';
    }
}
