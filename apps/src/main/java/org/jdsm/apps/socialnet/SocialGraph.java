package org.jdsm.apps.socialnet;

import org.agrona.collections.LongHashSet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * An undirected social graph in compressed sparse rows: users {@code 0..userCount-1}, each friendship an edge, and
 * as in DeathStarBench's set-up every edge a follow in both directions, so a user's followers are its neighbours.
 * <p>
 * Two sources: {@link #parse(Reader, String)} reads an edge list in the Facebook100 / Network Repository format of
 * {@code socfb-Penn94} (one pair of ids per line, whitespace separated, an optional third column ignored, comments
 * starting with {@code %} or {@code #}; a MatrixMarket file's size line is read as the user count; ids are 1-based
 * unless a 0 appears); {@link #generate(int, long, long)} makes a power-law graph of the same shape (Chung-Lu weights
 * {@code (i+1)^-1/2}, about 41.5 thousand users and 1.36 million edges by default), the same for a seed.
 * Self-loops are dropped and repeated edges kept once.
 * <p>
 * <b>Note:</b> immutable after construction, threadsafe.
 */
public final class SocialGraph
{
    /** Users of socfb-Penn94. */
    public static final int PENN94_USERS = 41_554;
    /** Edges of socfb-Penn94. */
    public static final long PENN94_EDGES = 1_362_229L;

    private final int[] offsets;
    private final int[] neighbours;

    /**
     * @param offsets    of each user's neighbours in {@code neighbours}, {@code userCount + 1} of them.
     * @param neighbours of every user, sorted within each user.
     */
    public SocialGraph(final int[] offsets, final int[] neighbours)
    {
        if (offsets.length < 1 || offsets[offsets.length - 1] != neighbours.length)
        {
            throw new SocialNetException("offsets end at " + offsets[offsets.length - 1] + " != neighbours.length=" +
                neighbours.length);
        }
        this.offsets = offsets;
        this.neighbours = neighbours;
    }

    /**
     * Number of users.
     *
     * @return the count.
     */
    public int userCount()
    {
        return offsets.length - 1;
    }

    /**
     * Number of undirected edges.
     *
     * @return the count.
     */
    public long edgeCount()
    {
        return neighbours.length / 2;
    }

    /**
     * A user's followers, who are also its followees.
     *
     * @param userId of the user.
     * @return the followers, sorted.
     */
    public int[] followers(final int userId)
    {
        if (userId < 0 || userId >= userCount())
        {
            throw new UnknownUserException("unknown user id=" + userId + " (ids are 0.." + (userCount() - 1) + ")");
        }

        return Arrays.copyOfRange(neighbours, offsets[userId], offsets[userId + 1]);
    }

    /**
     * Number of followers of a user.
     *
     * @param userId of the user.
     * @return the degree.
     */
    public int degree(final int userId)
    {
        return offsets[userId + 1] - offsets[userId];
    }

    /**
     * The row offsets, for shipping the graph to another node.
     *
     * @return the array itself, not a copy.
     */
    int[] offsets()
    {
        return offsets;
    }

    /**
     * The neighbours, for shipping the graph to another node.
     *
     * @return the array itself, not a copy.
     */
    int[] neighbours()
    {
        return neighbours;
    }

    /**
     * Read an edge list file.
     *
     * @param file to read.
     * @return the graph.
     * @throws SocialNetException naming the file and line of a malformed line.
     */
    public static SocialGraph load(final Path file)
    {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            return parse(reader, file.toString());
        }
        catch (final IOException ex)
        {
            throw new SocialNetException("could not read social graph " + file + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Read an edge list.
     *
     * @param in     the text.
     * @param source named in error messages.
     * @return the graph.
     * @throws SocialNetException naming the source and line of a malformed line.
     */
    public static SocialGraph parse(final Reader in, final String source)
    {
        final BufferedReader reader = in instanceof BufferedReader ? (BufferedReader)in : new BufferedReader(in);
        long[] pairs = new long[1024];
        int pairCount = 0;
        long declaredUsers = -1;
        boolean isMatrixMarket = false;
        boolean zeroSeen = false;
        int maxId = -1;
        int lineNumber = 0;
        try
        {
            String line;
            while (null != (line = reader.readLine()))
            {
                lineNumber++;
                final String trimmed = line.trim();
                if (1 == lineNumber && trimmed.startsWith("%%MatrixMarket"))
                {
                    isMatrixMarket = true;
                    continue;
                }
                if (trimmed.isEmpty() || trimmed.startsWith("%") || trimmed.startsWith("#"))
                {
                    continue;
                }
                final String[] fields = trimmed.split("\\s+");
                if (isMatrixMarket && declaredUsers < 0)
                {
                    if (3 != fields.length)
                    {
                        throw bad(source, lineNumber, "expected the MatrixMarket size line 'rows cols entries'", line);
                    }
                    declaredUsers = parseId(fields[0], source, lineNumber, line);
                    continue;
                }
                if (fields.length < 2 || fields.length > 3)
                {
                    throw bad(source, lineNumber, "expected two user ids (and an optional weight)", line);
                }
                final int a = parseId(fields[0], source, lineNumber, line);
                final int b = parseId(fields[1], source, lineNumber, line);
                zeroSeen |= 0 == a || 0 == b;
                maxId = Math.max(maxId, Math.max(a, b));
                if (2 * pairCount + 2 > pairs.length)
                {
                    pairs = Arrays.copyOf(pairs, pairs.length * 2);
                }
                pairs[2 * pairCount] = a;
                pairs[2 * pairCount + 1] = b;
                pairCount++;
            }
        }
        catch (final IOException ex)
        {
            throw new SocialNetException("could not read social graph " + source + " at line " + lineNumber + ": " +
                ex.getMessage(), ex);
        }

        final int shift = zeroSeen ? 0 : 1;
        final int users = (int)Math.max(declaredUsers, maxId + 1 - shift);
        if (users < 1)
        {
            throw new SocialNetException("social graph " + source + " has no edges");
        }
        if (isMatrixMarket && maxId - shift >= declaredUsers)
        {
            throw new SocialNetException("social graph " + source + ": user id " + maxId + " > declared rows=" +
                declaredUsers);
        }
        final LongHashSet edges = new LongHashSet(Math.max(16, pairCount * 2));
        for (int i = 0; i < pairCount; i++)
        {
            final int a = (int)pairs[2 * i] - shift;
            final int b = (int)pairs[2 * i + 1] - shift;
            if (a != b)
            {
                edges.add(edgeKey(a, b));
            }
        }

        return fromEdges(users, edges);
    }

    /**
     * Check the sizes {@link #generate} takes, before it allocates.
     *
     * @param users of the graph.
     * @param edges of the graph.
     * @throws SocialNetException if the sizes are out of range.
     */
    static void checkSizes(final int users, final long edges)
    {
        if (users < 2)
        {
            throw new SocialNetException("users=" + users + " must be >= 2");
        }
        final long possible = (long)users * (users - 1) / 2;
        if (edges < 0 || edges > possible / 4 || edges > Integer.MAX_VALUE / 2)
        {
            throw new SocialNetException("edges=" + edges + " must be in [0, " + Math.min(possible / 4,
                Integer.MAX_VALUE / 2) + "] for users=" + users);
        }
    }

    /**
     * A power-law graph of the given size, the same for a seed.
     *
     * @param users of the graph, at least 2.
     * @param edges distinct undirected edges, at most a quarter of all possible ones.
     * @param seed  of the generator.
     * @return the graph.
     * @throws SocialNetException if the sizes are out of range.
     */
    public static SocialGraph generate(final int users, final long edges, final long seed)
    {
        checkSizes(users, edges);
        final double[] cumulative = new double[users];
        double total = 0;
        for (int i = 0; i < users; i++)
        {
            total += 1.0 / Math.sqrt(i + 1);
            cumulative[i] = total;
        }
        // ids are shuffled so the popular users are spread over the id range, as in a real graph
        final int[] permutation = new int[users];
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < users; i++)
        {
            final int j = random.nextInt(i + 1);
            permutation[i] = permutation[j];
            permutation[j] = i;
        }
        final LongHashSet chosen = new LongHashSet((int)Math.min(Integer.MAX_VALUE / 2, edges * 2 + 16));
        while (chosen.size() < edges)
        {
            final int a = permutation[pick(cumulative, random.nextDouble() * total)];
            final int b = permutation[pick(cumulative, random.nextDouble() * total)];
            if (a != b)
            {
                chosen.add(edgeKey(a, b));
            }
        }

        return fromEdges(users, chosen);
    }

    private static int pick(final double[] cumulative, final double point)
    {
        int low = 0;
        int high = cumulative.length - 1;
        while (low < high)
        {
            final int middle = (low + high) >>> 1;
            if (cumulative[middle] < point)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private static SocialGraph fromEdges(final int users, final LongHashSet edges)
    {
        final int[] degrees = new int[users];
        final LongHashSet.LongIterator iterator = edges.iterator();
        while (iterator.hasNext())
        {
            final long key = iterator.nextValue();
            degrees[(int)(key >>> 32)]++;
            degrees[(int)key]++;
        }
        final int[] offsets = new int[users + 1];
        for (int i = 0; i < users; i++)
        {
            offsets[i + 1] = offsets[i] + degrees[i];
        }
        final int[] neighbours = new int[offsets[users]];
        final int[] fill = Arrays.copyOf(offsets, users);
        final LongHashSet.LongIterator again = edges.iterator();
        while (again.hasNext())
        {
            final long key = again.nextValue();
            final int a = (int)(key >>> 32);
            final int b = (int)key;
            neighbours[fill[a]++] = b;
            neighbours[fill[b]++] = a;
        }
        for (int i = 0; i < users; i++)
        {
            Arrays.sort(neighbours, offsets[i], offsets[i + 1]);
        }

        return new SocialGraph(offsets, neighbours);
    }

    private static long edgeKey(final int a, final int b)
    {
        return ((long)Math.min(a, b) << 32) | Math.max(a, b);
    }

    private static int parseId(final String field, final String source, final int lineNumber, final String line)
    {
        final long id;
        try
        {
            id = Long.parseLong(field);
        }
        catch (final NumberFormatException ex)
        {
            throw bad(source, lineNumber, "'" + field + "' is not a user id", line);
        }
        if (id < 0 || id >= Integer.MAX_VALUE)
        {
            throw bad(source, lineNumber, "user id " + id + " is out of range [0, " + (Integer.MAX_VALUE - 1) + "]",
                line);
        }

        return (int)id;
    }

    private static SocialNetException bad(
        final String source, final int lineNumber, final String what, final String line)
    {
        return new SocialNetException("social graph " + source + " line " + lineNumber + ": " + what + ": '" +
            line + "'");
    }
}
