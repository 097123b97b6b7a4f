package org.jdsm.apps.gemm;

import org.agrona.DirectBuffer;
import org.jdsm.Ref;

import java.util.SplittableRandom;

/**
 * Checks a distributed product on the driver, reading each output tile once through a shared borrow: against
 * the naive product, element by element; at sampled elements against naive dot products; or, through a digest of
 * every element, against the baseline's tiles bit for bit (the same arithmetic in the same order, for {@code double}
 * too). Padding must be zero (for {@code double}, within the tolerance: Strassen's cancellations there round).
 * <p>
 * <b>Note:</b> stateless; call from the driver's thread.
 */
public final class GemmCheck
{
    private GemmCheck()
    {
    }

    /**
     * Compare with the naive product of the same inputs.
     *
     * @param plan of the multiplication.
     * @param seed of the inputs.
     * @param c    output tiles.
     * @return null if every element matches, else the first wrong element.
     */
    public static String againstNaive(final GemmPlan plan, final long seed, final TiledMatrix c)
    {
        final Object naive = plan.type().naive(seed, plan.n());
        return compare(plan, c, (row, col) ->
            row < plan.n() && col < plan.n() ? plan.type().get(naive, row * plan.n() + col) : 0, false);
    }

    /**
     * Compare sampled elements with naive dot products.
     *
     * @param plan    of the multiplication.
     * @param seed    of the inputs.
     * @param c       output tiles.
     * @param samples elements to check.
     * @return null if every sample matches, else the first wrong one.
     */
    public static String sampled(final GemmPlan plan, final long seed, final TiledMatrix c, final int samples)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final int t = plan.tile();
        for (int s = 0; s < samples; s++)
        {
            final int row = random.nextInt(plan.n());
            final int col = random.nextInt(plan.n());
            final double expected = plan.type().naiveElement(seed, plan.n(), row, col);
            try (Ref<Object> element = c.read(row / t * plan.tilesPerSide() + col / t);
                Ref<?> tile = TiledMatrix.box(element).read())
            {
                final double actual = plan.type().get(tile.buffer(), (row % t) * t + col % t);
                if (!plan.type().matches(actual, expected, plan.n(), false))
                {
                    return wrong(row, col, actual, expected);
                }
            }
        }

        return null;
    }

    /**
     * A 64-bit digest of every element of a product, padding included, in tile order: equal products (bit for
     * bit, {@code double}s too) have equal digests, and a changed element changes it but with chance 2^-64.
     *
     * @param plan of the multiplication.
     * @param c    output tiles.
     * @return the digest.
     */
    public static long digest(final GemmPlan plan, final TiledMatrix c)
    {
        final int elements = plan.tile() * plan.tile();
        long digest = 0;
        for (int index = 0; index < c.tileCount(); index++)
        {
            try (Ref<Object> element = c.read(index); Ref<?> tile = TiledMatrix.box(element).read())
            {
                final DirectBuffer buffer = tile.buffer();
                for (int i = 0; i < elements; i++)
                {
                    digest = mix(digest, plan.type().get(buffer, i));
                }
            }
        }

        return digest;
    }

    /**
     * {@link #digest(GemmPlan, TiledMatrix)} of the baseline's tiles.
     *
     * @param plan  of the multiplication.
     * @param tiles the baseline's output tiles.
     * @return the digest.
     */
    public static long digest(final GemmPlan plan, final Object[] tiles)
    {
        final int elements = plan.tile() * plan.tile();
        long digest = 0;
        for (final Object tile : tiles)
        {
            for (int i = 0; i < elements; i++)
            {
                digest = mix(digest, plan.type().get(tile, i));
            }
        }

        return digest;
    }

    private static long mix(final long digest, final double value)
    {
        long h = (digest ^ Double.doubleToRawLongBits(value)) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 32;

        return h * 0xBF58476D1CE4E5B9L + 1;
    }

    private static String compare(final GemmPlan plan, final TiledMatrix c, final Reference reference,
        final boolean exact)
    {
        final int t = plan.tile();
        for (int index = 0; index < c.tileCount(); index++)
        {
            try (Ref<Object> element = c.read(index); Ref<?> tile = TiledMatrix.box(element).read())
            {
                final DirectBuffer buffer = tile.buffer();
                for (int i = 0; i < t; i++)
                {
                    final int row = index / plan.tilesPerSide() * t + i;
                    for (int j = 0; j < t; j++)
                    {
                        final int col = index % plan.tilesPerSide() * t + j;
                        final double actual = plan.type().get(buffer, i * t + j);
                        final double expected = reference.get(row, col);
                        if (!plan.type().matches(actual, expected, plan.n(), exact))
                        {
                            return wrong(row, col, actual, expected);
                        }
                    }
                }
            }
        }

        return null;
    }

    private static String wrong(final int row, final int col, final double actual, final double expected)
    {
        return "C[" + row + "][" + col + "]=" + actual + " expected " + expected;
    }

    /**
     * The reference value of an element.
     */
    @FunctionalInterface
    private interface Reference
    {
        double get(int row, int col);
    }
}
