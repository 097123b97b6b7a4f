package org.jdsm.apps.socialnet;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clips, the watermark and the check of stored frames.
 */
class MediaTest
{
    @Test
    void shouldGenerateSameClipForASeedAndDifferentClipsOtherwise()
    {
        assertArrayEquals(Clips.generate(3, 9), Clips.generate(3, 9));
        assertFalse(Arrays.equals(Clips.generate(3, 9), Clips.generate(4, 9)));
        assertFalse(Arrays.equals(Clips.generate(3, 9), Clips.generate(3, 10)));
        assertEquals(5 * 480 * 270 * 3, Clips.generate(0, 0).length);
    }

    @Test
    void shouldChangeExactlyTheWatermarkRegionOfEveryFrame()
    {
        final byte[] clip = Clips.generate(2, 5);
        final byte[] marked = new byte[Clips.CLIP_BYTES];
        Watermark.apply(new UnsafeBuffer(clip), new UnsafeBuffer(marked), Watermark.label(1234567890123L));
        final Post post = new Post(1234567890123L, 0, 0, 2, "user_0", "", new int[0], "", "");

        assertEquals(new MediaCheck(true, MediaCheck.REGION_PIXELS, 0, true),
            MediaCheck.of(new UnsafeBuffer(marked), post, 5));
        assertEquals("JDSM #67890123", Watermark.label(1234567890123L));
    }

    @Test
    void shouldChangeRegionPixelsTheTintWouldLeaveEqual()
    {
        final byte[] tinted = new byte[Clips.CLIP_BYTES];
        for (int i = 0; i < tinted.length; i += 3)
        {
            tinted[i] = 32;
            tinted[i + 1] = 96;
            tinted[i + 2] = (byte)200;
        }
        final byte[] marked = new byte[Clips.CLIP_BYTES];
        Watermark.apply(new UnsafeBuffer(tinted), new UnsafeBuffer(marked), "");

        long differing = 0;
        for (int i = 0; i < tinted.length; i += 3)
        {
            final int pixel = (i / 3) % (Clips.WIDTH * Clips.HEIGHT);
            final boolean differs = tinted[i] != marked[i] || tinted[i + 1] != marked[i + 1] ||
                tinted[i + 2] != marked[i + 2];
            assertEquals(Watermark.isInside(pixel % Clips.WIDTH, pixel / Clips.WIDTH), differs, "pixel " + pixel);
            differing += differs ? 1 : 0;
        }
        assertEquals(MediaCheck.REGION_PIXELS, differing);
    }

    @Test
    void shouldDrawLabelInk()
    {
        final byte[] clip = Clips.generate(0, 1);
        final byte[] blank = new byte[Clips.CLIP_BYTES];
        final byte[] labelled = new byte[Clips.CLIP_BYTES];
        Watermark.apply(new UnsafeBuffer(clip), new UnsafeBuffer(blank), "");
        Watermark.apply(new UnsafeBuffer(clip), new UnsafeBuffer(labelled), "8");

        // '8' is 5x7 with 17 dots set (see the font), drawn 2x2 each, in every frame
        int differing = 0;
        for (int i = 0; i < blank.length; i += 3)
        {
            differing += blank[i] != labelled[i] || blank[i + 1] != labelled[i + 1] || blank[i + 2] != labelled[i + 2]
                ? 1 : 0;
        }
        assertEquals(5 * 17 * 4, differing);
    }

    @Test
    void shouldRejectLabelItCanNotDraw()
    {
        final UnsafeBuffer clip = new UnsafeBuffer(new byte[Clips.CLIP_BYTES]);
        assertEquals("watermark label 'jdsm' has 'j', which the font does not draw",
            assertThrows(SocialNetException.class, () -> Watermark.apply(clip, clip, "jdsm")).getMessage());
        assertEquals("watermark label '0123456789012345' is longer than 14",
            assertThrows(SocialNetException.class,
            () -> Watermark.apply(clip, clip, "0123456789012345")).getMessage());
    }

    @Test
    void shouldReportFramesThatAreNotTheExpectedOnes()
    {
        final byte[] clip = Clips.generate(1, 5);
        final byte[] marked = new byte[Clips.CLIP_BYTES];
        Watermark.apply(new UnsafeBuffer(clip), new UnsafeBuffer(marked), Watermark.label(7));
        marked[0]++;
        final MediaCheck check = MediaCheck.of(new UnsafeBuffer(marked),
            new Post(7, 0, 0, 1, "user_0", "", new int[0], "", ""), 5);

        assertEquals(1, check.differingOutside());
        assertFalse(check.equalsExpected());
        assertTrue(check.retained());
    }
}
