package org.jdsm.coherence;

import org.jdsm.BorrowException;
import org.jdsm.Codecs;
import org.jdsm.verification.LincheckRuns;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The borrow state word of a {@link BoxHandle} ({@link BorrowState}) under Lincheck: the handle's own
 * acquire/release of shared and exclusive borrows and of a move, checked against {@link BorrowSpec}, a sequential
 * readers-writer word: many Refs or one Mut, none while moved. Each thread remembers what it holds, so it only
 * releases its own borrows. {@code LincheckNegativeControlTest} runs {@link Broken}, whose exclusive borrow checks
 * the word and then sets it, and requires a failure.
 */
public class BorrowStateLincheckTest
{
    private static final int THREADS = 4;
    private static final long REMOTE_ADDRESS = GlobalAddress.compose(0, 1, 64);

    final Word box = word();
    final int[] refs = new int[THREADS];
    final boolean[] mut = new boolean[THREADS];
    final boolean[] moved = new boolean[THREADS];

    /**
     * @param thread Lincheck's thread id.
     * @return true if a Ref was taken.
     */
    @Operation
    public boolean read(@Param(gen = ThreadIdGen.class) final int thread)
    {
        try
        {
            box.acquireRead();
            refs[thread]++;
            return true;
        }
        catch (final BorrowException ex)
        {
            return false;
        }
    }

    /**
     * @param thread Lincheck's thread id.
     * @return true if a Mut was taken.
     */
    @Operation
    public boolean write(@Param(gen = ThreadIdGen.class) final int thread)
    {
        try
        {
            box.acquireWrite();
            mut[thread] = true;
            return true;
        }
        catch (final BorrowException ex)
        {
            return false;
        }
    }

    /**
     * @return the word under test: a real handle's.
     */
    Word word()
    {
        // a handle of an object on node 1 of the shared heap of a node of one: the word's methods never reach a heap
        final BoxHandle<Long> handle = new BoxHandle<>(JcstressEngine.HEAP, Codecs.LONG, REMOTE_ADDRESS, 8);
        return new Word()
        {
            public void acquireRead()
            {
                handle.acquireRead();
            }

            public void releaseRead()
            {
                handle.releaseRead();
            }

            public void acquireWrite()
            {
                handle.acquireWrite();
            }

            public void releaseWrite()
            {
                handle.releaseWrite();
            }

            public void moveOut(final String destination)
            {
                handle.moveOut(destination);
            }

            public void undoMoveOut()
            {
                handle.undoMoveOut();
            }
        };
    }

    /**
     * The borrow word's operations, as {@link BoxHandle} has them.
     */
    interface Word
    {
        void acquireRead();

        void releaseRead();

        void acquireWrite();

        void releaseWrite();

        void moveOut(String destination);

        void undoMoveOut();
    }

    /**
     * Move the handle out, or undo this thread's move.
     *
     * @param thread Lincheck's thread id.
     * @return true if moved out or the move undone.
     */
    @Operation
    public boolean moveOrUndo(@Param(gen = ThreadIdGen.class) final int thread)
    {
        if (moved[thread])
        {
            moved[thread] = false;
            box.undoMoveOut();
            return true;
        }
        try
        {
            box.moveOut("a task");
            moved[thread] = true;
            return true;
        }
        catch (final BorrowException ex)
        {
            return false;
        }
    }

    /**
     * Release this thread's Mut, else one of its Refs.
     *
     * @param thread Lincheck's thread id.
     * @return true if it held something to release.
     */
    @Operation
    public boolean release(@Param(gen = ThreadIdGen.class) final int thread)
    {
        if (mut[thread])
        {
            mut[thread] = false;
            box.releaseWrite();
            return true;
        }
        if (refs[thread] > 0)
        {
            refs[thread]--;
            box.releaseRead();
            return true;
        }
        return false;
    }

    @Test
    void stressTest()
    {
        startEngine();
        LincheckRuns.stress(BorrowSpec.class).check(getClass());
    }

    @Test
    void modelCheckingTest()
    {
        startEngine();
        LincheckRuns.modelChecking(BorrowSpec.class).check(getClass());
    }

    /**
     * Start the shared engine outside Lincheck's runs, so its threads are not started under the model checker.
     */
    public static void startEngine()
    {
        if (null == JcstressEngine.HEAP)
        {
            throw new IllegalStateException("the shared engine did not start");
        }
    }

    /**
     * The sequential word: readers, a writer, moved; and what each thread holds.
     */
    public static class BorrowSpec
    {
        private int readers;
        private boolean writer;
        private boolean isMoved;
        private final int[] refs = new int[THREADS];
        private final boolean[] mut = new boolean[THREADS];
        private final boolean[] moved = new boolean[THREADS];

        public boolean read(final int thread)
        {
            if (writer || isMoved)
            {
                return false;
            }
            readers++;
            refs[thread]++;
            return true;
        }

        public boolean write(final int thread)
        {
            if (writer || isMoved || readers > 0)
            {
                return false;
            }
            writer = true;
            mut[thread] = true;
            return true;
        }

        public boolean moveOrUndo(final int thread)
        {
            if (moved[thread])
            {
                moved[thread] = false;
                isMoved = false;
                return true;
            }
            if (writer || isMoved || readers > 0)
            {
                return false;
            }
            isMoved = true;
            moved[thread] = true;
            return true;
        }

        public boolean release(final int thread)
        {
            if (mut[thread])
            {
                mut[thread] = false;
                writer = false;
                return true;
            }
            if (refs[thread] > 0)
            {
                refs[thread]--;
                readers--;
                return true;
            }
            return false;
        }
    }

    /**
     * Negative control: {@link BoxHandle}'s word copied with one bug: the exclusive borrow reads the word, then writes
     * it, so two writers (or a writer and a reader) can both see it free.
     */
    public static class Broken extends BorrowStateLincheckTest
    {
        @Override
        Word word()
        {
            return new Word()
            {
                private final AtomicLong state = new AtomicLong();

                public void acquireRead()
                {
                    while (true)
                    {
                        final long current = state.get();
                        if ((current & (BorrowState.WRITER | BorrowState.UNUSABLE)) != 0)
                        {
                            throw new BorrowException("read() refused");
                        }
                        if (state.compareAndSet(current, current + 1))
                        {
                            return;
                        }
                    }
                }

                public void releaseRead()
                {
                    state.getAndAdd(-1L);
                }

                public void acquireWrite()
                {
                    if (0L != state.get())
                    {
                        throw new BorrowException("write() refused");
                    }
                    state.set(BorrowState.WRITER);
                }

                public void releaseWrite()
                {
                    state.set(0L);
                }

                public void moveOut(final String destination)
                {
                    if (!state.compareAndSet(0L, BorrowState.MOVED))
                    {
                        throw new BorrowException("move refused");
                    }
                }

                public void undoMoveOut()
                {
                    state.set(0L);
                }
            };
        }
    }
}
