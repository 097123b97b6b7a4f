package org.jdsm.apps.dataframe;

import org.jdsm.ConfigurationException;
import org.jdsm.apps.AppCluster;
import org.jdsm.apps.ApplicationOptions;
import org.jdsm.apps.Launcher;
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
 * The application on simulated nodes in this JVM, its argument errors, and one run of {@code jdsm local} across
 * three node JVMs over Aeron: every question and the batch equal to the baseline's.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DataFrameApplicationTest
{
    @Test
    void shouldCheckEveryResultOnTwoSimulatedNodes() throws Exception
    {
        try (AppCluster cluster = new AppCluster(2, 9))
        {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            final int status = new DataFrameApplication().run(cluster.driver(), List.of("--rows", "2e4", "--k", "10",
                "--na", "3", "--chunk-bytes", "16384", "--no-warmup"),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
            final String output = bytes.toString(StandardCharsets.UTF_8);

            assertEquals(0, status, output);
            assertTrue(output.contains("dataframe: G1_2e4_1e1_3_0 seed 108 on 2 node(s): 20000 rows, 10 row groups " +
                "of 2048 rows (16384 B chunks)"), output);
            assertTrue(output.contains("dataframe: q10 sum v3 count by id1:id6"), output);
            assertTrue(output.contains("dataframe: batch of 29 concurrent queries"), output);
            assertTrue(output.contains("dataframe: questions total, this JVM's CPU (least of the rounds): jdsm "),
                output);
            assertTrue(output.contains("; CPU jdsm/baseline = "), output);
            assertTrue(output.contains("dataframe: results correct (every result equal to the baseline's)"), output);
        }
    }

    @Test
    void shouldRejectBadArgumentsBeforeAnyWork()
    {
        try (AppCluster cluster = new AppCluster(1, 9))
        {
            final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            final DataFrameApplication app = new DataFrameApplication();

            assertEquals("dataframe: Invalid value for option '--rows': 'lots' is not a count (e.g. 100 or 1e7)",
                assertThrows(org.jdsm.ConfigurationException.class,
                () -> app.run(cluster.driver(), List.of("--rows", "lots"), out)).getMessage());
            assertEquals("dataframe: question q11 is not in q1..q10", assertThrows(ConfigurationException.class,
                () -> app.run(cluster.driver(), List.of("--rows", "100", "--questions", "1,11"), out)).getMessage());
            assertEquals("question q11 is not in q1..q10", assertThrows(DataFrameException.class, () -> app.run(
                cluster.driver(), ApplicationOptions.parse(app, List.of("--rows", "100", "--questions", "1,11")), out))
                .getMessage(), "run checks options it is given unchecked");
            assertEquals("dataframe: rows=100 and k=0 must be >= 1, naPercent=0 in [0, 100]",
                assertThrows(ConfigurationException.class,
                () -> app.run(cluster.driver(), List.of("--rows", "100", "--k", "0"), out)).getMessage());
            assertEquals("dataframe: Missing required parameter for option '--k' (K)",
                assertThrows(org.jdsm.ConfigurationException.class,
                () -> app.run(cluster.driver(), List.of("--k"), out)).getMessage());
        }
    }

    @Test
    void shouldCheckOptionsBeforeTheClusterStarts()
    {
        final DataFrameApplication app = new DataFrameApplication();

        assertEquals("dataframe: --questions=1,x: x is not a question number", assertThrows(
            ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--questions", "1,x"), 2, 0)).getMessage());
        assertEquals("dataframe: question q0 is not in q1..q10", assertThrows(ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--questions", "q0"), 2, 0)).getMessage());
        assertEquals("dataframe: rows=10000000 and k=100 must be >= 1, naPercent=101 in [0, 100]", assertThrows(
            ConfigurationException.class, () -> ApplicationOptions.parse(app, List.of("--na", "101"), 2, 0))
            .getMessage());
        assertEquals("dataframe: chunkBytes=4 must be >= 8", assertThrows(ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--chunk-bytes", "4"), 2, 0)).getMessage());
        assertEquals("dataframe: --baseline-threads=0 must be >= 1", assertThrows(ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--baseline-threads", "0"), 2, 0)).getMessage());
        assertEquals("dataframe: slices=0 must be >= 1 and partBytes=1048576 >= 1024", assertThrows(
            ConfigurationException.class, () -> ApplicationOptions.parse(app, List.of("--slices", "0"), 2, 0))
            .getMessage());
        assertEquals("dataframe: slices=2 must be >= 1 and partBytes=512 >= 1024", assertThrows(
            ConfigurationException.class, () -> ApplicationOptions.parse(app, List.of("--part-bytes", "512"), 2, 0))
            .getMessage());

        assertEquals("q1,3", ApplicationOptions.parse(
            app, List.of("--rows", "1e7", "--k", "100", "--questions", "q1,3", "--no-batch"), 2, 0).questions);
        // questions skipped are not read
        assertEquals("x", ApplicationOptions.parse(app, List.of("--no-questions", "--questions", "x"), 2, 0).questions);
    }

    @Test
    void shouldRunAcrossThreeNodeJvmsOverAeron()
    {
        final PrintStream original = System.out;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final int status;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try
        {
            status = Launcher.execute("local", "--nodes", "3", "--timeout", "120", "dataframe", "--rows", "1e5",
                "--chunk-bytes", "65536", "--no-warmup");
        }
        finally
        {
            System.setOut(original);
        }
        final String output = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(output);

        assertEquals(0, status, output);
        assertTrue(output.contains("[node 0] dataframe: G1_1e5_1e2_0_0 seed 108 on 3 node(s)"), output);
        assertTrue(output.contains("[node 0] dataframe: results correct (every result equal to the baseline's)"),
            output);
        assertTrue(output.contains("jdsm local: all nodes succeeded"), output);
    }
}
