package org.jdsm.apps.gemm;

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
