package org.jdsm.coherence;

import org.jdsm.verification.LincheckRuns;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

import static org.jdsm.coherence.LeaseState.FREE;
import static org.jdsm.coherence.LeaseState.HANDING;
import static org.jdsm.coherence.LeaseState.LOCKED;
import static org.jdsm.coherence.LeaseState.NONE;

/**
 * The local state word of a migrating {@code DMutex} lease ({@link LeaseState}) under Lincheck: the lock holder's
 * lock and unlock against the receiving thread's record of a successor's request, checked against
 * {@link LeaseSpec}: an unlock racing a request hands the lease over exactly once (never twice, never lost). The
 * holder's operations run on one thread and the receiver's on another, as in the engine (see the class comment of
 * {@link LeaseState}); the receiver records one request, as a node has at most one successor per hand-over (a
 * second request racing the first can hand over in its place, which is still exactly once but not this model).
 * {@code LincheckNegativeControlTest} runs {@link Broken}, whose unlock does not look for a
 * request again after it freed the lease, and requires a failure.
 */
public class LeaseStateLincheckTest
{
    final LeaseState lease = new LeaseState(FREE);
    /** The receiving thread's own: a node has at most one successor per hand-over, so it records one request. */
    private boolean requested;

    /**
     * @return true if the lease was here and free, and is now locked.
     */
    @Operation(nonParallelGroup = "holder")
    public boolean lock()
    {
        return lease.compareAndSet(FREE, LOCKED);
    }

    /**
     * @return -1 if not locked, 1 if the holder must hand the lease over, 0 if it is free here.
     */
    @Operation(nonParallelGroup = "holder")
    public int unlock()
    {
        if (LOCKED != lease.get())
        {
            return -1;
        }
        return lease.unlock() ? 1 : 0;
    }

    /**
     * @return true if the receiving thread must hand the lease over (it was free); false if the holder will at its
     * unlock, or this is not the first request.
     */
    @Operation(nonParallelGroup = "receiver")
    public boolean request()
    {
        if (requested)
        {
            return false;
        }
        requested = true;
        return lease.request(1);
    }

    @Test
    void stressTest()
    {
        LincheckRuns.stress(LeaseSpec.class).check(getClass());
    }

    @Test
    void modelCheckingTest()
    {
        LincheckRuns.modelChecking(LeaseSpec.class).check(getClass());
    }

    /**
     * The sequential lease: a state and whether a successor asked.
     */
    public static class LeaseSpec
    {
        private int state = FREE;
        private boolean successor;

        public boolean lock()
        {
            if (FREE != state)
            {
                return false;
            }
            state = LOCKED;
            return true;
        }

        public int unlock()
        {
            if (LOCKED != state)
            {
                return -1;
            }
            if (successor)
            {
                state = HANDING;
                return 1;
            }
            state = FREE;
            return 0;
        }

        public boolean request()
        {
            if (successor)
            {
                return false;
            }
            successor = true;
            if (FREE == state)
            {
                state = HANDING;
                return true;
            }
            return false;
        }
    }

    /**
     * Negative control: an unlock that reads the successor once, then frees the lease. A request recorded between
     * the read and the write finds the lease still locked, and the unlock does not see it: nobody hands over.
     */
    public static class Broken extends LeaseStateLincheckTest
    {
        @Override
        @Operation(nonParallelGroup = "holder")
        public int unlock()
        {
            if (LOCKED != lease.get())
            {
                return -1;
            }
            if (NONE != lease.successor())
            {
                lease.set(HANDING);
                return 1;
            }
            lease.set(FREE);
            return 0;
        }
    }
}
