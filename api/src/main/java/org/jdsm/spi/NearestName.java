package org.jdsm.spi;

import java.util.Collection;

/**
 * The known name a mistyped one was most likely meant to be: the closest by edit distance (insertions, deletions,
 * substitutions and swaps of adjacent characters), if it is close enough to be a typo. For messages that reject an
 * unknown option, e.g. {@code jdsm.aeron.mtuu unknown, did you mean jdsm.aeron.mtu?}.
 * <p>
 * <b>Note:</b> stateless and threadsafe; allocates, so for configuration only, never a hot path.
 */
public final class NearestName
{
    private NearestName()
    {
    }

    /**
     * The known name closest to a given one, if at most 2 edits away and fewer edits than half its length.
     *
     * @param name  as written.
     * @param known the names it may have been meant to be.
     * @return the closest known name (the first of equals), or null if none is close enough.
     */
    public static String among(final String name, final Collection<String> known)
    {
        String nearest = null;
        int nearestDistance = Math.min(2, (name.length() - 1) / 2);
        for (final String candidate : known)
        {
            final int distance = distance(name, candidate);
            if (distance <= nearestDistance && (null == nearest || distance < nearestDistance))
            {
                nearest = candidate;
                nearestDistance = distance;
            }
        }

        return nearest;
    }

    /**
     * Optimal string alignment distance: the edits turning one string into the other, an adjacent swap counting one.
     *
     * @param a one string.
     * @param b the other.
     * @return the number of edits.
     */
    static int distance(final String a, final String b)
    {
        final int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++)
        {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++)
        {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            for (int j = 1; j <= b.length(); j++)
            {
                final int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1))
                {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }

        return d[a.length()][b.length()];
    }
}
