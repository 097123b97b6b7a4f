package org.jdsm.apps.socialnet;

import java.util.SplittableRandom;

/**
 * DeathStarBench's request generators for the social network, the same for a seed: compose-post as its
 * {@code compose-post.lua} (a 256-character text, 0 to 5 mentions of random users, 0 to 5 URLs of 64 random
 * characters; here one clip of the media store), and the mixed workload of 60% read home timeline, 30% read user
 * timeline, 10% compose, reads of the 10 newest posts of a random user.
 * <p>
 * <b>Note:</b> NOT threadsafe: one generator per thread.
 */
public final class SocialNetWorkload
{
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    /** Posts a timeline read asks for. */
    public static final int READ_LENGTH = 10;

    /**
     * The kinds of request.
     */
    public enum Kind
    {
        /** Compose a post. */
        COMPOSE,
        /** Read a home timeline. */
        READ_HOME_TIMELINE,
        /** Read a user timeline. */
        READ_USER_TIMELINE
    }

    /**
     * The mixes.
     */
    public enum Mix
    {
        /** Compose-post alone. */
        COMPOSE,
        /** 60% read home timeline, 30% read user timeline, 10% compose. */
        MIXED;

        /**
         * Parse a mix name.
         *
         * @param name {@code compose} or {@code mixed}.
         * @return the mix.
         * @throws SocialNetException naming the bad value.
         */
        public static Mix parse(final String name)
        {
            switch (name)
            {
                case "compose":
                    return COMPOSE;
                case "mixed":
                    return MIXED;
                default:
                    throw new SocialNetException("--mix=" + name + " must be compose or mixed");
            }
        }
    }

    /**
     * One request.
     *
     * @param kind    of request.
     * @param userId  the author of a compose, or whose timeline is read.
     * @param compose the compose request, or null for a read.
     */
    public record Request(Kind kind, int userId, ComposeRequest compose)
    {
    }

    private final Mix mix;
    private final int users;
    private final int clips;
    private final SplittableRandom random;

    /**
     * @param mix   of requests.
     * @param users in the graph.
     * @param clips in the media store.
     * @param seed  of the requests.
     */
    public SocialNetWorkload(final Mix mix, final int users, final int clips, final long seed)
    {
        this.mix = mix;
        this.users = users;
        this.clips = clips;
        random = new SplittableRandom(seed);
    }

    /**
     * The next request.
     *
     * @return it.
     */
    public Request next()
    {
        final int userId = random.nextInt(users);
        final int dice = random.nextInt(100);
        if (Mix.COMPOSE == mix || dice >= 90)
        {
            return new Request(Kind.COMPOSE, userId, compose(userId));
        }

        return new Request(dice < 60 ? Kind.READ_HOME_TIMELINE : Kind.READ_USER_TIMELINE, userId, null);
    }

    private ComposeRequest compose(final int userId)
    {
        final StringBuilder text = new StringBuilder(randomString(256));
        final int mentions = random.nextInt(6);
        for (int i = 0; i < mentions; i++)
        {
            text.append(" @").append(UserDirectory.name(random.nextInt(users)));
        }
        final int urls = random.nextInt(6);
        for (int i = 0; i < urls; i++)
        {
            text.append(" http://").append(randomString(64));
        }

        return new ComposeRequest(UserDirectory.name(userId), text.toString(), random.nextInt(clips));
    }

    private String randomString(final int length)
    {
        final char[] chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }

        return new String(chars);
    }
}
