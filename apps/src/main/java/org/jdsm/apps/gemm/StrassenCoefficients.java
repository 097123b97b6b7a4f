package org.jdsm.apps.gemm;

/**
 * Strassen's seven products unrolled over {@code levels} recursion levels: product {@code p} (base-7 digits, top
 * level first) is {@code (sum of aCoef * A-block) x (sum of bCoef * B-block)}, and each output block is a signed
 * sum of products. Blocks are numbered row-major in the {@code 2^levels x 2^levels} grid. The coefficients are
 * Kronecker products of the one-level ones, so the leaves compute exactly what the recursion would.
 * <p>
 * <b>Note:</b> immutable after construction, threadsafe; shared by the baseline and the distributed version.
 */
public final class StrassenCoefficients
{
    /** One level, quadrants numbered 0 = 11, 1 = 12, 2 = 21, 3 = 22: the A operand of each product. */
    private static final int[][] A1 = {
        { 1, 0, 0, 1 }, { 0, 0, 1, 1 }, { 1, 0, 0, 0 }, { 0, 0, 0, 1 }, { 1, 1, 0, 0 }, { -1, 0, 1, 0 },
        { 0, 1, 0, -1 } };
    /** One level: the B operand of each product. */
    private static final int[][] B1 = {
        { 1, 0, 0, 1 }, { 1, 0, 0, 0 }, { 0, 1, 0, -1 }, { -1, 0, 1, 0 }, { 0, 0, 0, 1 }, { 1, 1, 0, 0 },
        { 0, 0, 1, 1 } };
    /** One level: each output quadrant as a sum of products. */
    private static final int[][] C1 = {
        { 1, 0, 0, 1, -1, 0, 1 }, { 0, 0, 1, 0, 1, 0, 0 }, { 0, 1, 0, 1, 0, 0, 0 }, { 1, -1, 1, 0, 0, 1, 0 } };

    private static final StrassenCoefficients[] CACHE = new StrassenCoefficients[GemmPlan.LEVELS_MAX + 1];

    private final int levels;
    private final int side;
    private final int[][] aBlocks;
    private final int[][] aCoefs;
    private final int[][] bBlocks;
    private final int[][] bCoefs;
    private final int[][] cProducts;
    private final int[][] cCoefs;

    /**
     * @param levels unrolled recursion levels, at least 0 (0: one product, the whole matrices).
     */
    public StrassenCoefficients(final int levels)
    {
        this.levels = levels;
        this.side = 1 << levels;
        final int products = products(levels);
        final int blocks = side * side;
        final int[][] a = new int[products][blocks];
        final int[][] b = new int[products][blocks];
        final int[][] c = new int[blocks][products];
        for (int p = 0; p < products; p++)
        {
            for (int k = 0; k < blocks; k++)
            {
                int ca = 1;
                int cb = 1;
                int cc = 1;
                for (int level = 0; level < levels; level++)
                {
                    final int digit = digit(p, level);
                    final int quadrant = quadrant(k, level);
                    ca *= A1[digit][quadrant];
                    cb *= B1[digit][quadrant];
                    cc *= C1[quadrant][digit];
                }
                a[p][k] = ca;
                b[p][k] = cb;
                c[k][p] = cc;
            }
        }
        aBlocks = new int[products][];
        aCoefs = new int[products][];
        bBlocks = new int[products][];
        bCoefs = new int[products][];
        cProducts = new int[blocks][];
        cCoefs = new int[blocks][];
        for (int p = 0; p < products; p++)
        {
            aBlocks[p] = nonZeroIndices(a[p]);
            aCoefs[p] = nonZeroValues(a[p]);
            bBlocks[p] = nonZeroIndices(b[p]);
            bCoefs[p] = nonZeroValues(b[p]);
        }
        for (int k = 0; k < blocks; k++)
        {
            cProducts[k] = nonZeroIndices(c[k]);
            cCoefs[k] = nonZeroValues(c[k]);
        }
    }

    /**
     * The coefficients of a level count, computed once per JVM and shared.
     *
     * @param levels unrolled levels, in [0, {@link GemmPlan#LEVELS_MAX}].
     * @return the coefficients.
     */
    public static StrassenCoefficients of(final int levels)
    {
        synchronized (CACHE)
        {
            if (null == CACHE[levels])
            {
                CACHE[levels] = new StrassenCoefficients(levels);
            }

            return CACHE[levels];
        }
    }

    /**
     * Number of products at a level count.
     *
     * @param levels unrolled levels.
     * @return {@code 7^levels}.
     */
    public static int products(final int levels)
    {
        int products = 1;
        for (int i = 0; i < levels; i++)
        {
            products *= 7;
        }

        return products;
    }

    /**
     * @return unrolled levels.
     */
    public int levels()
    {
        return levels;
    }

    /**
     * @return blocks per side, {@code 2^levels}.
     */
    public int side()
    {
        return side;
    }

    /**
     * @return number of products, {@code 7^levels}.
     */
    public int productCount()
    {
        return aBlocks.length;
    }

    /**
     * @param p product.
     * @return the A blocks it sums, in summation order.
     */
    public int[] aBlocks(final int p)
    {
        return aBlocks[p];
    }

    /**
     * @param p product.
     * @return the signs of {@link #aBlocks(int)}.
     */
    public int[] aCoefs(final int p)
    {
        return aCoefs[p];
    }

    /**
     * @param p product.
     * @return the B blocks it sums, in summation order.
     */
    public int[] bBlocks(final int p)
    {
        return bBlocks[p];
    }

    /**
     * @param p product.
     * @return the signs of {@link #bBlocks(int)}.
     */
    public int[] bCoefs(final int p)
    {
        return bCoefs[p];
    }

    /**
     * @param block output block.
     * @return the products it sums, in summation order.
     */
    public int[] cProducts(final int block)
    {
        return cProducts[block];
    }

    /**
     * @param block output block.
     * @return the signs of {@link #cProducts(int)}.
     */
    public int[] cCoefs(final int block)
    {
        return cCoefs[block];
    }

    private int digit(final int p, final int level)
    {
        int value = p;
        for (int i = levels - 1; i > level; i--)
        {
            value /= 7;
        }

        return value % 7;
    }

    private int quadrant(final int block, final int level)
    {
        final int shift = levels - 1 - level;
        final int row = (block / side >> shift) & 1;
        final int col = (block % side >> shift) & 1;

        return row * 2 + col;
    }

    private static int[] nonZeroIndices(final int[] values)
    {
        int count = 0;
        for (final int value : values)
        {
            count += 0 == value ? 0 : 1;
        }
        final int[] indices = new int[count];
        for (int i = 0, j = 0; i < values.length; i++)
        {
            if (0 != values[i])
            {
                indices[j++] = i;
            }
        }

        return indices;
    }

    private static int[] nonZeroValues(final int[] values)
    {
        final int[] indices = nonZeroIndices(values);
        final int[] result = new int[indices.length];
        for (int i = 0; i < indices.length; i++)
        {
            result[i] = values[indices[i]];
        }

        return result;
    }
}
