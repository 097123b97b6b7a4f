package org.jdsm.apps.gemm;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.jdsm.Codec;
import org.jdsm.Codecs;

/**
 * The element type of a GEMM run, {@code int} (DRust's case, exact with Java's wrap-around) or {@code double}:
 * its codec, its random inputs and the kernels it dispatches to, over arrays passed as {@code Object}.
 * <p>
 * <b>Note:</b> stateless and threadsafe.
 */
public enum ElementType
{
    /** 32-bit two's complement, exact modulo 2^32. */
    INT(Integer.BYTES)
    {
        public Codec<Object> codec()
        {
            return cast(Codecs.INTS);
        }

        public Object newArray(final int length)
        {
            return new int[length];
        }

        public Object randomTile(final long seed, final int matrix, final int tileRow, final int tileCol,
            final int side, final int n)
        {
            final int[] tile = new int[side * side];
            for (int i = 0; i < side; i++)
            {
                final int row = tileRow * side + i;
                for (int j = 0; j < side; j++)
                {
                    final int col = tileCol * side + j;
                    tile[i * side + j] = row < n && col < n ? (int)random(seed, matrix, row, col) : 0;
                }
            }

            return tile;
        }

        public void accumulate(final Object dst, final int dstSide, final int row, final int col, final int coef,
            final DirectBuffer tile, final int side)
        {
            IntKernels.accumulate((int[])dst, dstSide, row, col, coef, tile, side);
        }

        public void accumulate(final Object dst, final int dstSide, final int row, final int col, final int coef,
            final Object tile, final int side)
        {
            IntKernels.accumulate((int[])dst, dstSide, row, col, coef, (int[])tile, side);
        }

        public void accumulate(final MutableDirectBuffer tile, final int coef, final DirectBuffer src, final int side)
        {
            IntKernels.accumulate(tile, coef, src, side);
        }

        public void accumulate(final Object tile, final int coef, final Object src)
        {
            IntKernels.accumulate((int[])tile, coef, (int[])src);
        }

        public Object strassen(final Object a, final Object b, final int size, final int cutoff)
        {
            return IntKernels.strassen((int[])a, (int[])b, size, cutoff);
        }

        public Object region(final Object m, final int size, final int row, final int col, final int side)
        {
            return IntKernels.region((int[])m, size, row, col, side);
        }

        public double get(final Object array, final int index)
        {
            return ((int[])array)[index];
        }

        public double get(final DirectBuffer buffer, final int index)
        {
            return buffer.getInt(index * Integer.BYTES);
        }

        public Object naive(final long seed, final int n)
        {
            final int[] a = new int[n * n];
            final int[] b = new int[n * n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    a[i * n + j] = (int)random(seed, 0, i, j);
                    b[i * n + j] = (int)random(seed, 1, i, j);
                }
            }
            final int[] c = new int[n * n];
            for (int i = 0; i < n; i++)
            {
                for (int k = 0; k < n; k++)
                {
                    final int aik = a[i * n + k];
                    for (int j = 0; j < n; j++)
                    {
                        c[i * n + j] += aik * b[k * n + j];
                    }
                }
            }

            return c;
        }

