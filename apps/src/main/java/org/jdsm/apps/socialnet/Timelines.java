package org.jdsm.apps.socialnet;

import java.util.Arrays;

/**
 * Per-user timelines of post ids, the state of the user-timeline or home-timeline service: each user's ids kept
 * sorted, read newest first. An insert of an id already there is ignored, so a post reaches a timeline once.
 * <p>
 * <b>Note:</b> threadsafe: each user's list is guarded by one of {@value #STRIPES} lock stripes; owned by the node
 * that runs the service.
 */
public final class Timelines
{
    private static final int STRIPES = 1024;
    private static final long[] EMPTY = new long[0];

    private final UserDirectory users;
    private final long[][] posts;
    private final int[] sizes;
    private final Object[] locks = new Object[STRIPES];

    /**
     * @param users whose timelines these are.
     */
    public Timelines(final UserDirectory users)
    {
        this.users = users;
        posts = new long[users.count()][];
        sizes = new int[users.count()];
        for (int i = 0; i < STRIPES; i++)
        {
            locks[i] = new Object();
        }
    }

    /**
     * Add a post to a user's timeline, in order of id.
     *
     * @param userId whose timeline.
     * @param postId to add.
     * @return true if added, false if it was there.
     * @throws UnknownUserException if the user does not exist.
     */
    public boolean insert(final int userId, final long postId)
    {
        users.check(userId);
        synchronized (locks[userId & (STRIPES - 1)])
        {
            long[] list = posts[userId];
            final int size = sizes[userId];
            int at = size;
            while (at > 0 && list[at - 1] > postId)
            {
                at--;
            }
            if (at > 0 && list[at - 1] == postId)
            {
                return false;
            }
            if (null == list || size == list.length)
            {
                list = null == list ? new long[4] : Arrays.copyOf(list, size * 2);
                posts[userId] = list;
            }
            System.arraycopy(list, at, list, at + 1, size - at);
            list[at] = postId;
            sizes[userId] = size + 1;
            return true;
        }
    }

    /**
     * Read a user's timeline, newest first.
     *
     * @param userId whose timeline.
     * @param start  index of the first post returned, 0 for the newest.
     * @param stop   index after the last one.
     * @return the post ids, newest first, at most {@code stop - start}.
     * @throws UnknownUserException if the user does not exist.
     * @throws SocialNetException   if the range is bad.
     */
    public long[] read(final int userId, final int start, final int stop)
    {
        users.check(userId);
        if (start < 0 || stop < start)
        {
            throw new SocialNetException(
                "timeline range start=" + start + " stop=" + stop + " is not 0 <= start <= stop");
        }
        synchronized (locks[userId & (STRIPES - 1)])
        {
            final int size = sizes[userId];
            final int end = Math.min(stop, size);
            if (start >= end)
            {
                return EMPTY;
            }
            final long[] list = posts[userId];
            final long[] newestFirst = new long[end - start];
            for (int i = 0; i < newestFirst.length; i++)
            {
                newestFirst[i] = list[size - 1 - start - i];
            }
            return newestFirst;
        }
    }

    /**
     * Number of posts in a user's timeline.
     *
     * @param userId whose timeline.
     * @return the size.
     */
    public int size(final int userId)
    {
        users.check(userId);
        synchronized (locks[userId & (STRIPES - 1)])
        {
            return sizes[userId];
        }
    }

    /**
     * Who a post goes to on home timelines: the author's followers and the users it mentions, each once.
     *
     * @param followers of the author, sorted.
     * @param mentions  user ids mentioned.
     * @return the user ids, sorted, distinct.
     */
    public static int[] audience(final int[] followers, final int[] mentions)
    {
        final int[] all = Arrays.copyOf(followers, followers.length + mentions.length);
        System.arraycopy(mentions, 0, all, followers.length, mentions.length);
        Arrays.sort(all);
        int distinct = 0;
        for (int i = 0; i < all.length; i++)
        {
            if (0 == i || all[i] != all[i - 1])
            {
                all[distinct++] = all[i];
            }
        }

        return Arrays.copyOf(all, distinct);
    }

    /**
     * Number of entries over every timeline.
     *
     * @return the total.
     */
    public long entries()
    {
        long total = 0;
        for (int user = 0; user < sizes.length; user++)
        {
            total += size(user);
        }

        return total;
    }
}
