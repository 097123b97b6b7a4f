package org.jdsm.apps.gemm;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.jdsm.PrimitiveArrayCopy;

/**
 * The double arithmetic of both GEMM versions on square row-major arrays: a cache-blocked multiply-add kernel,
 * sequential Strassen down to a cut-off, and the signed sums that gather operands from tiles and combine
 * products into tiles. {@link IntKernels} is the same code for {@code int}.
 * <p>
 * <b>Note:</b> stateless and threadsafe; every method works on the arrays it is given.
 */
public final class DoubleKernels
{
    /** Side of the square blocks the kernel works on, so three of them stay in the L1/L2 caches. */
    public static final int KERNEL_BLOCK = 64;

    private DoubleKernels()
    {
    }

    /**
     * {@code c += a * b}, blocked for the caches, i-k-j order inside a block so the inner loop vectorises, four
     * values of k at a time so each pass over a row of c does four multiply-adds per element loaded and stored.
     *
     * @param a    left operand, {@code size x size}.
     * @param b    right operand, {@code size x size}.
     * @param c    accumulated product, {@code size x size}.
     * @param size side of the matrices.
     */
    public static void multiplyAdd(final double[] a, final double[] b, final double[] c, final int size)
    {
        for (int ii = 0; ii < size; ii += KERNEL_BLOCK)
        {
            final int iEnd = Math.min(ii + KERNEL_BLOCK, size);
            for (int kk = 0; kk < size; kk += KERNEL_BLOCK)
            {
                final int kEnd = Math.min(kk + KERNEL_BLOCK, size);
                for (int jj = 0; jj < size; jj += KERNEL_BLOCK)
                {
                    final int jEnd = Math.min(jj + KERNEL_BLOCK, size);
                    for (int i = ii; i < iEnd; i++)
                    {
                        final int cRow = i * size;
                        int k = kk;
                        for (; k + 3 < kEnd; k += 4)
                        {
                            final double a0 = a[cRow + k];
                            final double a1 = a[cRow + k + 1];
                            final double a2 = a[cRow + k + 2];
                            final double a3 = a[cRow + k + 3];
                            final int b0 = k * size;
                            final int b1 = b0 + size;
                            final int b2 = b1 + size;
                            final int b3 = b2 + size;
                            for (int j = jj; j < jEnd; j++)
                            {
                                c[cRow + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
                            }
                        }
                        for (; k < kEnd; k++)
                        {
                            final double aik = a[cRow + k];
                            final int bRow = k * size;
                            for (int j = jj; j < jEnd; j++)
                            {
                                c[cRow + j] += aik * b[bRow + j];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Sequential Strassen: halves while the side is even and above the cut-off, then the blocked kernel.
     *
     * @param a      left operand.
     * @param b      right operand.
     * @param size   side of the matrices.
     * @param cutoff side at or below which the kernel runs.
     * @return the product, a new array.
     */
    public static double[] strassen(final double[] a, final double[] b, final int size, final int cutoff)
    {
        final double[] c = new double[size * size];
        if (size <= cutoff || 0 != (size & 1))
        {
            multiplyAdd(a, b, c, size);
            return c;
        }
        final int h = size / 2;
        final double[] a11 = quadrant(a, size, 0, 0);
        final double[] a12 = quadrant(a, size, 0, h);
        final double[] a21 = quadrant(a, size, h, 0);
        final double[] a22 = quadrant(a, size, h, h);
        final double[] b11 = quadrant(b, size, 0, 0);
        final double[] b12 = quadrant(b, size, 0, h);
        final double[] b21 = quadrant(b, size, h, 0);
        final double[] b22 = quadrant(b, size, h, h);
        final double[] m1 = strassen(sum(a11, 1, a22), sum(b11, 1, b22), h, cutoff);
        final double[] m2 = strassen(sum(a21, 1, a22), b11, h, cutoff);
        final double[] m3 = strassen(a11, sum(b12, -1, b22), h, cutoff);
        final double[] m4 = strassen(a22, sum(b21, -1, b11), h, cutoff);
        final double[] m5 = strassen(sum(a11, 1, a12), b22, h, cutoff);
        final double[] m6 = strassen(sum(a21, -1, a11), sum(b11, 1, b12), h, cutoff);
        final double[] m7 = strassen(sum(a12, -1, a22), sum(b21, 1, b22), h, cutoff);
        for (int i = 0; i < h; i++)
        {
            final int top = i * size;
            final int bottom = (i + h) * size;
            for (int j = 0, q = i * h; j < h; j++, q++)
            {
                c[top + j] = m1[q] + m4[q] - m5[q] + m7[q];
                c[top + h + j] = m3[q] + m5[q];
                c[bottom + j] = m2[q] + m4[q];
                c[bottom + h + j] = m1[q] - m2[q] + m3[q] + m6[q];
            }
        }

        return c;
    }

    /**
     * Add {@code coef x tile} into a region of a square array.
     *
     * @param dst     square array.
     * @param dstSide its side.
     * @param row     first row of the region.
     * @param col     first column of the region.
     * @param coef    sign, +1 or -1.
     * @param tile    {@code side x side} tile, row-major.
     * @param side    side of the tile.
     */
    public static void accumulate(
        final double[] dst, final int dstSide, final int row, final int col, final int coef, final double[] tile,
        final int side)
    {
        for (int i = 0; i < side; i++)
        {
            final int d = (row + i) * dstSide + col;
            final int s = i * side;
            if (coef > 0)
            {
                for (int j = 0; j < side; j++)
                {
                    dst[d + j] += tile[s + j];
                }
            }
            else
            {
                for (int j = 0; j < side; j++)
                {
                    dst[d + j] -= tile[s + j];
                }
            }
        }
    }

    /**
     * Add {@code coef x tile} into a region of a square array, reading the tile from the heap in place, a row at a time
     * ({@link PrimitiveArrayCopy}: one copy per row, then an array loop the JIT vectorises).
     *
     * @param dst     square array.
     * @param dstSide its side.
     * @param row     first row of the region.
     * @param col     first column of the region.
     * @param coef    sign, +1 or -1.
     * @param tile    {@code side x side} tile, row-major, native order, from index 0.
     * @param side    side of the tile.
     */
    public static void accumulate(
        final double[] dst, final int dstSide, final int row, final int col, final int coef, final DirectBuffer tile,
        final int side)
    {
        final double[] tileRow = new double[side];
        for (int i = 0; i < side; i++)
        {
            PrimitiveArrayCopy.getDoubles(tile, i * side * Double.BYTES, tileRow, 0, side);
            addRow(dst, (row + i) * dstSide + col, coef, tileRow, side);
        }
    }

    /**
     * {@code tile += coef x src} where both are tiles of one size, in the heap, a row at a time.
     *
     * @param tile destination, written in place.
     * @param coef sign, +1 or -1.
     * @param src  source, read in place.
     * @param side side of the tiles.
     */
    public static void accumulate(
        final MutableDirectBuffer tile, final int coef, final DirectBuffer src, final int side)
    {
        final double[] tileRow = new double[side];
        final double[] srcRow = new double[side];
        for (int i = 0; i < side; i++)
        {
            final int index = i * side * Double.BYTES;
            PrimitiveArrayCopy.getDoubles(tile, index, tileRow, 0, side);
            PrimitiveArrayCopy.getDoubles(src, index, srcRow, 0, side);
            addRow(tileRow, 0, coef, srcRow, side);
            PrimitiveArrayCopy.putDoubles(tile, index, tileRow, 0, side);
        }
    }

    /**
     * {@code dst[offset..offset + length) += coef x src[0..length)}, a loop the JIT vectorises.
     */
    private static void addRow(
        final double[] dst, final int offset, final int coef, final double[] src, final int length)
    {
        if (coef > 0)
        {
            for (int j = 0; j < length; j++)
            {
                dst[offset + j] += src[j];
            }
        }
        else
        {
            for (int j = 0; j < length; j++)
            {
                dst[offset + j] -= src[j];
            }
        }
    }

    /**
     * {@code tile += coef x src} where both are tiles of one size.
     *
     * @param tile destination.
     * @param coef sign, +1 or -1.
     * @param src  source.
     */
    public static void accumulate(final double[] tile, final int coef, final double[] src)
    {
        for (int i = 0; i < tile.length; i++)
        {
            tile[i] = coef > 0 ? tile[i] + src[i] : tile[i] - src[i];
        }
    }

    /**
     * Copy a square region out of a square array.
     *
     * @param m    square array.
     * @param size its side.
     * @param row  first row.
     * @param col  first column.
     * @param side side of the region.
     * @return the region, a new array.
     */
    public static double[] region(final double[] m, final int size, final int row, final int col, final int side)
    {
        final double[] r = new double[side * side];
        for (int i = 0; i < side; i++)
        {
            System.arraycopy(m, (row + i) * size + col, r, i * side, side);
        }

        return r;
    }

    private static double[] quadrant(final double[] m, final int size, final int row, final int col)
    {
        return region(m, size, row, col, size / 2);
    }

    private static double[] sum(final double[] x, final int coef, final double[] y)
    {
        final double[] r = new double[x.length];
        for (int i = 0; i < r.length; i++)
        {
            r[i] = coef > 0 ? x[i] + y[i] : x[i] - y[i];
        }

        return r;
    }
}
