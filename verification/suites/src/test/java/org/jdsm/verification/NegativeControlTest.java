package org.jdsm.verification;

import org.jdsm.linearizability.CounterExample;
import org.jdsm.linearizability.Op;
import org.jdsm.linearizability.OpKind;
import org.jdsm.linearizability.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/**
 * The negative control: with the copy cache ignoring colours (a reader node keeps returning its copy of an object
 * after the owner wrote it), the same properties must fail. A suite that can not fail proves nothing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NegativeControlTest
{
    @Test
    void shouldFindNonLinearizableRegisterWhenCacheIgnoresColour() throws Exception
    {
        final ConcurrentWorkload.Outcome outcome = ConcurrentWorkload.run(2, 42, 4, true, true, 20, 3);

        assertEquals(Verdict.LINEARIZABLE, outcome.counters.verdict(), "mutexes never use the cache");
        assertEquals(Verdict.LINEARIZABLE, outcome.arc.verdict(), "an arc never changes colour");
        assertEquals(Verdict.NOT_LINEARIZABLE, outcome.register.verdict(), outcome.register.toString());
        final CounterExample example = outcome.register.counterExample().orElseThrow();
        System.out.println("negative control, history: " + example);
        assertEquals("reg", example.key());
        final List<Op> ops = example.ops();
        assertEquals(3, ops.size(), example.toString());
        assertEquals(List.of("WRITE 1", "WRITE 2", "READ 1"), ops.stream()
            .map((op) -> op.kind() + " " + (op.kind() == OpKind.WRITE ? op.argument() : op.result()))
            .collect(Collectors.toList()), "round 2's reader on node 1 read its copy of round 1");
        assertEquals(ops.get(2), example.blockedOp());
        assertTrue(ops.get(1).responseTime() < ops.get(2).invocationTime(), "the stale read began after write 2");
    }

    @Test
    void shouldFailHistoryPropertyWhenCacheIgnoresColour()
    {
        final Event failure = runFaultInjected("historyCheckerCatchesStaleCopies",
            "int", "long", "int", "boolean");
        final Throwable cause = failure.getPayload(org.junit.platform.engine.TestExecutionResult.class)
            .orElseThrow().getThrowable().orElseThrow();

        assertInstanceOf(AssertionError.class, cause);
        assertTrue(cause.getMessage().contains("expected: <LINEARIZABLE> but was: <NOT_LINEARIZABLE>"),
            cause.getMessage());
        assertTrue(cause.getMessage().contains("key reg is not linearizable for register(0)"), cause.getMessage());
    }

    @Test
    void shouldFailOwnershipChainAndShrinkToShortProgramWhenCacheIgnoresColour()
    {
        final Event failure = runFaultInjected("ownershipChainCatchesStaleCopies",
            "net.jqwik.api.state.ActionChain");
        final Throwable cause = failure.getPayload(org.junit.platform.engine.TestExecutionResult.class)
            .orElseThrow().getThrowable().orElseThrow();

        assertInstanceOf(AssertionError.class, cause);
        final List<String> actions = shrunkActions(cause.getMessage());
        System.out.println("negative control, shrunk chain: " + actions + "\n" + cause.getMessage());
        assertTrue(actions.get(0).startsWith("start(nodes "), cause.getMessage());
        assertTrue(actions.size() <= 12, "shrunk to a short program: " + cause.getMessage());
        assertTrue(cause.getMessage().contains("fault=cache-ignores-colour"), cause.getMessage());
    }

    /**
     * The action descriptions jqwik lists in a failed chain's message, between "[" and "]".
     */
    private static List<String> shrunkActions(final String message)
    {
        final String list = message.substring(message.indexOf('[') + 1, message.indexOf("\n]"));
        return List.of(list.trim().split("\\s*\n\\s*"));
    }

    private static Event runFaultInjected(final String property, final String... parameterTypes)
    {
        final EngineExecutionResults results = EngineTestKit.engine("jqwik")
            .configurationParameter("jqwik.reporting.usejunitplatform", "true")
            .configurationParameter("jqwik.database", "target/jqwik-database-negative-control")
            .configurationParameter("jqwik.shrinking.bounded.seconds", "45")
            .selectors(selectMethod(FaultInjectedChecks.class, property, String.join(",", parameterTypes)))
            .execute();

        final List<String> reports = results.allEvents().stream()
            .filter((event) -> event.getType() == EventType.REPORTING_ENTRY_PUBLISHED)
            .map((event) -> event.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs().toString())
            .collect(Collectors.toList());
        reports.forEach((report) -> System.out.println("negative control, " + property + ": " + report));

        final List<Event> failed = results.testEvents().failed().list();
        assertEquals(1, failed.size(), property + " must fail with the fault injected; reports: " + reports);
        assertTrue(reports.stream().anyMatch((report) -> report.contains("Shrunk Sample")),
            "jqwik reported a shrunk sample: " + reports);

        return failed.get(0);
    }
}
