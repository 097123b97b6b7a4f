package org.jdsm.linearizability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HistoryRecorderTest
{
    @Test
    void shouldRecordCompletedPendingAndDroppedOperations()
    {
        final HistoryRecorder recorder = new HistoryRecorder(HistoryRecorder.logicalClock());
        final HistoryRecorder.Client first = recorder.client(7);
        final HistoryRecorder.Client second = recorder.client(8);

        final int write = first.invoke("x", OpKind.WRITE, 5);
        final int read = second.invoke("x", OpKind.READ, 0);
        first.ok(write);
        second.ok(read, 5);
        final int dropped = first.invoke("x", OpKind.WRITE, 6);
        first.fail(dropped);
        second.invoke("x", OpKind.COMPARE_AND_SET, 5, 9);

        final History history = recorder.history();

        assertEquals(
            "#0 client 7 x: WRITE(5) [1, 3]\n" +
            "#1 client 8 x: READ -> 5 [2, 4]\n" +
            "#2 client 8 x: COMPARE_AND_SET(5, 9) -> ? [6, pending]\n",
            history.toString());
        assertEquals(2, first.size(), "dropped operations are counted in the log but left out of the history");
        assertEquals(2, second.size());
        assertEquals(Verdict.LINEARIZABLE, new LinearizabilityChecker(Models.register(0)).check(history).verdict());
    }

    @Test
    void shouldRecordLinearizableHistoryOfAtomicRegistersFromManyThreads() throws Exception
    {
        final int threads = 4;
        final int opsPerThread = 2_000;
        final AtomicLongArray registers = new AtomicLongArray(8);
        final HistoryRecorder recorder = HistoryRecorder.withNanoClock();
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final HistoryRecorder.Client client = recorder.client(t);
            final long base = (t + 1) * 1_000_000L;
            workers.add(new Thread(() ->
            {
                final Random random = new Random(base);
                for (int i = 0; i < opsPerThread; i++)
                {
                    final int key = random.nextInt(registers.length());
                    final int choice = random.nextInt(3);
                    if (0 == choice)
                    {
                        final int slot = client.invoke("r" + key, OpKind.READ, 0);
                        client.ok(slot, registers.get(key));
                    }
                    else if (1 == choice)
                    {
                        final int slot = client.invoke("r" + key, OpKind.WRITE, base + i);
                        registers.set(key, base + i);
                        client.ok(slot);
                    }
                    else
                    {
                        final long expected = registers.get(key);
                        final int slot = client.invoke("r" + key, OpKind.COMPARE_AND_SET, expected, base + i);
                        client.ok(slot, registers.compareAndSet(key, expected, base + i) ? 1 : 0);
                    }
                }
            }));
        }
        workers.forEach(Thread::start);
        for (final Thread worker : workers)
        {
            worker.join();
        }

        final CheckResult result = new LinearizabilityChecker(Models.register(0)).check(recorder.history());

        assertEquals(Verdict.LINEARIZABLE, result.verdict(), result.toString());
        assertEquals(threads * opsPerThread, result.operations());
        assertEquals(8, result.partitions());
        assertTrue(result.largestPartition() > 0);
    }
}
