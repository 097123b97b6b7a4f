package org.jdsm.apps.gemm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * The single-machine program: Strassen on plain Java arrays of tiles with a {@link ForkJoinPool}, the top levels
 * unrolled into {@code 7^levels} leaf tasks, then one task per output tile that sums its products. Kept line by
 * line beside {@link DistributedGemm}, so {@code diff} of the two is the port.
 * <p>
 * <b>Note:</b> stateless and threadsafe; the pool is the caller's.
 */
public final class BaselineGemm
{
    private BaselineGemm()
    {
    }

    /**
     * Random input tiles, generated in the pool.
     *
     * @param pool   to run in.
     * @param plan   of the multiplication.
     * @param seed   of the inputs.
     * @param matrix 0 for A, 1 for B.
     * @return the tiles, row-major.
     */
    public static Object[] inputs(final ForkJoinPool pool, final GemmPlan plan, final long seed, final int matrix)
    {
        final List<ForkJoinTask<Object>> tasks = new ArrayList<>();
        for (int index = 0; index < plan.tileCount(); index++)
        {
            final int row = index / plan.tilesPerSide();
            final int col = index % plan.tilesPerSide();
            tasks.add(pool.submit(() -> plan.type().randomTile(seed, matrix, row, col, plan.tile(), plan.n())));
        }
        final Object[] tiles = new Object[tasks.size()];
        for (int index = 0; index < tiles.length; index++)
        {
            tiles[index] = tasks.get(index).join();
        }

        return tiles;
    }

    /**
     * {@code C = A x B}.
     *
     * @param pool     to run in.
     * @param plan     of the multiplication.
     * @param a        tiles of A.
     * @param b        tiles of B.
     * @param progress told as leaves and tiles complete.
     * @return the tiles of C.
     */
    public static Object[] multiply(
        final ForkJoinPool pool, final GemmPlan plan, final Object[] a, final Object[] b, final GemmProgress progress)
    {
        final StrassenCoefficients coefficients = StrassenCoefficients.of(plan.levels());
        final List<ForkJoinTask<Object[]>> leaves = new ArrayList<>();
        for (int p = 0; p < coefficients.productCount(); p++)
        {
            final Object[] aTiles = tilesOf(plan, coefficients.aBlocks(p), a);
            final Object[] bTiles = tilesOf(plan, coefficients.bBlocks(p), b);
            final int product = p;
            leaves.add(pool.submit(() -> leaf(plan, product, aTiles, bTiles)));
        }
        final Object[][] products = new Object[leaves.size()][];
        for (int p = 0; p < products.length; p++)
        {
            products[p] = leaves.get(p).join();
            progress.onProgress("leaves", p + 1, products.length);
        }

        final List<ForkJoinTask<Object>> combines = new ArrayList<>();
        for (int index = 0; index < plan.tileCount(); index++)
        {
            final int[] coefs = coefficients.cCoefs(blockOf(plan, index));
            final Object[] mTiles = productTiles(plan, coefficients, index, products);
            combines.add(pool.submit(() -> combine(plan, coefs, mTiles)));
        }
        final Object[] c = new Object[plan.tileCount()];
        for (int index = 0; index < c.length; index++)
        {
            c[index] = combines.get(index).join();
            progress.onProgress("combine", index + 1, c.length);
        }

        return c;
    }

    static Object[] leaf(final GemmPlan plan, final int p, final Object[] aTiles, final Object[] bTiles)
    {
        final StrassenCoefficients coefficients = StrassenCoefficients.of(plan.levels());
        final Object sa = gather(plan, coefficients.aCoefs(p), aTiles);
        final Object sb = gather(plan, coefficients.bCoefs(p), bTiles);
        final Object m = plan.type().strassen(sa, sb, plan.leafSide(), plan.cutoff());
        final int t = plan.tile();
        final Object[] out = new Object[plan.blockTiles() * plan.blockTiles()];
        for (int u = 0; u < plan.blockTiles(); u++)
        {
            for (int v = 0; v < plan.blockTiles(); v++)
            {
                out[u * plan.blockTiles() + v] = plan.type().region(m, plan.leafSide(), u * t, v * t, t);
            }
        }

        return out;
    }

    static Object gather(final GemmPlan plan, final int[] coefs, final Object[] tiles)
    {
        final int m = plan.blockTiles();
        final int t = plan.tile();
        final Object sum = plan.type().newArray(plan.leafSide() * plan.leafSide());
        for (int i = 0; i < coefs.length; i++)
        {
            for (int u = 0; u < m; u++)
            {
                for (int v = 0; v < m; v++)
                {
                    final Object tile = tiles[(i * m + u) * m + v];
                    plan.type().accumulate(sum, plan.leafSide(), u * t, v * t, coefs[i], tile, t);
                }
            }
        }

        return sum;
    }

    static Object combine(final GemmPlan plan, final int[] coefs, final Object[] mTiles)
    {
        final Object tile = plan.type().newArray(plan.tile() * plan.tile());
        for (int i = 0; i < coefs.length; i++)
        {
            plan.type().accumulate(tile, coefs[i], mTiles[i]);
        }

        return tile;
    }

    static Object[] tilesOf(final GemmPlan plan, final int[] blocks, final Object[] tiles)
    {
        final int m = plan.blockTiles();
        final Object[] selected = new Object[blocks.length * m * m];
        for (int i = 0; i < blocks.length; i++)
        {
            for (int u = 0; u < m; u++)
            {
                for (int v = 0; v < m; v++)
                {
                    selected[(i * m + u) * m + v] = tiles[plan.tileOf(blocks[i], u, v)];
                }
            }
        }

        return selected;
    }

    static Object[] productTiles(
        final GemmPlan plan, final StrassenCoefficients coefficients, final int index, final Object[][] products)
    {
        final int[] ps = coefficients.cProducts(blockOf(plan, index));
        final int m = plan.blockTiles();
        final int within = (index / plan.tilesPerSide() % m) * m + index % plan.tilesPerSide() % m;
        final Object[] selected = new Object[ps.length];
        for (int i = 0; i < ps.length; i++)
        {
            selected[i] = products[ps[i]][within];
        }

        return selected;
    }

    static int blockOf(final GemmPlan plan, final int index)
    {
        final int m = plan.blockTiles();
        return (index / plan.tilesPerSide() / m) * (1 << plan.levels()) + index % plan.tilesPerSide() / m;
    }
}
