package org.jdsm.apps.gemm;

import org.jdsm.DBox;
import org.jdsm.DsmNode;
import org.jdsm.Mut;
import org.jdsm.NodeUnavailableException;
import org.jdsm.Ref;
import org.jdsm.apps.TaskResult;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Strassen across a jdsm cluster, the port of {@link BaselineGemm}. A matrix is a {@link TiledMatrix}: a
 * {@code DVec} of tile boxes, tile i generated on (and owned by a box on) node i mod N. The {@code 7^levels} leaves
 * run on node p mod N; each gets shared borrows ({@link Ref}s lent by the driver) of the input tiles it sums, reads
 * them in place through {@link Ref#buffer()} (a remote tile is fetched once into the node's cache, whichever leaf
 * asks first), and returns its product tiles as {@link DBox}es allocated where it ran, moved back in the result.
 * Output tile i is allocated on node i mod N and written there through an exclusive borrow by a task that reads
 * the products it needs shared.
 * <p>
 * <b>Note:</b> stateless; call from the driver's thread. Every matrix it returns is the caller's to close.
 */
public final class DistributedGemm
{
    /** Longest wait for one task; a dead node fails it sooner, with {@link NodeUnavailableException}. */
    public static final long TASK_TIMEOUT_S = 1800;


    private DistributedGemm()
    {
    }

    /**
     * A random input matrix, tile i generated in a box on node i mod N.
     *
     * @param node   the driver.
     * @param plan   of the multiplication.
     * @param seed   of the inputs.
     * @param matrix 0 for A, 1 for B.
     * @return the matrix.
     */
    public static TiledMatrix inputs(final DsmNode node, final GemmPlan plan, final long seed, final int matrix)
    {
        return inputs(node, node.nodeCount(), plan, seed, matrix);
    }

    /**
     * A random input matrix on the first {@code nodes} nodes of the cluster, tile i in a box on node i mod nodes.
     *
     * @param node   the driver.
     * @param nodes  nodes to use, from node 0.
     * @param plan   of the multiplication.
     * @param seed   of the inputs.
     * @param matrix 0 for A, 1 for B.
     * @return the matrix.
     */
    public static TiledMatrix inputs(
        final DsmNode node, final int nodes, final GemmPlan plan, final long seed, final int matrix)
    {
        final List<CompletableFuture<DBox<Object>>> tasks = new ArrayList<>();
        for (int index = 0; index < plan.tileCount(); index++)
        {
            final int row = index / plan.tilesPerSide();
            final int col = index % plan.tilesPerSide();
            tasks.add(node.spawnOn(index % nodes, (n) -> n.alloc(plan.type().codec(),
                plan.type().randomTile(seed, matrix, row, col, plan.tile(), plan.n()))));
        }

        return new TiledMatrix(node, plan.type(), awaitAll(tasks, "input tile "));
    }

    /**
     * {@code C = A x B}.
     *
     * @param node     the driver.
     * @param plan     of the multiplication.
     * @param a        the left matrix.
     * @param b        the right matrix.
     * @param progress told as leaves and tiles complete.
     * @return C, tile i owned by a box on node i mod N.
     * @throws NodeUnavailableException if a node died during the run.
     */
    public static TiledMatrix multiply(
        final DsmNode node, final GemmPlan plan, final TiledMatrix a, final TiledMatrix b, final GemmProgress progress)
    {
        return multiply(node, node.nodeCount(), plan, a, b, progress);
    }

