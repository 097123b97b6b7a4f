package org.jdsm.apps;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LauncherTest
{
    private static String captured(final Runnable action)
    {
        final PrintStream original = System.out;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try
        {
            action.run();
        }
        finally
        {
            System.setOut(original);
        }

        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static LauncherRun launch(final String... args)
    {
        return LauncherRun.launch(args);
    }

    private static Set<String> launcherDirectories() throws IOException
    {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir"))))
        {
            return files.map(Path::toString)
                .filter((name) -> name.contains("jdsm-local-") || name.contains("jdsm-run-"))
                .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void shouldRejectATransportNotOnTheClassPathBeforeForkingANode()
    {
        final LauncherRun transport = launch("local", "--nodes", "2", "--transport", "carrier-pigeon", "demo");
        assertEquals(2, transport.status());
        assertTrue(transport.err().startsWith("jdsm: --transport=carrier-pigeon not found on the class path; " +
            "available: [") && transport.err().contains("aeron"), transport.err());
        assertEquals(1, transport.err().lines().count(), transport.err());
        assertEquals("", transport.out(), "no node forked");
    }

    @Test
    void shouldRejectTimeoutBelowOneSecondInOneLine()
    {
        final LauncherRun zero = launch("local", "--nodes", "2", "--timeout", "0", "demo");
        assertEquals(2, zero.status());
        assertEquals("jdsm: --timeout=0 must be at least 1 second" + System.lineSeparator(), zero.err());

        final LauncherRun negative = launch("local", "--timeout", "-5", "demo");
        assertEquals(2, negative.status());
        assertEquals("jdsm: --timeout=-5 must be at least 1 second" + System.lineSeparator(), negative.err());

        final LauncherRun run = launch("run", "--timeout", "0", "--class-path", "target/classes", Launcher.class.getName());
        assertEquals(2, run.status());
        assertEquals("jdsm: --timeout=0 must be at least 1 second" + System.lineSeparator(), run.err());
    }

    @Test
    void shouldRejectReplicasOutOfRangeOrGivenTwiceInOneLine()
    {
        final LauncherRun tooMany = launch("local", "--nodes", "2", "--replicas", "2", "demo");
        assertEquals(2, tooMany.status());
        assertEquals("jdsm: --replicas=2 must be in [0, 2] and less than --nodes=2: each backup is on another node" +
            System.lineSeparator(), tooMany.err());

        final LauncherRun twice = launch("local", "--nodes", "3", "--replicas", "1", "--jvm-opt=-Djdsm.replicas=0",
            "demo");
        assertEquals(2, twice.status());
        assertEquals("jdsm: --replicas=1 and --jvm-opt=-Djdsm.replicas=...: give one of them" + System.lineSeparator(),
            twice.err());
    }

    @Test
    void shouldRejectAnEmptyOrNegativeSizeOrDurationOfTheNodesInOneLine()
    {
        for (final String value : List.of("", "-1g", "m", "x"))
        {
            final LauncherRun heap = launch("local", "--nodes", "2", "--jvm-opt=-Djdsm.heap.size=" + value, "demo");
            assertEquals(2, heap.status(), heap.err());
            assertEquals("jdsm: jdsm.heap.size=" + value + " is not a size such as 512m or 2g" +
                System.lineSeparator(), heap.err());
            assertEquals("", heap.out(), "no node forked");
        }
        for (final String value : List.of("", "0s", "-5s", "s", "2d"))
        {
            final LauncherRun peer = launch("local", "--nodes", "2", "--jvm-opt=-Djdsm.peer.timeout=" + value, "demo");
            assertEquals(2, peer.status(), peer.err());
            assertEquals("jdsm: jdsm.peer.timeout=" + value + " is not a duration such as 5s or 500ms, above 0 and " +
                "at most 1 day" + System.lineSeparator(), peer.err());
        }
    }

    @Test
    void shouldRejectHostThatCanNotBeBoundWithoutLeavingDirectory() throws IOException
    {
        // TEST-NET-1 (RFC 5737): not an address of this machine; only bound, never sent to
        final Set<String> before = launcherDirectories();
        final LauncherRun local = launch("local", "--nodes", "2", "--host", "192.0.2.1", "demo");
        assertEquals(2, local.status());
        assertEquals("jdsm: --host=192.0.2.1 is not an address of this machine: no UDP socket can be bound to it" +
            System.lineSeparator(), local.err());
        assertEquals("", local.out());

        final LauncherRun run = launch("run", "--nodes", "2", "--host", "192.0.2.1", "--class-path", "target/classes",
            Launcher.class.getName());
        assertEquals(2, run.status());
        assertEquals("jdsm: --host=192.0.2.1 is not an address of this machine: no UDP socket can be bound to it" +
            System.lineSeparator(), run.err());
        assertEquals(before, launcherDirectories());
    }

    @Test
    void shouldShowStackTraceOnlyWithVerbose()
    {
        final LauncherRun quiet = launch("local", "--host", "192.0.2.1", "demo");
        assertEquals(1, quiet.err().lines().count(), quiet.err());

        final LauncherRun verbose = launch("--verbose", "local", "--host", "192.0.2.1", "demo");
        assertEquals(2, verbose.status());
        final String[] lines = verbose.err().split(System.lineSeparator());
        assertEquals("jdsm: --host=192.0.2.1 is not an address of this machine: no UDP socket can be bound to it",
            lines[0]);
        assertEquals("org.jdsm.ConfigurationException: --host=192.0.2.1 is not an address of this machine: no UDP " +
            "socket can be bound to it", lines[1]);
        assertTrue(verbose.err().contains("\tat org.jdsm.apps.LoopbackCluster.ports("), verbose.err());
        assertTrue(verbose.err().contains("Caused by: java.net.BindException"), verbose.err());

        final LauncherRun afterSubcommand = launch("local", "--verbose", "--timeout", "0", "demo");
        assertEquals(2, afterSubcommand.status());
        assertTrue(afterSubcommand.err().contains("\tat org.jdsm.apps.LocalCommand.call("), afterSubcommand.err());
    }

    @Test
    void shouldPrintApplicationHelpInsteadOfRunning()
    {
        final LauncherRun kv = launch("local", "--nodes", "2", "kv", "--records", "10", "--help");
        assertEquals(0, kv.status(), kv.err());
        assertEquals("", kv.err());
        final List<String> kvLines = kv.out().lines().collect(Collectors.toList());
        assertEquals("Usage: jdsm local [OPTIONS] kv [KV OPTIONS]", kvLines.get(0));
        assertTrue(kvLines.contains("      --workload=a|b|c|d|e|f|drust"), kv.out());
        assertTrue(kvLines.contains("      --records=R        Records loaded (default: 10000)."), kv.out());
        assertTrue(kvLines.contains("      --kill-node=K      Kill node K (SIGKILL, same host) during the workload,"),
            kv.out());
        assertTrue(kvLines.contains("  -h, --help             Show this help."), kv.out());
        // no cluster was started: the launcher prints its cluster line and summary only when it forks nodes
        assertFalse(kv.out().contains("jdsm local:"), kv.out());

        final LauncherRun gemm = launch("local", "gemm", "-h");
        assertEquals(0, gemm.status(), gemm.err());
        assertTrue(gemm.out().startsWith("Usage: jdsm local [OPTIONS] gemm [GEMM OPTIONS]\n"), gemm.out());
        assertTrue(gemm.out().contains("      --type=int|double      Element type (default: int).\n"), gemm.out());
        assertFalse(gemm.out().contains("jdsm local:"), gemm.out());
    }

    @Test
    void shouldRejectUnknownApplicationOptionInOneLine()
    {
        for (final Application<?> app : Applications.all())
        {
            final LauncherRun run = launch("local", "--nodes", "2", app.name(), "--frob");
            assertEquals(2, run.status(), app.name());
            assertEquals("jdsm: " + app.name() + ": unknown option --frob (" + app.name() + " --help lists its " +
                "options)" + System.lineSeparator(), run.err());
            assertEquals("", run.out());
        }

        final LauncherRun stray = launch("local", "gemm", "--n", "64", "2048");
        assertEquals(2, stray.status());
        assertEquals("jdsm: gemm: unexpected argument 2048 (gemm --help lists its options)" + System.lineSeparator(),
            stray.err());

        final LauncherRun typo = launch("local", "gemm", "--tpye", "int");
        assertEquals(2, typo.status());
        assertEquals("jdsm: gemm: unknown option --tpye, did you mean --type? (gemm --help lists its options)" +
            System.lineSeparator(), typo.err());
    }

    @Test
    void shouldRejectMalformedOrMissingApplicationOptionValue()
    {
        final LauncherRun gemm = launch("local", "gemm", "--n=x");
        assertEquals(2, gemm.status());
        assertEquals("jdsm: gemm: Invalid value for option '--n': 'x' is not an int" + System.lineSeparator(),
            gemm.err());

        final LauncherRun kv = launch("local", "kv", "--records", "5e3", "--compare");
        assertEquals(2, kv.status());
        assertEquals("jdsm: kv: Invalid value for option '--records': '5e3' is not a long" + System.lineSeparator(),
            kv.err());

        final LauncherRun last = launch("local", "socialnet", "--no-baseline", "--requests");
        assertEquals(2, last.status());
        assertEquals("jdsm: socialnet: Missing required parameter for option '--requests' (R)" +
            System.lineSeparator(), last.err());
    }

    @Test
    void shouldCheckApplicationOptionsOnNodeBeforeJoining(@org.junit.jupiter.api.io.TempDir final Path directory)
        throws IOException
    {
        // ports are never bound: the node stops before it starts
        final Path clusterFile = directory.resolve("cluster.json");
        ClusterFile.write(
            clusterFile, "aeron", "127.0.0.1", new int[]{ 20_001, 20_002 }, "00112233445566778899aabbccddeeff");

        final LauncherRun help = launch("node", "--config", clusterFile.toString(), "--node-id", "0", "dataframe", "--help");
        assertEquals(0, help.status(), help.err());
        assertTrue(help.out().startsWith("Usage: jdsm local [OPTIONS] dataframe [DATAFRAME OPTIONS]\n"), help.out());

        final LauncherRun unknown = launch("node", "--config", clusterFile.toString(), "--node-id", "0", "demo", "--frob");
        assertEquals(2, unknown.status());
        assertEquals("jdsm: demo: unknown option --frob (demo --help lists its options)" + System.lineSeparator(),
            unknown.err());
        assertEquals("", unknown.out());
    }

    @Test
    void shouldCheckApplicationOptionsAgainstTheClusterBeforeForkingItsNodes(
        @org.junit.jupiter.api.io.TempDir final Path directory) throws IOException
    {
        final LauncherRun workload = launch("local", "--nodes", "2", "kv", "--workload", "z");
        assertEquals(2, workload.status(), workload.out());
        assertEquals("jdsm: kv: workload=z must be one of a|b|c|d|e|f|drust" + System.lineSeparator(),
            workload.err());
        assertEquals("", workload.out(), "no node forked");

        final LauncherRun noBackup = launch("local", "--nodes", "3", "kv", "--kill-node", "2", "--client-nodes", "0,1");
        assertEquals(2, noBackup.status(), noBackup.out());
        assertEquals("jdsm: kv: --kill-node=2 needs jdsm.replicas >= 1 (jdsm local --replicas 1): without a backup " +
            "the node's buckets die with it" + System.lineSeparator(), noBackup.err());
        assertEquals("", noBackup.out(), "no node forked");

        final LauncherRun outside = launch("local", "--nodes", "3", "--replicas", "1", "kv", "--kill-node", "3");
        assertEquals(2, outside.status(), outside.out());
        assertEquals("jdsm: kv: --kill-node=3 must be in [1, 2]: node 0 is the driver" + System.lineSeparator(),
            outside.err());

        // a node started by hand checks too, the serving ones included, before it binds a port
        final Path clusterFile = directory.resolve("cluster.json");
        ClusterFile.write(
            clusterFile, "aeron", "127.0.0.1", new int[]{ 20_001, 20_002 }, "00112233445566778899aabbccddeeff");
        for (final String nodeId : List.of("0", "1"))
        {
            final LauncherRun node = launch(
                "node", "--config", clusterFile.toString(), "--node-id", nodeId, "kv", "--client-nodes", "0,2");
            assertEquals(2, node.status(), node.out());
            assertEquals("jdsm: kv: --client-nodes=0,2: 2 is not a node id in [0, 1]" + System.lineSeparator(),
                node.err());
            assertEquals("", node.out());
        }
    }

    @Test
    void shouldAcceptEveryDeclaredOption()
    {
        for (final Application<?> app : Applications.all())
        {
            final List<String> args = new java.util.ArrayList<>();
            for (final picocli.CommandLine.Model.OptionSpec option :
                picocli.CommandLine.Model.CommandSpec.forAnnotatedObject(app.newOptions()).options())
            {
                args.add(option.longestName());
                if (option.arity().max() > 0)
                {
                    args.add("1");
                }
            }
            assertFalse(args.isEmpty(), app.name() + " declares its options");
            ApplicationOptions.parse(app, args);
            // --name=value as for the launcher's own options
            ApplicationOptions.parse(app, List.of(args.get(0) + "=1"));
        }
        // the README's examples
        ApplicationOptions.parse(Applications.find("gemm"), List.of("--n", "4096", "--type", "int"));
        ApplicationOptions.parse(Applications.find("kv"),
            List.of("--workload", "b", "--records", "5000", "--operations", "200000", "--compare"));
        ApplicationOptions.parse(
            Applications.find("socialnet"), List.of("--requests", "18432", "--mode", "reference"));
        ApplicationOptions.parse(Applications.find("dataframe"), List.of("--rows", "1e7", "--k", "100"));
    }

    @Test
    void shouldListApplications()
    {
        final int[] status = new int[1];
        final String output = captured(() -> status[0] = Launcher.execute("apps"));
        assertEquals(0, status[0]);
        assertTrue(output.startsWith("demo "), output);
    }

    @Test
    void shouldPrintUsageWithHelp()
    {
        final int[] status = new int[1];
        final String output = captured(() -> status[0] = Launcher.execute("local", "--help"));
        assertEquals(0, status[0]);
        assertTrue(output.contains("--nodes=<nodes>"), output);
    }

    @Test
    void shouldReportAUsageErrorInOneLineWithExitTwo()
    {
        final LauncherRun option = LauncherRun.launch("local", "--frob", "demo");
        assertEquals(2, option.status());
        assertEquals("jdsm: Unknown option: '--frob' (see 'jdsm local --help')" + System.lineSeparator(),
            option.err());
        final LauncherRun command = LauncherRun.launch("frob");
        assertEquals(2, command.status());
        assertEquals("jdsm: Unmatched argument at index 0: 'frob' (see 'jdsm --help')" + System.lineSeparator(),
            command.err());
        final LauncherRun value = LauncherRun.launch("local", "--nodes", "three", "demo");
        assertEquals(2, value.status());
        assertEquals(1, value.err().lines().count(), value.err());
        assertTrue(value.err().startsWith("jdsm: Invalid value for option '--nodes': 'three' is not an int"),
            value.err());
    }

    @Test
    void shouldExitTwoWhenTheNodesRejectABadSetting()
    {
        final LauncherRun run = LauncherRun.launch("local", "--nodes", "1", "--timeout", "60",
            "--jvm-opt=-Djdsm.worker.threads=lots", "demo");
        assertEquals(2, run.status(), run.out());
        assertTrue(run.out().contains("[node 0] jdsm: jdsm.worker.threads=lots is not an integer\n"), run.out());
        assertTrue(run.out().contains("|    0 | exit 2 |"), run.out());
    }

    @Test
    void shouldFailOnUnknownApplicationAndMissingFile()
    {
        assertNotEquals(0, Launcher.execute("local", "--nodes", "2", "no-such-app"));
        assertNotEquals(0, Launcher.execute("node", "--config", "/no/such/cluster.json", "--node-id", "0"));
        assertNotEquals(0, Launcher.execute("local", "--nodes", "0", "demo"));
    }
}
