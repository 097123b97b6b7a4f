package org.jdsm.apps.socialnet;

/**
 * The unique-id service's state: post ids that increase strictly, made from the time in milliseconds and a
 * sequence within it, as DeathStarBench's are, so ordering posts by id orders them by time.
 * <p>
 * <b>Note:</b> threadsafe; owned by the node that runs the unique-id service.
 */
public final class UniqueIds
{
    /** Bits of the sequence within one millisecond. */
    public static final int SEQUENCE_BITS = 12;
    /** Milliseconds since the epoch that id 0 stands for (2024-01-01T00:00:00Z). */
    public static final long EPOCH_MS = 1_704_067_200_000L;

    private long last;

    /**
     * The next id.
     *
     * @return an id greater than every id before it.
     */
    public synchronized long next()
    {
        last = Math.max(last + 1, (System.currentTimeMillis() - EPOCH_MS) << SEQUENCE_BITS);
        return last;
    }

    /**
     * When a post id was made.
     *
     * @param postId from {@link #next()}.
     * @return milliseconds since the epoch.
     */
    public static long timestampMs(final long postId)
    {
        return (postId >> SEQUENCE_BITS) + EPOCH_MS;
    }
}
