package org.jdsm.apps.socialnet;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.Serializable;

/**
 * The stored frames of a post compared with the clip they were made from, pixel by pixel: how many pixels differ
 * inside the watermark region and outside it, and whether the frames equal the clip watermarked with the post's
 * label.
 * <p>
 * <b>Note:</b> immutable, threadsafe.
 *
 * @param retained          false if the post's frames are no longer kept (the other fields are then 0).
 * @param differingInside   pixels of the region, over all frames, that differ from the original.
 * @param differingOutside  pixels outside the region that differ.
 * @param equalsExpected    true if the frames equal the expected watermarked clip byte for byte.
 */
public record MediaCheck(boolean retained, long differingInside, long differingOutside, boolean equalsExpected)
    implements Serializable
{
    /** Pixels of the region over all frames of a clip. */
    public static final long REGION_PIXELS = (long)Clips.FRAMES * Watermark.WIDTH * Watermark.HEIGHT;

    /**
     * The check of frames no longer kept.
     *
     * @return it.
     */
    public static MediaCheck notRetained()
    {
        return new MediaCheck(false, 0, 0, false);
    }

    /**
     * Compare stored frames with the clip regenerated from its id and the store's seed.
     *
     * @param frames stored, {@link Clips#CLIP_BYTES} at offset 0.
     * @param post   whose frames they are.
     * @param seed   of the media store.
     * @return the comparison.
     */
    public static MediaCheck of(final DirectBuffer frames, final Post post, final long seed)
    {
        final byte[] original = Clips.generate(post.clipId(), seed);
        final UnsafeBuffer expected = new UnsafeBuffer(new byte[Clips.CLIP_BYTES]);
        Watermark.apply(new UnsafeBuffer(original), expected, Watermark.label(post.postId()));
        long inside = 0;
        long outside = 0;
        boolean equal = true;
        int at = 0;
        for (int frame = 0; frame < Clips.FRAMES; frame++)
        {
            for (int y = 0; y < Clips.HEIGHT; y++)
            {
                for (int x = 0; x < Clips.WIDTH; x++, at += Clips.CHANNELS)
                {
                    boolean differs = false;
                    for (int c = 0; c < Clips.CHANNELS; c++)
                    {
                        final byte stored = frames.getByte(at + c);
                        differs |= stored != original[at + c];
                        equal &= stored == expected.getByte(at + c);
                    }
                    if (differs)
                    {
                        if (Watermark.isInside(x, y))
                        {
                            inside++;
                        }
                        else
                        {
                            outside++;
                        }
                    }
                }
            }
        }

        return new MediaCheck(true, inside, outside, equal);
    }
}
