package org.jdsm.apps.socialnet;

import org.jdsm.ConfigurationException;
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
 * The application on simulated nodes in this JVM (both workloads, both modes, with the baseline), its argument
 * errors, and one run of {@code jdsm local} across three node JVMs over Aeron.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class SocialNetApplicationTest
{
    private static final List<String> SMALL = List.of("--users", "300", "--edges", "3000", "--clips", "2",
        "--media-retained", "8", "--media-in-flight", "4", "--requests", "40", "--warmup", "10", "--wave", "16");

    @Test
    void shouldRunComposeWorkloadInBothModesOnTwoSimulatedNodes() throws Exception
    {
        final String output = run(2, "--mix", "compose", "--mode", "both", "--with-one-node");

        assertTrue(output.contains("socialnet: generated graph of 300 users, 3000 edges"), output);
        assertTrue(output.contains("socialnet: jdsm 2n ref ran 40 requests in"), output);
        assertTrue(output.contains("socialnet: jdsm 1n value ran 40 requests in"), output);
        assertTrue(output.contains("socialnet: jdsm 2n ref / jdsm 1n ref throughput = "), output);
        assertTrue(output.contains("socialnet: 2n reference / value throughput = "), output);
        assertTrue(output.contains("socialnet: jdsm 2n value / baseline throughput = "), output);
        assertTrue(output.matches("(?s).*socialnet: jdsm 2n ref / baseline throughput = [0-9.]+; CPU per request = " +
            "[0-9.]+ \\(this JVM\\).*"), output);
        assertTrue(output.contains("socialnet: all results correct"), output);
    }

    @Test
    void shouldRunMixedWorkloadOnThreeSimulatedNodes() throws Exception
    {
        final String output = run(3, "--mix", "mixed", "--mode", "value");

        assertTrue(output.contains("socialnet: jdsm 3n value ran 40 requests in"), output);
        assertTrue(output.contains("socialnet: all results correct"), output);
    }

    @Test
    void shouldRejectBadArguments()
    {
        try (SocialNetCluster cluster = new SocialNetCluster(1))
        {
            final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            final SocialNetApplication app = new SocialNetApplication();
            assertEquals("socialnet: --mix=read must be compose or mixed", assertThrows(ConfigurationException.class,
                () -> app.run(cluster.nodes[0], List.of("--mix", "read"), out)).getMessage());
            assertEquals("--mix=read must be compose or mixed", assertThrows(SocialNetException.class, () -> app.run(
                cluster.nodes[0], ApplicationOptions.parse(app, List.of("--mix", "read")), out)).getMessage(),
                "run checks options it is given unchecked");
            assertEquals("socialnet: --mode=copy must be reference or value", assertThrows(
                ConfigurationException.class,
                () -> app.run(cluster.nodes[0], List.of("--mode", "copy"), out)).getMessage());
            assertEquals("socialnet: Invalid value for option '--requests': 'ten' is not a long",
                assertThrows(ConfigurationException.class,
                () -> app.run(cluster.nodes[0], List.of("--requests", "ten"), out)).getMessage());
            assertEquals("socialnet: --wave=-1 must be in [1, 2147483647]", assertThrows(ConfigurationException.class,
                () -> app.run(cluster.nodes[0], List.of("--wave", "-1"), out)).getMessage());
            assertEquals("socialnet: mediaRetained=0 must be in [1, 4096]", assertThrows(ConfigurationException.class,
                () -> app.run(cluster.nodes[0], List.of("--media-retained", "0"), out)).getMessage());
        }
    }

    @Test
    void shouldCheckOptionsBeforeTheClusterStarts()
    {
        final SocialNetApplication app = new SocialNetApplication();

        assertEquals("socialnet: --requests=-1 must be >= 0", assertThrows(ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--requests", "-1"), 2, 0)).getMessage());
        assertEquals("socialnet: --mode=copy must be reference or value", assertThrows(ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--mode", "copy"), 2, 0)).getMessage());
        assertEquals("socialnet: --mix=read must be compose or mixed", assertThrows(ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--mix", "read"), 2, 0)).getMessage());
        assertEquals("socialnet: frontendThreads=0 must be >= 1", assertThrows(ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--frontend-threads", "0"), 2, 0)).getMessage());
        assertEquals("socialnet: clips=65 must be in [1, 64]", assertThrows(ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--clips", "65"), 2, 0)).getMessage());
        assertEquals("socialnet: users=1 must be >= 2", assertThrows(ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--users", "1"), 2, 0)).getMessage());
        assertEquals("socialnet: edges=3 must be in [0, 2] for users=5", assertThrows(ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--users", "5", "--edges", "3"), 2, 0)).getMessage());
        assertEquals("socialnet: --wave=0 must be in [1, 2147483647]", assertThrows(ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--wave", "0"), 2, 0)).getMessage());
        assertEquals("socialnet: --baseline-threads=0 must be in [1, 2147483647]", assertThrows(
            ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--baseline-threads", "0"), 2, 0)).getMessage());
        assertEquals("socialnet: --clips=4294967297 must be in [0, 2147483647]", assertThrows(
            ConfigurationException.class,
            () -> ApplicationOptions.parse(app, List.of("--clips", "4294967297"), 2, 0)).getMessage());

        assertEquals("both", ApplicationOptions.parse(
            app, List.of("--requests", "18432", "--mode", "both", "--mix", "mixed"), 2, 0).mode);
        // a graph file's users and edges are its own
        assertEquals(1, ApplicationOptions.parse(app, List.of("--graph", "g.txt", "--users", "1"), 2, 0).users);
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
            status = Launcher.execute("local", "--nodes", "3", "--timeout", "120", "socialnet", "--users", "500",
                "--edges", "5000", "--clips", "2", "--media-retained", "8", "--requests", "60", "--warmup", "20",
                "--wave", "30", "--mix", "mixed", "--mode", "both");
        }
        finally
        {
            System.setOut(original);
        }
        final String output = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(output);

        assertEquals(0, status, output);
        assertTrue(output.contains("[node 0] socialnet: jdsm 3n ref ran 60 requests in"), output);
        assertTrue(output.contains("[node 0] socialnet: jdsm 3n value ran 60 requests in"), output);
        assertTrue(output.contains("[node 0] socialnet: all results correct"), output);
        assertTrue(output.contains("jdsm local: all nodes succeeded"), output);
    }

    private static String run(final int nodes, final String... extra) throws Exception
    {
        try (SocialNetCluster cluster = new SocialNetCluster(nodes))
        {
            final List<String> args = new java.util.ArrayList<>(SMALL);
            args.addAll(List.of(extra));
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            final int status = new SocialNetApplication().run(cluster.nodes[0], args,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
            final String output = bytes.toString(StandardCharsets.UTF_8);
            assertEquals(0, status, output);
            return output;
        }
    }
}
