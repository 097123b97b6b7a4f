package org.jdsm.linearizability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HistoryTest
{
    @Test
    void shouldWriteAndParseTextWithPendingOperations()
    {
        final History history = History.builder()
            .write(0, "x", 1, 0, 10)
            .pendingWrite(1, "x", 2, 5)
            .op(2, "y", OpKind.COMPARE_AND_SET, 0, 3, 7, 12, 1)
            .build();

        final String text = history.toText();
        final History parsed = History.parse("# from another process\n\n" + text);

        assertEquals(
            "0 0 x WRITE 1 0 0 10 0\n" +
            "1 1 x WRITE 2 0 5 pending 0\n" +
            "2 2 y COMPARE_AND_SET 0 3 7 12 1\n",
            text);
        assertEquals(history.ops(), parsed.ops());
        assertEquals(1, parsed.pendingCount());
    }

    @Test
    void shouldMergeHistoriesOfSeveralProcessesNumberingOpsAnew()
    {
        final History first = History.builder().write(0, "x", 1, 0, 10).build();
        final History second = History.builder().write(5, "x", 2, 3, 12).build();

        final History merged = History.merge(List.of(first, second));

        assertEquals("0 0 x WRITE 1 0 0 10 0\n1 5 x WRITE 2 0 3 12 0\n", merged.toText());
    }

    @Test
    void shouldKeepOnlyOperationsOnKeysWithAPrefixInOrder()
    {
        final History history = History.builder()
            .write(0, "counter0", 1, 0, 10)
            .write(1, "reg", 2, 1, 11)
            .write(2, "counter1", 3, 2, 12)
            .build();

        final History counters = history.withKeysStartingWith("counter");

        assertEquals(2, counters.size());
        assertEquals("counter0", counters.ops().get(0).key());
        assertEquals("counter1", counters.ops().get(1).key());
        assertEquals(0, history.withKeysStartingWith("arc").size());
    }

    @Test
    void shouldNameMalformedLine()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> History.parse("0 0 x WRITE 1 0 0 10 0\n1 0 x READ 0 0 20\n"));

        assertEquals("line 2 has 7 fields, expected 9: 1 0 x READ 0 0 20", ex.getMessage());
    }

    @Test
    void shouldNameUnknownKind()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> History.parse("0 0 x SWAP 1 0 0 10 0"));

        assertEquals("line 1 is malformed: 0 0 x SWAP 1 0 0 10 0 " +
            "(No enum constant org.jdsm.linearizability.OpKind.SWAP)", ex.getMessage());
    }

    @Test
    void shouldRejectDuplicateIds()
    {
        final Op op = new Op(3, 0, "x", OpKind.READ, 0, 0, 0, 1, 0);

        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new History(List.of(op, op)));

        assertEquals("duplicate op id 3", ex.getMessage());
    }

    @Test
    void shouldRejectResponseBeforeInvocation()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> new Op(1, 0, "x", OpKind.READ, 0, 0, 10, 5, 0));

        assertEquals("op 1: responseTime=5 < invocationTime=10", ex.getMessage());
    }

    @Test
    void shouldPartitionByKeyInOrderOfFirstInvocation()
    {
        final History history = History.builder()
            .write(0, "b", 1, 5, 10)
            .write(0, "a", 1, 0, 3)
            .read(1, "b", 1, 12, 20)
            .build();

        assertEquals(List.of("a", "b"), List.copyOf(history.byKey().keySet()));
        assertEquals(2, history.byKey().get("b").size());
    }
}
