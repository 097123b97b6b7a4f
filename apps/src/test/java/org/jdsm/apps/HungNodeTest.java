package org.jdsm.apps;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A serving node JVM stopped with {@code SIGSTOP} (hung: a debugger, a swap storm, a very long pause) while the
 * driver runs {@code kv} across three node JVMs over Aeron:
 * <ul>
 *     <li>under the launcher ({@code jdsm local}), the launcher kills the stopped node as soon as the driver reports
 *     it declared dead, says so in one line naming it, and ends, long before {@code --timeout};</li>
 *     <li>run by hand ({@code jdsm node}), the stopped node, resumed ({@code SIGCONT}) after the cluster declared it
 *     dead and ended, prints one line and exits 3, without a stack trace, even when its stall outlived the Aeron
 *     client's liveness timeout.</li>
 * </ul>
 * A short {@code jdsm.peer.timeout} (2 s) keeps it fast.
 */
@Tag("fault")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HungNodeTest
{
    /** The thread reading each pumped process's output, by process id, until {@link #awaitOutputEnd}. */
    private static final ConcurrentHashMap<Long, Thread> READERS = new ConcurrentHashMap<>();
    private static final String PEER_TIMEOUT = "-Djdsm.peer.timeout=2s";
    private static final List<String> KV = List.of("kv", "--records", "2000", "--operations", "2000000");

    @Test
    void shouldKillAStoppedNodeOnceTheDriverReportsItDeadAndEndLongBeforeTheTimeout() throws Exception
    {
        final List<String> command = new ArrayList<>(LoopbackCluster.javaCommand(List.of()));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Launcher.class.getName(), "local",
            "--nodes", "3", "--timeout", "300", "--jvm-opt=" + PEER_TIMEOUT));
        command.addAll(KV);
        final Process launcher = new ProcessBuilder(command).redirectErrorStream(true).start();
        final List<String> lines = pump(launcher);
        try
        {
            awaitLine(lines, "[node 2] node 2/3 joined", 60);
            awaitLine(lines, "[node 0] kv: workload", 30);
            final ProcessHandle node2 = nodeProcess(launcher.toHandle(), 2);
            signal("STOP", node2.pid());
            final long stoppedNs = System.nanoTime();

            assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "launcher still waits 60 s after node 2 stopped:\n" +
                String.join("\n", lines));
            final long endedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedNs);
            awaitOutputEnd(launcher);
            final String out = String.join("\n", lines);
            System.out.println(out);
            System.out.println("launcher ended " + endedMs + " ms after node 2 was stopped");

            assertTrue(endedMs < 20_000, "launcher ended " + endedMs + " ms after the stop, the peer timeout is 2 s");
            assertTrue(out.contains("[local] node 2 was declared dead by the cluster ("), out);
            assertTrue(out.contains("): killed"), out);
            assertEquals(1, count(lines, "[local] "), "one line about the kill:\n" + out);
            assertTrue(out.contains("|    2 | killed |"), out);
            assertTrue(out.contains("[node 0] kv failed: "), out);
            assertFalse(node2.isAlive(), "node 2 still alive");
            assertEquals(1, launcher.exitValue(), out);
        }
        finally
        {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    @Test
    void shouldExitThreeWithOneLineWhenAStoppedNodeWakesUpDeclaredDead() throws Exception
    {
        final Path directory = Files.createTempDirectory("jdsm-hung-node-");
        final Path clusterFile = directory.resolve("cluster.json");
        ClusterFile.write(clusterFile, "aeron", "127.0.0.1", LocalCommand.freeUdpPorts("127.0.0.1", 3),
            "0123456789abcdef0123456789abcdef");
        final Process[] processes = new Process[3];
        final List<List<String>> lines = new ArrayList<>();
        try
        {
            for (int i = 2; i >= 0; i--)
            {
                processes[i] = new ProcessBuilder(LocalCommand.nodeCommand(clusterFile, i, List.of(PEER_TIMEOUT),
                    KV.get(0), KV.subList(1, KV.size()))).redirectErrorStream(true).start();
                lines.add(0, pump(processes[i]));
            }
            awaitLine(lines.get(2), "node 2/3 joined", 60);
            awaitLine(lines.get(0), "kv: workload", 30);
            signal("STOP", processes[2].pid());

            assertTrue(processes[0].waitFor(30, TimeUnit.SECONDS), "driver still running:\n" + lines.get(0));
            assertTrue(processes[1].waitFor(30, TimeUnit.SECONDS), "node 1 still running:\n" + lines.get(1));
            // stalled past the Aeron liveness timeout of 10 s too (twice the peer timeout, at least 10 s)
            Thread.sleep(11_000);
            final int linesBefore = lines.get(2).size();
            signal("CONT", processes[2].pid());
            final long resumedNs = System.nanoTime();

            assertTrue(processes[2].waitFor(20, TimeUnit.SECONDS), "node 2 still running 20 s after it resumed:\n" +
                lines.get(2));
            final long exitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumedNs);
            awaitOutputEnd(processes[2]);
            final List<String> afterResume = lines.get(2).subList(linesBefore, lines.get(2).size());
            System.out.println("node 0:\n" + String.join("\n", lines.get(0)));
            System.out.println("node 2 exited " + exitedMs + " ms after it resumed; its output since:\n" +
                String.join("\n", afterResume));

            assertTrue(lines.get(0).stream().anyMatch((line) -> line.startsWith("kv failed: ")),
                String.join("\n", lines.get(0)));
            assertTrue(lines.get(0).stream().anyMatch((line) -> line.contains("NodeUnavailableException: node 2 " +
                "unavailable")), String.join("\n", lines.get(0)));
            final List<String[]> reported = DeadNodeReport.read(LoopbackCluster.declaredDeadFile(clusterFile));
            assertEquals(1, reported.size(), "the driver reports node 2 once");
            assertEquals("2", reported.get(0)[0]);
            assertEquals(1, afterResume.size(), "one line from the node that woke up:\n" + afterResume);
            assertTrue(afterResume.get(0).startsWith("node 2 lost the driver: "), afterResume.get(0));
            assertEquals(NodeCommand.DRIVER_LOST_STATUS, processes[2].exitValue(), String.join("\n", afterResume));
        }
        finally
        {
            for (final Process process : processes)
            {
                if (null != process)
                {
                    process.destroyForcibly();
                }
            }
            Files.deleteIfExists(clusterFile);
            Files.deleteIfExists(LoopbackCluster.declaredDeadFile(clusterFile));
            Files.deleteIfExists(directory);
        }
    }

    /**
     * The JVM of a node among a launcher's descendants, found by its command line.
     */
    static ProcessHandle nodeProcess(final ProcessHandle launcher, final int nodeId)
    {
        final List<ProcessHandle> found = new ArrayList<>();
        launcher.descendants().forEach((handle) ->
        {
            final List<String> args = arguments(handle.pid());
            final int index = args.indexOf("--node-id");
            if (index >= 0 && index + 1 < args.size() && Integer.toString(nodeId).equals(args.get(index + 1)))
            {
                found.add(handle);
            }
        });
        assertEquals(1, found.size(), "JVMs of node " + nodeId + ": " + found);

        return found.get(0);
    }

    /**
     * A process's command line from {@code /proc} ({@link ProcessHandle.Info#arguments()} leaves long ones out).
     */
    private static List<String> arguments(final long pid)
    {
        try
        {
            final String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"),
                StandardCharsets.UTF_8);
            return List.of(cmdline.split("\u0000"));
        }
        catch (final IOException ex)
        {
            return List.of(); // ended meanwhile
        }
    }

    /**
     * Send a signal with {@code kill}: Java has no SIGSTOP.
     */
    static void signal(final String signal, final long pid) throws IOException, InterruptedException
    {
        final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }

    static void awaitLine(final List<String> lines, final String prefix, final int seconds) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (lines.stream().noneMatch((line) -> line.startsWith(prefix)))
        {
            if (System.nanoTime() > deadlineNs)
            {
                fail("no line starting with '" + prefix + "' within " + seconds + " s:\n" + String.join("\n", lines));
            }
            Thread.sleep(20);
        }
    }

    private static long count(final List<String> lines, final String prefix)
    {
        return lines.stream().filter((line) -> line.startsWith(prefix)).count();
    }

    /**
     * Wait until the output of a process that has ended is read to its end (its reader is a thread of its own).
     */
    static void awaitOutputEnd(final Process process) throws InterruptedException
    {
        final Thread reader = READERS.remove(process.pid());
        if (null != reader)
        {
            reader.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    static List<String> pump(final Process process)
    {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final Thread thread = new Thread(() ->
        {
            try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = reader.readLine()))
                {
                    lines.add(line);
                }
            }
            catch (final IOException ex)
            {
                lines.add("output lost: " + ex);
            }
        }, "hung-node-output-" + process.pid());
        thread.setDaemon(true);
        READERS.put(process.pid(), thread);
        thread.start();

        return lines;
    }
}
