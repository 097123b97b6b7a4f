package org.jdsm.coherence;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.J_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The read lease a cell's handle holds ({@link CellLease}): a thread records leases of the cell's words while
 * another reads the lease. The word and the end of its lease are one pair: a reader gets a word only within
 * that word's own lease, never a word with another word's end.
 */
public final class CellLeaseTests
{
    private static final long NOW = 1_000;
    private static final long WORD_A = 0x100;
    private static final long WORD_B = 0x200;

    private CellLeaseTests()
    {
    }

    /**
     * One thread records word A, whose lease has already ended at the reader's time, then word B, whose lease
     * lasts, while another thread reads at that time. r1: the word read, 0 for none.
     */
    @JCStressTest
    @Outcome(id = "0", expect = ACCEPTABLE, desc = "No lease in force: none recorded yet, A's, or B being recorded")
    @Outcome(id = "512", expect = ACCEPTABLE, desc = "B within its lease")
    @Outcome(id = "256", expect = FORBIDDEN, desc = "A, whose lease had ended: a torn pair, A's word with B's end")
    @Outcome(expect = FORBIDDEN, desc = "A word nobody recorded")
    @State
    public static class RecordsVersusRead
    {
        final CellLease lease = new CellLease();

        @Actor
        public void record()
        {
            lease.record(WORD_A, NOW - 1);
            lease.record(WORD_B, NOW + 1_000_000);
        }

        @Actor
        public void read(final J_Result r)
        {
            r.r1 = lease.word(NOW);
        }
    }
}
