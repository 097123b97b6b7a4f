package org.jdsm.coherence;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.JJ_Result;

import static org.jdsm.coherence.MutexHandle.LOCK_OFFSET;
import static org.jdsm.coherence.MutexHandle.UNLOCKED;
import static org.jdsm.coherence.MutexHandle.VALUE_OFFSET;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A lock word at {@link MutexHandle#LOCK_OFFSET}, taken and released by compare-and-swap on the heap (the home
 * node's own threads and the transport's responder both call {@link HeapSlice#compareAndSwapLong}): mutual
 * exclusion, and the value written back before the release is what the next holder reads. The {@code DMutex} no
 * longer locks this way (its lease migrates, see {@link MutexLease} and {@code LeaseStateTests}); the word is now the
 * queue tail at the home, swapped by the same compare-and-swap, which is what these tests keep covering.
 */
public final class MutexLockWordTests
{
    private MutexLockWordTests()
    {
    }

    /**
     * A mutex's payload in its own small slice: lock word at {@link MutexHandle#LOCK_OFFSET}, value at
     * {@link MutexHandle#VALUE_OFFSET}.
     */
    abstract static class MutexWord
    {
        final HeapSlice heap = new HeapSlice(64, 64);

        boolean tryLock(final long holder)
        {
            return UNLOCKED == heap.compareAndSwapLong(LOCK_OFFSET, UNLOCKED, holder);
        }

        void lock(final long holder)
        {
            while (!tryLock(holder))
            {
                Thread.onSpinWait();
            }
        }

        boolean unlock(final long holder)
        {
            return holder == heap.compareAndSwapLong(LOCK_OFFSET, holder, UNLOCKED);
        }

        /**
         * The critical section: a plain read-modify-write of the value, which loses an update if two holders
         * overlap.
         *
         * @return 1 if the lock word named this holder throughout, else 0.
         */
        int increment(final long holder)
        {
            final long before = heap.getLongAcquire(VALUE_OFFSET);
            final boolean held = heap.getLongAcquire(LOCK_OFFSET) == holder;
            heap.putLongRelease(VALUE_OFFSET, before + 1);

            return held && heap.getLongAcquire(LOCK_OFFSET) == holder ? 1 : 0;
        }
    }

    /**
     * Both actors take the lock (spinning), increment the value and release.
     */
    @JCStressTest
    @Outcome(id = "2, 2", expect = ACCEPTABLE, desc = "The holders took turns: both increments kept, lock word owned")
    @Outcome(id = "1, 2", expect = FORBIDDEN, desc = "Both actors held the lock: mutual exclusion broken, update lost")
    @Outcome(expect = FORBIDDEN, desc = "A holder saw another holder's id in the lock word, or a release failed")
    @State
    public static class LockIncrementUnlock extends MutexWord
    {
        int owned;

        @Actor
        public void holder1()
        {
            lock(1);
            final int held = increment(1);
            if (unlock(1))
            {
                addOwned(held);
            }
        }

        @Actor
        public void holder2()
        {
            lock(2);
            final int held = increment(2);
            if (unlock(2))
            {
                addOwned(held);
            }
        }

        private synchronized void addOwned(final int held)
        {
            owned += held;
        }

        @Arbiter
        public void arbiter(final II_Result r)
        {
            r.r1 = (int)heap.getLongAcquire(VALUE_OFFSET);
            r.r2 = owned;
        }
    }

    /**
     * Both actors try the lock once and keep it: at most one succeeds.
     */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "Actor 1 took the lock; actor 2 saw it held")
    @Outcome(id = "0, 2", expect = ACCEPTABLE, desc = "Actor 2 took the lock; actor 1 saw it held")
    @Outcome(id = "1, 2", expect = FORBIDDEN, desc = "Both actors took the lock: mutual exclusion broken")
    @Outcome(expect = FORBIDDEN, desc = "Nobody took a free lock")
    @State
    public static class TryLockOnce extends MutexWord
    {
        @Actor
        public void holder1(final JJ_Result r)
        {
            r.r1 = tryLock(1) ? 1 : 0;
        }

        @Actor
        public void holder2(final JJ_Result r)
        {
            r.r2 = tryLock(2) ? 2 : 0;
        }
    }
}
