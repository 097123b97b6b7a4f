package org.jdsm.apps.socialnet;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The media service's work on a clip: a watermark in the bottom-right corner of every frame, computed on the pixels:
 * a tint blended over a horizontal gradient of strength, and a label drawn in a built-in 5x7 bitmap font at twice its
 * size. A pixel of the region that the blend would leave unchanged gets the low bit of its blue flipped, so every
 * pixel of the region differs from the original and no pixel outside it does.
 * <p>
 * <b>Note:</b> stateless, threadsafe.
 */
public final class Watermark
{
    /** Left edge of the region, in pixels. */
    public static final int X = 296;
    /** Top edge of the region, in pixels. */
    public static final int Y = 238;
    /** Width of the region, in pixels. */
    public static final int WIDTH = 176;
    /** Height of the region, in pixels. */
    public static final int HEIGHT = 24;
    /** Longest label drawn, in characters. */
    public static final int MAX_LABEL = 14;

    private static final int SCALE = 2;
    private static final int TINT_R = 32;
    private static final int TINT_G = 96;
    private static final int TINT_B = 200;
    private static final String GLYPHS = "0123456789JDSM# ";
    private static final String[] FONT = {
        "01110 10001 10011 10101 11001 10001 01110", "00100 01100 00100 00100 00100 00100 01110",
        "01110 10001 00001 00010 00100 01000 11111", "11110 00001 00001 01110 00001 00001 11110",
        "00010 00110 01010 10010 11111 00010 00010", "11111 10000 11110 00001 00001 10001 01110",
        "00110 01000 10000 11110 10001 10001 01110", "11111 00001 00010 00100 01000 01000 01000",
        "01110 10001 10001 01110 10001 10001 01110", "01110 10001 10001 01111 00001 00010 01100",
        "00111 00010 00010 00010 00010 10010 01100", "11100 10010 10001 10001 10001 10010 11100",
        "01111 10000 10000 01110 00001 00001 11110", "10001 11011 10101 10101 10001 10001 10001",
        "01010 01010 11111 01010 11111 01010 01010", "00000 00000 00000 00000 00000 00000 00000" };

    private Watermark()
    {
    }

    /**
     * The label a post's frames carry.
     *
     * @param postId of the post.
     * @return {@code JDSM #} and the last 8 digits of the id.
     */
    public static String label(final long postId)
    {
        return "JDSM #" + (postId % 100_000_000L);
    }

    /**
     * Copy a clip and watermark the copy.
     *
     * @param source clip of {@link Clips#CLIP_BYTES} bytes at offset 0.
     * @param target buffer of at least as many bytes at offset 0, written whole.
     * @param label  drawn, at most {@link #MAX_LABEL} characters of {@code 0-9 J D S M # space}.
     */
    public static void apply(final DirectBuffer source, final MutableDirectBuffer target, final String label)
    {
        target.putBytes(0, source, 0, Clips.CLIP_BYTES);
        final boolean[][] ink = ink(label);
        for (int frame = 0; frame < Clips.FRAMES; frame++)
        {
            final int frameOffset = frame * Clips.FRAME_BYTES;
            for (int y = 0; y < HEIGHT; y++)
            {
                int at = frameOffset + ((Y + y) * Clips.WIDTH + X) * Clips.CHANNELS;
                for (int x = 0; x < WIDTH; x++, at += Clips.CHANNELS)
                {
                    final int alpha = 64 + x * 128 / WIDTH;
                    final int r = source.getByte(at) & 0xFF;
                    final int g = source.getByte(at + 1) & 0xFF;
                    final int b = source.getByte(at + 2) & 0xFF;
                    int nr;
                    int ng;
                    int nb;
                    if (ink[y][x])
                    {
                        nr = 250;
                        ng = 250;
                        nb = 250 - frame;
                    }
                    else
                    {
                        nr = (r * (256 - alpha) + TINT_R * alpha) >> 8;
                        ng = (g * (256 - alpha) + TINT_G * alpha) >> 8;
                        nb = (b * (256 - alpha) + TINT_B * alpha) >> 8;
                    }
                    if (nr == r && ng == g && nb == b)
                    {
                        nb ^= 1;
                    }
                    target.putByte(at, (byte)nr);
                    target.putByte(at + 1, (byte)ng);
                    target.putByte(at + 2, (byte)nb);
                }
            }
        }
    }

    /**
     * Whether a pixel is inside the region.
     *
     * @param x column.
     * @param y row.
     * @return true inside.
     */
    public static boolean isInside(final int x, final int y)
    {
        return x >= X && x < X + WIDTH && y >= Y && y < Y + HEIGHT;
    }

    private static boolean[][] ink(final String label)
    {
        if (label.length() > MAX_LABEL)
        {
            throw new SocialNetException("watermark label '" + label + "' is longer than " + MAX_LABEL);
        }
        final boolean[][] ink = new boolean[HEIGHT][WIDTH];
        final int top = (HEIGHT - 7 * SCALE) / 2;
        for (int c = 0; c < label.length(); c++)
        {
            final int glyph = GLYPHS.indexOf(label.charAt(c));
            if (glyph < 0)
            {
                throw new SocialNetException("watermark label '" + label + "' has '" + label.charAt(c) +
                    "', which the font does not draw");
            }
            final String[] rows = FONT[glyph].split(" ");
            final int left = 4 + c * (5 * SCALE + 2);
            for (int row = 0; row < 7; row++)
            {
                for (int col = 0; col < 5; col++)
                {
                    if ('1' == rows[row].charAt(col))
                    {
                        for (int dy = 0; dy < SCALE; dy++)
                        {
                            for (int dx = 0; dx < SCALE; dx++)
                            {
                                ink[top + row * SCALE + dy][left + col * SCALE + dx] = true;
                            }
                        }
                    }
                }
            }
        }

        return ink;
    }
}
