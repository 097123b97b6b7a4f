package org.jdsm.apps;

import org.jdsm.Codecs;
import org.jdsm.Dsm;
import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;
import org.jdsm.NodeCounters;
import org.jdsm.spi.CountersFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jdsm stat} and {@code jdsm errors}, run in another JVM against a node running in this one: they read its
 * counters file while it runs, agree with {@link DsmNode#counters()}, and see nothing once it has closed.
 */
@Timeout(60)
class CountersCommandsTest
{
    private static final Pattern STAT_LINE = Pattern.compile("\\s*\\d+:\\s+([\\d,]+) - (.+)");

    @TempDir
    Path countersDir;

    @Test
    void shouldPrintCountersOfLiveNodeFromAnotherProcessAsTheNodeReportsThem() throws Exception
    {
        final String stat;
        final NodeCounters counters;
        final File file;
        try (DsmNode node = Dsm.start(new DsmConfig().transport("local").heapSize(1 << 20).cacheSize(1 << 20)
            .maxObjectSize(1024).countersDir(countersDir.toString())))
        {
            for (int i = 0; i < 3; i++)
            {
                node.alloc(Codecs.LONG, (long)i).close();
            }
            counters = node.counters();
            file = onlyFile();
            stat = runLauncher("stat", "--once", "--dir", countersDir.toString());
        }

        assertEquals(3, counters.get(NodeCounters.Counter.ALLOCATIONS));
        assertEquals(3, counters.get(NodeCounters.Counter.FREES));
        final List<String> lines = stat.lines().toList();
        assertTrue(lines.get(0).startsWith("node 0, pid " + ProcessHandle.current().pid() + ", started "), stat);
        assertTrue(lines.get(0).endsWith(file.getPath()), stat);
        int engineCounters = 0;
        for (final String line : lines.subList(1, lines.size()))
        {
            final Matcher matcher = STAT_LINE.matcher(line);
            assertTrue(matcher.matches(), line);
            final String label = matcher.group(2);
            if (label.startsWith("engine: "))
            {
                final NodeCounters.Counter counter = NodeCounters.Counter.valueOf(
                    label.substring("engine: ".length()).replace(' ', '_').toUpperCase(Locale.ROOT));
                assertEquals(counters.get(counter), Long.parseLong(matcher.group(1).replace(",", "")), line);
                engineCounters++;
            }
        }
        assertEquals(NodeCounters.Counter.values().length, engineCounters, stat);

        assertFalse(file.exists(), "removed at close");
        assertEquals("no live jdsm node in " + countersDir + System.lineSeparator(),
            LauncherRun.launch("stat", "--once", "--dir", countersDir.toString()).out());
    }

    @Test
    void shouldPrintDistinctErrorsWithCountsFromAnotherProcess() throws Exception
    {
        final DsmConfig config = new DsmConfig().nodeId(2).nodeCount(3).transport("aeron")
            .countersDir(countersDir.toString()).errorHandler((throwable) -> { }).conclude();
        final String errors;
        try (CountersFile file = CountersFile.create(config))
        {
            for (int i = 0; i < 1000; i++)
            {
                file.errorHandler().onError(new IllegalStateException("the same failure"));
            }
            file.errorHandler().onError(new IllegalArgumentException("another failure"));
            errors = runLauncher("errors", "--dir", countersDir.toString());
        }

        assertTrue(errors.startsWith("node 2, pid " + ProcessHandle.current().pid() + ", "), errors);
        assertTrue(errors.contains("1,000 observations from "), errors);
        assertTrue(errors.contains("java.lang.IllegalStateException: the same failure"), errors);
        assertTrue(errors.contains("\tat org.jdsm.apps.CountersCommandsTest."), errors);
        assertTrue(errors.contains("1 observations from "), errors);
        assertTrue(errors.contains("java.lang.IllegalArgumentException: another failure"), errors);
        assertTrue(errors.endsWith("2 distinct errors" + System.lineSeparator()), errors);
    }

    private File onlyFile()
    {
        final File[] files = countersDir.toFile().listFiles();
        assertEquals(1, null == files ? 0 : files.length);
        return files[0];
    }

    /**
     * Run the launcher in a JVM of its own, as {@code ./jdsm} would, and return its standard output.
     */
    private static String runLauncher(final String... args) throws IOException, InterruptedException
    {
        final List<String> command = new java.util.ArrayList<>(List.of(
            ProcessHandle.current().info().command().orElse("java"),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), Launcher.class.getName()));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "launcher did not exit");
        assertEquals(0, process.exitValue(), out);

        return out;
    }
}
