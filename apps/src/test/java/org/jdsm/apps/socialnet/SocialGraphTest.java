package org.jdsm.apps.socialnet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The edge-list loader and the power-law generator.
 */
class SocialGraphTest
{
    @Test
    void shouldLoadOneBasedEdgeListWithCommentsDuplicatesSelfLoopsAndWeights()
    {
        final SocialGraph graph = SocialGraph.parse(new StringReader(
            "% comment\n# another\n\n1 2\n2\t1\n1   3 0.5\n4 4\n  3 4  \n"), "test");

        assertEquals(4, graph.userCount());
        assertEquals(3, graph.edgeCount());
        assertArrayEquals(new int[] { 1, 2 }, graph.followers(0));
        assertArrayEquals(new int[] { 0 }, graph.followers(1));
        assertArrayEquals(new int[] { 0, 3 }, graph.followers(2));
        assertArrayEquals(new int[] { 2 }, graph.followers(3));
    }

    @Test
    void shouldLoadMatrixMarketFileWithItsSizeLine(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("socfb-tiny.mtx");
        Files.writeString(file, "%%MatrixMarket matrix coordinate pattern symmetric\n% c\n6 6 2\n1 2\n5 3\n");
        final SocialGraph graph = SocialGraph.load(file);

        assertEquals(6, graph.userCount());
        assertEquals(2, graph.edgeCount());
        assertArrayEquals(new int[] { 4 }, graph.followers(2));
        assertArrayEquals(new int[0], graph.followers(5));
    }

    @Test
    void shouldNameTheLineOfAMalformedEdge()
    {
        assertEquals("social graph g.txt line 3: expected two user ids (and an optional weight): '7'",
            assertThrows(SocialNetException.class,
                () -> SocialGraph.parse(new StringReader("0 1\n# c\n7\n"), "g.txt")).getMessage());
        assertEquals("social graph g.txt line 2: 'x' is not a user id: '1 x'",
            assertThrows(SocialNetException.class,
                () -> SocialGraph.parse(new StringReader("0 1\n1 x\n"), "g.txt")).getMessage());
        assertEquals("social graph g.txt line 1: user id -3 is out of range [0, 2147483646]: '-3 1'",
            assertThrows(SocialNetException.class,
                () -> SocialGraph.parse(new StringReader("-3 1\n"), "g.txt")).getMessage());
        assertEquals("social graph g.txt line 2: expected the MatrixMarket size line 'rows cols entries': '1 2'",
            assertThrows(SocialNetException.class, () -> SocialGraph.parse(
                new StringReader("%%MatrixMarket matrix\n1 2\n"), "g.txt")).getMessage());
        assertEquals("social graph g.txt has no edges",
            assertThrows(SocialNetException.class,
                () -> SocialGraph.parse(new StringReader("% nothing\n"), "g.txt")).getMessage());
        assertTrue(assertThrows(SocialNetException.class,
            () -> SocialGraph.load(Path.of("/no/such/graph.txt"))).getMessage()
            .startsWith("could not read social graph /no/such/graph.txt"));
    }

    @Test
    void shouldGenerateSamePowerLawGraphForASeed()
    {
        final SocialGraph a = SocialGraph.generate(4000, 60_000, 11);
        final SocialGraph b = SocialGraph.generate(4000, 60_000, 11);
        final SocialGraph c = SocialGraph.generate(4000, 60_000, 12);

        assertEquals(4000, a.userCount());
        assertEquals(60_000, a.edgeCount());
        assertArrayEquals(a.offsets(), b.offsets());
        assertArrayEquals(a.neighbours(), b.neighbours());
        assertFalse(java.util.Arrays.equals(a.neighbours(), c.neighbours()));
        int maxDegree = 0;
        for (int u = 0; u < a.userCount(); u++)
        {
            maxDegree = Math.max(maxDegree, a.degree(u));
            for (final int f : a.followers(u))
            {
                assertTrue(f != u, "self-loop at " + u);
            }
        }
        // heavy tail: the most followed user has many times the mean degree of 30
        assertTrue(maxDegree > 300, "maxDegree=" + maxDegree);
    }

    @Test
    void shouldGeneratePenn94Shape()
    {
        final SocialGraph graph = SocialGraph.generate(SocialGraph.PENN94_USERS, SocialGraph.PENN94_EDGES, 1);

        assertEquals(41_554, graph.userCount());
        assertEquals(1_362_229, graph.edgeCount());
    }

    @Test
    void shouldRejectGeneratorSizesOutOfRange()
    {
        assertEquals("users=1 must be >= 2",
            assertThrows(SocialNetException.class, () -> SocialGraph.generate(1, 0, 1)).getMessage());
        assertEquals("edges=10 must be in [0, 2] for users=5",
            assertThrows(SocialNetException.class, () -> SocialGraph.generate(5, 10, 1)).getMessage());
    }
}
