package org.jdsm.apps;

import org.jdsm.ConfigurationException;
import org.jdsm.simulator.SimulatedNetwork;
import org.jdsm.simulator.SimulatedCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's logic on three engine nodes in this JVM over the simulated transport; the launcher's process
 * handling is tested with a real transport where one is on the class path.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoApplicationTest
{
    @Test
    void shouldCheckEveryStepCorrectOnThreeNodes() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(
            new SimulatedNetwork.Context().seed(3).maxDelaySteps(4), 3, (config) -> config.heapSize(64L << 20)))
        {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            final int status = new DemoApplication().run(cluster.node(0), List.of("--elements", "100000",
                "--increments", "50"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
            final String output = bytes.toString(StandardCharsets.UTF_8);

            assertEquals(0, status, output);
            assertTrue(output.contains("demo: all results correct"), output);
            assertTrue(output.contains("4999950000"), output);
            assertTrue(output.contains("150"), output);
        }
    }

    @Test
    void shouldCheckOptionsBeforeTheClusterStarts()
    {
        final DemoApplication app = new DemoApplication();

        assertEquals("demo: --elements=0 must be >= 1", assertThrows(ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--elements", "0"), 2, 0)).getMessage());
        assertEquals("demo: --increments=-3 must be >= 1", assertThrows(ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--elements", "10", "--increments", "-3"), 2, 0)).getMessage());

        final DemoApplication.Options options =
            ApplicationOptions.parse(app, List.of("--elements", "1", "--increments", "1"), 2, 0);
        assertEquals(1, options.elements);
        assertEquals(1, options.increments);
    }
}
