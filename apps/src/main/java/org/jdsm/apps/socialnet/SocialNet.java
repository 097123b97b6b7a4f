package org.jdsm.apps.socialnet;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DeathStarBench's social network: compose a post (its text's mentions resolved and URLs shortened, its clip
 * watermarked, stored, written to the author's user timeline and fanned out to the home timelines of the author's
 * followers and the users it mentions), and read a user's or a home timeline, newest first. Implemented by the
 * single-JVM {@link BaselineSocialNet} and by {@link DistributedSocialNet}, whose services are placed on the nodes
 * of a jdsm cluster.
 * <p>
 * A request that fails with {@link UnknownUserException} or {@link OversizedTextException} changed nothing.
 * <p>
 * <b>Note:</b> threadsafe: requests may be issued from any thread, any number at once. The creator owns it and
 * closes it.
 */
public interface SocialNet extends AutoCloseable
{
    /**
     * Number of users.
     *
     * @return the count.
     */
    int userCount();

    /**
     * Compose a post.
     *
     * @param request to compose.
     * @return the post id, or a failure with {@link UnknownUserException}, {@link OversizedTextException} or
     * {@link SocialNetException}.
     */
    CompletableFuture<Long> compose(ComposeRequest request);

    /**
     * Read posts of a user's timeline: the posts the user composed.
     *
     * @param userId of the user.
     * @param start  index of the first post, 0 for the newest.
     * @param stop   index after the last post.
     * @return the posts, newest first.
     */
    CompletableFuture<List<Post>> readUserTimeline(int userId, int start, int stop);

    /**
     * Read posts of a user's home timeline: the posts of the users it follows and those that mention it.
     *
     * @param userId of the user.
     * @param start  index of the first post, 0 for the newest.
     * @param stop   index after the last post.
     * @return the posts, newest first.
     */
    CompletableFuture<List<Post>> readHomeTimeline(int userId, int start, int stop);

    /**
     * The URL a short URL stands for, from the url-shorten service.
     *
     * @param shortUrl to expand.
     * @return the URL, or null.
     */
    String expandUrl(String shortUrl);

    /**
     * Compare a post's stored frames with its clip, where they are stored.
     *
     * @param postId of the post.
     * @return the comparison.
     */
    MediaCheck checkMedia(long postId);

    /**
     * What the services hold.
     *
     * @return the sums.
     */
    SocialNetState state();

    /**
     * Bytes of text, posts and frames that calls have passed by value (copied) so far.
     *
     * @return the bytes.
     */
    long bytesPassedByValue();

    /**
     * Free every post, frame and service.
     */
    void close();
}
