package org.jdsm.transport.aeron;

import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transport's {@link OperationTable} under Lincheck (here, not in verification/suites: the table is
 * package-private): callers start a one-sided operation (acquire, new correlation id, begin), a responder completes
 * another thread's operation by its correlation id (find, claim, complete), and the caller finishes it (await with a
 * deadline already past, release). Against {@link TableSpec}, a response completes only the use it was sent for,
 * once, and never after its caller gave up; a slot handed to two callers, or a late response completing a newer use
 * of its slot, is a wrong result. The negative control runs {@link Broken}, which finds by slot and claims by
 * checking the state, and requires a failure.
 */
@Param(name = "target", gen = IntGen.class, conf = "0:1")
public class OperationTableLincheckTest
{
    private static final int THREADS = 4;
    /** Far in the past, so {@code deadline - nanoTime()} never overflows. */
    private static final long PAST_DEADLINE_NS = Long.MIN_VALUE / 2;

    final OperationTable table = new OperationTable();
    /** Every operation by slot, for the negative control's find. */
    final AtomicReferenceArray<PendingOperation> bySlot = new AtomicReferenceArray<>(THREADS * 4);
    private final PendingOperation[] inFlight = new PendingOperation[THREADS];
    private final int[] uses = new int[THREADS];
    /** Per thread: {correlation id, use number} of the operation it last started, for the responder. */
    private final AtomicReferenceArray<long[]> started = new AtomicReferenceArray<>(THREADS);

    /**
     * @param thread Lincheck's thread id.
     * @return true if an operation was started, false if this thread has one in flight.
     */
    @Operation
    public boolean start(@Param(gen = ThreadIdGen.class) final int thread)
    {
        if (null != inFlight[thread])
        {
            return false;
        }
        final PendingOperation operation = table.acquire();
        final long correlationId = table.nextCorrelationId(operation);
        operation.begin(correlationId, AeronFrameDescriptor.FETCH_ADD, 1, 0, 8, null, 0);
        inFlight[thread] = operation;
        bySlot.set(operation.slot, operation);
        started.set(thread, new long[] { correlationId, ++uses[thread] });
        return true;
    }

    /**
     * The responder: complete the operation a thread last started, by its correlation id, with the number of that
     * use as the result.
     *
     * @param target thread whose operation the response is for.
     * @return the use it completed, or 0 if the response found nothing to complete.
     */
    @Operation
    public long respond(@Param(name = "target") final int target)
    {
        final long[] use = started.get(target);
        if (null == use)
        {
            return 0;
        }
        final PendingOperation operation = find(use[0]);
        if (null == operation || !claim(operation, use[0]))
        {
            return 0;
        }
        operation.complete(use[1]);
        return use[1];
    }

    /**
     * The caller: take the result if it came, else give up, and release the slot.
     *
     * @param thread Lincheck's thread id.
     * @return the use the response that completed it was for, 0 if given up, -1 if nothing was in flight.
     */
    @Operation
    public long finish(@Param(gen = ThreadIdGen.class) final int thread)
    {
        final PendingOperation operation = inFlight[thread];
        if (null == operation)
        {
            return -1;
        }
        final boolean completed = operation.await(PAST_DEADLINE_NS);
        final long result = completed ? operation.result : 0;
        inFlight[thread] = null;
        table.release(operation);
        return result;
    }

    PendingOperation find(final long correlationId)
    {
        return table.find(correlationId);
    }

    boolean claim(final PendingOperation operation, final long correlationId)
    {
        return operation.tryClaim(correlationId);
    }

    @Test
    void stressTest()
    {
        new StressOptions().sequentialSpecification(TableSpec.class).iterations(5).invocationsPerIteration(200)
            .threads(2).actorsPerThread(3).check(getClass());
    }

    @Test
    void modelCheckingTest()
    {
        new ModelCheckingOptions().sequentialSpecification(TableSpec.class).iterations(8)
            .invocationsPerIteration(150).threads(2).actorsPerThread(3).check(getClass());
    }

    @Test
    void shouldCatchBrokenTableInNegativeControl()
    {
        final LincheckAssertionError error = assertThrows(LincheckAssertionError.class,
            () -> new ModelCheckingOptions().sequentialSpecification(TableSpec.class).iterations(30)
                .invocationsPerIteration(200).threads(2).actorsPerThread(3).minimizeFailedScenario(false)
                .check(Broken.class));

        assertTrue(error.getMessage().contains("Invalid execution results"), error.getMessage());
    }

    /**
     * Per thread: the use in flight (0 for none), and the use the response that completed it was for.
     */
    public static class TableSpec
    {
        private final int[] uses = new int[THREADS];
        private final boolean[] inFlight = new boolean[THREADS];
        private final long[] completedBy = new long[THREADS];

        public boolean start(final int thread)
        {
            if (inFlight[thread])
            {
                return false;
            }
            uses[thread]++;
            inFlight[thread] = true;
            completedBy[thread] = 0;
            return true;
        }

        public long respond(final int target)
        {
            if (!inFlight[target] || 0 != completedBy[target])
            {
                return 0;
            }
            completedBy[target] = uses[target];
            return uses[target];
        }

        public long finish(final int thread)
        {
            if (!inFlight[thread])
            {
                return -1;
            }
            inFlight[thread] = false;
            return completedBy[thread];
        }
    }

    /**
     * Negative control: finds an operation by its slot alone and claims it by seeing it pending, so a late response
     * completes whatever use of the slot is current.
     */
    public static class Broken extends OperationTableLincheckTest
    {
        @Override
        PendingOperation find(final long correlationId)
        {
            return bySlot.get((int)(correlationId & (OperationTable.MAX_SLOTS - 1)));
        }

        @Override
        boolean claim(final PendingOperation operation, final long correlationId)
        {
            return operation.isPending();
        }
    }
}
