package org.jdsm.apps.socialnet;

import java.util.HashMap;

/**
 * The users of a SocialNet: ids {@code 0..count-1} named {@code user_<id>}. The user and user-mention services each
 * keep one, as DeathStarBench's keep their own caches of the user table.
 * <p>
 * <b>Note:</b> immutable after construction, threadsafe.
 */
public final class UserDirectory
{
    /** Prefix of every username. */
    public static final String PREFIX = "user_";

    private final int count;
    private final HashMap<String, Integer> idByName;

    /**
     * @param count of users.
     */
    public UserDirectory(final int count)
    {
        this.count = count;
        idByName = new HashMap<>(count * 2);
        for (int id = 0; id < count; id++)
        {
            idByName.put(name(id), id);
        }
    }

    /**
     * The username of a user id.
     *
     * @param id of the user.
     * @return the name.
     */
    public static String name(final int id)
    {
        return PREFIX + id;
    }

    /**
     * Number of users.
     *
     * @return the count.
     */
    public int count()
    {
        return count;
    }

    /**
     * The id of a username.
     *
     * @param name of the user.
     * @return the id.
     * @throws UnknownUserException if there is no such user.
     */
    public int idOf(final String name)
    {
        final Integer id = idByName.get(name);
        if (null == id)
        {
            throw new UnknownUserException("unknown user '" + name + "' (users are " + PREFIX + "0.." + PREFIX +
                (count - 1) + ")");
        }

        return id;
    }

    /**
     * The ids of usernames.
     *
     * @param names of users.
     * @return their ids.
     * @throws UnknownUserException naming the first unknown one.
     */
    public int[] idsOf(final String[] names)
    {
        final int[] ids = new int[names.length];
        for (int i = 0; i < names.length; i++)
        {
            ids[i] = idOf(names[i]);
        }

        return ids;
    }

    /**
     * Check a user id.
     *
     * @param id of a user.
     * @return the id.
     * @throws UnknownUserException if it is out of range.
     */
    public int check(final int id)
    {
        if (id < 0 || id >= count)
        {
            throw new UnknownUserException("unknown user id=" + id + " (ids are 0.." + (count - 1) + ")");
        }

        return id;
    }
}
