package org.jdsm.coherence;

import org.jdsm.verification.LincheckRuns;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

import static org.jdsm.coherence.MutexHandle.LOCK_OFFSET;
import static org.jdsm.coherence.MutexHandle.UNLOCKED;
import static org.jdsm.coherence.MutexHandle.VALUE_OFFSET;

/**
 * A lock word on the heap under Lincheck (the word at {@link MutexHandle#LOCK_OFFSET}, now the migrating
 * {@code DMutex}'s queue tail at its home, swapped by the same compare-and-swap; the lease itself is
 * {@code LeaseStateLincheckTest}'s): try-lock and unlock by compare-and-swap (see the jcstress
 * {@code MutexLockWordTests}), and a read-modify-write of the value by the holder, checked against {@link LockSpec}: one holder at a time, only the holder releases, no lost increment.
 * {@code LincheckNegativeControlTest} runs {@link Broken}, whose try-lock reads then writes, and requires a failure.
 */
public class MutexLockWordLincheckTest
{
    final HeapSlice heap = new HeapSlice(64, 64);

    /**
     * @param thread Lincheck's thread id; the holder id is thread + 1 (0 is {@link MutexHandle#UNLOCKED}).
     * @return true if taken.
     */
    @Operation
    public boolean tryLock(@Param(gen = ThreadIdGen.class) final int thread)
    {
        return UNLOCKED == heap.compareAndSwapLong(LOCK_OFFSET, UNLOCKED, thread + 1);
    }

    /**
     * @param thread Lincheck's thread id.
     * @return true if it held the lock and released it.
     */
    @Operation
    public boolean unlock(@Param(gen = ThreadIdGen.class) final int thread)
    {
        return thread + 1 == heap.compareAndSwapLong(LOCK_OFFSET, thread + 1, UNLOCKED);
    }

    /**
     * The critical section: a plain read-modify-write of the value, if held.
     *
     * @param thread Lincheck's thread id.
     * @return the value after the increment, or -1 if not held.
     */
    @Operation
    public long incrementIfHeld(@Param(gen = ThreadIdGen.class) final int thread)
    {
        if (heap.getLongAcquire(LOCK_OFFSET) != thread + 1)
        {
            return -1;
        }
        final long value = heap.getLongAcquire(VALUE_OFFSET) + 1;
        heap.putLongRelease(VALUE_OFFSET, value);
        return value;
    }

    @Test
    void stressTest()
    {
        LincheckRuns.stress(LockSpec.class).check(getClass());
    }

    @Test
    void modelCheckingTest()
    {
        LincheckRuns.modelChecking(LockSpec.class).check(getClass());
    }

    /**
     * The sequential lock: a holder (0 for none) and a value.
     */
    public static class LockSpec
    {
        private int holder;
        private long value;

        public boolean tryLock(final int thread)
        {
            if (0 != holder)
            {
                return false;
            }
            holder = thread + 1;
            return true;
        }

        public boolean unlock(final int thread)
        {
            if (holder != thread + 1)
            {
                return false;
            }
            holder = 0;
            return true;
        }

        public long incrementIfHeld(final int thread)
        {
            return holder == thread + 1 ? ++value : -1;
        }
    }

    /**
     * Negative control: try-lock as a plain read then write, so two threads can both see the word free.
     */
    public static class Broken extends MutexLockWordLincheckTest
    {
        @Override
        @Operation
        public boolean tryLock(@Param(gen = ThreadIdGen.class) final int thread)
        {
            if (UNLOCKED != heap.getLongAcquire(LOCK_OFFSET))
            {
                return false;
            }
            heap.putLongRelease(LOCK_OFFSET, thread + 1);
            return true;
        }
    }
}
