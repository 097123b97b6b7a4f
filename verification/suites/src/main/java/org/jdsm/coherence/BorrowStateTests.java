package org.jdsm.coherence;

import org.jdsm.BorrowException;
import org.jdsm.Codecs;
import org.jdsm.Mut;
import org.jdsm.Ref;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.ZZ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The borrow state word of a {@link BoxHandle} (see {@link BorrowState}): many readers or one writer, never both,
 * never two writers, and nothing after a move or a free. Actors keep what they borrowed open, so any outcome where
 * both succeed means two conflicting borrows were open at once; the arbiter closes them and frees the object.
 */
public final class BorrowStateTests
{
    private BorrowStateTests()
    {
    }

    /**
     * A box of a local object in the shared engine, and the borrows its actors took.
     */
    abstract static class BoxState
    {
        final BoxHandle<Long> box = JcstressEngine.HEAP.newBox(-1, Codecs.LONG, 0L);
        Ref<Long> ref1;
        Ref<Long> ref2;
        Mut<Long> mut1;
        Mut<Long> mut2;

        void releaseAndFree()
        {
            closeAll();
            box.close();
        }

        void closeAll()
        {
            if (null != ref1)
            {
                ref1.close();
            }
            if (null != ref2)
            {
                ref2.close();
            }
            if (null != mut1)
            {
                mut1.close();
            }
            if (null != mut2)
            {
                mut2.close();
            }
        }
    }

    /**
     * {@code read()} races {@code write()} on one box.
     */
    @JCStressTest
    @Outcome(id = "true, false", expect = ACCEPTABLE, desc = "Reader first: the write was refused while a Ref is open")
    @Outcome(id = "false, true", expect = ACCEPTABLE, desc = "Writer first: the read was refused while a Mut is open")
    @Outcome(id = "true, true", expect = FORBIDDEN, desc = "A Ref and a Mut open at once: writer beside a reader")
    @Outcome(id = "false, false", expect = FORBIDDEN, desc = "Both refused with no conflicting borrow open")
    @State
    public static class ReadVersusWrite extends BoxState
    {
        @Actor
        public void reader(final ZZ_Result r)
        {
            try
            {
                ref1 = box.read();
                r.r1 = true;
            }
            catch (final BorrowException ex)
            {
                r.r1 = false;
            }
        }

        @Actor
        public void writer(final ZZ_Result r)
        {
            try
            {
                mut2 = box.write();
                mut2.setLong(1);
                r.r2 = true;
            }
            catch (final BorrowException ex)
            {
                r.r2 = false;
            }
        }

        @Arbiter
        public void arbiter(final ZZ_Result r)
        {
            releaseAndFree();
        }
    }

    /**
     * Two {@code write()}s race on one box.
     */
    @JCStressTest
    @Outcome(id = "true, false", expect = ACCEPTABLE, desc = "Actor 1 took the Mut, actor 2 was refused")
    @Outcome(id = "false, true", expect = ACCEPTABLE, desc = "Actor 2 took the Mut, actor 1 was refused")
    @Outcome(id = "true, true", expect = FORBIDDEN, desc = "Two Muts open at once: two writers")
    @Outcome(id = "false, false", expect = FORBIDDEN, desc = "Both refused with no conflicting borrow open")
    @State
    public static class WriteVersusWrite extends BoxState
    {
        @Actor
        public void writer1(final ZZ_Result r)
        {
            try
            {
                mut1 = box.write();
                r.r1 = true;
            }
            catch (final BorrowException ex)
            {
                r.r1 = false;
            }
        }

        @Actor
        public void writer2(final ZZ_Result r)
        {
            try
            {
                mut2 = box.write();
                r.r2 = true;
            }
            catch (final BorrowException ex)
            {
                r.r2 = false;
            }
        }

        @Arbiter
        public void arbiter(final ZZ_Result r)
        {
            releaseAndFree();
        }
    }

    /**
     * Two {@code read()}s race on one box: shared borrows never refuse each other.
     */
    @JCStressTest
    @Outcome(id = "true, true", expect = ACCEPTABLE, desc = "Both Refs open at once: readers share")
    @Outcome(expect = FORBIDDEN, desc = "A reader was refused by another reader: the readers count lost an update")
    @State
    public static class ReadVersusRead extends BoxState
    {
        @Actor
        public void reader1(final ZZ_Result r)
        {
            try
            {
                ref1 = box.read();
                r.r1 = ref1.getLong() == 0;
            }
            catch (final BorrowException ex)
            {
                r.r1 = false;
            }
        }

        @Actor
        public void reader2(final ZZ_Result r)
        {
            try
            {
                ref2 = box.read();
                r.r2 = ref2.getLong() == 0;
            }
            catch (final BorrowException ex)
            {
                r.r2 = false;
            }
        }

        @Arbiter
        public void arbiter(final ZZ_Result r)
        {
            closeAll();
            // both readers gone: the word must be back at zero, so a write must now succeed
            try (Mut<Long> mut = box.write())
            {
                mut.setLong(2);
            }
            catch (final BorrowException ex)
            {
                r.r1 = false;
                r.r2 = false;
            }
            box.close();
        }
    }