        public double naiveElement(final long seed, final int n, final int row, final int col)
        {
            int sum = 0;
            for (int k = 0; k < n; k++)
            {
                sum += (int)random(seed, 0, row, k) * (int)random(seed, 1, k, col);
            }

            return sum;
        }
    },

    /** IEEE 754 binary64; inputs uniform in [-1, 1). */
    DOUBLE(Double.BYTES)
    {
        public Codec<Object> codec()
        {
            return cast(Codecs.DOUBLES);
        }

        public Object newArray(final int length)
        {
            return new double[length];
        }

        public Object randomTile(final long seed, final int matrix, final int tileRow, final int tileCol,
            final int side, final int n)
        {
            final double[] tile = new double[side * side];
            for (int i = 0; i < side; i++)
            {
                final int row = tileRow * side + i;
                for (int j = 0; j < side; j++)
                {
                    final int col = tileCol * side + j;
                    tile[i * side + j] = row < n && col < n ? unit(random(seed, matrix, row, col)) : 0;
                }
            }

            return tile;
        }

        public void accumulate(final Object dst, final int dstSide, final int row, final int col, final int coef,
            final DirectBuffer tile, final int side)
        {
            DoubleKernels.accumulate((double[])dst, dstSide, row, col, coef, tile, side);
        }

        public void accumulate(final Object dst, final int dstSide, final int row, final int col, final int coef,
            final Object tile, final int side)
        {
            DoubleKernels.accumulate((double[])dst, dstSide, row, col, coef, (double[])tile, side);
        }

        public void accumulate(final MutableDirectBuffer tile, final int coef, final DirectBuffer src, final int side)
        {
            DoubleKernels.accumulate(tile, coef, src, side);
        }

        public void accumulate(final Object tile, final int coef, final Object src)
        {
            DoubleKernels.accumulate((double[])tile, coef, (double[])src);
        }

        public Object strassen(final Object a, final Object b, final int size, final int cutoff)
        {
            return DoubleKernels.strassen((double[])a, (double[])b, size, cutoff);
        }

        public Object region(final Object m, final int size, final int row, final int col, final int side)
        {
            return DoubleKernels.region((double[])m, size, row, col, side);
        }

        public double get(final Object array, final int index)
        {
            return ((double[])array)[index];
        }

        public double get(final DirectBuffer buffer, final int index)
        {
            return buffer.getDouble(index * Double.BYTES);
        }

        public Object naive(final long seed, final int n)
        {
            final double[] a = new double[n * n];
            final double[] b = new double[n * n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    a[i * n + j] = unit(random(seed, 0, i, j));
                    b[i * n + j] = unit(random(seed, 1, i, j));
                }
            }
            final double[] c = new double[n * n];
            for (int i = 0; i < n; i++)
            {
                for (int k = 0; k < n; k++)
                {
                    final double aik = a[i * n + k];
                    for (int j = 0; j < n; j++)
                    {
                        c[i * n + j] += aik * b[k * n + j];
                    }
                }
            }

            return c;
        }

        public double naiveElement(final long seed, final int n, final int row, final int col)
        {
            double sum = 0;
            for (int k = 0; k < n; k++)
            {
                sum += unit(random(seed, 0, row, k)) * unit(random(seed, 1, k, col));
            }

            return sum;
        }
    };

    /**
     * Largest |Strassen - naive| accepted for {@code double}, per unit of n: inputs lie in [-1, 1), so an entry of
     * the product is at most n in magnitude and a few Strassen levels lose a few digits of the 16.
     */
    public static final double DOUBLE_TOLERANCE_PER_N = 1e-10;

    private final int bytes;

    ElementType(final int bytes)
    {
        this.bytes = bytes;
    }

    /**
     * @return bytes per element.
     */
    public int bytes()
    {
        return bytes;
    }

    /**
     * @return the codec of a tile, {@code Codecs.INTS} or {@code Codecs.DOUBLES}.
     */
    public abstract Codec<Object> codec();

    /**
     * @param length elements.
     * @return a zeroed array.
     */
    public abstract Object newArray(int length);

    /**
     * One tile of a random input, zero outside {@code n x n} (the padding).
     *
     * @param seed    of the run.
     * @param matrix  0 for A, 1 for B.
     * @param tileRow tile row.
     * @param tileCol tile column.
     * @param side    tile side.
     * @param n       matrix side before padding.
     * @return the tile.
     */
    public abstract Object randomTile(long seed, int matrix, int tileRow, int tileCol, int side, int n);

    /**
     * Add {@code coef x tile} (in the heap) into a region of a square array.
     *
     * @param dst     square array.
     * @param dstSide its side.
     * @param row     first row.
     * @param col     first column.
     * @param coef    sign.
     * @param tile    tile bytes.
     * @param side    tile side.
     */
    public abstract void accumulate(Object dst, int dstSide, int row, int col, int coef, DirectBuffer tile, int side);

    /**
     * Add {@code coef x tile} into a region of a square array.
     *
     * @param dst     square array.
     * @param dstSide its side.
     * @param row     first row.
     * @param col     first column.
     * @param coef    sign.
     * @param tile    tile array.
     * @param side    tile side.
     */
    public abstract void accumulate(Object dst, int dstSide, int row, int col, int coef, Object tile, int side);

    /**
     * {@code tile += coef x src}, both in the heap.
     *
     * @param tile destination.
     * @param coef sign.
     * @param src  source.
     * @param side tile side.
     */
    public abstract void accumulate(MutableDirectBuffer tile, int coef, DirectBuffer src, int side);

    /**
     * {@code tile += coef x src}, both arrays.
     *
     * @param tile destination.
     * @param coef sign.
     * @param src  source.
     */
    public abstract void accumulate(Object tile, int coef, Object src);

    /**
     * Sequential Strassen then the blocked kernel.
     *
     * @param a      left.
     * @param b      right.
     * @param size   side.
     * @param cutoff kernel side.
     * @return the product.
     */
    public abstract Object strassen(Object a, Object b, int size, int cutoff);

    /**
     * @param m    square array.
     * @param size its side.
     * @param row  first row.
     * @param col  first column.
     * @param side region side.
     * @return a copy of the region.
     */
    public abstract Object region(Object m, int size, int row, int col, int side);

    /**
     * @param array of this type.
     * @param index element.
     * @return the element as a double (exact for int).
     */
    public abstract double get(Object array, int index);

    /**
     * @param buffer tile bytes.
     * @param index  element.
     * @return the element as a double (exact for int).
     */
    public abstract double get(DirectBuffer buffer, int index);

    /**
     * The naive triple-loop product of the random inputs, the reference of the tests.
     *
     * @param seed of the inputs.
     * @param n    side.
     * @return {@code n x n} product.
     */
    public abstract Object naive(long seed, int n);

    /**
     * One element of the naive product, for sampled checks of large runs.
     *
     * @param seed of the inputs.
     * @param n    side.
     * @param row  of the element.
     * @param col  of the element.
     * @return the element.
     */
    public abstract double naiveElement(long seed, int n, int row, int col);

    /**
     * Whether a computed element matches a reference one: exactly for {@code int}, within
     * {@link #DOUBLE_TOLERANCE_PER_N} x n for {@code double}.
     *
     * @param actual   computed.
     * @param expected reference.
     * @param n        side.
     * @param exact    whether the two came from the same arithmetic in the same order.
     * @return true if they match.
     */
    public boolean matches(final double actual, final double expected, final int n, final boolean exact)
    {
        return this == INT || exact ? actual == expected : Math.abs(actual - expected) <= DOUBLE_TOLERANCE_PER_N * n;
    }

    /**
     * Parse {@code int} or {@code double}.
     *
     * @param name as given.
     * @return the type.
     */
    public static ElementType parse(final String name)
    {
        switch (name)
        {
            case "int":
                return INT;
            case "double":
                return DOUBLE;
            default:
                throw new GemmException("--type=" + name + " must be int or double");
        }
    }

    static long random(final long seed, final int matrix, final int row, final int col)
    {
        long z = seed * 0x9E3779B97F4A7C15L + (((long)matrix << 32 | (long)row << 16) ^ col) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;

        return z ^ (z >>> 31);
    }

    static double unit(final long bits)
    {
        return (bits >>> 11) * 0x1.0p-53 * 2.0 - 1.0;
    }

    @SuppressWarnings("unchecked")
    private static Codec<Object> cast(final Codec<?> codec)
    {
        return (Codec<Object>)codec;
    }
}
