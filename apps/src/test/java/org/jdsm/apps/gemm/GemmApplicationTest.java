package org.jdsm.apps.gemm;

import org.jdsm.ConfigurationException;
import org.jdsm.apps.AppCluster;
import org.jdsm.apps.ApplicationOptions;
import org.jdsm.apps.Launcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The application on simulated nodes in this JVM, its argument and fit errors before any work, and runs of
 * {@code jdsm local} across 1, 2 and 3 node JVMs over Aeron.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class GemmApplicationTest
{
    @Test
    void shouldCheckResultCorrectOnTwoSimulatedNodes() throws Exception
    {
        try (AppCluster cluster = new AppCluster(2, 7))
        {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            final int status = new GemmApplication().run(cluster.driver(), List.of("--n", "300", "--type", "double",
                "--no-warmup", "--rounds", "2", "--with-one-node",
                "--cutoff", "32", "--tile", "64"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
            final String output = bytes.toString(StandardCharsets.UTF_8);

            assertEquals(0, status, output);
            assertTrue(output.contains("gemm: n=300 double on 2 node(s): padded 320, 49 leaves of 80, cutoff 32, " +
                "8x8 tiles of 40 (12800 B)"), output);
            assertTrue(output.contains("gemm: jdsm leaves 49/49"), output);
            assertTrue(output.contains("gemm: round 1 of 2 (baseline first)"), output);
            assertTrue(output.contains("gemm: round 2 of 2 (jdsm first)"), output);
            assertTrue(output.contains("gemm: jdsm on 2 node(s) / baseline over 2 rounds, order alternating: median "),
                output);
            assertTrue(output.contains("gemm: this JVM's CPU, jdsm / baseline, over 2 rounds: median "), output);
            assertTrue(java.util.regex.Pattern.compile("gemm: baseline \\(ForkJoinPool of \\d+\\) [0-9.]+ s, [0-9.]+ " +
                "GFLOP/s, [0-9.]+ s of this JVM's CPU").matcher(output).find(), output);
            assertTrue(output.contains("gemm: jdsm on 2 node(s) / jdsm on 1 node over 2 rounds, order alternating: " +
                "median "), output);
            assertTrue(output.contains("gemm: jdsm on 1 node(s) "), output);
            assertTrue(output.contains("gemm: result correct (equal to the baseline, 64 sampled elements equal to " +
                "naive dot products)"), output);
        }
    }

    @Test
    void shouldRejectBadArgumentsBeforeAnyWork()
    {
        try (AppCluster cluster = new AppCluster(2, 7))
        {
            final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            final GemmApplication app = new GemmApplication();
            final long tasksBefore = cluster.nodes[1].counters().get(org.jdsm.NodeCounters.Counter.TASKS_RUN);

            assertEquals("gemm: n=0 must be >= 1", assertThrows(ConfigurationException.class,
                () -> app.run(cluster.driver(), List.of("--n", "0"), out)).getMessage());
            assertEquals("gemm: --rounds=0 must be >= 1", assertThrows(ConfigurationException.class,
                () -> app.run(cluster.driver(), List.of("--n", "64", "--rounds", "0"), out)).getMessage());
            assertEquals("--rounds=0 must be >= 1", assertThrows(GemmException.class, () -> app.run(
                cluster.driver(), ApplicationOptions.parse(app, List.of("--n", "64", "--rounds", "0")), out))
                .getMessage(), "run checks options it is given unchecked");
            assertEquals("gemm: --check-naive needs n <= 2048 (the naive product takes n^3 steps on the driver), " +
                "n=4096", assertThrows(ConfigurationException.class,
                () -> app.run(cluster.driver(), List.of("--n", "4096", "--check-naive"), out)).getMessage());
            assertEquals("gemm: Invalid value for option '--n': 'x' is not an int",
                assertThrows(org.jdsm.ConfigurationException.class,
                () -> app.run(cluster.driver(), List.of("--n", "x"), out)).getMessage());
            assertEquals("n=4096 INT needs 256913664 bytes of heap on node 0 > heapSize=67108864: raise " +
                "jdsm.heap.size or add nodes", assertThrows(GemmException.class,
                () -> app.run(cluster.driver(), List.of("--n", "4096", "--tile", "512"), out)).getMessage());
            assertEquals("tile of 1024x1024 DOUBLE = 8388608 bytes > maxObjectSize=4194304 of " +
                "node 0: lower --tile or raise jdsm.object.max.size (and heap/cache sizes)",
                assertThrows(GemmException.class,
                () -> app.run(cluster.driver(), List.of("--n", "4096", "--type", "double"), out)).getMessage());
            assertEquals("tile of 2048x2048 INT = 16777216 bytes > maxObjectSize=4194304 of " +
                "node 0: lower --tile or raise jdsm.object.max.size (and heap/cache sizes)",
                assertThrows(GemmException.class,
                () -> app.run(cluster.driver(), List.of("--n", "2048", "--levels", "0", "--tile", "2048"), out))
                .getMessage());
            assertEquals(tasksBefore, cluster.nodes[1].counters().get(org.jdsm.NodeCounters.Counter.TASKS_RUN));
        }
    }

    @Test
    void shouldCheckOptionsBeforeTheClusterStarts()
    {
        final GemmApplication app = new GemmApplication();

        assertEquals("gemm: --type=float must be int or double", assertThrows(ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--type", "float"), 2, 0)).getMessage());
        assertEquals("gemm: levels=6 must be in [0, 5]", assertThrows(ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--levels", "6"), 2, 0)).getMessage());
        assertEquals("gemm: n=46341 pads to 49152 > 46340 with levels=2 cutoff=128 tile=1024",
            assertThrows(ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--n", "46341"), 2, 0)).getMessage());
        assertEquals("gemm: --check-naive needs n <= 2048 (the naive product takes n^3 steps on the driver), " +
            "n=2049", assertThrows(ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--n", "2049", "--check-naive"), 2, 0)).getMessage());
        assertEquals("gemm: --rounds=0 must be >= 1", assertThrows(ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--rounds", "0"), 2, 0)).getMessage());
        assertEquals("gemm: --baseline-threads=0 must be >= 1", assertThrows(ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--baseline-threads", "0"), 2, 0)).getMessage());

        final GemmApplication.Options options = ApplicationOptions.parse(
            app, List.of("--n", "2048", "--type", "double", "--rounds", "3", "--check-naive"), 2, 0);
        assertEquals(2048, options.n);
        assertEquals(3, options.rounds);
        // whether a plan fits the nodes' heaps is for the started nodes to say
        assertEquals(4096, ApplicationOptions.parse(app, List.of("--n", "4096", "--tile", "2048"), 2, 0).n);
    }

    @ParameterizedTest
    @CsvSource({
        "1, 1, int", "1, 7, double", "1, 64, int", "1, 100, double", "1, 257, int", "1, 512, double",
        "2, 1, double", "2, 7, int", "2, 64, double", "2, 100, int", "2, 257, double", "2, 512, int",
        "3, 1, int", "3, 7, double", "3, 64, int", "3, 100, double", "3, 257, int", "3, 512, double" })
    void shouldEqualNaiveProductAcrossNodeJvmsOverAeron(final int nodes, final int n, final String type)
    {
        final PrintStream original = System.out;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final int status;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try
        {
            status = Launcher.execute("local", "--nodes", String.valueOf(nodes), "--timeout", "120", "gemm",
                "--n", String.valueOf(n), "--type", type, "--no-warmup", "--cutoff", "32", "--tile", "256",
                "--check-naive");
        }
        finally
        {
            System.setOut(original);
        }
        final String output = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(output);

        assertEquals(0, status, output);
        assertTrue(output.contains("[node 0] gemm: n=" + n + " " + type + " on " + nodes + " node(s)"), output);
        assertTrue(output.contains("[node 0] gemm: result correct (equal to the baseline, 64 sampled elements " +
            "equal to naive dot products, every element equal to the naive product)"), output);
        assertTrue(output.contains("jdsm local: all nodes succeeded"), output);
    }
}
