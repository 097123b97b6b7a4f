package org.jdsm.apps.dataframe;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.Codec;
import org.jdsm.HandleContext;

/**
 * One self-contained piece of a partial aggregate as a task ships it: the groups [from, to) of a {@link GroupTable},
 * written by {@link #CODEC} straight into the box that carries it (no intermediate array), or, read back from a box,
 * the bytes of such a piece. The driver reads a piece's bytes in place ({@code Ref.buffer()}), it does not decode
 * one into a {@code Partial}.
 * <p>
 * <b>Note:</b> immutable once made, but it refers to its table, which must not change until the piece is written.
 */
final class Partial
{
    /**
     * The layout of a piece in the heap: exactly the bytes of {@link GroupTable}'s partial-aggregate layout.
     */
    static final Codec<Partial> CODEC = PartialCodec.INSTANCE;

    private final GroupTable table;
    private final int from;
    private final int to;
    private final byte[] bytes;
    private final int length;

    private Partial(final GroupTable table, final int from, final int to, final byte[] bytes, final int length)
    {
        this.table = table;
        this.from = from;
        this.to = to;
        this.bytes = bytes;
        this.length = length;
    }

    /**
     * The groups [from, to) of a table.
     *
     * @param table of a slice.
     * @param from  first group.
     * @param to    end of the groups.
     * @return the piece, not yet written.
     * @throws DataFrameException if the piece would be 2 GiB or more.
     */
    static Partial of(final GroupTable table, final int from, final int to)
    {
        final long length = table.encodedLength(from, to);
        if (length > Integer.MAX_VALUE - 8)
        {
            throw new DataFrameException("a partial of groups [" + from + ", " + to + ") is " + length +
                " bytes, past the largest array");
        }
        return new Partial(table, from, to, null, (int)length);
    }

    /**
     * Length in bytes of the piece.
     *
     * @return the length.
     */
    int length()
    {
        return length;
    }

    /**
     * Write the piece at an offset of a buffer with room for {@link #length()} bytes.
     *
     * @param buffer to write to.
     * @param offset at which to write.
     */
    void writeTo(final MutableDirectBuffer buffer, final int offset)
    {
        if (null != bytes)
        {
            buffer.putBytes(offset, bytes, 0, length);
            return;
        }
        final Cursor out = Cursor.writer(buffer, offset);
        table.encode(out, from, to);
        if (out.position() - offset != length)
        {
            // encodedLength and encode disagree: a bug, never a silent overrun of the next object
            throw new DataFrameException("partial of groups [" + from + ", " + to + ") wrote " +
                (out.position() - offset) + " bytes, not the " + length + " it said");
        }
    }

    /**
     * The piece's bytes in an array of their own.
     *
     * @return the bytes.
     */
    byte[] toBytes()
    {
        final byte[] array = new byte[length];
        writeTo(new UnsafeBuffer(array), 0);
        return array;
    }

    /**
     * {@link Partial#CODEC}: a piece as its bytes; read back as a piece holding a copy of them.
     */
    private enum PartialCodec implements Codec<Partial>
    {
        INSTANCE;

        public int fixedLength()
        {
            return VARIABLE_LENGTH;
        }

        public int encodedLength(final Partial value)
        {
            return value.length;
        }

        public void encode(
            final Partial value, final MutableDirectBuffer buffer, final int offset, final HandleContext handles)
        {
            value.writeTo(buffer, offset);
        }

        public Partial decode(
            final DirectBuffer buffer, final int offset, final int length, final HandleContext handles)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes, 0, length);
            return new Partial(null, 0, 0, bytes, length);
        }
    }
}
