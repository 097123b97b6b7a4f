package org.jdsm.apps.gemm;

import org.jdsm.DsmNode;
import org.jdsm.Mut;
import org.jdsm.NodeCounters;
import org.jdsm.NodeUnavailableException;
import org.jdsm.apps.AppCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
        try (AppCluster cluster = new AppCluster(nodes, 7))
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
        try (AppCluster cluster = new AppCluster(nodes, 7))
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
        try (AppCluster cluster = new AppCluster(2, 7))
        {
            assertNull(multiplyAndCheck(cluster, GemmPlan.of(ElementType.INT, 257, 1, 16, 512), 3));
            assertNull(multiplyAndCheck(cluster, GemmPlan.of(ElementType.INT, 100, 0, 16, 32), 4));
            assertNull(multiplyAndCheck(cluster, GemmPlan.of(ElementType.INT, 300, 3, 8, 16), 5));
        }
    }

    @Test
    void shouldFailWithNodeUnavailableWhenANodeDiesMidMultiply()
    {
        try (AppCluster cluster = new AppCluster(3, 7))
        {
            final GemmPlan plan = GemmPlan.of(ElementType.INT, 512, 2, 32, 64);
            final TiledMatrix a = DistributedGemm.inputs(cluster.driver(), plan, 9, 0);
            final TiledMatrix b = DistributedGemm.inputs(cluster.driver(), plan, 9, 1);
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
        try (AppCluster cluster = new AppCluster(2, 7))
        {
            final GemmPlan plan = GemmPlan.of(ElementType.INT, 64, 1, 16, 32);
            final TiledMatrix a = DistributedGemm.inputs(cluster.driver(), plan, 11, 0);
            final TiledMatrix b = DistributedGemm.inputs(cluster.driver(), plan, 11, 1);
            final TiledMatrix c = DistributedGemm.multiply(cluster.driver(), plan, a, b, GemmProgress.NONE);
            final int expected = ((int[])ElementType.INT.naive(11, 64))[0];
            final long digest = GemmCheck.digest(plan, c);
            try (Mut<Object> element = c.write(0); Mut<?> tile = TiledMatrix.box(element).write())
            {
                tile.buffer().putInt(0, expected + 1);
            }

            assertEquals("C[0][0]=" + (double)(expected + 1) + " expected " + (double)expected,
                GemmCheck.againstNaive(plan, 11, c));
            assertEquals("C[0][0]=" + (double)(expected + 1) + " expected " + (double)expected,
                GemmCheck.sampled(plan, 11, c, 20_000));
            assertNotEquals(digest, GemmCheck.digest(plan, c));
        }
    }

    private static String multiplyAndCheck(final AppCluster cluster, final GemmPlan plan, final long seed)
    {
        final long liveBefore = liveObjects(cluster);
        final TiledMatrix a = DistributedGemm.inputs(cluster.driver(), plan, seed, 0);
        final TiledMatrix b = DistributedGemm.inputs(cluster.driver(), plan, seed, 1);
        final TiledMatrix c = DistributedGemm.multiply(cluster.driver(), plan, a, b, GemmProgress.NONE);
        assertEquals(plan.tileCount(), c.tileCount(), plan.toString());
        for (int i = 0; i < plan.tileCount(); i++)
        {
            assertEquals(i % cluster.nodes.length, a.homeOf(i), "home of A's tile " + i);
            assertEquals(i % cluster.nodes.length, c.homeOf(i), "home of C's tile " + i);
        }
        final String wrong = GemmCheck.againstNaive(plan, seed, c);
        final ForkJoinPool pool = new ForkJoinPool(2);
        try
        {
            assertEquals(GemmCheck.digest(plan, BaselineGemm.multiply(pool, plan, BaselineGemm.inputs(pool, plan,
                seed, 0), BaselineGemm.inputs(pool, plan, seed, 1), GemmProgress.NONE)), GemmCheck.digest(plan, c),
                "digest of the product against the baseline's, " + plan);
        }
        finally
        {
            pool.shutdown();
        }
        c.close();
        a.close();
        b.close();
        awaitLiveObjects(cluster, liveBefore, plan);

        return null == wrong ? null : plan + ": " + wrong;
    }

    /**
     * Allocations minus frees over every node: the objects alive in the cluster's heaps.
     */
    private static long liveObjects(final AppCluster cluster)
    {
        long live = 0;
        for (final DsmNode node : cluster.nodes)
        {
            live += node.counters().get(NodeCounters.Counter.ALLOCATIONS) -
                node.counters().get(NodeCounters.Counter.FREES);
        }

        return live;
    }

    /**
     * A remote free is asynchronous: wait for the cluster to get back to the objects it had, else fail.
     */
    private static void awaitLiveObjects(final AppCluster cluster, final long expected, final GemmPlan plan)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (liveObjects(cluster) != expected && System.nanoTime() < deadlineNs)
        {
            Thread.onSpinWait();
        }
        assertEquals(expected, liveObjects(cluster), "objects left alive after freeing A, B and C of " + plan);
    }
}
