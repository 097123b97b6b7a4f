package org.jdsm.apps;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A node process SIGKILLed while the driver multiplies across three node JVMs over Aeron: the driver's
 * application must fail with {@code NodeUnavailableException} naming the dead node, and exit, not hang.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NodeDeathTest
{
    /** Ends the driver's queue of lines once its output is closed. */
    static final String END = "\u0000end";

    @Test
    void shouldFailGemmWithNodeUnavailableWhenANodeProcessIsKilledMidMultiply() throws Exception
    {
        final Path directory = Files.createTempDirectory("jdsm-node-death-");
        final Path clusterFile = directory.resolve("cluster.json");
        ClusterFile.write(clusterFile, "aeron", "127.0.0.1", LocalCommand.freeUdpPorts("127.0.0.1", 3),
            "0123456789abcdef0123456789abcdef");
        final Process[] processes = new Process[3];
        final StringBuffer log = new StringBuffer();
        final LinkedBlockingQueue<String> driverLines = new LinkedBlockingQueue<>();
        try
        {
            for (int i = 2; i >= 0; i--)
            {
                processes[i] = new ProcessBuilder(nodeCommand(clusterFile, i)).redirectErrorStream(true).start();
                pump(processes[i], i, log, 0 == i ? driverLines : null);
            }

            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            String line;
            do
            {
                line = driverLines.poll(Math.max(1, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (null == line || END.equals(line))
                {
                    fail("node 0 never reported multiply progress:\n" + log);
                }
            }
            while (!line.contains("gemm: jdsm leaves"));

            processes[2].destroyForcibly().waitFor();
            final long killedNs = System.nanoTime();
            long reportedMs = -1;
            while (null != (line = driverLines.poll(60, TimeUnit.SECONDS)) && !END.equals(line))
            {
                if (line.contains("gemm failed: "))
                {
                    reportedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
                    break;
                }
            }
            assertTrue(processes[0].waitFor(60, TimeUnit.SECONDS), "node 0 still running 60 s after node 2 died:\n" +
                log);
            final long driverExitMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
            assertTrue(processes[1].waitFor(30, TimeUnit.SECONDS), "node 1 not stopped by the driver:\n" + log);
            while (!END.equals(driverLines.poll(10, TimeUnit.SECONDS)))
            {
                // until node 0's output is all read
            }

            System.out.println(log);
            System.out.println("node 0 reported the failure " + reportedMs + " ms and exited " + driverExitMs +
                " ms after node 2 was killed");
            assertEquals(1, processes[0].exitValue(), log.toString());
            assertTrue(log.indexOf("[node 0] gemm failed: org.jdsm.NodeUnavailableException: node 2 unavailable: " +
                "gemm ") >= 0, log.toString());
            assertEquals(0, processes[1].exitValue(), log.toString());
            assertTrue(log.indexOf("[node 1] node 1 stopped by the driver") >= 0, log.toString());
            // what the launcher would read to stop node 2 (DeadNodeReport): node 2 only, not node 1 that left after
            final List<String[]> reported = DeadNodeReport.read(LoopbackCluster.declaredDeadFile(clusterFile));
            assertEquals(1, reported.size(), log.toString());
            assertEquals("2", reported.get(0)[0], log.toString());
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
     * Copy a node's output into the log, prefixed with its id, and, for the driver, into a queue ended by
     * {@link #END}.
     */
    static void pump(
        final Process process, final int nodeId, final StringBuffer log, final LinkedBlockingQueue<String> lines)
    {
        final Thread thread = new Thread(() ->
        {
            try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = reader.readLine()))
                {
                    log.append("[node ").append(nodeId).append("] ").append(line).append('\n');
                    if (null != lines)
                    {
                        lines.add(line);
                    }
                }
            }
            catch (final IOException ex)
            {
                log.append("[node ").append(nodeId).append("] output lost: ").append(ex).append('\n');
            }
            finally
            {
                if (null != lines)
                {
                    lines.add(END);
                }
            }
        }, "node-death-output-" + nodeId);
        thread.setDaemon(true);
        thread.start();
    }

    private static List<String> nodeCommand(final Path clusterFile, final int nodeId)
    {
        return LocalCommand.nodeCommand(clusterFile, nodeId, List.of(), "gemm", List.of("--n", "2048", "--tile", "512",
            "--no-warmup", "--no-baseline", "--rounds", "20", "--samples", "1"));
    }
}
