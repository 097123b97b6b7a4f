package org.jdsm.apps.socialnet;

import java.util.ArrayDeque;
import java.util.HashMap;

/**
 * Post-storage's media: the watermarked frames of the newest {@code capacity} posts, oldest dropped first. A clip is
 * 1.9 MB, so keeping every post's frames would not fit a heap; the posts themselves are all kept.
 * <p>
 * <b>Note:</b> threadsafe (synchronized); owned by post-storage, which frees what {@link #retain} returns.
 *
 * @param <F> how the frames are held.
 */
public final class RetainedMedia<F>
{
    private final int capacity;
    private final HashMap<Long, F> byPost = new HashMap<>();
    private final ArrayDeque<Long> order = new ArrayDeque<>();

    /**
     * @param capacity posts whose frames are kept, at least 1.
     */
    public RetainedMedia(final int capacity)
    {
        this.capacity = capacity;
    }

    /**
     * Keep a post's frames.
     *
     * @param postId of the post.
     * @param frames its frames.
     * @return the frames dropped to make room, or null.
     */
    public synchronized F retain(final long postId, final F frames)
    {
        byPost.put(postId, frames);
        order.addLast(postId);
        return order.size() > capacity ? byPost.remove(order.removeFirst()) : null;
    }

    /**
     * The frames of a post.
     *
     * @param postId of the post.
     * @return its frames, or null if not kept.
     */
    public synchronized F get(final long postId)
    {
        return byPost.get(postId);
    }

    /**
     * Remove every entry.
     *
     * @return the frames removed, to free.
     */
    public synchronized java.util.List<F> clear()
    {
        final java.util.List<F> all = new java.util.ArrayList<>(byPost.values());
        byPost.clear();
        order.clear();
        return all;
    }

    /**
     * Number of posts whose frames are kept.
     *
     * @return the count.
     */
    public synchronized int size()
    {
        return byPost.size();
    }
}
