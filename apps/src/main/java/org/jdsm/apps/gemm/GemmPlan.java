package org.jdsm.apps.gemm;

import java.io.Serializable;

/**
 * The shape of one multiplication, shared by the baseline and the distributed version: the {@code n x n}
 * matrices are padded to {@code padded x padded}, cut into {@code tilesPerSide^2} square tiles of side
 * {@code tile}; Strassen is unrolled {@code levels} times into {@code 7^levels} leaf products of side
 * {@code leafSide} (= {@code blockTiles} tiles), each run as sequential Strassen down to {@code cutoff}, then the
 * blocked kernel. Padding is the least that keeps every halving even.
 * <p>
 * <b>Note:</b> an immutable record, threadsafe; serialised into the tasks.
 *
 * @param type         element type.
 * @param n            side of the matrices.
 * @param levels       unrolled (distributed) Strassen levels.
 * @param cutoff       side at or below which a leaf runs the kernel.
 * @param tile         side of a tile.
 * @param blockTiles   tiles per side of a leaf block.
 * @param tilesPerSide tiles per side of the padded matrix.
 */
public record GemmPlan(
    ElementType type, int n, int levels, int cutoff, int tile, int blockTiles, int tilesPerSide)
    implements Serializable
{
    /** Default unrolled levels: 49 leaf tasks, enough to balance 3 nodes of 2 workers. */
    public static final int LEVELS_DEFAULT = 2;
    /** Default leaf cut-off to the kernel. */
    public static final int CUTOFF_DEFAULT = 128;
    /** Default largest tile side: 4 MiB int tiles, 8 MiB double tiles, under the 16 MiB object limit. */
    public static final int TILE_DEFAULT = 1024;
    /** Most unrolled levels: 7^5 = 16807 leaf tasks. */
    public static final int LEVELS_MAX = 5;
    /** Largest padded side whose square still indexes a Java array. */
    public static final int PADDED_MAX = 46_340;

    /**
     * Plan a multiplication, or fail naming the bad setting.
     *
     * @param type    element type.
     * @param n       side, at least 1.
     * @param levels  unrolled levels, in [0, {@link #LEVELS_MAX}].
     * @param cutoff  kernel side, at least 1.
     * @param maxTile largest tile side, at least 1.
     * @return the plan.
     * @throws GemmException naming the setting and the bound.
     */
    public static GemmPlan of(
        final ElementType type, final int n, final int levels, final int cutoff, final int maxTile)
    {
        if (n < 1)
        {
            throw new GemmException("n=" + n + " must be >= 1");
        }
        if (levels < 0 || levels > LEVELS_MAX)
        {
            throw new GemmException("levels=" + levels + " must be in [0, " + LEVELS_MAX + "]");
        }
        if (cutoff < 1)
        {
            throw new GemmException("cutoff=" + cutoff + " must be >= 1");
        }
        if (maxTile < 1)
        {
            throw new GemmException("tile=" + maxTile + " must be >= 1");
        }
        final long side = 1L << levels;
        final long needed = (n + side - 1) / side;
        long align = 1;
        while ((needed + align - 1) / align > cutoff)
        {
            align *= 2;
        }
        final long aligned = roundUp(needed, align);
        final long blockTiles = (aligned + maxTile - 1) / maxTile;
        final long leafSide = roundUp(aligned, blockTiles * align);
        final long padded = leafSide * side;
        if (padded > PADDED_MAX)
        {
            throw new GemmException("n=" + n + " pads to " + padded + " > " + PADDED_MAX + " with levels=" + levels +
                " cutoff=" + cutoff + " tile=" + maxTile);
        }

        return new GemmPlan(type, n, levels, cutoff, (int)(leafSide / blockTiles), (int)blockTiles,
            (int)(blockTiles * side));
    }

    /**
     * @return side of a leaf product.
     */
    public int leafSide()
    {
        return tile * blockTiles;
    }

    /**
     * @return side after padding.
     */
    public int padded()
    {
        return tile * tilesPerSide;
    }

    /**
     * @return tiles in one matrix.
     */
    public int tileCount()
    {
        return tilesPerSide * tilesPerSide;
    }

    /**
     * @return bytes of one tile.
     */
    public long tileBytes()
    {
        return (long)tile * tile * type.bytes();
    }

    /**
     * Index of a tile of a leaf block.
     *
     * @param block block index in the {@code 2^levels} grid, row-major.
     * @param u     tile row inside the block.
     * @param v     tile column inside the block.
     * @return the tile's index in the matrix, row-major.
     */
    public int tileOf(final int block, final int u, final int v)
    {
        final int side = 1 << levels;
        return ((block / side) * blockTiles + u) * tilesPerSide + (block % side) * blockTiles + v;
    }

    /**
     * Floating-point operations of the classical product of the unpadded matrices, the GFLOP/s convention.
     *
     * @return {@code 2 n^3}.
     */
    public double flops()
    {
        return 2.0 * n * n * n;
    }

    private static long roundUp(final long value, final long multiple)
    {
        return (value + multiple - 1) / multiple * multiple;
    }
}
