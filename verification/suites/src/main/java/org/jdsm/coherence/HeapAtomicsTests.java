package org.jdsm.coherence;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJJ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The one-sided atomics a transport's responder applies to a node's {@link HeapSlice} on behalf of peers, while
 * the node's own threads apply the same atomics locally: fetch-add (reference counts of {@code DArc} and
 * {@code DMutex}) and compare-and-swap (lock words, block headers). No update is ever lost.
 */
public final class HeapAtomicsTests
{
    static final long WORD = 8;

    private HeapAtomicsTests()
    {
    }

    abstract static class Word
    {
        final HeapSlice heap = new HeapSlice(64, 64);
    }

    /**
     * Two fetch-adds of 1 on one word that starts at 0.
     */
    @JCStressTest
    @Outcome(id = "0, 1, 2", expect = ACCEPTABLE, desc = "Actor 1 added first")
    @Outcome(id = "1, 0, 2", expect = ACCEPTABLE, desc = "Actor 2 added first")
    @Outcome(id = "0, 0, 1", expect = FORBIDDEN, desc = "Both read 0: a fetch-add was lost")
    @Outcome(expect = FORBIDDEN, desc = "Any other result is corruption")
    @State
    public static class FetchAddFetchAdd extends Word
    {
        @Actor
        public void actor1(final JJJ_Result r)
        {
            r.r1 = heap.getAndAddLong(WORD, 1);
        }

        @Actor
        public void actor2(final JJJ_Result r)
        {
            r.r2 = heap.getAndAddLong(WORD, 1);
        }

        @Arbiter
        public void arbiter(final JJJ_Result r)
        {
            r.r3 = heap.getLongAcquire(WORD);
        }
    }

    /**
     * A reference count of 1: one handle is shared (+1) while another is dropped (-1).
     */
    @JCStressTest
    @Outcome(id = "1, 2, 1", expect = ACCEPTABLE, desc = "Share first (saw 1), then drop (saw 2)")
    @Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "Drop first (saw 1), then share (saw 0)")
    @Outcome(expect = FORBIDDEN, desc = "An increment or decrement was lost")
    @State
    public static class ShareRacesDrop extends Word
    {
        ShareRacesDrop()
        {
            heap.putLongRelease(WORD, 1);
        }

        @Actor
        public void share(final JJJ_Result r)
        {
            r.r1 = heap.getAndAddLong(WORD, 1);
        }

        @Actor
        public void drop(final JJJ_Result r)
        {
            r.r2 = heap.getAndAddLong(WORD, -1);
        }

        @Arbiter
        public void arbiter(final JJJ_Result r)
        {
            r.r3 = heap.getLongAcquire(WORD);
        }
    }

    /**
     * Two compare-and-swaps from 0: one to 1, one to 2. Exactly one wins, and the loser's witness is the winner's
     * value.
     */
    @JCStressTest
    @Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "Actor 1 won; actor 2 saw 1")
    @Outcome(id = "2, 0, 2", expect = ACCEPTABLE, desc = "Actor 2 won; actor 1 saw 2")
    @Outcome(id = "0, 0, 1", expect = FORBIDDEN, desc = "Both won, actor 1 last: a swap was lost")
    @Outcome(id = "0, 0, 2", expect = FORBIDDEN, desc = "Both won, actor 2 last: a swap was lost")
    @Outcome(expect = FORBIDDEN, desc = "Any other result is corruption")
    @State
    public static class CompareAndSwapRace extends Word
    {
        @Actor
        public void actor1(final JJJ_Result r)
        {
            r.r1 = heap.compareAndSwapLong(WORD, 0, 1);
        }

        @Actor
        public void actor2(final JJJ_Result r)
        {
            r.r2 = heap.compareAndSwapLong(WORD, 0, 2);
        }

        @Arbiter
        public void arbiter(final JJJ_Result r)
        {
            r.r3 = heap.getLongAcquire(WORD);
        }
    }
}
