package org.jdsm.apps.socialnet;

import org.jdsm.DArc;
import org.jdsm.apps.socialnet.DistributedSocialNet.Compose;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How the calls of a {@link DistributedSocialNet} pass text, frames and posts: the steps of a request that differ by
 * {@link PassMode}, over the one {@link ServiceGraph}. {@link ReferencePassing} lends and moves references;
 * {@link ValuePassing} copies, as the original microservices do.
 * <p>
 * <b>Note:</b> threadsafe; called from the frontend's threads.
 */
interface PostPassing
{
    /**
     * The strategy of a mode.
     *
     * @param mode               of the deployment.
     * @param graph              the services.
     * @param clips              the frontend's media store.
     * @param bytesPassedByValue counts what calls copy.
     * @return the strategy.
     */
    static PostPassing of(
        final PassMode mode, final ServiceGraph graph, final DArc<byte[]>[] clips, final AtomicLong bytesPassedByValue)
    {
        return PassMode.REFERENCE == mode ?
            new ReferencePassing(graph, clips) : new ValuePassing(graph, clips, bytesPassedByValue);
    }

    /**
     * Start a compose: make what its calls pass the text by ({@link Compose#textBox}, freed when the compose ends).
     *
     * @param c    the compose.
     * @param text of the request.
     */
    void begin(Compose c, String text);

    /**
     * The text service parses the request's text.
     *
     * @param c    the compose.
     * @param text of the request.
     * @return its mentions and URLs.
     */
    CompletableFuture<TextParts> parse(Compose c, String text);

    /**
     * Watermark the clip, assemble the post and store both.
     *
     * @param c        the compose, with its post id, user, mentions and short URLs.
     * @param username of the author.
     * @param clipId   of the clip.
     * @param text     of the request.
     * @return completes when post-storage holds the post and its frames.
     */
    CompletableFuture<Boolean> storeWithMedia(Compose c, String username, int clipId, String text);

    /**
     * Read posts from post-storage.
     *
     * @param postIds of the posts, not empty.
     * @return the posts in order.
     */
    CompletableFuture<List<Post>> readPosts(long[] postIds);
}
