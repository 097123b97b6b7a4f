package org.jdsm.apps.gemm;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The single-machine baseline against the naive product, and the kernels on their own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BaselineGemmTest
{
    @Test
    void shouldEqualNaiveProductForEverySizeAndType()
    {
        final ForkJoinPool pool = new ForkJoinPool(2);
        try
        {
            for (final ElementType type : ElementType.values())
            {
                for (final int n : new int[] { 1, 7, 64, 100, 257, 512 })
                {
                    final GemmPlan plan = GemmPlan.of(type, n, 2, 32, 64);
                    final Object[] c = BaselineGemm.multiply(pool, plan, BaselineGemm.inputs(pool, plan, n, 0),
                        BaselineGemm.inputs(pool, plan, n, 1), GemmProgress.NONE);
                    assertEquals(0, mismatches(plan, n, c), plan.toString());
                }
            }
        }
        finally
        {
            pool.shutdown();
        }
    }

    @Test
    void shouldMultiplyWithKernelAndStrassenAlike()
    {
        final int size = 96;
        final int[] a = (int[])ElementType.INT.randomTile(1, 0, 0, 0, size, size);
        final int[] b = (int[])ElementType.INT.randomTile(1, 1, 0, 0, size, size);
        final int[] kernel = new int[size * size];
        IntKernels.multiplyAdd(a, b, kernel, size);

        assertEquals(java.util.Arrays.toString(kernel), java.util.Arrays.toString(IntKernels.strassen(a, b, size, 3)));
        assertEquals(java.util.Arrays.toString((int[])ElementType.INT.naive(1, size)),
            java.util.Arrays.toString(kernel));
    }

    @Test
    void shouldSumATileReadInPlaceFromABufferAsFromItsArray()
    {
        final int side = 24;
        final int dstSide = 3 * side;
        for (final ElementType type : ElementType.values())
        {
            final Object tile = type.randomTile(5, 0, 1, 2, side, 1000);
            final Object other = type.randomTile(5, 1, 2, 1, side, 1000);
            final UnsafeBuffer tileBuffer = encoded(type, tile);
            for (final int coef : new int[] { 1, -1 })
            {
                final Object fromArray = type.randomTile(9, 0, 0, 0, dstSide, 1000);
                final Object fromBuffer = type.randomTile(9, 0, 0, 0, dstSide, 1000);
                type.accumulate(fromArray, dstSide, side, 2 * side, coef, tile, side);
                type.accumulate(fromBuffer, dstSide, side, 2 * side, coef, tileBuffer, side);
                assertEquals(text(type, fromArray, dstSide), text(type, fromBuffer, dstSide), type + " " + coef);

                final Object sum = type.randomTile(5, 1, 2, 1, side, 1000);
                final UnsafeBuffer sumBuffer = encoded(type, other);
                type.accumulate(sum, coef, tile);
                type.accumulate(sumBuffer, coef, tileBuffer, side);
                assertEquals(text(type, sum, side), text(type, type.codec().decode(
                    sumBuffer, 0, sumBuffer.capacity(), null), side), type + " in place " + coef);
            }
        }
    }

    private static UnsafeBuffer encoded(final ElementType type, final Object tile)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(
            org.agrona.BufferUtil.allocateDirectAligned(type.codec().encodedLength(tile), 64));
        type.codec().encode(tile, buffer, 0, null);

        return buffer;
    }

    private static String text(final ElementType type, final Object square, final int side)
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < side * side; i++)
        {
            text.append(type.get(square, i)).append(' ');
        }

        return text.toString();
    }

    private static int mismatches(final GemmPlan plan, final long seed, final Object[] c)
    {
        final Object naive = plan.type().naive(seed, plan.n());
        final int t = plan.tile();
        int wrong = 0;
        for (int row = 0; row < plan.padded(); row++)
        {
            for (int col = 0; col < plan.padded(); col++)
            {
                final Object tile = c[row / t * plan.tilesPerSide() + col / t];
                final double actual = plan.type().get(tile, (row % t) * t + col % t);
                final boolean inside = row < plan.n() && col < plan.n();
                final double expected = inside ? plan.type().get(naive, row * plan.n() + col) : 0;
                wrong += plan.type().matches(actual, expected, plan.n(), false) ? 0 : 1;
            }
        }

        return wrong;
    }
}
