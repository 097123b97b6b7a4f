package org.jdsm.apps;

import org.agrona.IoUtil;
import org.jdsm.Codecs;
import org.jdsm.DBox;
import org.jdsm.Dsm;
import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;
import org.jdsm.Mut;
import org.jdsm.Ref;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Three node JVMs over Aeron with {@code jdsm.replicas=1}: node 1 is SIGKILLed after the driver put boxes there
 * (some written by tasks on node 1); the driver then reads every one back from node 1's backup on node 2, writes
 * them, and exits 0.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReplicatedNodeDeathTest
{
    private static final int BOXES = 40;

    /**
     * The driver: boxes on node 1, then waits for the file named by its argument (node 1 killed), then reads.
     */
    public static final class Driver
    {
        public static void main(final String[] args) throws Exception
        {
            try (DsmNode node = Dsm.start(new DsmConfig()))
            {
                final List<DBox<Long>> boxes = new ArrayList<>();
                for (int i = 0; i < BOXES; i++)
                {
                    final DBox<Long> box = node.allocOn(1, Codecs.LONG, (long)i);
                    if (i % 4 == 0)
                    {
                        final long value = 1000L + i;
                        boxes.add(node.spawnOn(1, (n) ->
                        {
                            try (Mut<Long> mut = box.write())
                            {
                                mut.setLong(value);
                            }
                            return box;
                        }).get(30, TimeUnit.SECONDS));
                    }
                    else
                    {
                        boxes.add(box);
                    }
                }
                int onNodeOne = 0;
                for (final DBox<Long> box : boxes)
                {
                    onNodeOne += box.homeNode() == 1 ? 1 : 0;
                }
                System.out.println("replicated driver ready: " + onNodeOne + " boxes on node 1");
                final Path killed = Path.of(args[0]);
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.exists(killed) && System.nanoTime() < deadline)
                {
                    Thread.sleep(10);
                }
                final long startNs = System.nanoTime();
                int good = 0;
                for (int i = 0; i < BOXES; i++)
                {
                    final long expected = i % 4 == 0 ? 1000L + i : i;
                    try (Ref<Long> ref = boxes.get(i).read())
                    {
                        good += ref.getLong() == expected ? 1 : 0;
                    }
                    if (0 == i)
                    {
                        System.out.println("replicated driver first read after the kill in " +
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) + " ms");
                    }
                }
                for (int i = 0; i < BOXES; i += 3)
                {
                    try (Mut<Long> mut = boxes.get(i).write())
                    {
                        mut.setLong(mut.getLong() + 1);
                    }
                }
                System.out.println("replicated driver read back " + good + " of " + BOXES + " boxes, available(1)=" +
                    node.isNodeAvailable(1) + ", membership=" + node.config().membership());
            }
        }
    }

    @Test
    void aKilledServingNodesBoxesReadBackFromItsBackupAndTheDriverExitsZero() throws Exception
    {
        runKillingNodeOne("");
    }

    /**
     * The same with {@code jdsm.membership=agreed}: each node JVM runs an Aeron Cluster member beside its node, and
     * node 1's slice moves only once the two left committed its death.
     */
    @Test
    void withTheAgreedMembershipAKilledServingNodesBoxesReadBackFromItsBackup() throws Exception
    {
        runKillingNodeOne(", \"properties\": {\"jdsm.membership\": \"agreed\"}");
    }

    /**
     * Write the cluster file of 3 node JVMs on loopback over Aeron with {@code replicas=1} and a 2 s peer timeout.
     *
     * @param clusterFile   to write.
     * @param heapSize      of each node's slice, e.g. {@code 8m}.
     * @param extraSettings appended to the file's object, e.g. {@code , "properties": {...}}, or empty.
     * @throws IOException if no ports are free or the file can not be written.
     */
    static void writeReplicatedCluster(final Path clusterFile, final String heapSize, final String extraSettings)
        throws IOException
    {
        final int[] ports = LocalCommand.freeUdpPorts("127.0.0.1", 3);
        final StringBuilder nodes = new StringBuilder();
        for (int i = 0; i < 3; i++)
        {
            nodes.append(i == 0 ? "" : ", ").append("{\"id\": ").append(i).append(", \"host\": \"127.0.0.1\", ")
                .append("\"port\": ").append(ports[i]).append('}');
        }
        Files.writeString(clusterFile, "{\"transport\": \"aeron\", \"clusterSecret\": \"0123456789abcdef\"," +
            " \"heapSize\": \"" + heapSize + "\", \"cacheSize\": \"8m\", \"maxObjectSize\": \"1m\", " +
            "\"replicas\": 1, \"peerTimeout\": \"2s\", \"nodes\": [" + nodes + "]" + extraSettings + "}");
    }

    /**
     * Kill the node JVMs still running, wait for each, and remove the directories each left in {@code /dev/shm}
     * and {@code java.io.tmpdir}: its embedded media driver's ({@code jdsm-aeron-PID-*}) and its membership
     * member's ({@code jdsm-membership-NODE-PID-*}), which a JVM killed with SIGKILL can not remove itself.
     *
     * @param processes the node JVMs the test started; null entries were never started.
     * @throws InterruptedException if interrupted while waiting for one to end.
     */
    static void endNodes(final Process[] processes) throws InterruptedException
    {
        for (final Process process : processes)
        {
            if (null != process)
            {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        for (final Process process : processes)
        {
            if (null != process && !process.isAlive())
            {
                removeDirectoriesOf(process.pid());
            }
        }
    }

    /**
     * Remove the directories a node JVM that has ended left in {@code /dev/shm} and {@code java.io.tmpdir}: its
     * embedded media driver's ({@code jdsm-aeron-PID-*}) and its membership member's ({@code jdsm-membership-NODE-PID-*}).
     *
     * @param pid of the JVM, no longer running.
     */
    static void removeDirectoriesOf(final long pid)
    {
        for (final File parent : new File[] { new File("/dev/shm"), new File(System.getProperty("java.io.tmpdir")) })
        {
            final File[] entries = parent.listFiles();
            for (int i = 0; null != entries && i < entries.length; i++)
            {
                if (entries[i].getName().startsWith("jdsm-aeron-" + pid + "-") ||
                    entries[i].getName().matches("jdsm-membership-\\d+-" + pid + "-\\d+"))
                {
                    IoUtil.delete(entries[i], true);
                }
            }
        }
    }

    private void runKillingNodeOne(final String extraSettings) throws Exception
    {
        final Path directory = Files.createTempDirectory("jdsm-replicated-death-");
        final Path clusterFile = directory.resolve("cluster.json");
        final Path killed = directory.resolve("killed");
        writeReplicatedCluster(clusterFile, "8m", extraSettings);
        final Process[] processes = new Process[3];
        final StringBuffer log = new StringBuffer();
        final LinkedBlockingQueue<String> driverLines = new LinkedBlockingQueue<>();
        try
        {
            for (int i = 2; i >= 0; i--)
            {
                processes[i] = new ProcessBuilder(LocalCommand.nodeCommand(clusterFile, i, List.of(), "--main",
                    List.of(Driver.class.getName(), killed.toString()))).redirectErrorStream(true).start();
                NodeDeathTest.pump(processes[i], i, log, 0 == i ? driverLines : null);
            }
            String line;
            do
            {
                line = driverLines.poll(90, TimeUnit.SECONDS);
                if (null == line || NodeDeathTest.END.equals(line))
                {
                    fail("the driver never got ready:\n" + log);
                }
            }
            while (!line.contains("replicated driver ready"));
            assertTrue(line.contains(": " + BOXES + " boxes on node 1"), line);

            processes[1].destroyForcibly().waitFor();
            Files.createFile(killed);

            assertTrue(processes[0].waitFor(90, TimeUnit.SECONDS), "driver still running:\n" + log);
            while (!NodeDeathTest.END.equals(driverLines.poll(10, TimeUnit.SECONDS)))
            {
                // until node 0's output is all read
            }
            System.out.println(log);
            assertTrue(log.indexOf("replicated driver read back " + BOXES + " of " + BOXES + " boxes") >= 0,
                log.toString());
            assertTrue(log.indexOf("membership=" + (extraSettings.isEmpty() ? "transport" : "agreed")) >= 0,
                log.toString());
            assertEquals(0, processes[0].exitValue(), log.toString());
        }
        finally
        {
            endNodes(processes);
            Files.deleteIfExists(killed);
            Files.deleteIfExists(clusterFile);
            Files.deleteIfExists(LoopbackCluster.declaredDeadFile(clusterFile));
            Files.deleteIfExists(directory);
        }
    }
}
