package org.jdsm.apps.gemm;

import org.agrona.concurrent.UnsafeBuffer;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The leaf kernel against EJML's dense multiply on one thread at the same sizes, and the cost of reading a tile
 * in place from the heap against reading it from a Java array. A measurement, run on demand:
 * {@code mvn -B -pl apps -am verify -Dtest=KernelMeasurementTest -Djdsm.gemm.measure=true
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class KernelMeasurementTest
{
    @Test
    void shouldMeasureKernelAgainstEjmlOnOneThread()
    {
        Assumptions.assumeTrue(Boolean.getBoolean("jdsm.gemm.measure"), "run with -Djdsm.gemm.measure=true");
        for (final int size : new int[] { 128, 256, 1024 })
        {
            final double[] a = (double[])ElementType.DOUBLE.randomTile(1, 0, 0, 0, size, size);
            final double[] b = (double[])ElementType.DOUBLE.randomTile(1, 1, 0, 0, size, size);
            final DMatrixRMaj ea = DMatrixRMaj.wrap(size, size, a.clone());
            final DMatrixRMaj eb = DMatrixRMaj.wrap(size, size, b.clone());
            final DMatrixRMaj ec = new DMatrixRMaj(size, size);
            final int reps = Math.max(1, (int)(2e9 / (2.0 * size * size * size)));
            double[] kernel = null;
            double[] strassen = null;
            long bestKernel = Long.MAX_VALUE;
            long bestStrassen = Long.MAX_VALUE;
            long bestEjml = Long.MAX_VALUE;
            for (int round = 0; round < 5; round++)
            {
                long start = System.nanoTime();
                for (int r = 0; r < reps; r++)
                {
                    kernel = new double[size * size];
                    DoubleKernels.multiplyAdd(a, b, kernel, size);
                }
                bestKernel = Math.min(bestKernel, (System.nanoTime() - start) / reps);
                start = System.nanoTime();
                for (int r = 0; r < reps; r++)
                {
                    strassen = DoubleKernels.strassen(a, b, size, GemmPlan.CUTOFF_DEFAULT);
                }
                bestStrassen = Math.min(bestStrassen, (System.nanoTime() - start) / reps);
                start = System.nanoTime();
                for (int r = 0; r < reps; r++)
                {
                    CommonOps_DDRM.mult(ea, eb, ec);
                }
                bestEjml = Math.min(bestEjml, (System.nanoTime() - start) / reps);
            }
            final double flops = 2.0 * size * size * size;
            System.out.printf("kernel size %4d: blocked kernel %.2f GFLOP/s, leaf (Strassen to %d + kernel) %.2f " +
                "GFLOP/s, EJML CommonOps_DDRM.mult %.2f GFLOP/s; kernel/EJML time %.3f, leaf/EJML time %.3f%n", size,
                flops / bestKernel, GemmPlan.CUTOFF_DEFAULT, flops / bestStrassen, flops / bestEjml,
                (double)bestKernel / bestEjml, (double)bestStrassen / bestEjml);
            int far = 0;
            for (int i = 0; i < kernel.length; i++)
            {
                far += Math.abs(kernel[i] - ec.data[i]) <= 1e-10 * size &&
                    Math.abs(strassen[i] - ec.data[i]) <= 1e-10 * size ? 0 : 1;
            }
            assertEquals(0, far);
        }
    }

    @Test
    void shouldMeasureLeafCutoffs()
    {
        Assumptions.assumeTrue(Boolean.getBoolean("jdsm.gemm.measure"), "run with -Djdsm.gemm.measure=true");
        final int size = 1024;
        for (final ElementType type : ElementType.values())
        {
            final Object a = type.randomTile(2, 0, 0, 0, size, size);
            final Object b = type.randomTile(2, 1, 0, 0, size, size);
            final Object reference = type.strassen(a, b, size, size);
            for (final int cutoff : new int[] { 64, 128, 256, 512, 1024 })
            {
                long best = Long.MAX_VALUE;
                Object c = null;
                for (int round = 0; round < 4; round++)
                {
                    final long start = System.nanoTime();
                    c = type.strassen(a, b, size, cutoff);
                    best = Math.min(best, System.nanoTime() - start);
                }
                System.out.printf("leaf %s %d, cutoff %4d: %.1f ms%n", type, size, cutoff, best / 1e6);
                int far = 0;
                for (int i = 0; i < size * size; i++)
                {
                    far += type.matches(type.get(c, i), type.get(reference, i), size, false) ? 0 : 1;
                }
                assertEquals(0, far);
            }
        }
    }

    @Test
    void shouldMeasureReadingTilesInPlaceAgainstArrays()
    {
        Assumptions.assumeTrue(Boolean.getBoolean("jdsm.gemm.measure"), "run with -Djdsm.gemm.measure=true");
        final int side = 1024;
        final int[] tile = (int[])ElementType.INT.randomTile(1, 0, 0, 0, side, side);
        final UnsafeBuffer buffer = new UnsafeBuffer(
            ByteBuffer.allocateDirect(side * side * Integer.BYTES).order(ByteOrder.nativeOrder()));
        for (int i = 0; i < tile.length; i++)
        {
            buffer.putInt(i * Integer.BYTES, tile[i]);
        }
        final int[] fromArray = new int[side * side];
        final int[] fromBuffer = new int[side * side];
        long bestArray = Long.MAX_VALUE;
        long bestBuffer = Long.MAX_VALUE;
        for (int round = 0; round < 20; round++)
        {
            long start = System.nanoTime();
            IntKernels.accumulate(fromArray, side, 0, 0, 1, tile, side);
            bestArray = Math.min(bestArray, System.nanoTime() - start);
            start = System.nanoTime();
            IntKernels.accumulate(fromBuffer, side, 0, 0, 1, buffer, side);
            bestBuffer = Math.min(bestBuffer, System.nanoTime() - start);
        }
        System.out.printf("accumulate a %dx%d int tile: from int[] %.3f ms, in place from the heap %.3f ms (%.2fx)%n",
            side, side, bestArray / 1e6, bestBuffer / 1e6, (double)bestBuffer / bestArray);

        assertEquals(java.util.Arrays.toString(fromArray), java.util.Arrays.toString(fromBuffer));
    }
}
