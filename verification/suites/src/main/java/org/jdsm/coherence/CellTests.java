package org.jdsm.coherence;

import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.Codecs;
import org.jdsm.DCell;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.JJ_Result;
import org.openjdk.jcstress.infra.results.J_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A {@link CellHandle} on the reader's own node with no backups, the local read path: the cell's word is read by a
 * volatile load (no fetch-and-add), and the value's block is read in place between its live header and a re-read
 * of the header, a seqlock whose sequence is the header (a block's colour changes when it is freed, before it can
 * be reused). Cells are made in the shared {@link JcstressEngine#HEAP} and closed (freed) by each arbiter.
 */
public final class CellTests
{
    private static final int WORDS = 8;

    private CellTests()
    {
    }

    private static long[] filled(final long value)
    {
        final long[] words = new long[WORDS];
        java.util.Arrays.fill(words, value);
        return words;
    }

    /**
     * A reader reads a cell's value in place, its first and last words, while a writer sets it twice: the second
     * value goes into a new block, most often the first value's block, freed by the first set and reused at once
     * (same size class, last in first out). r1, r2: the first and last words the reader returned.
     */
    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Read before the first set")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Read between the sets")
    @Outcome(id = "2, 2", expect = ACCEPTABLE, desc = "Read after the second set")
    @Outcome(expect = FORBIDDEN, desc = "Words of two values in one read: a freed block reused under the reader")
    @State
    public static class InPlaceReadVersusReuse
    {
        final DCell<long[]> cell = CellHandle.create(JcstressEngine.HEAP, Codecs.LONGS, filled(0), 0);

        @Actor
        public void reader(final JJ_Result r)
        {
            final long[] seen = cell.read((buffer, offset, length) ->
                new long[] { buffer.getLong(offset), buffer.getLong(offset + length - 8) });
            r.r1 = seen[0];
            r.r2 = seen[1];
        }

        @Actor
        public void writer()
        {
            cell.set(filled(1));
            cell.set(filled(2));
        }

        @Arbiter
        public void arbiter(final JJ_Result r)
        {
            cell.close();
        }
    }

    /**
     * What a remote {@link DCell} miss gets from the value's home ({@code Transport.readValidated}): the home copies
     * the block, header first, between two volatile reads of the header ({@link HeapSlice#getBytesValidated}),
     * while a writer sets the cell twice, freeing the first value's block and most often reusing it at once. A copy
     * that still shows the first value's header must hold the first value: the reader publishes such a copy without
     * reading the cell's word again. r1, r2: the copy's first and last payload words under the first value's header;
     * -1, -1 when the copy's header is 0 (the header changed during the copy); -2, -2 for another header (the block
     * was freed, or reused, before the copy began).
     */
    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Copied before the first value's block was freed")
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "The header changed during the copy: the copy is refused")
    @Outcome(id = "-2, -2", expect = ACCEPTABLE, desc = "Freed or reused before the copy: another header")
    @Outcome(expect = FORBIDDEN, desc = "Another value's words under the first value's header: a torn copy passed")
    @State
    public static class ValidatedCopyVersusReuse
    {
        final CellHandle<long[]> cell = CellHandle.create(JcstressEngine.HEAP, Codecs.LONGS, filled(0), 0);
        final long headerOffset = GlobalAddress.offset(
            JcstressEngine.HEAP.atomicRead(cell.address, CellHandle.VALUE_WORD_OFFSET) & ~CellHandle.FLAGS);
        final long firstHeader = JcstressEngine.HEAP.region().getLongVolatile(headerOffset);
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[BlockDescriptor.HEADER_LENGTH + WORDS * Long.BYTES]);

        @Actor
        public void home(final JJ_Result r)
        {
            JcstressEngine.HEAP.region().getBytesValidated(headerOffset, copy, 0, copy.capacity());
            final long header = copy.getLong(0);
            if (0 == header)
            {
                r.r1 = -1;
                r.r2 = -1;
            }
            else if (header != firstHeader)
            {
                r.r1 = -2;
                r.r2 = -2;
            }
            else
            {
                r.r1 = copy.getLong(BlockDescriptor.HEADER_LENGTH);
                r.r2 = copy.getLong(copy.capacity() - Long.BYTES);
            }
        }

        @Actor
        public void writer()
        {
            cell.set(filled(1));
            cell.set(filled(2));
        }

        @Arbiter
        public void arbiter(final JJ_Result r)
        {
            cell.close();
        }
    }

    /**
     * What a remote {@link DCell} read gets from the cell's home in one indirect read ({@code Transport.readIndirect}):
     * the home reads the cell's word, asks its slice where the word points ({@link HeapSlice#indirectOffset}) and
     * copies that block between two volatile reads of its header, while a writer sets the cell twice, freeing the first
     * value's block and most often reusing it at once; the reader keeps the copy only if its header is live with the
     * word's colour ({@link CellHandle#checkHeader}). A kept copy must hold the value the word named. r1: 0 when the
     * word named the first value, 9 when a later one; r2: the value the kept copy holds (its first and last words
     * agree), -1 when the copy was refused, -3 when its first and last words disagree.
     */
    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The first value, with the word that named it")
    @Outcome(id = {"9, 1", "9, 2"}, expect = ACCEPTABLE, desc = "A later value, with the word that named it")
    @Outcome(id = {"0, -1", "9, -1"}, expect = ACCEPTABLE, desc = "Freed or reused during the copy: refused")
    @Outcome(expect = FORBIDDEN, desc = "A copy kept under a word that named another value, or torn")
    @State
    public static class IndirectCopyVersusReuse
    {
        final CellHandle<long[]> cell = CellHandle.create(JcstressEngine.HEAP, Codecs.LONGS, filled(0), 0);
        final long wordOffset = GlobalAddress.offset(cell.address) + BlockDescriptor.HEADER_LENGTH +
            CellHandle.VALUE_WORD_OFFSET;
        final long firstWord = JcstressEngine.HEAP.region().getLongVolatile(wordOffset);
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[BlockDescriptor.HEADER_LENGTH + WORDS * Long.BYTES]);

        @Actor
        public void home(final JJ_Result r)
        {
            final HeapSlice region = JcstressEngine.HEAP.region();
            final long word = region.getLongVolatile(wordOffset);
            region.getBytesValidated(region.indirectOffset(word), copy, 0, copy.capacity());
            r.r1 = word == firstWord ? 0 : 9;
            if (CellHandle.checkHeader(word & ~CellHandle.FLAGS, copy.getLong(0)) < 0)
            {
                r.r2 = -1;
            }
            else
            {
                final long first = copy.getLong(BlockDescriptor.HEADER_LENGTH);
                r.r2 = first == copy.getLong(copy.capacity() - Long.BYTES) ? first : -3;
            }
        }

        @Actor
        public void writer()
        {
            cell.set(filled(1));
            cell.set(filled(2));
        }

        @Arbiter
        public void arbiter(final JJ_Result r)
        {
            cell.close();
        }
    }

    /**
     * Each actor sets its own cell, then reads the other's (store buffering, Dekker): linearizable cells never let
     * both reads miss both writes. r1: what the first actor read of the second cell; r2: the converse.
     */
    @JCStressTest
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "First actor ran wholly before the second")
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "Second actor ran wholly before the first")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Both set before either read")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Both reads before both writes: not linearizable")
    @Outcome(expect = FORBIDDEN, desc = "A value nobody wrote")
    @State
    public static class SetThenReadOther
    {
        final DCell<Long> first = CellHandle.create(JcstressEngine.HEAP, Codecs.LONG, 0L, 0);
        final DCell<Long> second = CellHandle.create(JcstressEngine.HEAP, Codecs.LONG, 0L, 0);

        @Actor
        public void setFirstReadSecond(final II_Result r)
        {
            first.set(1L);
            r.r1 = second.read((buffer, offset, length) -> (int)buffer.getLong(offset));
        }

        @Actor
        public void setSecondReadFirst(final II_Result r)
        {
            second.set(1L);
            r.r2 = first.read((buffer, offset, length) -> (int)buffer.getLong(offset));
        }

        @Arbiter
        public void arbiter(final II_Result r)
        {
            first.close();
            second.close();
        }
    }

    /**
     * Two actors increment one cell by {@link DCell#update}, each through its own handle, both starting from the
     * word their handles last saw (the same one): the swap expects the word whose value the function saw, and a
     * failed swap's witness is where the retry starts, so no increment is lost. r1: the value at the end.
     */
    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "Both increments applied")
    @Outcome(id = "1", expect = FORBIDDEN, desc = "An increment lost: a swap from a stale word succeeded")
    @Outcome(expect = FORBIDDEN, desc = "Any other value")
    @State
    public static class UpdateVersusUpdate
    {
        final CellHandle<Long> cell = CellHandle.create(JcstressEngine.HEAP, Codecs.LONG, 0L, 0);
        final DCell<Long> other = cell.share();

        @Actor
        public void increment1()
        {
            cell.update((value) -> value + 1);
        }

        @Actor
        public void increment2()
        {
            other.update((value) -> value + 1);
        }

        @Arbiter
        public void arbiter(final J_Result r)
        {
            r.r1 = cell.get();
            other.close();
            cell.close();
        }
    }
}
