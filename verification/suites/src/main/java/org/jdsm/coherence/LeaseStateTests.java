package org.jdsm.coherence;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The local state word of a migrating {@code DMutex} ({@link LeaseState}, used by {@link MutexLease}): a request
 * from the next node in the queue, recorded by the transport's receiving thread, races a local unlock or lock.
 * Whatever the interleaving, the lease is handed over exactly once: never lost (nobody sends it, the requester
 * waits for ever) and never twice.
 */
public final class LeaseStateTests
{
    private LeaseStateTests()
    {
    }

    /**
     * The lock holder unlocks while a request arrives. r1: the unlocking thread hands over; r2: the receiving
     * thread hands over; r3: the state word at the end ({@link LeaseState#HANDING} = 4).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 4", expect = ACCEPTABLE, desc = "The unlocking thread saw the request and hands over")
    @Outcome(id = "0, 1, 4", expect = ACCEPTABLE, desc = "The lease was free when the request came: it hands over")
    @Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "Nobody hands over: the requester waits for ever")
    @Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "Both hand over: two nodes would hold the lease")
    @Outcome(expect = FORBIDDEN, desc = "The state word ended neither handing over nor consistent")
    @State
    public static class UnlockAgainstRequest
    {
        final LeaseState state = new LeaseState(LeaseState.LOCKED);

        @Actor
        public void unlock(final III_Result r)
        {
            r.r1 = state.unlock() ? 1 : 0;
        }

        @Actor
        public void request(final III_Result r)
        {
            r.r2 = state.request(7) ? 1 : 0;
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            r.r3 = state.get();
        }
    }

    /**
     * A local thread locks a free lease and unlocks it while a request arrives. r1: -1 if the local lock failed,
     * else whether its unlock hands over; r2: whether the receiving thread hands over; r3: the state word at the
     * end.
     */
    @JCStressTest
    @Outcome(id = "1, 0, 4", expect = ACCEPTABLE, desc = "Local lock first; its unlock saw the request, hands over")
    @Outcome(id = "-1, 1, 4", expect = ACCEPTABLE, desc = "The request took the free lease before the local lock")
    @Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "Locked and unlocked, request unanswered: lease lost")
    @Outcome(id = "-1, 0, .*", expect = FORBIDDEN, desc = "Nobody locked, nobody hands over: lease stuck")
    @Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "Both hand over: two nodes would hold the lease")
    @Outcome(id = "0, 1, 4", expect = ACCEPTABLE, desc = "Lock and unlock before the request, which found it free")
    @Outcome(expect = FORBIDDEN, desc = "Any other outcome breaks the protocol")
    @State
    public static class LockUnlockAgainstRequest
    {
        final LeaseState state = new LeaseState(LeaseState.FREE);

        @Actor
        public void lockThenUnlock(final III_Result r)
        {
            if (state.compareAndSet(LeaseState.FREE, LeaseState.LOCKED))
            {
                r.r1 = state.unlock() ? 1 : 0;
            }
            else
            {
                r.r1 = -1;
            }
        }

        @Actor
        public void request(final III_Result r)
        {
            r.r2 = state.request(7) ? 1 : 0;
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            r.r3 = state.get();
        }
    }
}
