package org.jdsm.apps.kv;

import org.jdsm.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kv application's YCSB runs through {@link KvYcsbDb} on three simulated nodes and on the baseline.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KvApplicationTest
{
    @Test
    void shouldRunWorkloadAWithZeroErrorsOnThreeNodes(@TempDir final Path dir) throws Exception
    {
        final String output = run(3, dir, "--workload", "a");
        assertTrue(output.contains("kv: load failures 0, operation errors 0, loaded records missing or malformed 0 of 300"),
            output);
        final List<String> csv = Files.readAllLines(dir.resolve("out.csv"));
        assertEquals("workload,store,nodes,threads_per_node,op,count,errors,mean_us,p50_us,p95_us,p99_us,p999_us," +
            "max_us,throughput_ops_s,cache_hit_rate,bytes_moved_per_op", csv.get(0));
        assertTrue(csv.get(csv.size() - 1).startsWith("a,jdsm,3,2,ALL,600,0,"), csv.toString());
    }

    @Test
    void shouldRunWorkloadsEAndFWithZeroErrorsOnTwoNodes(@TempDir final Path dir) throws Exception
    {
        for (final String workload : List.of("e", "f", "d"))
        {
            final String output = run(2, dir, "--workload", workload);
            assertTrue(output.contains("operation errors 0, loaded records missing or malformed 0 of 300"), output);
        }
    }

    @Test
    void shouldRunBaselineWithZeroErrors(@TempDir final Path dir) throws Exception
    {
        final String output = run(1, dir, "--workload", "drust", "--baseline");
        assertTrue(output.contains("kv: all results correct"), output);
        final List<String> csv = Files.readAllLines(dir.resolve("out.csv"));
        assertTrue(csv.get(csv.size() - 1).startsWith("drust,baseline,1,2,ALL,600,0,"), csv.toString());
    }

    @Test
    void shouldCompareBaselineOneNodeAndAllNodesInOneRun(@TempDir final Path dir) throws Exception
    {
        final String output = run(2, dir, "--workload", "b", "--compare", "--rounds", "2", "--cpu");
        assertTrue(output.contains("kv compare: jdsm 1 node / baseline = "), output);
        // --cpu: each phase's CPU per op by thread role, the client threads' share of it never zero
        assertEquals(6, output.lines().filter((line) -> line.matches(
            ".*(baseline|jdsm 1 node|jdsm 2 nodes) +[12] CPU us per op [0-9.]+ \\(.*: client [0-9.]+, duty-cycle .*"))
            .count(), output);
        assertFalse(output.lines().anyMatch((line) -> line.contains("CPU us per op") && line.contains("client 0.00,")),
            output);
        assertTrue(output.contains("kv compare: jdsm 2 nodes / jdsm 1 node = "), output);
        // one verdict per phase, and the run's own
        assertEquals(6 + 1, output.lines().filter((line) -> line.equals("kv: all results correct")).count(), output);
        final List<String> csv = Files.readAllLines(dir.resolve("out.csv"));
        assertEquals(1 + 6, csv.size(), csv.toString());
        assertEquals(2, csv.stream().filter((line) -> line.startsWith("b,1,") || line.startsWith("b,2,"))
            .filter((line) -> line.contains(",jdsm,2,")).count(), csv.toString());
        // jdsm on 1 node inside the 2-node cluster: every bucket on the driver, nothing fetched or moved
        assertEquals(2, csv.stream().filter((line) -> line.contains(",jdsm,1,") && line.endsWith(",n/a,0.0")).count(),
            csv.toString());
        assertEquals(2, csv.stream().filter((line) -> line.contains(",baseline,1,")).count(), csv.toString());
        assertTrue(csv.stream().skip(1).allMatch((line) -> line.split(",")[6].equals("0")), csv.toString());
    }

    @Test
    void shouldRejectBaselineWithCompare(@TempDir final Path dir)
    {
        final ConfigurationException ex =
            assertThrows(ConfigurationException.class, () -> run(1, dir, "--baseline", "--compare"));
        assertEquals("kv: --baseline and --compare exclude each other: --compare runs the baseline too",
            ex.getMessage());
    }

    @Test
    void shouldCheckEveryAcknowledgedUpdateWithClientsOnSomeNodesOnly(@TempDir final Path dir) throws Exception
    {
        final String output = run(3, dir, "--workload", "a", "--client-nodes", "0,1", "--verify-updates");
        assertTrue(output.contains("clients on [0, 1] x 2 threads"), output);
        assertTrue(output.matches("(?s).*kv: checked 300 records against [1-9][0-9]* acknowledged updates " +
            "\\(of [1-9][0-9]* records\\): 0 not as acknowledged.*"), output);
        assertTrue(output.contains("kv: all results correct"), output);
        // 4 client threads, each 150 operations, and every node's counters from the nodes that ran clients only
        final List<String> csv = Files.readAllLines(dir.resolve("out.csv"));
        assertTrue(csv.get(csv.size() - 1).startsWith("a,jdsm,3,2,ALL,600,0,"), csv.toString());
    }

    @Test
    void shouldReportAClientThatFailsInItsWarmUpInsteadOfLeavingTheOthersAtTheBarrier() throws Exception
    {
        final java.util.Properties props = KvWorkloads.properties("c", 50, 400);
        try (LocalKvStore local = new LocalKvStore(50))
        {
            assertEquals(0, KvBenchmark.load(local, props, 0, 50, 2));
            final java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
            final KvStore failing = (KvStore)java.lang.reflect.Proxy.newProxyInstance(
                KvStore.class.getClassLoader(), new Class<?>[]{ KvStore.class }, (proxy, method, args) ->
                {
                    if (method.getName().equals("read") || method.getName().equals("get"))
                    {
                        if (Thread.currentThread().getName().endsWith("1") && reads.incrementAndGet() == 5)
                        {
                            throw new IllegalStateException("the store failed on client 1");
                        }
                    }
                    try
                    {
                        return method.invoke(local, args);
                    }
                    catch (final java.lang.reflect.InvocationTargetException ex)
                    {
                        throw ex.getCause();
                    }
                });
            final CompletableFuture<Throwable> run = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    KvBenchmark.run(null, failing, props, 2, 50, 200);
                    return null;
                }
                catch (final Throwable ex)
                {
                    return ex;
                }
            });
            final Throwable failure = run.get(30, TimeUnit.SECONDS); // before, client 0 waited at the barrier
            assertEquals(IllegalStateException.class, null == failure ? null : failure.getClass(), "" + failure);
            assertEquals("the store failed on client 1", failure.getMessage());
        }
    }

    @Test
    void shouldFindAnUpdateLostOrAppliedTwice() throws Exception
    {
        final java.util.Properties props = KvWorkloads.properties("a", 50, 400);
        props.setProperty(KvBenchmark.CHECKED_PROP_NAME, "true");
        props.setProperty("fieldcount", "3");
        props.setProperty("fieldlength", "16");
        try (LocalKvStore store = new LocalKvStore(50))
        {
            assertEquals(0, KvBenchmark.load(store, props, 0, 50, 2));
            final KvNodeResult result = KvBenchmark.run(null, store, props, 2, 0, 200);
            final KvCoreWorkload names = KvBenchmark.newWorkload(props);
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            assertEquals(0, KvApplication.checkAcknowledged(store, names, props, List.of(result), out),
                bytes.toString(StandardCharsets.UTF_8));

            // an update applied without its acknowledgement (as a retry applied twice would be): found
            int updated = 0;
            while (0 == result.acknowledged()[updated])
            {
                updated++;
            }
            final String key = names.keyName(updated);
            final KvUpdateModel stray = new KvUpdateModel(java.util.Map.of(key, 0), "field", 3);
            assertEquals(site.ycsb.Status.OK, new KvYcsbDb(store, stray).update("t", key,
                java.util.Map.of("field1", new site.ycsb.ByteArrayByteIterator(new byte[16]))));
            assertEquals(1, KvApplication.checkAcknowledged(store, names, props, List.of(result), out));
            assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("kv: record " + key + " not as " +
                "acknowledged: version " + (result.acknowledged()[updated] + 1) + ", but " +
                result.acknowledged()[updated] + " updates were acknowledged"), bytes.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldRejectKillingTheDriverOrAClientNodeOrWithoutReplicas(@TempDir final Path dir)
    {
        assertEquals("kv: --kill-node=0 must be in [1, 2]: node 0 is the driver",
            assertThrows(ConfigurationException.class, () -> run(3, dir, "--kill-node", "0")).getMessage());
        assertEquals("kv: --kill-node=2 runs clients: give --client-nodes without it (its clients would die with " +
            "it), e.g. --client-nodes 0",
            assertThrows(ConfigurationException.class, () -> run(3, dir, "--kill-node", "2")).getMessage());
        assertEquals("kv: --kill-node=2 needs jdsm.replicas >= 1 (jdsm local --replicas 1): without a backup the " +
            "node's buckets die with it", assertThrows(ConfigurationException.class,
            () -> run(3, dir, "--kill-node", "2", "--client-nodes", "0,1")).getMessage());
        assertEquals("kv: --client-nodes=0,3: 3 is not a node id in [0, 2]",
            assertThrows(ConfigurationException.class, () -> run(3, dir, "--client-nodes", "0,3")).getMessage());
    }

    private static String run(final int nodes, final Path dir, final String... workload) throws Exception
    {
        try (KvTestCluster cluster = new KvTestCluster(nodes, 11, 2))
        {
            final List<String> args = new java.util.ArrayList<>(List.of(workload));
            args.addAll(List.of("--records", "300", "--operations", "600", "--warmup", "60", "--buckets", "32",
                "--fieldcount", "4", "--fieldlength", "20", "--csv", dir.resolve("out.csv").toString()));
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            final int status = new KvApplication().run(cluster.nodes[0], args,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
            final String output = bytes.toString(StandardCharsets.UTF_8);
            assertEquals(0, status, output);
            return output;
        }
    }
}
