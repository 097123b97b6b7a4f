package org.jdsm.apps.gemm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class GemmPlanTest
{
    @Test
    void shouldPlanDefaultsAt4096()
    {
        final GemmPlan plan = GemmPlan.of(ElementType.INT, 4096, 2, 128, 1024);

        assertEquals(new GemmPlan(ElementType.INT, 4096, 2, 128, 1024, 1, 4), plan);
        assertEquals(4096, plan.padded());
        assertEquals(4L << 20, plan.tileBytes());
    }

    @Test
    void shouldPadLeastThatKeepsHalvingsEven()
    {
        final GemmPlan plan = GemmPlan.of(ElementType.DOUBLE, 257, 2, 32, 64);

        assertEquals(new GemmPlan(ElementType.DOUBLE, 257, 2, 32, 36, 2, 8), plan);
        assertEquals(288, plan.padded());
        assertEquals(72, plan.leafSide());
    }

    @Test
    void shouldPlanOneByOne()
    {
        assertEquals(new GemmPlan(ElementType.INT, 1, 2, 32, 1, 1, 4), GemmPlan.of(ElementType.INT, 1, 2, 32, 64));
    }

    @Test
    void shouldUnrollStrassenOneLevel()
    {
        final StrassenCoefficients one = StrassenCoefficients.of(1);

        assertEquals(7, one.productCount());
        assertArrayEquals(new int[] { 0, 3 }, one.aBlocks(0));
        assertArrayEquals(new int[] { 1, -1 }, one.bCoefs(2));
        assertArrayEquals(new int[] { 0, 3, 4, 6 }, one.cProducts(0));
        assertArrayEquals(new int[] { 1, 1, -1, 1 }, one.cCoefs(0));
        assertEquals(49, StrassenCoefficients.of(2).productCount());
        assertArrayEquals(new int[] { 0, 5, 10, 15 }, StrassenCoefficients.of(2).aBlocks(0));
    }

    @Test
    void shouldRejectBadSettingsNamingThem()
    {
        assertEquals("n=0 must be >= 1",
            assertThrows(GemmException.class, () -> GemmPlan.of(ElementType.INT, 0, 2, 128, 1024)).getMessage());
        assertEquals("n=-5 must be >= 1",
            assertThrows(GemmException.class, () -> GemmPlan.of(ElementType.INT, -5, 2, 128, 1024)).getMessage());
        assertEquals("levels=6 must be in [0, 5]",
            assertThrows(GemmException.class, () -> GemmPlan.of(ElementType.INT, 8, 6, 128, 1024)).getMessage());
        assertEquals("cutoff=0 must be >= 1",
            assertThrows(GemmException.class, () -> GemmPlan.of(ElementType.INT, 8, 2, 0, 1024)).getMessage());
        assertEquals("tile=0 must be >= 1",
            assertThrows(GemmException.class, () -> GemmPlan.of(ElementType.INT, 8, 2, 128, 0)).getMessage());
        assertEquals("n=50000 pads to 53248 > 46340 with levels=2 cutoff=128 tile=1024",
            assertThrows(GemmException.class, () -> GemmPlan.of(ElementType.INT, 50000, 2, 128, 1024)).getMessage());
        assertEquals("--type=float must be int or double",
            assertThrows(GemmException.class, () -> ElementType.parse("float")).getMessage());
    }
}
