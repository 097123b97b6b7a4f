package org.jdsm;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link DsmConfig#conclude()} rejects a heap slice the node could never reserve, naming {@code jdsm.heap.size},
 * before any memory is touched.
 */
class DsmConfigMemoryTest
{
    private static long physicalMemory()
    {
        return ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
    }

    @Test
    void shouldRejectHeapLargerThanThePhysicalMemory()
    {
        final long heapSize = Math.min(DsmConfig.MAX_HEAP_SIZE, physicalMemory() + (1L << 30));
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> new DsmConfig().heapSize(heapSize).conclude());
        assertTrue(ex.getMessage().startsWith("jdsm.heap.size=" + heapSize + " is larger than this machine's " +
            "physical memory of " + physicalMemory() + " bytes"), ex.getMessage());
    }

    @Test
    void shouldRejectHeapAndCacheLargerThanTheJvmsDirectMemory()
    {
        final long maxDirect = DsmConfig.maxDirectMemory();
        assumeTrue(maxDirect < physicalMemory(), "the JVM may reserve all the machine's memory");
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> new DsmConfig().heapSize(maxDirect).conclude());
        assertTrue(ex.getMessage().startsWith("jdsm.heap.size=" + maxDirect + " plus jdsm.cache.size="), ex.getMessage());
        assertTrue(ex.getMessage().contains("raise -XX:MaxDirectMemorySize"), ex.getMessage());
    }

    @Test
    void shouldAcceptHeapAndCacheThatFit()
    {
        final long maxDirect = DsmConfig.maxDirectMemory();
        new DsmConfig().heapSize(maxDirect / 2).cacheSize(maxDirect / 4).conclude();
    }
}
