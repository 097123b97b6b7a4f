package org.jdsm.apps.socialnet;

import org.agrona.MutableDirectBuffer;

/**
 * The media store's clips: {@value #FRAMES} RGB frames of {@value #WIDTH}x{@value #HEIGHT}, one byte per channel,
 * rows top to bottom, frames one after the other; the pixels are a function of the clip id, frame, position and
 * seed, so every node can check a frame.
 * <p>
 * <b>Note:</b> stateless, threadsafe.
 */
public final class Clips
{
    /** Frames per clip. */
    public static final int FRAMES = 5;
    /** Frame width in pixels. */
    public static final int WIDTH = 480;
    /** Frame height in pixels. */
    public static final int HEIGHT = 270;
    /** Bytes per pixel: red, green, blue. */
    public static final int CHANNELS = 3;
    /** Bytes of one frame. */
    public static final int FRAME_BYTES = WIDTH * HEIGHT * CHANNELS;
    /** Bytes of one clip. */
    public static final int CLIP_BYTES = FRAMES * FRAME_BYTES;

    private Clips()
    {
    }

    /**
     * Generate a clip.
     *
     * @param clipId of the clip.
     * @param seed   of the media store.
     * @return its {@link #CLIP_BYTES} bytes.
     */
    public static byte[] generate(final int clipId, final long seed)
    {
        final byte[] clip = new byte[CLIP_BYTES];
        final int s = (int)(seed ^ (seed >>> 32));
        int i = 0;
        for (int frame = 0; frame < FRAMES; frame++)
        {
            for (int y = 0; y < HEIGHT; y++)
            {
                for (int x = 0; x < WIDTH; x++)
                {
                    clip[i++] = (byte)(x * 3 + frame * 17 + clipId * 41 + s);
                    clip[i++] = (byte)(y * 5 + (x >> 3) + clipId * 13);
                    clip[i++] = (byte)((x ^ y) + frame * 7 + (s >>> 8));
                }
            }
        }

        return clip;
    }

    /**
     * Copy a clip into a buffer.
     *
     * @param clip   its bytes.
     * @param buffer to write to, with room for {@link #CLIP_BYTES} at offset 0.
     */
    public static void copy(final byte[] clip, final MutableDirectBuffer buffer)
    {
        buffer.putBytes(0, clip);
    }
}
