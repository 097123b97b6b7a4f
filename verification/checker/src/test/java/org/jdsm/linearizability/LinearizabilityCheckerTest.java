package org.jdsm.linearizability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LinearizabilityCheckerTest
{
    private final LinearizabilityChecker register = new LinearizabilityChecker(Models.register(0));

    @Test
    void shouldAcceptSequentialWriteThenRead()
    {
        final History history = History.builder()
            .write(0, "x", 1, 0, 10)
            .read(1, "x", 1, 20, 30)
            .build();

        final CheckResult result = register.check(history);

        assertEquals(Verdict.LINEARIZABLE, result.verdict());
        assertTrue(result.isLinearizable());
        assertEquals(2, result.operations());
        assertEquals(1, result.partitions());
        assertEquals(2, result.largestPartition());
        assertTrue(result.counterExample().isEmpty());
    }

    @Test
    void shouldAcceptEmptyHistory()
    {
        final CheckResult result = register.check(History.builder().build());

        assertEquals(Verdict.LINEARIZABLE, result.verdict());
        assertEquals(0, result.operations());
        assertEquals(0, result.partitions());
    }

    @Test
    void shouldRejectStaleRead()
    {
        final History history = History.builder()
            .write(0, "x", 1, 0, 10)
            .write(0, "x", 2, 20, 30)
            .read(1, "x", 1, 40, 50)
            .build();

        final CheckResult result = register.check(history);

        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        final CounterExample example = result.counterExample().orElseThrow();
        assertEquals("x", example.key());
        assertEquals(List.of(0, 1, 2), ids(example.ops()));
        assertEquals(List.of(0, 1), ids(example.longestLinearization()));
        assertEquals(2, example.blockedOp().id());
        assertEquals(
            "key x is not linearizable for register(0): 3 of its 3 ops have no linearization\n" +
            "  #0 client 0 x: WRITE(1) [0, 10]\n" +
            "  #1 client 0 x: WRITE(2) [20, 30]\n" +
            "  #2 client 1 x: READ -> 1 [40, 50]\n" +
            "longest linearizable order: #0, #1; then #2 can not be linearized before it returned",
            example.toString());
    }

    @Test
    void shouldRejectLostUpdateOfCounter()
    {
        final History history = History.builder()
            .op(0, "n", OpKind.ADD, 1, 0, 0, 10, 0)
            .op(1, "n", OpKind.ADD, 1, 0, 5, 15, 0)
            .op(2, "n", OpKind.READ, 0, 0, 20, 30, 1)
            .build();

        final CheckResult result = new LinearizabilityChecker(Models.counter(0)).check(history);

        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        final CounterExample example = result.counterExample().orElseThrow();
        assertEquals(List.of(0, 1, 2), ids(example.ops()));
        assertEquals(2, example.blockedOp().id());
    }

    @Test
    void shouldRejectTwoFetchAddsThatReturnTheSameValue()
    {
        final History history = History.builder()
            .getAndAdd(0, "n", 1, 0, 0, 10)
            .getAndAdd(1, "n", 1, 0, 5, 15)
            .build();

        final CheckResult result = new LinearizabilityChecker(Models.counter(0)).check(history);

        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        assertEquals(List.of(0, 1), ids(result.counterExample().orElseThrow().ops()));
        assertEquals("#0 client 0 n: GET_AND_ADD(1) -> 0 [0, 10]", history.ops().get(0).toString());
    }

    @Test
    void shouldAcceptConcurrentFetchAddsInEitherOrder()
    {
        final History history = History.builder()
            .getAndAdd(0, "n", 1, 1, 0, 10)
            .getAndAdd(1, "n", 1, 0, 5, 15)
            .op(2, "n", OpKind.READ, 0, 0, 20, 30, 2)
            .build();

        assertEquals(Verdict.LINEARIZABLE, new LinearizabilityChecker(Models.counter(0)).check(history).verdict());
    }

    @Test
    void shouldRejectReadOfWriteInvokedAfterTheReadReturned()
    {
        final History history = History.builder()
            .read(0, "x", 1, 0, 10)
            .write(1, "x", 1, 20, 30)
            .build();

        final CheckResult result = register.check(history);

        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        final CounterExample example = result.counterExample().orElseThrow();
        assertEquals(List.of(0), ids(example.ops()), "cut before the write was invoked: the read alone fails");
        assertEquals(List.of(), example.longestLinearization());
        assertEquals(0, example.blockedOp().id());
        assertEquals(
            "key x is not linearizable for register(0): 1 of its 2 ops have no linearization\n" +
            "  #0 client 0 x: READ -> 1 [0, 10]\n" +
            "longest linearizable order: none; then #0 can not be linearized before it returned",
            example.toString());
    }

    @Test
    void shouldAcceptReadsOfOldThenNewValueDuringConcurrentWrite()
    {
        final History history = History.builder()
            .write(0, "x", 1, 0, 100)
            .read(1, "x", 0, 10, 20)
            .read(2, "x", 1, 30, 40)
            .build();

        assertEquals(Verdict.LINEARIZABLE, register.check(history).verdict());
    }

    @Test
    void shouldRejectNewThenOldValueInversionDuringConcurrentWrite()
    {
        final History history = History.builder()
            .write(0, "x", 1, 0, 100)
            .read(1, "x", 1, 10, 20)
            .read(2, "x", 0, 30, 40)
            .build();

        final CheckResult result = register.check(history);

        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        assertEquals(List.of(0, 1, 2), ids(result.counterExample().orElseThrow().ops()));
    }

    @Test
    void shouldTreatOperationsThatTouchInTimeAsConcurrent()
    {
        final History history = History.builder()
            .read(0, "x", 1, 0, 10)
            .write(1, "x", 1, 10, 20)
            .build();

        assertEquals(Verdict.LINEARIZABLE, register.check(history).verdict());
    }

    @Test
    void shouldLetPendingWriteTakeEffect()
    {
        final History history = History.builder()
            .pendingWrite(0, "x", 1, 0)
            .read(1, "x", 1, 10, 20)
            .read(2, "x", 1, 30, 40)
            .build();

        assertEquals(Verdict.LINEARIZABLE, register.check(history).verdict());
        assertEquals(1, history.pendingCount());
    }

    @Test
    void shouldLetPendingWriteNeverTakeEffect()
    {
        final History history = History.builder()
            .pendingWrite(0, "x", 1, 0)
            .read(1, "x", 0, 10, 20)
            .read(2, "x", 0, 30, 40)
            .build();

        assertEquals(Verdict.LINEARIZABLE, register.check(history).verdict());
    }

    @Test
    void shouldRejectReadOfPendingWriteInvokedAfterTheReadReturned()
    {
        final History history = History.builder()
            .read(0, "x", 1, 0, 10)
            .pendingWrite(1, "x", 1, 20)
            .build();

        assertEquals(Verdict.NOT_LINEARIZABLE, register.check(history).verdict());
    }

    @Test
    void shouldRejectValueReadBackAfterPendingWriteWasSeen()
    {
        final History history = History.builder()
            .pendingWrite(0, "x", 1, 0)
            .read(1, "x", 1, 10, 20)
            .read(2, "x", 0, 30, 40)
            .build();

        final CheckResult result = register.check(history);

        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        assertEquals(
            "#0 client 0 x: WRITE(1) -> ? [0, pending]",
            result.counterExample().orElseThrow().ops().get(0).toString());
    }

    @Test
    void shouldRejectTwoSuccessfulCompareAndSetsFromTheSameValue()
    {
        final History history = History.builder()
            .op(0, "x", OpKind.COMPARE_AND_SET, 0, 1, 0, 10, 1)
            .op(1, "x", OpKind.COMPARE_AND_SET, 0, 2, 5, 15, 1)
            .build();

        final CheckResult result = register.check(history);

        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        assertEquals("#1 client 1 x: COMPARE_AND_SET(0, 2) -> true [5, 15]", history.ops().get(1).toString());
    }

    @Test
    void shouldAcceptCompareAndSetThatFailsAfterAnotherSucceeded()
    {
        final History history = History.builder()
            .op(0, "x", OpKind.COMPARE_AND_SET, 0, 1, 0, 10, 1)
            .op(1, "x", OpKind.COMPARE_AND_SET, 0, 2, 5, 15, 0)
            .read(2, "x", 1, 20, 30)
            .build();

        assertEquals(Verdict.LINEARIZABLE, register.check(history).verdict());
    }

    @Test
    void shouldDropUnneededReadsFromCounterExample()
    {
        final History history = History.builder()
            .write(0, "x", 1, 0, 10)
            .read(1, "x", 1, 20, 30)
            .read(2, "x", 1, 25, 35)
            .write(0, "x", 2, 40, 50)
            .read(1, "x", 2, 60, 70)
            .read(2, "x", 1, 80, 90)
            .read(1, "x", 2, 100, 110)
            .build();

        final CounterExample example = register.check(history).counterExample().orElseThrow();

        assertEquals(List.of(0, 3, 5), ids(example.ops()), "cut after #5, then reads #1, #2, #4 dropped");
        assertEquals(7, example.partitionSize());
    }

    @Test
    void shouldCheckQueueOrder()
    {
        final LinearizabilityChecker queue = new LinearizabilityChecker(Models.queue());
        final History.Builder fifo = History.builder()
            .op(0, "q", OpKind.ENQUEUE, 1, 0, 0, 10, 0)
            .op(0, "q", OpKind.ENQUEUE, 2, 0, 20, 30, 0);
        final History lifo = History.builder()
            .op(0, "q", OpKind.ENQUEUE, 1, 0, 0, 10, 0)
            .op(0, "q", OpKind.ENQUEUE, 2, 0, 20, 30, 0)
            .op(1, "q", OpKind.DEQUEUE, 0, 0, 40, 50, 2)
            .build();
        final History emptyTooSoon = History.builder()
            .op(0, "q", OpKind.ENQUEUE, 1, 0, 0, 10, 0)
            .op(1, "q", OpKind.DEQUEUE, 0, 0, 20, 30, Models.EMPTY)
            .build();

        assertEquals(Verdict.LINEARIZABLE, queue.check(fifo
            .op(1, "q", OpKind.DEQUEUE, 0, 0, 40, 50, 1)
            .op(1, "q", OpKind.DEQUEUE, 0, 0, 60, 70, 2)
            .op(1, "q", OpKind.DEQUEUE, 0, 0, 80, 90, Models.EMPTY)
            .build()).verdict());
        assertEquals(Verdict.NOT_LINEARIZABLE, queue.check(lifo).verdict());
        assertEquals(Verdict.NOT_LINEARIZABLE, queue.check(emptyTooSoon).verdict());
        assertEquals("#1 client 1 q: DEQUEUE -> empty [20, 30]", emptyTooSoon.ops().get(1).toString());
    }

    @Test
    void shouldCheckMapPerKeyAndNameTheKeyThatFails()
    {
        final LinearizabilityChecker map = new LinearizabilityChecker(Models.map());
        final History history = History.builder()
            .write(0, "k1", 5, 0, 10)
            .read(1, "k2", Models.ABSENT, 5, 15)
            .read(1, "k1", 5, 20, 30)
            .write(2, "k2", 7, 20, 30)
            .read(0, "k2", Models.ABSENT, 40, 50)
            .build();

        final CheckResult result = map.check(history);

        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        assertEquals(2, result.partitions());
        final CounterExample example = result.counterExample().orElseThrow();
        assertEquals("k2", example.key());
        assertEquals(List.of(3, 4), ids(example.ops()), "#1 read absent before the write: not needed");
        assertEquals("#4 client 0 k2: READ -> absent [40, 50]", example.blockedOp().toString());
    }

    @Test
    void shouldRejectOperationTheModelDoesNotSupport()
    {
        final History history = History.builder().op(3, "q", OpKind.ENQUEUE, 1, 0, 0, 10, 0).build();

        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> register.check(history));

        assertEquals("model register(0) does not support ENQUEUE: #0 client 3 q: ENQUEUE(1) [0, 10]", ex.getMessage());
    }

    @Test
    void shouldAnswerUnknownWhenSearchLimitIsReached()
    {
        final History history = RandomHistories.register(7, 4, 1, 200, -1);

        final CheckResult result = new LinearizabilityChecker(Models.register(0), 10).check(history);

        assertEquals(Verdict.UNKNOWN, result.verdict());
        assertTrue(result.toString().startsWith("UNKNOWN: 200 ops, 1 keys, largest 200 ops, 11 states explored; " +
            "search limit reached on key k0"), result.toString());
    }

    @Test
    void shouldAcceptLongLinearizableHistoryOverManyKeys()
    {
        final History history = RandomHistories.register(42, 16, 64, 20_000, -1);

        final long start = System.nanoTime();
        final CheckResult result = register.check(history);
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertEquals(Verdict.LINEARIZABLE, result.verdict(), result.toString());
        assertEquals(20_000, result.operations());
        assertEquals(64, result.partitions());
        System.out.println("checked " + result + " in " + elapsedMs + " ms");
    }

    @Test
    void shouldAcceptLongLinearizableHistoryOfOneHotKey()
    {
        final History history = RandomHistories.register(5, 8, 1, 5_000, -1);

        final long start = System.nanoTime();
        final CheckResult result = register.check(history);
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertEquals(Verdict.LINEARIZABLE, result.verdict(), result.toString());
        assertEquals(5_000, result.largestPartition());
        System.out.println("checked " + result + " in " + elapsedMs + " ms");
    }

    @Test
    void shouldAcceptLongLinearizableCounterHistory()
    {
        final History history = RandomHistories.counter(9, 8, 4, 8_000);

        final CheckResult result = new LinearizabilityChecker(Models.counter(0)).check(history);

        assertEquals(Verdict.LINEARIZABLE, result.verdict(), result.toString());
        assertEquals(8_000, result.operations());
    }

    @Test
    void shouldFindOneCorruptedReadInLongHistory()
    {
        final History history = RandomHistories.register(42, 16, 64, 20_000, 12_345);
        final Op corrupted = history.ops().stream().filter((op) -> op.result() == -12_345).findFirst().orElseThrow();

        // a budget no loaded machine reaches: the assertions are about how far shrinking goes, not how fast
        final CheckResult result = new LinearizabilityChecker(Models.register(0),
            new LinearizabilityChecker.Context().shrinkTimeBudgetNs(TimeUnit.SECONDS.toNanos(60))).check(history);

        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        final CounterExample example = result.counterExample().orElseThrow();
        assertEquals(corrupted.key(), example.key());
        assertTrue(example.ops().contains(corrupted), example.toString());
        assertEquals(List.of(corrupted), example.ops().stream()
            .filter((op) -> op.kind() != OpKind.WRITE).collect(Collectors.toList()), "only the corrupted read is left");
        assertEquals(corrupted, example.blockedOp());
    }

    private static List<Integer> ids(final List<Op> ops)
    {
        return ops.stream().map(Op::id).collect(Collectors.toList());
    }

    @Test
    void shouldReportCountsInResultText()
    {
        final CheckResult result = register.check(History.builder().write(0, "x", 1, 0, 10).build());

        assertEquals("LINEARIZABLE: 1 ops, 1 keys, largest 1 ops, 1 states explored", result.toString());
        assertFalse(result.counterExample().isPresent());
    }
}
