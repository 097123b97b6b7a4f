package org.jdsm.apps.gemm;

import org.jdsm.DArc;
import org.jdsm.DBox;
import org.jdsm.Mut;
import org.jdsm.NodeUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The distributed product on 1, 2 and 3 engine nodes over the simulated transport, against the naive product:
 * exactly for {@code int} (wrap-around included: inputs use the full int range), within
 * {@link ElementType#DOUBLE_TOLERANCE_PER_N} x n for {@code double}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DistributedGemmTest
{
    private static final int[] SIZES = { 1, 7, 64, 100, 257, 512 };

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3 })
    void shouldEqualNaiveProductOfIntsExactly(final int nodes)
    {
        try (GemmCluster cluster = new GemmCluster(nodes))
        {
            for (final int n : SIZES)
            {
                assertNull(multiplyAndCheck(cluster, GemmPlan.of(ElementType.INT, n, 2, 32, 64), n), "n=" + n);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3 })
    void shouldEqualNaiveProductOfDoublesWithinTolerance(final int nodes)
    {
        try (GemmCluster cluster = new GemmCluster(nodes))
        {
            for (final int n : SIZES)
            {
                assertNull(multiplyAndCheck(cluster, GemmPlan.of(ElementType.DOUBLE, n, 2, 32, 64), n), "n=" + n);
            }
        }
    }

    @Test
    void shouldEqualNaiveProductWithOneAndNoDistributedLevel()
    {
        try (GemmCluster cluster = new GemmCluster(2))
        {
            assertNull(multiplyAndCheck(cluster, GemmPlan.of(ElementType.INT, 257, 1, 16, 512), 3));
            assertNull(multiplyAndCheck(cluster, GemmPlan.of(ElementType.INT, 100, 0, 16, 32), 4));
            assertNull(multiplyAndCheck(cluster, GemmPlan.of(ElementType.INT, 300, 3, 8, 16), 5));
        }
    }

    @Test
    void shouldFailWithNodeUnavailableWhenANodeDiesMidMultiply()
    {
        try (GemmCluster cluster = new GemmCluster(3))
        {
            final GemmPlan plan = GemmPlan.of(ElementType.INT, 512, 2, 32, 64);
            final DArc<?>[] a = DistributedGemm.inputs(cluster.driver(), plan, 9, 0);
            final DArc<?>[] b = DistributedGemm.inputs(cluster.driver(), plan, 9, 1);
            final AtomicBoolean crashed = new AtomicBoolean();
            final NodeUnavailableException ex = assertThrows(NodeUnavailableException.class,
                () -> DistributedGemm.multiply(cluster.driver(), plan, a, b, (phase, done, total) ->
                {
                    if (!crashed.getAndSet(true))
                    {
                        cluster.network.crash(2);
                    }
                }));

            assertTrue(crashed.get());
            assertEquals(2, ex.nodeId(), ex.getMessage());
            assertTrue(ex.getMessage().startsWith("node 2 unavailable: gemm leaf "), ex.getMessage());
        }
    }

    @Test
    void shouldReportTheFirstWrongElement()
    {
        try (GemmCluster cluster = new GemmCluster(2))
        {
            final GemmPlan plan = GemmPlan.of(ElementType.INT, 64, 1, 16, 32);
            final DArc<?>[] a = DistributedGemm.inputs(cluster.driver(), plan, 11, 0);
            final DArc<?>[] b = DistributedGemm.inputs(cluster.driver(), plan, 11, 1);
            final DBox<?>[] c = DistributedGemm.multiply(cluster.driver(), plan, a, b, GemmProgress.NONE);
            final int expected = ((int[])ElementType.INT.naive(11, 64))[0];
            try (Mut<?> tile = c[0].write())
            {
                tile.buffer().putInt(0, expected + 1);
            }

            assertEquals("C[0][0]=" + (double)(expected + 1) + " expected " + (double)expected,
                GemmCheck.againstNaive(plan, 11, c));
            assertEquals("C[0][0]=" + (double)(expected + 1) + " expected " + (double)expected,
                GemmCheck.sampled(plan, 11, c, 20_000));
        }
    }

    private static String multiplyAndCheck(final GemmCluster cluster, final GemmPlan plan, final long seed)
    {
        final DArc<?>[] a = DistributedGemm.inputs(cluster.driver(), plan, seed, 0);
        final DArc<?>[] b = DistributedGemm.inputs(cluster.driver(), plan, seed, 1);
        final DBox<?>[] c = DistributedGemm.multiply(cluster.driver(), plan, a, b, GemmProgress.NONE);
        final String wrong = GemmCheck.againstNaive(plan, seed, c);
        for (final DBox<?> tile : c)
        {
            tile.close();
        }
        for (int i = 0; i < a.length; i++)
        {
            a[i].close();
            b[i].close();
        }

        return null == wrong ? null : plan + ": " + wrong;
    }
}
