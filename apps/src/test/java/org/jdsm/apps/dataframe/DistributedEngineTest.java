package org.jdsm.apps.dataframe;

import org.jdsm.DsmNode;
import org.jdsm.apps.AppCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every db-benchmark question on 10^5 generated rows, on 1, 2 and 3 simulated nodes: the jdsm engine's result
 * equals the baseline's and a brute-force reference's (integers exactly, doubles within 1e-9 relative).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DistributedEngineTest
{
    private static final double TOLERANCE = 1e-9;
    private static final int ROWS_PER_CHUNK = 8192;
    private static final G1Spec PLAIN = new G1Spec(100_000, 100, 0, false);
    private static final G1Spec WITH_NA_SORTED = new G1Spec(100_000, 100, 5, true);

    private static ExecutorService pool;
    private static final List<QueryResult> PLAIN_REFERENCE = new ArrayList<>();
    private static final List<QueryResult> NA_REFERENCE = new ArrayList<>();

    @BeforeAll
    static void references()
    {
        pool = Executors.newFixedThreadPool(2);
        for (final Query query : Queries.questions())
        {
            PLAIN_REFERENCE.add(BruteForce.run(G1Generator.generate(PLAIN, 1, ROWS_PER_CHUNK), query));
            NA_REFERENCE.add(BruteForce.run(G1Generator.generate(WITH_NA_SORTED, 2, ROWS_PER_CHUNK), query));
        }
    }

    @AfterAll
    static void stopPool()
    {
        pool.shutdown();
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3 })
    void shouldEqualBaselineAndBruteForceOnEveryQuestion(final int nodes)
    {
        try (AppCluster cluster = new AppCluster(nodes, 9))
        {
            checkEveryQuestion(cluster.driver(), PLAIN, 1, PLAIN_REFERENCE);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 3 })
    void shouldEqualBaselineAndBruteForceWithNaOnSortedTable(final int nodes)
    {
        try (AppCluster cluster = new AppCluster(nodes, 9))
        {
            checkEveryQuestion(cluster.driver(), WITH_NA_SORTED, 2, NA_REFERENCE);
        }
    }

    @Test
    void shouldRunTheBatchConcurrentlyWithTheSameResults()
    {
        final G1Spec spec = new G1Spec(20_000, 10, 0, false);
        final ArrayFrame arrays = G1Generator.generate(spec, 3, 2048);
        final List<QueryResult> baseline = new BaselineEngine(arrays, pool, 2).run(Queries.batch());
        try (AppCluster cluster = new AppCluster(2, 9);
            DistributedFrame frame = DistributedFrame.generate(cluster.driver(), spec, 3, 2048))
        {
            final List<QueryResult> results = new DistributedEngine(cluster.driver(), frame, 2, 4096)
                .run(Queries.batch());

            assertEquals(29, results.size());
            for (int i = 0; i < results.size(); i++)
            {
                assertNull(results.get(i).difference(baseline.get(i), TOLERANCE));
                assertNull(results.get(i).difference(BruteForce.run(arrays, Queries.batch().get(i)), TOLERANCE));
            }
        }
    }

    @Test
    void shouldFreeEveryChunkAndColumnOnClose() throws Exception
    {
        try (AppCluster cluster = new AppCluster(3, 9))
        {
            final long[] free = new long[3];
            for (int i = 0; i < 3; i++)
            {
                free[i] = ((org.jdsm.coherence.Node)cluster.nodes[i]).freeHeapBytes();
            }
            final G1Spec spec = new G1Spec(20_000, 10, 0, false);
            try (DistributedFrame frame = DistributedFrame.generate(cluster.driver(), spec, 5, 2048))
            {
                assertEquals(10, frame.schema().rowGroups());
                for (int g = 0; g < 10; g++)
                {
                    assertEquals(g % 3, frame.home(g));
                }
                final QueryResult result = new DistributedEngine(cluster.driver(), frame, 2, 4096)
                    .run(List.of(Queries.questions().get(0))).get(0);
                assertNull(result.difference(
                    BruteForce.run(G1Generator.generate(spec, 5, 2048), Queries.questions().get(0)), TOLERANCE));
                assertTrue(((org.jdsm.coherence.Node)cluster.nodes[1]).freeHeapBytes() < free[1], "chunks on node 1");
            }
            for (int i = 0; i < 3; i++)
            {
                final org.jdsm.coherence.Node engine = (org.jdsm.coherence.Node)cluster.nodes[i];
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (engine.freeHeapBytes() != free[i] && System.nanoTime() < deadlineNs)
                {
                    Thread.sleep(10);
                }
                assertEquals(free[i], engine.freeHeapBytes(), "free heap of node " + i);
            }
        }
    }

    @Test
    void shouldShipLargeGroupsInPiecesNearPartBytes()
    {
        // q6 keeps every v3 value of a group for its median: 100 groups of ~1000 values, ~8 KB a group
        final G1Spec spec = new G1Spec(100_000, 10, 0, false);
        final ArrayFrame arrays = G1Generator.generate(spec, 6, ROWS_PER_CHUNK);
        final Query q6 = Queries.questions().get(5);
        final ColumnType[] types = arrays.schema().types(q6.columns());
        final GroupTable table = GroupTable.create(q6, types);
        for (int g = 0; g < arrays.schema().rowGroups(); g++)
        {
            final ColumnChunk[] chunks = new ColumnChunk[types.length];
            for (int c = 0; c < chunks.length; c++)
            {
                chunks[c] = new ColumnChunk.Arrays(types[c],
                    arrays.chunk(arrays.schema().indexOf(q6.columns().get(c)), g), arrays.schema().rowsIn(g));
            }
            table.addRows(chunks, arrays.schema().rowsIn(g));
        }
        final int partBytes = 16 * 1024;
        try (AppCluster cluster = new AppCluster(1, 9))
        {
            final Object shipped = DistributedEngine.ship(cluster.driver(), table, partBytes);
            assertTrue(shipped instanceof org.jdsm.DBox<?>[], "over INLINE_BYTES: boxes");
            long largest = 0;
            for (final org.jdsm.DBox<?> box : (org.jdsm.DBox<?>[])shipped)
            {
                try (org.jdsm.Ref<?> ref = box.read())
                {
                    largest = Math.max(largest, ref.length());
                }
                box.close();
            }
            // about partBytes, give or take one step's error: never the whole table (~800 KB) in one piece
            assertTrue(largest <= 4 * partBytes, "largest piece " + largest + " bytes");
        }
    }

    @Test
    void shouldFilterProjectAndAggregateWithoutKeys()
    {
        final G1Spec spec = new G1Spec(30_000, 20, 10, false);
        final ArrayFrame arrays = G1Generator.generate(spec, 4, 4096);
        final List<Query> queries = List.of(
            Query.of("min max count where v2 > 10", List.of(), Aggregate.of(Aggregate.Kind.MIN, "v3", "min_v3"),
                Aggregate.of(Aggregate.Kind.MAX, "v1", "max_v1"), Aggregate.count())
                .where(new Filter("v2", Filter.Op.GT, 10)),
            Query.of("top 3 v1 by id1 where v3 < 50", List.of("id1"), Aggregate.topK("v1", 3, "top3_v1"))
                .where(new Filter("v3", Filter.Op.LT, 50)),
            Query.of("min v3 by id4 id2 where id5 == 7", List.of("id4", "id2"),
                Aggregate.of(Aggregate.Kind.MIN, "v3", "min_v3"), Aggregate.of(Aggregate.Kind.MEDIAN, "v1", "med"))
                .where(new Filter("id5", Filter.Op.EQ, 7)),
            Query.of("count all", List.of(), Aggregate.count()));
        final List<QueryResult> baseline = new BaselineEngine(arrays, pool, 3).run(queries);
        try (AppCluster cluster = new AppCluster(3, 9);
            DistributedFrame frame = DistributedFrame.upload(cluster.driver(), arrays))
        {
            final List<QueryResult> results = new DistributedEngine(cluster.driver(), frame, 1, 1024).run(queries);
            for (int i = 0; i < queries.size(); i++)
            {
                final QueryResult reference = BruteForce.run(arrays, queries.get(i));
                assertTrue(reference.rows() > 0, queries.get(i).name());
                assertNull(results.get(i).difference(reference, TOLERANCE));
                assertNull(baseline.get(i).difference(reference, TOLERANCE));
            }
            assertEquals(1, results.get(0).rows());
        }
    }

    @Test
    void shouldReportAWrongValueAndRejectBadQueries()
    {
        final ArrayFrame arrays = G1Generator.generate(new G1Spec(5_000, 10, 0, false), 5, 1024);
        final Query q1 = Queries.questions().get(0);
        final QueryResult right = BruteForce.run(arrays, q1);
        final long[] sums = ((long[])right.values(0)).clone();
        sums[3]++;
        final QueryResult wrong = new QueryResult(q1.name(), q1.keys(),
            new Dictionary[] { arrays.schema().column("id1").dictionary() },
            new int[][] { new int[] { right.key(0, 0), right.key(0, 1), right.key(0, 2), right.key(0, 3),
                right.key(0, 4), right.key(0, 5), right.key(0, 6), right.key(0, 7), right.key(0, 8),
                right.key(0, 9) } }, List.of("v1"), new Object[] { sums }, 10);

        assertEquals(q1.name() + ": v1 of (id1=" + arrays.schema().column("id1").dictionary().get(right.key(0, 3)) +
            ") " + sums[3] + " vs " + (sums[3] - 1), wrong.difference(right, TOLERANCE));
        final BaselineEngine engine = new BaselineEngine(arrays, pool, 1);
        assertEquals("query bad: key column v3 is DOUBLE, group-by keys must be INT or STRING",
            assertThrows(DataFrameException.class, () -> engine.submit(
                Query.of("bad", List.of("v3"), Aggregate.sum("v1")))).getMessage());
        assertEquals("query bad: column id3 is STRING, aggregates and filters need a numeric column",
            assertThrows(DataFrameException.class, () -> engine.submit(
                Query.of("bad", List.of("id1"), Aggregate.sum("id3")))).getMessage());
        assertEquals("no column v9 in [id1, id2, id3, id4, id5, id6, v1, v2, v3]",
            assertThrows(DataFrameException.class, () -> engine.submit(
                Query.of("bad", List.of("id1"), Aggregate.sum("v9")))).getMessage());
        assertEquals("query bad: TOP_K t must be the only aggregate", assertThrows(DataFrameException.class,
            () -> Query.of("bad", List.of("id1"), Aggregate.topK("v1", 2, "t"), Aggregate.count())).getMessage());
    }

    private static void checkEveryQuestion(
        final DsmNode driver, final G1Spec spec, final long seed, final List<QueryResult> reference)
    {
        final ArrayFrame arrays = G1Generator.generate(spec, seed, ROWS_PER_CHUNK);
        final List<QueryResult> baseline = new BaselineEngine(arrays, pool, 2).run(Queries.questions());
        try (DistributedFrame frame = DistributedFrame.generate(driver, spec, seed, ROWS_PER_CHUNK))
        {
            final DistributedEngine engine = new DistributedEngine(driver, frame, 2, 64 * 1024);
            final List<QueryResult> results = new ArrayList<>();
            for (final Query query : Queries.questions())
            {
                results.add(engine.await(engine.submit(query)));
            }
            for (int i = 0; i < results.size(); i++)
            {
                assertTrue(reference.get(i).rows() > 0);
                assertNull(baseline.get(i).difference(reference.get(i), TOLERANCE));
                assertNull(results.get(i).difference(reference.get(i), TOLERANCE));
                assertNull(results.get(i).difference(baseline.get(i), TOLERANCE));
            }
            assertTrue(engine.partialBytes() > 0);
        }
    }
}
