package org.jdsm.apps.gemm;

import org.jdsm.DArc;
import org.jdsm.DBox;
import org.jdsm.DsmNode;
import org.jdsm.Mut;
import org.jdsm.NodeUnavailableException;
import org.jdsm.Ref;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Strassen across a jdsm cluster, the port of {@link BaselineGemm}: input tiles are {@link DArc}s generated on
 * the node that owns them (tile i on node i mod N) and cached freely; the {@code 7^levels} leaves run on node
 * p mod N, read their operand tiles in place through {@link Ref#buffer()} (a remote tile is fetched once into
 * the node's cache), and return their product tiles as {@link DBox}es allocated where they ran, moved back in
 * the result; each output tile is a {@code DBox} owned by node i mod N, written there through an exclusive borrow
 * by a task that reads its products shared. Handles live in Java arrays on the driver.
 * <p>
 * <b>Note:</b> stateless; call from the driver's thread. Every handle it returns is the caller's to close.
 */
public final class DistributedGemm
{
    /** Longest wait for one task; a dead node fails it sooner, with {@link NodeUnavailableException}. */
    public static final long TASK_TIMEOUT_S = 1800;


    private DistributedGemm()
    {
    }

    /**
     * Random input tiles, each generated as a {@link DArc} on the node that owns it.
     *
     * @param node   the driver.
     * @param plan   of the multiplication.
     * @param seed   of the inputs.
     * @param matrix 0 for A, 1 for B.
     * @return the tiles, row-major.
     */
    public static DArc<?>[] inputs(final DsmNode node, final GemmPlan plan, final long seed, final int matrix)
    {
        final List<CompletableFuture<DArc<Object>>> tasks = new ArrayList<>();
        for (int index = 0; index < plan.tileCount(); index++)
        {
            final int row = index / plan.tilesPerSide();
            final int col = index % plan.tilesPerSide();
            tasks.add(node.spawnOn(index % node.nodeCount(), (n) -> n.arc(plan.type().codec(),
                plan.type().randomTile(seed, matrix, row, col, plan.tile(), plan.n()))));
        }
        final DArc<?>[] tiles = new DArc<?>[tasks.size()];
        for (int index = 0; index < tiles.length; index++)
        {
            tiles[index] = await(tasks.get(index), "input tile " + index);
        }

        return tiles;
    }

    /**
     * {@code C = A x B}.
     *
     * @param node     the driver.
     * @param plan     of the multiplication.
     * @param a        tiles of A.
     * @param b        tiles of B.
     * @param progress told as leaves and tiles complete.
     * @return the tiles of C, tile i owned by node i mod N.
     * @throws NodeUnavailableException if a node died during the run.
     */
    public static DBox<?>[] multiply(
        final DsmNode node, final GemmPlan plan, final DArc<?>[] a, final DArc<?>[] b, final GemmProgress progress)
    {
        final StrassenCoefficients coefficients = StrassenCoefficients.of(plan.levels());
        final List<CompletableFuture<DBox<?>[]>> leaves = new ArrayList<>();
        for (int p = 0; p < coefficients.productCount(); p++)
        {
            final DArc<?>[] aTiles = tilesOf(plan, coefficients.aBlocks(p), a);
            final DArc<?>[] bTiles = tilesOf(plan, coefficients.bBlocks(p), b);
            final int product = p;
            leaves.add(node.spawnOn(p % node.nodeCount(), (n) -> leaf(n, plan, product, aTiles, bTiles)));
        }
        final DBox<?>[][] products = new DBox<?>[leaves.size()][];
        for (int p = 0; p < products.length; p++)
        {
            products[p] = await(leaves.get(p), "leaf " + p);
            progress.onProgress("leaves", p + 1, products.length);
        }

        final DBox<?>[] outputs = outputTiles(node, plan);
        final List<CompletableFuture<DBox<?>>> combines = new ArrayList<>();
        final List<Ref<?>[]> lent = new ArrayList<>();
        for (int index = 0; index < plan.tileCount(); index++)
        {
            final int[] coefs = coefficients.cCoefs(blockOf(plan, index));
            final Ref<?>[] mTiles = productTiles(plan, coefficients, index, products);
            final DBox<?> cTile = outputs[index];
            lent.add(mTiles);
            combines.add(node.spawnNear(cTile, (n) -> combine(plan, coefs, mTiles, cTile)));
        }
        final DBox<?>[] c = new DBox<?>[plan.tileCount()];
        for (int index = 0; index < c.length; index++)
        {
            c[index] = await(combines.get(index), "output tile " + index);
            progress.onProgress("combine", index + 1, c.length);
        }
        for (final Ref<?>[] refs : lent)
        {
            for (final Ref<?> ref : refs)
            {
                ref.close();
            }
        }
        for (final DBox<?>[] tiles : products)
        {
            for (final DBox<?> tile : tiles)
            {
                tile.close();
            }
        }

        return c;
    }

    static DBox<?>[] leaf(
        final DsmNode node, final GemmPlan plan, final int p, final DArc<?>[] aTiles, final DArc<?>[] bTiles)
    {
        final StrassenCoefficients coefficients = StrassenCoefficients.of(plan.levels());
        final Object sa = gather(plan, coefficients.aCoefs(p), aTiles);
        final Object sb = gather(plan, coefficients.bCoefs(p), bTiles);
        final Object m = plan.type().strassen(sa, sb, plan.leafSide(), plan.cutoff());
        final int t = plan.tile();
        final DBox<?>[] out = new DBox<?>[plan.blockTiles() * plan.blockTiles()];
        for (int u = 0; u < plan.blockTiles(); u++)
        {
            for (int v = 0; v < plan.blockTiles(); v++)
            {
                out[u * plan.blockTiles() + v] = node.alloc(plan.type().codec(),
                    plan.type().region(m, plan.leafSide(), u * t, v * t, t));
            }
        }

        return out;
    }

    static Object gather(final GemmPlan plan, final int[] coefs, final DArc<?>[] tiles)
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
                    try (Ref<?> tile = tiles[(i * m + u) * m + v].read())
                    {
                        plan.type().accumulate(sum, plan.leafSide(), u * t, v * t, coefs[i], tile.buffer(), t);
                    }
                }
            }
        }

        return sum;
    }

    static DBox<?> combine(final GemmPlan plan, final int[] coefs, final Ref<?>[] mTiles, final DBox<?> cTile)
    {
        try (Mut<?> tile = cTile.write())
        {
            for (int i = 0; i < coefs.length; i++)
            {
                plan.type().accumulate(tile.buffer(), coefs[i], mTiles[i].buffer(), plan.tile());
            }
        }

        return cTile;
    }

    static DArc<?>[] tilesOf(final GemmPlan plan, final int[] blocks, final DArc<?>[] tiles)
    {
        final int m = plan.blockTiles();
        final DArc<?>[] selected = new DArc<?>[blocks.length * m * m];
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

    static Ref<?>[] productTiles(
        final GemmPlan plan, final StrassenCoefficients coefficients, final int index, final DBox<?>[][] products)
    {
        final int[] ps = coefficients.cProducts(blockOf(plan, index));
        final int m = plan.blockTiles();
        final int within = (index / plan.tilesPerSide() % m) * m + index % plan.tilesPerSide() % m;
        final Ref<?>[] selected = new Ref<?>[ps.length];
        for (int i = 0; i < ps.length; i++)
        {
            selected[i] = products[ps[i]][within].read();
        }

        return selected;
    }

    static int blockOf(final GemmPlan plan, final int index)
    {
        final int m = plan.blockTiles();
        return (index / plan.tilesPerSide() / m) * (1 << plan.levels()) + index % plan.tilesPerSide() / m;
    }

    private static DBox<?>[] outputTiles(final DsmNode node, final GemmPlan plan)
    {
        final List<CompletableFuture<DBox<Object>>> tasks = new ArrayList<>();
        for (int index = 0; index < plan.tileCount(); index++)
        {
            tasks.add(node.spawnOn(index % node.nodeCount(),
                (n) -> n.alloc(plan.type().codec(), plan.type().newArray(plan.tile() * plan.tile()))));
        }
        final DBox<?>[] tiles = new DBox<?>[tasks.size()];
        for (int index = 0; index < tiles.length; index++)
        {
            tiles[index] = await(tasks.get(index), "allocating output tile " + index);
        }

        return tiles;
    }

    /**
     * Wait for a task; a dead node anywhere in its cause chain is rethrown as {@link NodeUnavailableException}.
     *
     * @param future of the task.
     * @param what   the task, for messages.
     * @param <R>    type of the result.
     * @return the result.
     */
    static <R> R await(final CompletableFuture<R> future, final String what)
    {
        try
        {
            return future.get(TASK_TIMEOUT_S, TimeUnit.SECONDS);
        }
        catch (final ExecutionException ex)
        {
            for (Throwable cause = ex.getCause(); null != cause; cause = cause.getCause())
            {
                if (cause instanceof NodeUnavailableException)
                {
                    final NodeUnavailableException dead = new NodeUnavailableException(
                        ((NodeUnavailableException)cause).nodeId(), "gemm " + what + ": " + cause.getMessage());
                    dead.initCause(ex.getCause());
                    throw dead;
                }
            }
            if (ex.getCause() instanceof RuntimeException)
            {
                throw (RuntimeException)ex.getCause();
            }
            throw new GemmException("gemm " + what + " failed: " + ex.getCause(), ex.getCause());
        }
        catch (final TimeoutException ex)
        {
            throw new GemmException("gemm " + what + " did not finish in " + TASK_TIMEOUT_S + " s", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new GemmException("gemm " + what + " interrupted", ex);
        }
    }
}
