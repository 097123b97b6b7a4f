package org.jdsm.apps.socialnet;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Text parsing and rendering, URL shortening, user lookup, post ids and timelines.
 */
class TextAndTimelinesTest
{
    @Test
    void shouldExtractMentionsAndUrls()
    {
        final TextParts parts = TextParts.parse("@user_1 hi @user_2, see https://a.b/c?d=@user_9 and @user_1 " +
            "http://e.f");

        assertArrayEquals(new String[] { "user_1", "user_2" }, parts.mentionNames());
        assertArrayEquals(new String[] { "https://a.b/c?d=@user_9", "http://e.f" }, parts.urls());
        assertEquals("@user_1 hi @user_2, see S1 and @user_1 S2", TextParts.render(
            "@user_1 hi @user_2, see https://a.b/c?d=@user_9 and @user_1 http://e.f", parts.urls(),
            new String[] { "S1", "S2" }));
    }

    @Test
    void shouldShortenEachUrlOnceAndExpandIt()
    {
        final UrlShortener shortener = new UrlShortener();
        final String[] first = shortener.shorten(new String[] { "http://a", "http://b", "http://a" });

        assertEquals("http://sh.rt/1", first[0]);
        assertEquals("http://sh.rt/2", first[1]);
        assertEquals(first[0], first[2]);
        assertArrayEquals(new String[] { "http://sh.rt/2" }, shortener.shorten(new String[] { "http://b" }));
        assertEquals("http://b", shortener.expand("http://sh.rt/2"));
        assertEquals(2, shortener.size());
    }

    @Test
    void shouldKeepTimelineSortedAndReadNewestFirst()
    {
        final Timelines timelines = new Timelines(new UserDirectory(3));
        assertTrue(timelines.insert(1, 20));
        assertTrue(timelines.insert(1, 40));
        assertTrue(timelines.insert(1, 30));
        assertTrue(timelines.insert(1, 10));
        assertFalse(timelines.insert(1, 30));

        assertArrayEquals(new long[] { 40, 30, 20, 10 }, timelines.read(1, 0, 100));
        assertArrayEquals(new long[] { 30, 20 }, timelines.read(1, 1, 3));
        assertArrayEquals(new long[0], timelines.read(1, 4, 9));
        assertArrayEquals(new long[0], timelines.read(0, 0, 9));
        assertEquals(4, timelines.entries());
        assertEquals("timeline range start=3 stop=1 is not 0 <= start <= stop",
            assertThrows(SocialNetException.class, () -> timelines.read(1, 3, 1)).getMessage());
        assertEquals("unknown user id=3 (ids are 0..2)",
            assertThrows(UnknownUserException.class, () -> timelines.insert(3, 1)).getMessage());
        assertArrayEquals(new int[] { 1, 2, 5, 7 }, Timelines.audience(new int[] { 1, 5, 7 }, new int[] { 2, 5 }));
    }

    @Test
    void shouldMakeIncreasingPostIdsThatCarryTheirTime()
    {
        final UniqueIds ids = new UniqueIds();
        final long before = System.currentTimeMillis();
        long last = ids.next();
        for (int i = 0; i < 10_000; i++)
        {
            final long next = ids.next();
            assertTrue(next > last);
            last = next;
        }
        assertTrue(UniqueIds.timestampMs(last) >= before);
    }

    @Test
    void shouldLookUpUsers()
    {
        final UserDirectory users = new UserDirectory(4);
        assertArrayEquals(new int[] { 3, 0 }, users.idsOf(new String[] { "user_3", "user_0" }));
        assertEquals("unknown user 'user_4' (users are user_0..user_3)",
            assertThrows(UnknownUserException.class, () -> users.idOf("user_4")).getMessage());
    }
}
