package org.jdsm.apps;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The KV store on three node JVMs over Aeron with {@code replicas=1}: YCSB workload a runs with clients on nodes 0
 * and 1 while the driver kills node 2, which homes a third of the buckets, with SIGKILL. Every operation must
 * succeed (those on node 2's buckets wait for the fail-over and are served by its backup on node 0), every loaded
 * record must hold exactly its acknowledged updates at the end, and the run prints the fail-over time.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplicatedKvNodeKillTest
{
    private static final Pattern FAIL_OVER = Pattern.compile("kv: fail-over: node 2 \\(pid (\\d+)\\) killed with " +
        "SIGKILL (\\d+) ms into the run \\(which lasted (\\d+) ms\\); first successful operation on a bucket homed " +
        "on node 2 (\\d+) ms after the kill");
    private static final Pattern CHECKED = Pattern.compile(
        "kv: checked 2000 records against (\\d+) acknowledged updates \\(of \\d+ records\\): 0 not as acknowledged");

    @Test
    void aKvWorkloadLosesNoAcknowledgedUpdateAndEndsWithoutErrorsWhenAServingNodeIsKilledDuringIt() throws Exception
    {
        final Path directory = Files.createTempDirectory("jdsm-kv-kill-");
        final Path clusterFile = directory.resolve("cluster.json");
        final Path csv = directory.resolve("kv.csv");
        ReplicatedNodeDeathTest.writeReplicatedCluster(clusterFile, "64m", "");
        final Process[] processes = new Process[3];
        final StringBuffer log = new StringBuffer();
        final LinkedBlockingQueue<String> driverLines = new LinkedBlockingQueue<>();
        try
        {
            for (int i = 2; i >= 0; i--)
            {
                // 4 client threads at 3000 operations per second together: ~13 s of transactions, node 2 killed
                // after 4 s (warm-up 1.3 s), the fail-over takes about the peer timeout (2 s)
                processes[i] = new ProcessBuilder(LocalCommand.nodeCommand(clusterFile, i, List.of(), "kv", List.of(
                    "--workload", "a", "--records", "2000", "--operations", "36000", "--warmup", "4000",
                    "--threads", "2", "--client-nodes", "0,1", "--target", "3000", "--kill-node", "2",
                    "--kill-after", "4s", "--csv", csv.toString()))).redirectErrorStream(true).start();
                NodeDeathTest.pump(processes[i], i, log, 0 == i ? driverLines : null);
            }

            assertTrue(processes[0].waitFor(100, TimeUnit.SECONDS), "driver still running:\n" + log);
            while (!NodeDeathTest.END.equals(driverLines.poll(10, TimeUnit.SECONDS)))
            {
                // until node 0's output is all read
            }
            System.out.println(log);
            assertEquals(0, processes[0].exitValue(), log.toString());
            assertTrue(processes[1].waitFor(30, TimeUnit.SECONDS), "node 1 not stopped by the driver:\n" + log);
            assertEquals(0, processes[1].exitValue(), log.toString());
            assertFalse(processes[2].isAlive(), log.toString());
            assertEquals(128 + 9, processes[2].exitValue(), "node 2 ended by SIGKILL\n" + log);

            final Matcher failOver = FAIL_OVER.matcher(log);
            assertTrue(failOver.find(), log.toString());
            assertEquals(processes[2].pid(), Long.parseLong(failOver.group(1)), log.toString());
            final long killedAtMs = Long.parseLong(failOver.group(2));
            final long ranMs = Long.parseLong(failOver.group(3));
            final long failOverMs = Long.parseLong(failOver.group(4));
            // the transactions went on after the fail-over: node 2's buckets were used from its backup
            assertTrue(killedAtMs >= 4000 && killedAtMs + failOverMs < ranMs, log.toString());
            assertTrue(failOverMs < 30_000, log.toString());
            System.out.println("fail-over: " + failOverMs + " ms from the kill to the first successful operation on " +
                "a bucket homed on node 2 (peer timeout 2 s)");

            assertTrue(log.indexOf("[node 0] kv: load failures 0, operation errors 0, loaded records missing or " +
                "malformed 0 of 2000") >= 0, log.toString());
            final Matcher checked = CHECKED.matcher(log);
            assertTrue(checked.find(), log.toString());
            assertTrue(Long.parseLong(checked.group(1)) > 10_000, log.toString());
            assertTrue(log.indexOf("[node 0] kv: all results correct") >= 0, log.toString());
            // the measured window: 36000 operations, none failed
            final List<String> rows = Files.readAllLines(csv);
            assertTrue(rows.get(rows.size() - 1).startsWith("a,jdsm,3,2,ALL,36000,0,"), rows.toString());
        }
        finally
        {
            ReplicatedNodeDeathTest.endNodes(processes);
            Files.deleteIfExists(csv);
            Files.deleteIfExists(clusterFile);
            Files.deleteIfExists(LoopbackCluster.declaredDeadFile(clusterFile));
            Files.deleteIfExists(directory);
        }
    }

    /**
     * The user's command, {@code jdsm local --replicas 1 kv ... --kill-node 2}: the launcher leaves node 2 to the
     * application, shows it as killed on purpose and exits 0.
     */
    @Test
    void theLocalCommandCountsANodeTheApplicationKilledAsAskedFor() throws Exception
    {
        final Path csv = Files.createTempFile("jdsm-kv-kill-", ".csv");
        LauncherRun run = null;
        try
        {
            run = LauncherRun.launch("local", "--nodes", "3", "--replicas", "1",
                "--jvm-opt=-D" + org.jdsm.DsmConfig.PEER_TIMEOUT_PROP_NAME + "=2s", "--jvm-opt=-Djdsm.heap.size=32m",
                "kv", "--records", "600", "--operations", "9000", "--warmup", "600", "--client-nodes", "0,1",
                "--target", "1500", "--kill-node", "2", "--kill-after", "1500ms", "--csv", csv.toString());
            System.out.println(run.out() + run.err());
            assertEquals(0, run.status(), run.out() + run.err());
            assertTrue(run.out().contains("[node 0] kv: all results correct"), run.out());
            assertTrue(run.out().contains("|    2 | killed* |"), run.out());
            assertTrue(run.out().contains("* killed by the application, as it asked (not a failure)\n" +
                "jdsm local: all nodes succeeded"), run.out());
        }
        finally
        {
            Files.deleteIfExists(csv);
            if (null != run)
            {
                final Matcher failOver = FAIL_OVER.matcher(run.out());
                if (failOver.find())
                {
                    ReplicatedNodeDeathTest.removeDirectoriesOf(Long.parseLong(failOver.group(1)));
                }
            }
        }
    }
}
