package org.jdsm.linearizability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rounds of growing budget, per-key verdicts, undecided keys, the time budget and bounded shrinking.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CheckerRoundsTest
{
    /**
     * A burst of writes of fresh values, all concurrent, then a read of a value never written: about
     * {@code writes·2^(writes-1)} states to prove it fails.
     */
    private static void burst(final History.Builder builder, final String key, final int writes, final long start)
    {
        for (int i = 0; i < writes; i++)
        {
            builder.write(i, key, 100 + i, start + i, start + writes + i);
        }
        builder.read(0, key, -1, start + 3L * writes, start + 3L * writes + 1);
    }

    @Test
    void shouldGiveVerdictPerKey()
    {
        final History history = History.builder()
            .write(0, "a", 1, 0, 10)
            .read(1, "a", 1, 20, 30)
            .write(0, "b", 1, 0, 10)
            .read(1, "b", 2, 20, 30)
            .build();

        final CheckResult result = new LinearizabilityChecker(Models.register(0)).check(history);

        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        assertEquals(List.of("a: LINEARIZABLE", "b: NOT_LINEARIZABLE"), result.keyResults().stream()
            .map((key) -> key.key() + ": " + key.verdict()).collect(Collectors.toList()));
        assertEquals(2, result.keyResults().get(0).operations());
        assertTrue(result.keyResults().get(1).exploredStates() > 0);
        assertNull(result.keyResults().get(0).limit());
    }

    @Test
    void shouldListUndecidedKeyWhenAnotherKeyFails()
    {
        final History.Builder builder = History.builder();
        burst(builder, "hot", 24, 0);
        builder.write(0, "bad", 1, 0, 10).write(0, "bad", 2, 20, 30).read(1, "bad", 1, 40, 50);

        final CheckResult result = new LinearizabilityChecker(Models.register(0), new LinearizabilityChecker.Context()
            .initialStatesPerKey(1_000).threads(1)).check(builder.build());

        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        assertEquals("bad", result.counterExample().orElseThrow().key());
        assertEquals(1, result.unknownKeys().size(), result.toString());
        final KeyResult hot = result.unknownKeys().get(0);
        assertEquals("hot", hot.key());
        assertEquals(SearchLimit.CANCELLED, hot.limit());
        assertTrue(result.toString().contains("search limit reached on key hot (cancelled, "), result.toString());
    }

    @Test
    void shouldListEveryUndecidedKey()
    {
        final History.Builder builder = History.builder();
        burst(builder, "hot1", 24, 0);
        burst(builder, "hot2", 24, 1_000);
        builder.write(0, "fine", 1, 0, 10);

        final CheckResult result = new LinearizabilityChecker(Models.register(0), new LinearizabilityChecker.Context()
            .initialStatesPerKey(1_000).maxStatesPerKey(8_000)).check(builder.build());

        assertEquals(Verdict.UNKNOWN, result.verdict());
        assertEquals(List.of("hot1", "hot2"), result.unknownKeys().stream().map(KeyResult::key)
            .collect(Collectors.toList()));
        for (final KeyResult hot : result.unknownKeys())
        {
            assertEquals(SearchLimit.STATES, hot.limit());
            assertEquals(8_001, hot.exploredStates(), "resumed each round, never searched anew: " + hot);
            assertEquals(4, hot.rounds(), "1000, 2000, 4000, 8000: " + hot);
        }
    }

    @Test
    void shouldStopAtTimeBudget()
    {
        final History.Builder builder = History.builder();
        burst(builder, "hot", 40, 0);
        final LinearizabilityChecker checker = new LinearizabilityChecker(Models.register(0),
            new LinearizabilityChecker.Context().maxStatesPerKey(Long.MAX_VALUE / 4)
                .timeBudgetNs(TimeUnit.MILLISECONDS.toNanos(300)));

        final long start = System.nanoTime();
        final CheckResult result = checker.check(builder.build());
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertEquals(Verdict.UNKNOWN, result.verdict());
        assertEquals(SearchLimit.TIME, result.unknownKeys().get(0).limit());
        assertTrue(elapsedMs < 10_000, "stopped near its 300 ms budget, took " + elapsedMs + " ms");
    }

    @Test
    void shouldSayWhenItCouldNotShrink()
    {
        final History.Builder builder = History.builder();
        for (int i = 0; i < 20; i++)
        {
            builder.write(0, "x", i + 1, 100L * i, 100L * i + 10).read(1, "x", i + 1, 100L * i + 20, 100L * i + 30);
        }
        builder.read(1, "x", -1, 5_000, 5_010);
        final LinearizabilityChecker checker = new LinearizabilityChecker(Models.register(0),
            new LinearizabilityChecker.Context().shrinkTimeBudgetNs(1));

        final CounterExample example = checker.check(builder.build()).counterExample().orElseThrow();

        assertFalse(example.isFullyShrunk());
        assertEquals(41, example.ops().size(), "the failure is at the last response: no shorter prefix");
        assertTrue(example.shrinkNote().startsWith("could not shrink: 0 searches, 0 undecided within "),
            example.shrinkNote());
        assertTrue(example.shrinkNote().endsWith("; this is the smallest failing prefix found (41 of the " +
            "key's 41 ops)"), example.shrinkNote());
        assertTrue(example.toString().endsWith(example.shrinkNote()));
    }

    @Test
    void shouldReturnSmallestFailingPrefixWhenShrinkingStopsShort()
    {
        final History.Builder builder = History.builder();
        for (int i = 0; i < 20; i++)
        {
            builder.write(0, "x", i + 1, 100L * i, 100L * i + 10).read(1, "x", i + 1, 100L * i + 20, 100L * i + 30);
        }
        builder.read(1, "x", -1, 5_000, 5_010);
        builder.write(0, "x", 7, 6_000, 6_010).read(1, "x", 7, 6_020, 6_030);
        final LinearizabilityChecker checker = new LinearizabilityChecker(Models.register(0),
            new LinearizabilityChecker.Context().shrinkTimeBudgetNs(1));

        final CounterExample example = checker.check(builder.build()).counterExample().orElseThrow();

        assertEquals(41, example.ops().size(), "cut at the read that fails");
        assertTrue(example.shrinkNote().startsWith("shrinking stopped short: "), example.shrinkNote());
        assertTrue(example.shrinkNote().endsWith("(41 of the key's 43 ops)"), example.shrinkNote());
    }

    @Test
    void shouldShrinkFullyAndCountTheSearches()
    {
        final History.Builder builder = History.builder();
        for (int i = 0; i < 20; i++)
        {
            builder.write(0, "x", i + 1, 100L * i, 100L * i + 10).read(1, "x", i + 1, 100L * i + 20, 100L * i + 30);
        }
        builder.read(1, "x", -1, 5_000, 5_010);

        final CounterExample example = new LinearizabilityChecker(Models.register(0)).check(builder.build())
            .counterExample().orElseThrow();

        assertTrue(example.isFullyShrunk(), example.shrinkNote());
        assertEquals("", example.shrinkNote());
        assertEquals(1, example.ops().stream().filter((op) -> op.kind() == OpKind.READ).count(), example.toString());
        assertTrue(example.shrinkAttempts() > 0);
        assertTrue(example.shrinkStates() > 0);
    }

    @Test
    void shouldGiveSameVerdictsInSmallRoundsAsInOne()
    {
        for (final int corrupt : new int[] { -1, 700, 1_500 })
        {
            final History history = RandomHistories.register(11, 8, 4, 2_000, corrupt);
            // shrinking with a budget no loaded machine reaches: both must shrink to the end to be compared
            final long budgetNs = TimeUnit.SECONDS.toNanos(60);
            final CheckResult oneRound = new LinearizabilityChecker(Models.register(0),
                new LinearizabilityChecker.Context().shrinkTimeBudgetNs(budgetNs)).check(history);
            final CheckResult manyRounds = new LinearizabilityChecker(Models.register(0),
                new LinearizabilityChecker.Context().initialStatesPerKey(1).threads(3).shrinkTimeBudgetNs(budgetNs))
                .check(history);

            assertEquals(oneRound.verdict(), manyRounds.verdict());
            assertEquals(oneRound.counterExample().map(CounterExample::ops),
                manyRounds.counterExample().map(CounterExample::ops));
        }
    }

    @Test
    void shouldDropFailedOperations()
    {
        final List<Op> ops = new ArrayList<>();
        ops.add(new Op(0, 0, "x", OpKind.WRITE, 5, 0, null, 0, 10, 0, null, true));
        ops.add(new Op(1, 1, "x", OpKind.READ, 0, 0, 20, 30, 0));
        final LinearizabilityChecker checker = new LinearizabilityChecker(Models.register(0));

        assertEquals(Verdict.LINEARIZABLE, checker.check(new History(ops)).verdict());
        ops.set(1, new Op(1, 1, "x", OpKind.READ, 0, 0, 20, 30, 5));
        assertEquals(Verdict.NOT_LINEARIZABLE, checker.check(new History(ops)).verdict());
        assertEquals("#0 client 0 x: WRITE(5) failed [0, 10]", ops.get(0).toString());
    }

    @Test
    void shouldNameTheSettingOutOfRange()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new LinearizabilityChecker(Models.register(0), new LinearizabilityChecker.Context().roundGrowth(1)));

        assertEquals("roundGrowth=1 must be >= 2", ex.getMessage());
        assertEquals("timeBudgetNs=0 must be > 0", assertThrows(IllegalArgumentException.class,
            () -> new LinearizabilityChecker.Context().timeBudgetNs(0).conclude()).getMessage());
    }
}
