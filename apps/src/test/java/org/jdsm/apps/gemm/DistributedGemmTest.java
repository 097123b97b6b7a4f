package org.jdsm.apps.gemm;

import org.jdsm.DArc;
import org.jdsm.DBox;
import org.jdsm.Ref;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DistributedGemmTest
{
    @Test
    void shouldMultiplySmokeOnTwoNodes()
    {
        try (GemmCluster cluster = new GemmCluster(2))
        {
            final GemmPlan plan = GemmPlan.of(ElementType.INT, 100, 2, 16, 64);
            final DArc<?>[] a = DistributedGemm.inputs(cluster.driver(), plan, 5, 0);
            final DArc<?>[] b = DistributedGemm.inputs(cluster.driver(), plan, 5, 1);
            final DBox<?>[] c = DistributedGemm.multiply(cluster.driver(), plan, a, b, GemmProgress.NONE);
            final int[] expected = (int[])ElementType.INT.naive(5, 100);
            int wrong = 0;
            for (int i = 0; i < c.length; i++)
            {
                try (Ref<?> ref = c[i].read())
                {
                    for (int r = 0; r < plan.tile(); r++)
                    {
                        for (int col = 0; col < plan.tile(); col++)
                        {
                            final int row = i / plan.tilesPerSide() * plan.tile() + r;
                            final int cc = i % plan.tilesPerSide() * plan.tile() + col;
                            final int actual = ref.buffer().getInt((r * plan.tile() + col) * 4);
                            if (row < 100 && cc < 100 ? actual != expected[row * 100 + cc] : actual != 0)
                            {
                                wrong++;
                            }
                        }
                    }
                }
            }
            assertEquals(0, wrong, plan.toString());
        }
    }
}
