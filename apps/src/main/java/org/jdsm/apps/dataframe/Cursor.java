package org.jdsm.apps.dataframe;

import org.agrona.MutableDirectBuffer;
import org.jdsm.PrimitiveArrayCopy;

/**
 * A position over a buffer for writing a partial aggregate, numbers in the platform's byte order; the buffer must
 * have room for all it is given ({@link GroupTable#encodedLength}).
 * <p>
 * <b>Note:</b> not threadsafe: one thread writes it.
 */
final class Cursor
{
    private final MutableDirectBuffer out;
    private int position;

    private Cursor(final MutableDirectBuffer out, final int position)
    {
        this.out = out;
        this.position = position;
    }

    /**
     * A writer into a buffer, from an offset.
     */
    static Cursor writer(final MutableDirectBuffer buffer, final int offset)
    {
        return new Cursor(buffer, offset);
    }

    int position()
    {
        return position;
    }

    void putInt(final int value)
    {
        out.putInt(position, value);
        position += Integer.BYTES;
    }

    void putLong(final long value)
    {
        out.putLong(position, value);
        position += Long.BYTES;
    }

    void putDouble(final double value)
    {
        out.putDouble(position, value);
        position += Double.BYTES;
    }

    void putInts(final int[] values, final int from, final int to)
    {
        PrimitiveArrayCopy.putInts(out, position, values, from, to - from);
        position += (to - from) * Integer.BYTES;
    }

    void putLongs(final long[] values, final int from, final int to)
    {
        PrimitiveArrayCopy.putLongs(out, position, values, from, to - from);
        position += (to - from) * Long.BYTES;
    }

    void putDoubles(final double[] values, final int from, final int to)
    {
        PrimitiveArrayCopy.putDoubles(out, position, values, from, to - from);
        position += (to - from) * Double.BYTES;
    }
}
