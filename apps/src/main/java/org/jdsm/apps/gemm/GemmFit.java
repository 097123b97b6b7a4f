package org.jdsm.apps.gemm;

import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;

/**
 * Checks, before any work starts, that a plan fits every node: a tile within {@code maxObjectSize}, and the tiles
 * a node owns at the peak (its share of A, B and C, and the product tiles of its leaves) within its heap, counting
 * the allocator's size classes (a block may be up to 25% larger than its payload).
 * <p>
 * <b>Note:</b> stateless; call from the driver's thread.
 */
public final class GemmFit
{
    /** Block size over payload the allocator may round up to, plus its header, as a bound. */
    static final double SIZE_CLASS_SLACK = 1.25;

    private GemmFit()
    {
    }

    /**
     * Bytes of heap a node needs at the peak of a run.
     *
     * @param plan   of the multiplication.
     * @param nodes  in the cluster.
     * @param nodeId the node.
     * @return bytes.
     */
    public static long heapNeeded(final GemmPlan plan, final int nodes, final int nodeId)
    {
        final long tiles = plan.tileCount();
        final long products = StrassenCoefficients.products(plan.levels());
        final long ownedTiles = 3 * countOwned(tiles, nodes, nodeId) +
            countOwned(products, nodes, nodeId) * plan.blockTiles() * plan.blockTiles();

        return ownedTiles * (long)Math.ceil(plan.tileBytes() * SIZE_CLASS_SLACK + 64);
    }

    /**
     * Fail with a message naming the node, the setting and the need if the plan does not fit.
     *
     * @param driver the driver node.
     * @param plan   of the multiplication.
     * @throws GemmException if it does not fit.
     */
    public static void check(final DsmNode driver, final GemmPlan plan)
    {
        for (int i = 0; i < driver.nodeCount(); i++)
        {
            final long[] limits = DistributedGemm.await(driver.spawnOn(i, (n) ->
            {
                final DsmConfig config = n.config();
                return new long[] { config.heapSize(), config.cacheSize(), config.maxObjectSize() };
            }), "reading the configuration of node " + i);
            if (plan.tileBytes() > limits[2])
            {
                throw new GemmException("tile of " + plan.tile() + "x" + plan.tile() + " " + plan.type() + " = " +
                    plan.tileBytes() + " bytes > maxObjectSize=" +
                    limits[2] + " of node " + i +
                    ": lower --tile or raise jdsm.object.max.size (and heap/cache sizes)");
            }
            final long needed = heapNeeded(plan, driver.nodeCount(), i);
            if (needed > limits[0])
            {
                throw new GemmException("n=" + plan.n() + " " + plan.type() + " needs " + needed +
                    " bytes of heap on node " + i + " > heapSize=" + limits[0] +
                    ": raise jdsm.heap.size or add nodes");
            }
        }
    }

    private static long countOwned(final long items, final int nodes, final int nodeId)
    {
        return items / nodes + (nodeId < items % nodes ? 1 : 0);
    }
}
