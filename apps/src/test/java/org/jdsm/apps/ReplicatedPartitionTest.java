package org.jdsm.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdsm.Codecs;
import org.jdsm.DCell;
import org.jdsm.Dsm;
import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;
import org.jdsm.NodeUnavailableException;
import org.jdsm.linearizability.CheckResult;
import org.jdsm.linearizability.JsonLinesHistory;
import org.jdsm.linearizability.LinearizabilityChecker;
import org.jdsm.linearizability.Model;
import org.jdsm.linearizability.Models;
import org.jdsm.netns.NamespaceNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A partition of node JVMs (issue 19): three nodes over Aeron UDP, each in its own network namespace with its own
 * address ({@link NamespaceNetwork}), {@code jdsm.replicas=1}, {@code jdsm.membership=agreed}. Clients on all three
 * nodes write and read cells homed on every node and record a history; node 2's link is cut in the middle of the
 * workload, then restored.
 * <ul>
 *     <li>The majority (nodes 0 and 1) goes on: once node 2 is declared dead its cells are served from its backup,
 *     and clients on nodes 0 and 1 read and write them.</li>
 *     <li>Node 2 stops serving writes within the peer timeout, with the membership's reason. A failed write, refused
 *     or not, is recorded {@code info}: a refusal does not promise the write changed nothing (a write routed to a
 *     cell's home is refused at its mirror after the home applied it).</li>
 *     <li>The merged history of all three nodes, the driver's final reads included, is linearizable per cell.</li>
 *     <li>Node 2 does not come back: its transport loses the driver after the peer timeout and it exits 3 ("lost
 *     the driver"), as a serving node does; after the link is back the majority's values are unchanged.</li>
 * </ul>
 * Skipped, with the reason, without root or {@code ip}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReplicatedPartitionTest
{
    private static final int NODES = 3;
    private static final int CUT_NODE = 2;
    private static final int CELLS_PER_NODE = 4;
    private static final long PEER_TIMEOUT_MS = 3_000;
    private static final int PORT = 21_000;
    /** How long a client waits for an operation before it leaves it open and goes on as a new process. */
    private static final long OPERATION_PATIENCE_MS = 400;
    private static final int MAX_OPEN_OPERATIONS = 8;
    private static final long PACE_NS = TimeUnit.MILLISECONDS.toNanos(3);
    private static final String REFUSAL = "stops serving writes (jdsm.membership=agreed)";
    /** As in MembershipPartitionTest: Aeron's own liveness widened for JVMs starting at once on a loaded machine. */
    private static final List<String> AERON_LIVENESS = List.of(
        "-Daeron.driver.timeout=30000", "-Daeron.client.liveness.timeout=30s",
        "-Daeron.publication.unblock.timeout=40s");

    @BeforeAll
    static void needRootAndIp()
    {
        final String reason = NamespaceNetwork.unavailableReason();
        assumeTrue(null == reason, reason);
    }

    /**
     * The driver (node 0): cells on every node, clients on every node until the file {@code stop}, the final reads,
     * then, once the file {@code healed} exists and the link has been back for two peer timeouts, the reads again.
     */
    public static final class Driver
    {
        public static void main(final String[] args) throws Exception
        {
            final String directory = args[0];
            try (DsmNode node = Dsm.start(new DsmConfig()))
            {
                final List<DCell<Long>> cells = new ArrayList<>();
                final List<String> keys = new ArrayList<>();
                for (int h = 0; h < NODES; h++)
                {
                    for (int i = 0; i < CELLS_PER_NODE; i++)
                    {
                        cells.add(0 == h ? node.cell(Codecs.LONG, 0L) :
                            node.spawnOn(h, (n) -> n.cell(Codecs.LONG, 0L)).get(30, TimeUnit.SECONDS));
                        keys.add("c" + h + "-" + i);
                    }
                }
                final List<CompletableFuture<String>> remote = new ArrayList<>();
                for (int h = 1; h < NODES; h++)
                {
                    remote.add(node.spawnOn(h, (n) -> Clients.run(n, directory, cells, keys)));
                }
                System.out.println("partition driver: workload started");
                final String local = Clients.run(node, directory, cells, keys);
                System.out.println("partition driver: " + local);
                for (int h = 1; h < NODES; h++)
                {
                    try
                    {
                        System.out.println("partition driver: " + remote.get(h - 1).get(60, TimeUnit.SECONDS));
                    }
                    catch (final Exception ex)
                    {
                        System.out.println("partition driver: clients on node " + h + " failed: " + ex);
                    }
                }

                final Recorder recorder = Recorder.open(directory, 0);
                final String before = readAll(cells, keys, recorder, 900);
                System.out.println("partition driver values before the heal: " + before);
                final Path healed = Path.of(directory, "healed");
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.exists(healed) && System.nanoTime() < deadline)
                {
                    Thread.sleep(10);
                }
                Thread.sleep(2 * PEER_TIMEOUT_MS);
                final String after = readAll(cells, keys, recorder, 901);
                System.out.println("partition driver values after the heal: " + after);
                final String onNodeOne = node.spawnOn(1, (n) ->
                {
                    final StringBuilder values = new StringBuilder();
                    for (final DCell<Long> cell : cells)
                    {
                        values.append(values.length() > 0 ? "," : "").append(getWhileRefused(cell, null, null, 0));
                    }
                    return values.toString();
                }).get(60, TimeUnit.SECONDS);
                System.out.println("partition driver values read on node 1 after the heal: " + onNodeOne);
                System.out.println("partition driver: available(2)=" + node.isNodeAvailable(CUT_NODE));
            }
        }

        private static String readAll(
            final List<DCell<Long>> cells, final List<String> keys, final Recorder recorder, final int process)
        {
            final StringBuilder values = new StringBuilder();
            for (int i = 0; i < cells.size(); i++)
            {
                values.append(values.length() > 0 ? "," : "")
                    .append(getWhileRefused(cells.get(i), keys.get(i), recorder, process));
            }
            return values.toString();
        }

        /**
         * Read a cell, again while the node refuses it for want of a majority (a cell read takes a count on the value
         * by fetch-add, which the membership must allow): two nodes left of three lose their majority whenever their
         * members miss the quorum timeout, e.g. on a loaded machine. Each refusal is printed and, with a recorder,
         * recorded as a failed read.
         */
        static long getWhileRefused(
            final DCell<Long> cell, final String key, final Recorder recorder, final int process)
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true)
            {
                if (null != recorder)
                {
                    recorder.invoke(process, "read", key, "null");
                }
                try
                {
                    final long value = cell.get();
                    if (null != recorder)
                    {
                        recorder.complete(process, "ok", "read", key, value, null);
                    }
                    return value;
                }
                catch (final NodeUnavailableException ex)
                {
                    if (null != recorder)
                    {
                        recorder.complete(process, "fail", "read", key, null, ex);
                    }
                    if (!String.valueOf(ex.getMessage()).contains(REFUSAL) || System.nanoTime() > deadlineNs)
                    {
                        throw ex;
                    }
                    System.out.println("partition read refused, again in 100 ms: " + ex.getMessage());
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
            }
        }
    }

    /**
     * The clients of one node: a writer of the node's own cells (and, on nodes 0 and 1 once node 2 is cut off, of
     * node 2's cells) and a reader of every cell. A client waits {@link #OPERATION_PATIENCE_MS} for an operation;
     * past that it leaves it open (its completion is recorded when it comes) and goes on as a new process, so a
     * client blocked behind the cut does not hide what later operations do.
     */
    static final class Clients
    {
        static String run(
            final DsmNode node, final String directory, final List<DCell<Long>> cells, final List<String> keys)
        {
            final Recorder recorder = Recorder.open(directory, node.nodeId());
            final ExecutorService operations = Executors.newCachedThreadPool((runnable) ->
            {
                final Thread thread = new Thread(runnable, "partition-client-op");
                thread.setDaemon(true);
                return thread;
            });
            try
            {
                final CompletableFuture<String> writer = CompletableFuture.supplyAsync(
                    () -> loop(node, cells, directory, keys, recorder, operations, true), operations);
                final CompletableFuture<String> reader = CompletableFuture.supplyAsync(
                    () -> loop(node, cells, directory, keys, recorder, operations, false), operations);
                return "node " + node.nodeId() + " writer " + writer.join() + "; reader " + reader.join();
            }
            finally
            {
                operations.shutdown();
                try
                {
                    operations.awaitTermination(2 * PEER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private static String loop(
            final DsmNode node, final List<DCell<Long>> cells, final String directory, final List<String> keys,
            final Recorder recorder, final ExecutorService operations, final boolean isWriter)
        {
            final int nodeId = node.nodeId();
            final int client = nodeId * 2 + (isWriter ? 0 : 1);
            final Random random = new Random(client);
            final Path stop = Path.of(directory, "stop");
            final Path cut = Path.of(directory, "cut");
            final ArrayDeque<CompletableFuture<?>> open = new ArrayDeque<>();
            int generation = 0;
            int done = 0;
            int abandoned = 0;
            int failed = 0;
            long sequence = 0;
            final long[] lastSeen = new long[cells.size()];
            boolean cutSeen = false;
            long nextFileCheckNs = 0;
            while (true)
            {
                if (System.nanoTime() >= nextFileCheckNs)
                {
                    if (Files.exists(stop))
                    {
                        break;
                    }
                    cutSeen = cutSeen || Files.exists(cut);
                    nextFileCheckNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
                }
                final int process = client * 1000 + generation;
                final int index;
                final String f;
                if (isWriter)
                {
                    final boolean takeOver = cutSeen && CUT_NODE != nodeId && random.nextBoolean();
                    index = (takeOver ? CUT_NODE : nodeId) * CELLS_PER_NODE + random.nextInt(CELLS_PER_NODE);
                    final int draw = random.nextInt(8);
                    f = draw < 5 ? "write" : draw < 7 ? "cas" : "read";
                }
                else
                {
                    index = random.nextInt(cells.size());
                    f = "read";
                }
                final DCell<Long> cell = cells.get(index);
                final long value = (client + 1) * 1_000_000L + ++sequence;
                final long expected = lastSeen[index];
                final String key = keys.get(index);
                recorder.invoke(process, f, key,
                    "write".equals(f) ? String.valueOf(value) : "cas".equals(f) ? "[" + expected + ", " + value + "]" :
                    "null");
                final CompletableFuture<Long> operation = CompletableFuture.supplyAsync(() ->
                {
                    switch (f)
                    {
                        case "write":
                            cell.set(value);
                            return value;
                        case "cas":
                            return cell.compareAndSet(expected, value) ? 1L : 0L;
                        default:
                            return cell.get();
                    }
                }, operations);
                final CompletableFuture<Void> recorded = operation.handle((result, failure) ->
                {
                    if (null == failure)
                    {
                        if ("cas".equals(f))
                        {
                            // a compare that failed changed nothing
                            recorder.complete(process, 1L == result ? "ok" : "fail", f, key, null, null);
                        }
                        else
                        {
                            recorder.complete(process, "ok", f, key, result, null);
                        }
                    }
                    else
                    {
                        // a read changes nothing; a failed write may or may not have taken effect, also one the
                        // membership refused: a write routed to a cell's home is refused at its mirror after the
                        // home applied it (seen: a value read by another client after its write was refused)
                        final Throwable cause = null == failure.getCause() ? failure : failure.getCause();
                        recorder.complete(process, "read".equals(f) ? "fail" : "info", f, key, null, cause);
                    }
                    return null;
                });
                try
                {
                    final long result = operation.get(OPERATION_PATIENCE_MS, TimeUnit.MILLISECONDS);
                    lastSeen[index] = "cas".equals(f) ? (1L == result ? value : lastSeen[index]) : result;
                    done++;
                    recorded.join(); // its completion line before the next invocation of this process
                }
                catch (final java.util.concurrent.TimeoutException ex)
                {
                    abandoned++;
                    generation++;
                    open.addLast(recorded);
                    while (open.size() > MAX_OPEN_OPERATIONS)
                    {
                        open.removeFirst().join();
                    }
                }
                catch (final Exception ex)
                {
                    failed++;
                    recorded.join();
                    if (!"read".equals(f))
                    {
                        generation++; // an info ends its process
                    }
                }
                LockSupport.parkNanos(PACE_NS);
                open.removeIf(CompletableFuture::isDone);
            }
            return done + " done, " + failed + " failed, " + abandoned + " left open";
        }
    }

    /**
     * Appends a node's history events, one JSON object a line, each flushed to the file at once (a node may be
     * killed or exit while its clients run). Times are {@link System#nanoTime()}, one clock for every process on the
     * machine, so the files of all nodes merge by time.
     */
    static final class Recorder
    {
        private static Recorder instance;
        private final Path file;

        private Recorder(final Path file)
        {
            this.file = file;
        }

        static synchronized Recorder open(final String directory, final int nodeId)
        {
            if (null == instance)
            {
                instance = new Recorder(Path.of(directory, "history-" + nodeId + ".jsonl"));
            }
            return instance;
        }

        void invoke(final int process, final String f, final String key, final String value)
        {
            append("{\"process\": " + process + ", \"type\": \"invoke\", \"f\": \"" + f + "\", \"key\": \"" + key +
                "\", \"value\": " + value + ", \"time\": " + System.nanoTime() + "}");
        }

        void complete(
            final int process, final String type, final String f, final String key, final Long value,
            final Throwable failure)
        {
            append("{\"process\": " + process + ", \"type\": \"" + type + "\", \"f\": \"" + f + "\", \"key\": \"" +
                key + "\", \"value\": " + value + ", \"time\": " + System.nanoTime() +
                (null == failure ? "" : ", \"error\": \"" + escape(failure.toString()) + "\"") + "}");
        }

        private synchronized void append(final String line)
        {
            try
            {
                Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        private static String escape(final String text)
        {
            final StringBuilder escaped = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); i++)
            {
                final char c = text.charAt(i);
                if ('"' == c || '\\' == c)
                {
                    escaped.append('\\').append(c);
                }
                else if (c < 0x20)
                {
                    escaped.append(' ');
                }
                else
                {
                    escaped.append(c);
                }
            }
            return escaped.toString();
        }
    }

    @Test
    void theMajorityGoesOnTheCutNodeRefusesWritesWithTheReasonAndTheHistoryIsLinearizable() throws Exception
    {
        final Path directory = Files.createTempDirectory("jdsm-partition-");
        final Path clusterFile = directory.resolve("cluster.json");
        final StringBuffer log = new StringBuffer();
        final LinkedBlockingQueue<String> driverLines = new LinkedBlockingQueue<>();
        final Process[] processes = new Process[NODES];
        final long startNs = System.nanoTime();
        boolean passed = false;
        try (NamespaceNetwork network = NamespaceNetwork.create(NODES))
        {
            final StringBuilder nodes = new StringBuilder();
            for (int h = 0; h < NODES; h++)
            {
                nodes.append(h == 0 ? "" : ", ").append("{\"id\": ").append(h).append(", \"host\": \"")
                    .append(network.address(h)).append("\", \"port\": ").append(PORT).append('}');
            }
            Files.writeString(clusterFile, "{\"transport\": \"aeron\", \"clusterSecret\": \"0123456789abcdef\"," +
                " \"heapSize\": \"8m\", \"cacheSize\": \"8m\", \"maxObjectSize\": \"1m\", \"replicas\": 1," +
                " \"peerTimeout\": \"" + PEER_TIMEOUT_MS + "ms\", \"nodes\": [" + nodes + "]," +
                " \"properties\": {\"jdsm.membership\": \"agreed\"}}");
            for (int h = NODES - 1; h >= 0; h--)
            {
                processes[h] = network.start(h, LocalCommand.nodeCommand(clusterFile, h, AERON_LIVENESS, "--main",
                    List.of(Driver.class.getName(), directory.toString())), null);
                pump(processes[h], h, log, 0 == h ? driverLines : null, startNs,
                    (line) -> dumpThreadsOnClientTimeout(line, processes, directory, log, startNs));
            }
            final Runnable dump = () -> dumpThreads(processes, directory, log, startNs);
            awaitDriverLine(driverLines, "partition driver: workload started", log, dump);
            Thread.sleep(3_000);

            network.cut(CUT_NODE);
            final long cutNs = System.nanoTime();
            log.append(at(startNs)).append(" [test] node 2's link cut\n");
            Files.createFile(directory.resolve("cut"));
            final boolean cutNodeExited = processes[CUT_NODE].waitFor(PEER_TIMEOUT_MS * 5, TimeUnit.MILLISECONDS);
            Thread.sleep(3_000);
            Files.createFile(directory.resolve("stop"));
            awaitDriverLine(driverLines, "partition driver values before the heal: ", log, dump);

            network.restore(CUT_NODE);
            final long restoredNs = System.nanoTime();
            log.append(at(startNs)).append(" [test] node 2's link restored\n");
            Files.createFile(directory.resolve("healed"));
            assertTrue(processes[0].waitFor(90, TimeUnit.SECONDS), "driver still running:\n" + log);
            while (!NodeDeathTest.END.equals(driverLines.poll(10, TimeUnit.SECONDS)))
            {
                // until node 0's output is all read
            }
            System.out.println(log);
            assertEquals(0, processes[0].exitValue(), log.toString());
            assertTrue(processes[1].waitFor(30, TimeUnit.SECONDS), "node 1 still running:\n" + log);

            // the cut node: it loses the driver after its peer timeout and exits 3, never to serve again
            assertTrue(cutNodeExited, "node 2 still running " + 5 * PEER_TIMEOUT_MS + " ms after the cut:\n" + log);
            assertEquals(NodeCommand.DRIVER_LOST_STATUS, processes[CUT_NODE].exitValue(), log.toString());
            assertTrue(log.indexOf(" [node 2] node 2 lost the driver: ") >= 0, log.toString());

            final String before = valuesAfter(log, "partition driver values before the heal: ");
            assertEquals(before, valuesAfter(log, "partition driver values after the heal: "), log.toString());
            assertEquals(before, valuesAfter(log, "partition driver values read on node 1 after the heal: "));

            System.out.println(at(startNs) + " partition test: every node ended, checking the history");
            checkHistory(directory, cutNs, restoredNs);
            passed = true;
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
            if (passed)
            {
                for (final String name : List.of("cut", "stop", "healed", "history-0.jsonl", "history-1.jsonl",
                    "history-2.jsonl"))
                {
                    Files.deleteIfExists(directory.resolve(name));
                }
                Files.deleteIfExists(clusterFile);
                Files.deleteIfExists(LoopbackCluster.declaredDeadFile(clusterFile));
                Files.deleteIfExists(directory);
            }
            else
            {
                System.out.println(log);
                System.out.println("partition test failed: its histories are kept in " + directory);
            }
        }
    }

    private static void checkHistory(final Path directory, final long cutNs, final long restoredNs) throws IOException
    {
        final List<JsonNode> events = new ArrayList<>();
        final ObjectMapper json = new ObjectMapper();
        for (int h = 0; h < NODES; h++)
        {
            final String text = Files.readString(directory.resolve("history-" + h + ".jsonl"));
            for (final String line : text.split("\n"))
            {
                if (!line.isBlank())
                {
                    final JsonNode event = json.readTree(line);
                    events.add(event);
                }
            }
        }
        events.sort(Comparator.comparingLong((event) -> event.get("time").asLong()));

        // the majority completed reads and writes of node 2's cells after the cut (served by its backup, then moved)
        long firstMajorityWriteOfCutNodesCellsNs = Long.MAX_VALUE;
        int majorityWritesOfCutNodesCells = 0;
        int majorityReadsOfCutNodesCells = 0;
        long firstRefusalNs = Long.MAX_VALUE;
        String firstRefusal = null;
        final java.util.Map<Integer, Long> invokedAt = new java.util.HashMap<>();
        long longestMajorityOperationNs = 0;
        int handOverTimeouts = 0;
        String firstHandOverTimeout = null;
        for (final JsonNode event : events)
        {
            final long time = event.get("time").asLong();
            final int node = event.get("process").asInt() / 2000;
            final Long invoked = "invoke".equals(event.get("type").asText()) ?
                invokedAt.put(event.get("process").asInt(), time) : invokedAt.remove(event.get("process").asInt());
            if (null != invoked && node != CUT_NODE && !"invoke".equals(event.get("type").asText()))
            {
                longestMajorityOperationNs = Math.max(longestMajorityOperationNs, time - invoked);
            }
            if (node != CUT_NODE && event.has("error") && event.get("error").asText().contains("is being handed over"))
            {
                handOverTimeouts++;
                firstHandOverTimeout = null == firstHandOverTimeout ? event.get("error").asText() :
                    firstHandOverTimeout;
            }
            final boolean cutNodesBox = event.get("key").asText().startsWith("c" + CUT_NODE + "-");
            if (time > cutNs && node != CUT_NODE && cutNodesBox && "ok".equals(event.get("type").asText()))
            {
                if (!"read".equals(event.get("f").asText()))
                {
                    firstMajorityWriteOfCutNodesCellsNs = Math.min(firstMajorityWriteOfCutNodesCellsNs, time);
                    majorityWritesOfCutNodesCells++;
                }
                else
                {
                    majorityReadsOfCutNodesCells++;
                }
            }
            if (node == CUT_NODE && event.has("error") && event.get("error").asText().contains(REFUSAL) &&
                time < firstRefusalNs)
            {
                firstRefusalNs = time;
                firstRefusal = event.get("error").asText();
            }
        }
        System.out.println("partition history: " + events.size() + " events; after the cut the majority wrote " +
            majorityWritesOfCutNodesCells + " and read " + majorityReadsOfCutNodesCells + " times node 2's cells " +
            "(first write completed " + TimeUnit.NANOSECONDS.toMillis(firstMajorityWriteOfCutNodesCellsNs - cutNs) +
            " ms after the cut); " +
            "node 2's first refusal " + (null == firstRefusal ? "never" :
            TimeUnit.NANOSECONDS.toMillis(firstRefusalNs - cutNs) + " ms after the cut: " + firstRefusal) +
            "; the majority's longest operation took " + TimeUnit.NANOSECONDS.toMillis(longestMajorityOperationNs) +
            " ms, " + handOverTimeouts + " of its operations timed out waiting for a hand-over" +
            (null == firstHandOverTimeout ? "" : ", the first: " + firstHandOverTimeout));
        assertTrue(majorityWritesOfCutNodesCells > 0, "the majority wrote none of node 2's cells after the cut");
        assertTrue(majorityReadsOfCutNodesCells > 0, "the majority read none of node 2's cells after the cut");
        assertTrue(null != firstRefusal, "node 2 refused no write with the membership's reason");
        assertTrue(firstRefusal.contains("node 2 unavailable: node 2 " + REFUSAL), firstRefusal);
        assertTrue(firstRefusalNs - cutNs < TimeUnit.MILLISECONDS.toNanos(PEER_TIMEOUT_MS),
            "node 2 refused its first write " + TimeUnit.NANOSECONDS.toMillis(firstRefusalNs - cutNs) +
            " ms after the cut, past the peer timeout");
        final java.util.Map<Integer, List<JsonNode>> eventsOfProcess = new java.util.HashMap<>();
        for (final JsonNode event : events)
        {
            eventsOfProcess.computeIfAbsent(event.get("process").asInt(), (p) -> new ArrayList<>()).add(event);
        }
        for (final JsonNode event : events)
        {
            // from its first refusal on, node 2 completes no write: every one invoked later is refused or never ends
            if (event.get("process").asInt() / 2000 == CUT_NODE && "invoke".equals(event.get("type").asText()) &&
                !"read".equals(event.get("f").asText()) && event.get("time").asLong() > firstRefusalNs)
            {
                final int process = event.get("process").asInt();
                // the events of its process only: over all events this took minutes on a loaded machine
                for (final JsonNode later : eventsOfProcess.get(process))
                {
                    assertTrue(later.get("process").asInt() != process || !"ok".equals(later.get("type").asText()) ||
                        later.get("time").asLong() < event.get("time").asLong(),
                        "node 2 completed a write invoked after its first refusal: " + later);
                }
            }
        }
        assertTrue(restoredNs > cutNs);

        final Model model = Models.register(0);
        final CheckResult result = new LinearizabilityChecker(model).check(
            JsonLinesHistory.parse(withoutUnseenUnknownWrites(events), directory + "/history-*.jsonl", model));
        System.out.println("partition history check (" + TimeUnit.NANOSECONDS.toMillis(result.elapsedNs()) +
            " ms): " + result);
        assertTrue(result.isLinearizable(), result.toString());
    }

    /**
     * The history as JSON lines, without the writes of unknown outcome ({@code info}, or never completed) whose
     * value nobody read (nor expected in a compare-and-set that succeeded). Such a write may be taken as not having
     * happened, which an unknown outcome allows, and no read needs it to have happened (values are unique), so the
     * verdict is the same; without this the checker must try every place for hundreds of them (each refused write of
     * the cut node) and gives up. Writes of unknown outcome whose value was read are kept, and counted.
     */
    private static String withoutUnseenUnknownWrites(final List<JsonNode> events)
    {
        final java.util.Set<String> seen = new java.util.HashSet<>();
        final java.util.Map<Integer, JsonNode> open = new java.util.HashMap<>();
        final java.util.Map<JsonNode, JsonNode> completionOf = new java.util.IdentityHashMap<>();
        for (final JsonNode event : events)
        {
            final int process = event.get("process").asInt();
            if ("invoke".equals(event.get("type").asText()))
            {
                open.put(process, event);
                continue;
            }
            final JsonNode invocation = open.remove(process);
            completionOf.put(invocation, event);
            final String key = event.get("key").asText();
            if ("ok".equals(event.get("type").asText()) && "read".equals(event.get("f").asText()))
            {
                seen.add(key + "=" + event.get("value").asLong());
            }
            else if ("ok".equals(event.get("type").asText()) && "cas".equals(event.get("f").asText()))
            {
                seen.add(key + "=" + invocation.get("value").get(0).asLong());
            }
        }
        final StringBuilder text = new StringBuilder();
        final java.util.Set<JsonNode> dropped = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        int keptUnknown = 0;
        for (final JsonNode event : events)
        {
            if ("invoke".equals(event.get("type").asText()) && !"read".equals(event.get("f").asText()))
            {
                final JsonNode completion = completionOf.get(event);
                if (null == completion || "info".equals(completion.get("type").asText()))
                {
                    final JsonNode value = event.get("value");
                    final long written = value.isArray() ? value.get(1).asLong() : value.asLong();
                    if (seen.contains(event.get("key").asText() + "=" + written))
                    {
                        keptUnknown++;
                        System.out.println("partition history: a write of unknown outcome was read: " + event +
                            " -> " + completion);
                    }
                    else
                    {
                        dropped.add(event);
                        if (null != completion)
                        {
                            dropped.add(completion);
                        }
                    }
                }
            }
            if (!dropped.contains(event))
            {
                text.append(event).append('\n');
            }
        }
        System.out.println("partition history: " + dropped.size() + " events of unknown writes nobody read left " +
            "out, " + keptUnknown + " unknown writes read by someone kept");
        return text.toString();
    }

    private static void awaitDriverLine(
        final LinkedBlockingQueue<String> driverLines, final String prefix, final StringBuffer log,
        final Runnable onTimeout)
        throws InterruptedException
    {
        while (true)
        {
            final String line = driverLines.poll(90, TimeUnit.SECONDS);
            if (null == line || NodeDeathTest.END.equals(line))
            {
                onTimeout.run();
                fail("the driver never printed \"" + prefix + "\":\n" + log);
            }
            if (line.startsWith(prefix))
            {
                return;
            }
        }
    }

    private static String at(final long startNs)
    {
        return String.format("%7.3f", (System.nanoTime() - startNs) / 1e9);
    }

    /**
     * Copy a node's output into the log, each line prefixed with the seconds since the test started and the node's
     * id, and, for the driver, into a queue ended by {@link NodeDeathTest#END}.
     */
    private static void pump(
        final Process process, final int nodeId, final StringBuffer log, final LinkedBlockingQueue<String> lines,
        final long startNs, final java.util.function.Consumer<String> onDriverLine)
    {
        final Thread thread = new Thread(() ->
        {
            try (java.io.BufferedReader reader = new java.io.BufferedReader(
                new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = reader.readLine()))
                {
                    log.append(at(startNs)).append(" [node ").append(nodeId).append("] ").append(line).append('\n');
                    if (null != lines)
                    {
                        lines.add(line);
                        onDriverLine.accept(line);
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
                    lines.add(NodeDeathTest.END);
                }
            }
        }, "partition-output-" + nodeId);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * When the driver reports that the clients of a node, or its own main, did not end in time (an operation that
     * never returned), save
     * a thread dump of every node JVM still running ({@code jcmd <pid> Thread.print}) in the run's directory, which
     * a failed run keeps, and name the files in the log.
     */
    private static void dumpThreadsOnClientTimeout(
        final String line, final Process[] processes, final Path directory, final StringBuffer log,
        final long startNs)
    {
        if ((line.startsWith("partition driver: clients on node ") || line.startsWith("jdsm: main of ")) &&
            line.contains("TimeoutException"))
        {
            dumpThreads(processes, directory, log, startNs);
        }
    }

    private static void dumpThreads(
        final Process[] processes, final Path directory, final StringBuffer log, final long startNs)
    {
        for (int h = 0; h < processes.length; h++)
        {
            final Process process = processes[h];
            if (null == process || !process.isAlive())
            {
                continue;
            }
            final Path file = directory.resolve("threads-" + h + "-at-" + at(startNs).trim() + "s.txt");
            // `ip netns exec` runs the JVM as its child
            final long pid = process.descendants()
                .filter((child) -> child.info().command().map((command) -> command.endsWith("java")).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(process.pid());
            try
            {
                final Process jcmd = new ProcessBuilder("jcmd", String.valueOf(pid), "Thread.print", "-l")
                    .redirectErrorStream(true).redirectOutput(file.toFile()).start();
                final boolean ended = jcmd.waitFor(30, TimeUnit.SECONDS);
                log.append(at(startNs)).append(" [test] threads of node ").append(h).append(" (pid ")
                    .append(pid).append(ended ? ", jcmd exit " + jcmd.exitValue() : ", jcmd still running")
                    .append(") in ").append(file).append('\n');
            }
            catch (final IOException ex)
            {
                log.append(at(startNs)).append(" [test] no thread dump of node ").append(h).append(": ")
                    .append(ex).append('\n');
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String valuesAfter(final StringBuffer log, final String prefix)
    {
        final int start = log.indexOf(prefix);
        assertTrue(start >= 0, "no \"" + prefix + "\" in\n" + log);
        final int end = log.indexOf("\n", start);
        return log.substring(start + prefix.length(), end);
    }
}