    /**
     * A move of the box (into a task) races {@code read()}.
     */
    @JCStressTest
    @Outcome(id = "true, false", expect = ACCEPTABLE, desc = "Moved first: the read of the consumed handle was refused")
    @Outcome(id = "false, true", expect = ACCEPTABLE, desc = "Read first: the move was refused while a Ref is open")
    @Outcome(id = "true, true", expect = FORBIDDEN, desc = "Moved away while a Ref of it is open")
    @Outcome(id = "false, false", expect = FORBIDDEN, desc = "Both refused with no conflicting use")
    @State
    public static class MoveVersusRead extends BoxState
    {
        boolean moved;

        @Actor
        public void mover(final ZZ_Result r)
        {
            try
            {
                box.moveOut("a task on node 1");
                moved = true;
                r.r1 = true;
            }
            catch (final BorrowException ex)
            {
                r.r1 = false;
            }
        }

        @Actor
        public void reader(final ZZ_Result r)
        {
            try
            {
                ref2 = box.read();
                r.r2 = true;
            }
            catch (final BorrowException ex)
            {
                r.r2 = false;
            }
        }

        @Arbiter
        public void arbiter(final ZZ_Result r)
        {
            closeAll();
            if (moved)
            {
                box.undoMoveOut();
            }
            box.close();
        }
    }

    /**
     * Freeing the box ({@code close()}) races {@code read()}.
     */
    @JCStressTest
    @Outcome(id = "true, false", expect = ACCEPTABLE, desc = "Freed first: the read after the free was refused")
    @Outcome(id = "false, true", expect = ACCEPTABLE, desc = "Read first: the free was refused while a Ref is open")
    @Outcome(id = "true, true", expect = FORBIDDEN, desc = "Freed while a Ref of it is open: use after free")
    @Outcome(id = "false, false", expect = FORBIDDEN, desc = "Both refused with no conflicting use")
    @State
    public static class FreeVersusRead extends BoxState
    {
        boolean freed;

        @Actor
        public void freer(final ZZ_Result r)
        {
            try
            {
                box.close();
                freed = true;
                r.r1 = true;
            }
            catch (final BorrowException ex)
            {
                r.r1 = false;
            }
        }

        @Actor
        public void reader(final ZZ_Result r)
        {
            try
            {
                ref2 = box.read();
                r.r2 = true;
            }
            catch (final BorrowException ex)
            {
                r.r2 = false;
            }
        }

        @Arbiter
        public void arbiter(final ZZ_Result r)
        {
            closeAll();
            if (!freed)
            {
                box.close();
            }
        }
    }

    /**
     * A leased cache hit of a remote box (no atomic, see {@link ReaderLeases}) races {@code write()} on another
     * thread. The reader actor becomes the box's lessee (a counted hit takes the lease), then opens a leased Ref and
     * keeps it; the writer keeps its Mut, which moves the object to the reader's node and sets it to 1. Results: reader
     * opened (1) or refused (0), writer opened (1) or refused (0), value the reader read (-1 if none).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "Reader first: the write was refused while the Ref is open")
    @Outcome(id = "0, 1, -1", expect = ACCEPTABLE, desc = "Writer first: the read was refused while a Mut is open")
    @Outcome(id = "1, 1, 0", expect = ACCEPTABLE_INTERESTING,
        desc = "A racing read and write with no happens-before: detected best-effort only; the Ref read the " +
        "consistent leased copy of the value before the write")
    @Outcome(id = "1, 1, 1", expect = FORBIDDEN, desc = "The Ref read the writer's value: not the copy it leased")
    @Outcome(id = "0, 0, -1", expect = FORBIDDEN, desc = "Both refused with no conflicting borrow open")
    @Outcome(expect = FORBIDDEN, desc = "Any other value: the leased copy was evicted and its block reused")
    @State
    public static class LeasedReadVersusWrite
    {
        final BoxHandle<Long> box = (BoxHandle<Long>)JcstressTwoNodes.READER.allocOn(1, Codecs.LONG, 0L);
        Ref<Long> ref;
        Mut<Long> mut;

        public LeasedReadVersusWrite()
        {
            // the miss: the copy is fetched and remembered by the box, no lease yet
            try (Ref<Long> miss = box.read())
            {
                miss.getLong();
            }
        }

        @Actor
        public void reader(final III_Result r)
        {
            r.r3 = -1;
            try
            {
                box.read().close();
                ref = box.read();
                r.r3 = (int)ref.getLong();
                r.r1 = 1;
            }
            catch (final BorrowException ex)
            {
                r.r1 = 0;
            }
        }

        @Actor
        public void writer(final III_Result r)
        {
            try
            {
                mut = box.write();
                mut.setLong(1);
                r.r2 = 1;
            }
            catch (final BorrowException ex)
            {
                r.r2 = 0;
            }
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            if (null != ref)
            {
                ref.close();
            }
            if (null != mut)
            {
                mut.close();
            }
            box.close();
        }
    }
}
