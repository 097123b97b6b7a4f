package org.jdsm.linearizability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Measures the checker on the history shape of issue 18 ({@link TargetHistories}) and prints the time; the only
 * timing assertion is a generous guard (10 s), the real time is in the output.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CheckerSpeedMeasurementTest
{
    @Test
    void shouldFindBrokenKeyDespitePathologicalKeyAndPrintTheTime()
    {
        final History history = TargetHistories.multiKeyWithPathologicalKey(18);
        assertTrue(history.size() >= 2_000, "size " + history.size());
        final LinearizabilityChecker checker = new LinearizabilityChecker(Models.register(0));
        checker.check(history); // warm-up: the first check also loads and compiles the checker

        final long start = System.nanoTime();
        final CheckResult result = checker.check(history);
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        System.out.println("issue-18 target history: " + elapsedMs + " ms, load " +
            java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() + "\n" +
            result.report());
        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict(), result.toString());
        final CounterExample example = result.counterExample().orElseThrow();
        assertNotEquals(TargetHistories.PATHOLOGICAL_KEY, example.key());
        assertEquals(TargetHistories.NEVER_WRITTEN, example.blockedOp().result(), example.toString());
        assertTrue(result.unknownKeys().stream().anyMatch((key) -> TargetHistories.PATHOLOGICAL_KEY.equals(key.key())),
            "the pathological key is listed as undecided: " + result);
        assertTrue(elapsedMs < 10_000, "guard only: " + elapsedMs + " ms");
    }
}