    /**
     * {@code C = A x B} on the first {@code nodes} nodes of the cluster: leaf p on node p mod nodes, output tile i
     * on node i mod nodes.
     *
     * @param node     the driver.
     * @param nodes    nodes to use, from node 0.
     * @param plan     of the multiplication.
     * @param a        the left matrix.
     * @param b        the right matrix.
     * @param progress told as leaves and tiles complete.
     * @return C.
     * @throws NodeUnavailableException if a node died during the run.
     */
    public static TiledMatrix multiply(final DsmNode node, final int nodes, final GemmPlan plan, final TiledMatrix a,
        final TiledMatrix b, final GemmProgress progress)
    {
        final StrassenCoefficients coefficients = StrassenCoefficients.of(plan.levels());
        final Ref<Object>[] aElements = elements(a);
        final Ref<Object>[] bElements = elements(b);
        final List<CompletableFuture<DBox<?>[]>> leaves = new ArrayList<>();
        final List<Ref<?>[]> lentToLeaves = new ArrayList<>();
        for (int p = 0; p < coefficients.productCount(); p++)
        {
            final Ref<?>[] aTiles = lend(plan, coefficients.aBlocks(p), aElements);
            final Ref<?>[] bTiles = lend(plan, coefficients.bBlocks(p), bElements);
            lentToLeaves.add(aTiles);
            lentToLeaves.add(bTiles);
            final int product = p;
            leaves.add(node.spawnOn(p % nodes, (n) -> leaf(n, plan, product, aTiles, bTiles)));
        }
        final DBox<?>[][] products = new DBox<?>[leaves.size()][];
        for (int p = 0; p < products.length; p++)
        {
            products[p] = await(leaves.get(p), "leaf " + p);
            progress.onProgress("leaves", p + 1, products.length);
        }
        close(lentToLeaves);
        close(aElements);
        close(bElements);

        final List<CompletableFuture<DBox<Object>>> combines = new ArrayList<>();
        final List<Ref<?>[]> lentToCombines = new ArrayList<>();
        for (int index = 0; index < plan.tileCount(); index++)
        {
            final int[] coefs = coefficients.cCoefs(blockOf(plan, index));
            final Ref<?>[] mTiles = productTiles(plan, coefficients, index, products);
            lentToCombines.add(mTiles);
            combines.add(node.spawnOn(index % nodes, (n) -> combine(n, plan, coefs, mTiles)));
        }
        final DBox<?>[] c = new DBox<?>[plan.tileCount()];
        for (int index = 0; index < c.length; index++)
        {
            c[index] = await(combines.get(index), "output tile " + index);
            progress.onProgress("combine", index + 1, c.length);
        }
        close(lentToCombines);
        for (final DBox<?>[] tiles : products)
        {
            for (final DBox<?> tile : tiles)
            {
                tile.close();
            }
        }

        return new TiledMatrix(node, plan.type(), c);
    }

    static DBox<?>[] leaf(
        final DsmNode node, final GemmPlan plan, final int p, final Ref<?>[] aTiles, final Ref<?>[] bTiles)
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

    static Object gather(final GemmPlan plan, final int[] coefs, final Ref<?>[] tiles)
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
                    plan.type().accumulate(sum, plan.leafSide(), u * t, v * t, coefs[i],
                        tiles[(i * m + u) * m + v].buffer(), t);
                }
            }
        }

        return sum;
    }

    static DBox<Object> combine(final DsmNode node, final GemmPlan plan, final int[] coefs, final Ref<?>[] mTiles)
    {
        final DBox<Object> cTile = node.alloc(plan.type().codec(), plan.type().newArray(plan.tile() * plan.tile()));
        try (Mut<Object> tile = cTile.write())
        {
            for (int i = 0; i < coefs.length; i++)
            {
                plan.type().accumulate(tile.buffer(), coefs[i], mTiles[i].buffer(), plan.tile());
            }
        }

        return cTile;
    }

    /**
     * Shared borrows of the tiles a leaf sums, in the order {@link #gather} reads them, to lend to the leaf.
     */
    static Ref<?>[] lend(final GemmPlan plan, final int[] blocks, final Ref<Object>[] elements)
    {
        final int m = plan.blockTiles();
        final Ref<?>[] selected = new Ref<?>[blocks.length * m * m];
        for (int i = 0; i < blocks.length; i++)
        {
            for (int u = 0; u < m; u++)
            {
                for (int v = 0; v < m; v++)
                {
                    selected[(i * m + u) * m + v] = TiledMatrix.box(elements[plan.tileOf(blocks[i], u, v)]).read();
                }
            }
        }

        return selected;
    }

    @SuppressWarnings("unchecked")
    private static Ref<Object>[] elements(final TiledMatrix matrix)
    {
        final Ref<Object>[] elements = new Ref[matrix.tileCount()];
        for (int i = 0; i < elements.length; i++)
        {
            elements[i] = matrix.read(i);
        }

        return elements;
    }

    private static void close(final Ref<?>[] refs)
    {
        for (final Ref<?> ref : refs)
        {
            ref.close();
        }
    }

    private static void close(final List<Ref<?>[]> lent)
    {
        for (final Ref<?>[] refs : lent)
        {
            close(refs);
        }
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

    private static DBox<?>[] awaitAll(final List<CompletableFuture<DBox<Object>>> tasks, final String what)
    {
        final DBox<?>[] boxes = new DBox<?>[tasks.size()];
        for (int index = 0; index < boxes.length; index++)
        {
            boxes[index] = await(tasks.get(index), what + index);
        }

        return boxes;
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
        return TaskResult.await(future, "gemm " + what, TASK_TIMEOUT_S, GemmException::new);
    }
}
