package org.jdsm.verification;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import org.jdsm.linearizability.Verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Concurrent histories from clients on every node of a simulated cluster under adversarial schedules (seeded
 * delays and reordering drawn by jqwik) are linearizable, key by key: see {@link ConcurrentWorkload}.
 */
class ConcurrentHistoryProperties
{
    static final int OPS_PER_CLIENT = 1000;
    static final int ROUNDS = 40;

    @Property(tries = 15)
    void mutexCountersArcReadsAndOwnerWrittenRegisterAreLinearizable(
        @ForAll @IntRange(min = 2, max = 4) final int nodes,
        @ForAll final long seed,
        @ForAll @IntRange(min = 0, max = 16) final int maxDelaySteps,
        @ForAll final boolean reorder) throws Exception
    {
        check(nodes, seed, maxDelaySteps, reorder);
    }

    @Example
    void fourNodesWithReorderingAndLongDelaysAreLinearizable() throws Exception
    {
        check(4, 42, 16, true);
    }

    static void check(final int nodes, final long seed, final int maxDelaySteps, final boolean reorder)
        throws Exception
    {
        check(nodes, seed, maxDelaySteps, reorder, false);
    }

    static void check(
        final int nodes, final long seed, final int maxDelaySteps, final boolean reorder, final boolean fault)
        throws Exception
    {
        check(nodes, seed, maxDelaySteps, reorder, fault, OPS_PER_CLIENT, ROUNDS);
    }

    static void check(
        final int nodes,
        final long seed,
        final int maxDelaySteps,
        final boolean reorder,
        final boolean fault,
        final int opsPerClient,
        final int rounds)
        throws Exception
    {
        final ConcurrentWorkload.Outcome outcome = ConcurrentWorkload.run(
            nodes, seed, maxDelaySteps, reorder, fault, opsPerClient, rounds);
        final String schedule = "nodes=" + nodes + " seed=" + seed + " maxDelaySteps=" + maxDelaySteps +
            " reorder=" + reorder;
        System.out.println("history " + schedule + ": " + outcome);

        assertEquals(outcome.expectedOps, outcome.history.size(), "ops recorded, " + schedule);
        assertEquals(0, outcome.history.pendingCount(), "every op returned, " + schedule);
        assertEquals(Verdict.LINEARIZABLE, outcome.counters.verdict(), schedule + ": " + outcome.counters);
        assertEquals(Verdict.LINEARIZABLE, outcome.arc.verdict(), schedule + ": " + outcome.arc);
        assertEquals(Verdict.LINEARIZABLE, outcome.register.verdict(), schedule + ": " + outcome.register);
        assertEquals(rounds * (1 + 1 + 2 * (nodes - 1)), outcome.register.operations(), "reg ops, " + schedule);
    }
}
