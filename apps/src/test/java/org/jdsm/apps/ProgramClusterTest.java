package org.jdsm.apps;

import org.jdsm.DsmConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A program's own {@code main} on clusters of node JVMs over Aeron on loopback, through {@code jdsm run}: the
 * example project's classes (compiled here from {@code examples/counter}, not on the launcher's class path), a
 * driver whose main throws, and the errors a user meets first.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ProgramClusterTest
{
    /** Faster JVM starts for the node JVMs: these programs are tiny. */
    private static final String QUICK_START = "--jvm-opt=-XX:TieredStopAtLevel=1";

    @TempDir
    static Path programs;

    @BeforeAll
    static void compilePrograms() throws IOException
    {
        final List<String> sources = new ArrayList<>();
        for (final Path folder : List.of(Path.of("../examples/counter/src/main/java"), Path.of("src/test/programs")))
        {
            try (Stream<Path> files = Files.walk(folder))
            {
                files.filter((file) -> file.toString().endsWith(".java")).forEach((file) -> sources.add(file.toString()));
            }
        }
        final JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        final List<String> arguments = new ArrayList<>(List.of(
            "-d", programs.toString(), "-cp", System.getProperty("java.class.path"), "--release", "17"));
        arguments.addAll(sources);
        assertEquals(0, compiler.run(null, null, null, arguments.toArray(new String[0])), "programs compile");
    }

    private record Run(int status, String out, String err)
    {
        List<String> linesOf(final int nodeId)
        {
            final String prefix = "[node " + nodeId + "] ";
            return out.lines().filter((line) -> line.startsWith(prefix)).map((line) -> line.substring(prefix.length()))
                .filter((line) -> !line.startsWith("node " + nodeId + "/"))
                .collect(Collectors.toList());
        }
    }

    private static Run launch(final String... args)
    {
        final LauncherRun run = LauncherRun.launch(args);
        return new Run(run.status(), run.out(), run.err());
    }

    private static Run run(final int nodes, final String... mainAndArgs)
    {
        final List<String> args = new ArrayList<>(List.of(
            "run", "--nodes", Integer.toString(nodes), "--timeout", "120", QUICK_START,
            "--class-path", programs.toString()));
        args.addAll(List.of(mainAndArgs));
        return launch(args.toArray(new String[0]));
    }

    private static Set<String> runDirectories() throws IOException
    {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir"))))
        {
            return files.map(Path::toString).filter((name) -> name.contains("jdsm-run-"))
                .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void shouldPrintTheSameOutputOnOneAndThreeNodesWithEveryNodeExitingZero()
    {
        final Run one = run(1, "com.example.ClusterExample");
        assertEquals(0, one.status(), one.out());
        final Run three = run(3, "com.example.ClusterExample");
        assertEquals(0, three.status(), three.out());

        assertEquals(List.of(
            "sum of squares of 1..1200 = 576720200 (12 tasks, one DMutex)",
            "sum of 1..1200 = 720600 (a DVec moved to a task)",
            "every node ran tasks: ok"), one.linesOf(0), one.out());
        assertEquals(one.linesOf(0), three.linesOf(0), three.out());
        for (int i = 1; i < 3; i++)
        {
            assertEquals(List.of("node " + i + " stopped by the driver"), three.linesOf(i), three.out());
        }
        assertTrue(three.out().contains("jdsm run: all nodes succeeded"), three.out());
    }

    @Test
    void shouldPrintTheSameOutputOverIpcThroughTheSharedDriverAndRemoveItsDirectory()
    {
        final Run one = run(1, "com.example.ClusterExample");
        assertEquals(0, one.status(), one.out());
        final Run ipc = run(2, "--ipc", "com.example.ClusterExample");
        assertEquals(0, ipc.status(), ipc.out());

        final Matcher driverLine = Pattern.compile(
            "jdsm run: nodes use aeron:ipc through the shared media driver at (\\S+)").matcher(ipc.out());
        assertTrue(driverLine.find(), ipc.out());
        assertEquals(one.linesOf(0), ipc.linesOf(0), ipc.out());
        assertEquals(List.of("node 1 stopped by the driver"), ipc.linesOf(1), ipc.out());
        assertTrue(ipc.out().contains("jdsm run: all nodes succeeded"), ipc.out());
        assertFalse(Files.exists(Path.of(driverLine.group(1)).getParent()), "driver directory left: " + ipc.out());

        final Run simulated = launch("run", "--nodes", "2", "--ipc", "--transport", "simulated",
            "--class-path", programs.toString(), "com.example.ClusterExample");
        assertEquals(2, simulated.status(), simulated.err());
        assertTrue(simulated.err().contains("--ipc needs --transport=aeron, not --transport=simulated"),
            simulated.err());
        assertFalse(simulated.out().contains("jdsm run:"), simulated.out());
    }

    @Test
    void shouldRunTheReadmeProgramTenTimesOnThreeNodesWithoutASingleFailure()
    {
        final Run single = run(1, "Counter");
        assertEquals(0, single.status(), single.out());
        assertEquals(List.of("0"), single.linesOf(0), single.out());

        final long startNs = System.nanoTime();
        for (int attempt = 0; attempt < 10; attempt++)
        {
            final Run three = run(3, "Counter");
            assertEquals(0, three.status(), "attempt " + attempt + "\n" + three.out());
            assertEquals(single.linesOf(0), three.linesOf(0), "attempt " + attempt + "\n" + three.out());
            assertTrue(three.out().contains("jdsm run: all nodes succeeded"), three.out());
        }
        System.out.printf("10 runs of Counter on 3 node JVMs: %.1f s%n", (System.nanoTime() - startNs) / 1e9);
    }

    @Test
    void shouldExitOneOnTheDriverAndZeroOnServersWhenMainThrowsAfterClosingItsNode()
    {
        final Run run = run(3, "Failing", "closed");
        assertEquals(1, run.status(), run.out());
        assertTrue(run.out().contains("[node 0] jdsm: main of Failing failed: java.lang.IllegalStateException: " +
            "boom in a closed node"), run.out());
        assertTrue(run.out().contains("|    0 | exit 1 |"), run.out());
        assertTrue(run.out().contains("|    1 |     ok |"), run.out());
        assertTrue(run.out().contains("|    2 |     ok |"), run.out());
    }

    @Test
    void shouldExitThreeOnServersWhenMainThrowsWithoutClosingItsNode()
    {
        final Run run = run(2, "Failing", "open");
        assertEquals(1, run.status(), run.out());
        assertTrue(run.out().contains("[node 0] jdsm: main of Failing failed: java.lang.IllegalStateException: " +
            "boom without closing the node"), run.out());
        assertTrue(run.out().contains("[node 1] node 1 lost the driver"), run.out());
        assertTrue(run.out().contains("|    1 | exit 3 |"), run.out());
    }

    @Test
    void shouldFailWithOneLineAndNothingLeftBehindForAMissingMainClassOrMain() throws IOException
    {
        final Set<String> before = runDirectories();

        final Run missing = run(3, "com.example.NoSuchProgram");
        assertEquals(2, missing.status(), missing.err());
        assertEquals("jdsm: main class com.example.NoSuchProgram not found on the class path " + programs +
            ": give its full name with its package (e.g. com.example.Counter) and, in --class-path, the directory " +
            "or jar that holds it", missing.err().strip());
        assertEquals("", missing.out());

        final Run noMain = run(3, "NoMain");
        assertEquals(2, noMain.status(), noMain.err());
        assertEquals("jdsm: class NoMain has no main method: give a class with public static void main(String[] args)",
            noMain.err().strip());

        final Run noPath = launch("run", "--nodes", "2", "--class-path", programs.resolve("missing").toString(), "Counter");
        assertEquals(2, noPath.status(), noPath.err());
        assertTrue(noPath.err().startsWith("jdsm: --class-path entry " + programs.resolve("missing") + " does not exist"),
            noPath.err());

        assertEquals(before, runDirectories(), "no temporary directory left behind");
        assertEquals(0, ProcessHandle.current().children().count(), "no node JVM left running");
    }

    @Test
    void shouldNameTheHeapSettingWhenTheHeapIsLargerThanTheMachine()
    {
        final long physical = ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        final long heap = physical + (1L << 30);
        final Run run = launch("run", "--nodes", "2", "--jvm-opt=-Djdsm.heap.size=" + heap,
            "--class-path", programs.toString(), "Counter");
        assertEquals(2, run.status(), run.err());
        assertEquals("jdsm: jdsm.heap.size=" + heap + " is larger than this machine's physical memory of " + physical +
            " bytes: give each node a smaller heap slice", run.err().strip());
        assertEquals("", run.out());
    }

    @Test
    void shouldNameTheFixWhenAServerLacksTheProgramsClasses() throws Exception
    {
        final String launcherClassPath = System.getProperty("java.class.path");
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        final int[] status = new LoopbackCluster("run", 2, "aeron", "127.0.0.1", 120,
            DsmConfig.PEER_TIMEOUT_DEFAULT_NS, out).run((clusterFile, nodeId) ->
        {
            final List<String> command = LoopbackCluster.javaCommand(List.of("-XX:TieredStopAtLevel=1"));
            command.add("-cp");
            // node 1 serves without the program's classes
            command.add(0 == nodeId ? launcherClassPath + File.pathSeparator + programs : launcherClassPath);
            command.addAll(List.of(Launcher.class.getName(), "node", "--config", clusterFile.toString(),
                "--node-id", Integer.toString(nodeId)));
            if (0 == nodeId)
            {
                command.addAll(List.of("--main", "Counter"));
            }
            return command;
        });
        final String output = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(1, status[0], output);
        assertEquals(0, status[1], output);
        assertTrue(output.contains("needs class Counter, not on this node's class path: give every node the " +
            "program's classes (jdsm run --class-path, jdsm node --class-path)"), output);

        // started with --main, a server checks the program's classes before it joins
        final Run early = launch("node", "--config", writeClusterFile().toString(), "--node-id", "1",
            "--class-path", programs.resolve("com").toString(), "--main", "Counter");
        assertEquals(2, early.status(), early.err());
        assertTrue(early.err().startsWith("jdsm: main class Counter not found on the class path"), early.err());
    }

    private static Path writeClusterFile() throws IOException
    {
        final Path file = programs.resolve("cluster.json");
        ClusterFile.write(file, "aeron", "127.0.0.1", new int[] {40100, 40101}, "0123456789abcdef");
        return file;
    }

    @Test
    void shouldNameTheFlagWhenTheJvmLacksAddExports() throws Exception
    {
        final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        final Process process = new ProcessBuilder(java.toString(), "-cp",
            System.getProperty("java.class.path") + File.pathSeparator + programs, "Counter")
            .redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));

        assertEquals(1, process.exitValue(), output);
        assertTrue(output.startsWith("Exception in thread \"main\" org.jdsm.ConfigurationException: jdsm needs the " +
            "JVM flag --add-exports java.base/jdk.internal.misc=ALL-UNNAMED"), output);
        assertFalse(output.contains("IllegalAccessError"), output);
    }

    @Test
    void shouldNameTheDirectMemoryFlagWhenTheHeapIsLargerThanTheJvmMayReserve() throws Exception
    {
        final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        final Process process = new ProcessBuilder(java.toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx128m", "-Djdsm.heap.size=256m",
            "-cp", System.getProperty("java.class.path") + File.pathSeparator + programs, "Counter")
            .redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));

        assertEquals(1, process.exitValue(), output);
        assertTrue(output.startsWith("Exception in thread \"main\" org.jdsm.ConfigurationException: " +
            "jdsm.heap.size=268435456 plus jdsm.cache.size=67108864 is more direct memory than this JVM may reserve"),
            output);
        assertTrue(output.contains("raise -XX:MaxDirectMemorySize (default: -Xmx) to at least 335544320 or lower " +
            "jdsm.heap.size"), output);
    }
}
