package org.jdsm.apps.gemm;

import org.agrona.DirectBuffer;
import org.jdsm.Ref;

import java.util.SplittableRandom;

/**
 * Checks a distributed product on the driver, reading each output tile once through a shared borrow: against
 * the naive product, element by element; against the baseline's tiles, exactly (the same arithmetic in the same
 * order, for {@code double} too); or at sampled elements against naive dot products. Padding must be zero (for
 * {@code double}, within the tolerance: Strassen's cancellations there round).
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
     * Compare with the baseline's tiles, exactly.
     *
     * @param plan      of the multiplication.
     * @param c         output tiles.
     * @param reference the baseline's output tiles.
     * @return null if every element matches, else the first wrong element.
     */
    public static String againstBaseline(final GemmPlan plan, final TiledMatrix c, final Object[] reference)
    {
        final int t = plan.tile();
        return compare(plan, c, (row, col) -> plan.type().get(
            reference[row / t * plan.tilesPerSide() + col / t], (row % t) * t + col % t), true);
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
