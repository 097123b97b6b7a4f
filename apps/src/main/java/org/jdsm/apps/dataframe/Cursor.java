package org.jdsm.apps.dataframe;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.jdsm.PrimitiveArrayCopy;

/**
 * A position over a buffer for writing or reading a partial aggregate, numbers in the platform's byte order; a
 * writer of its own buffer grows it as needed.
 * <p>
 * <b>Note:</b> not threadsafe: one thread writes or reads it.
 */
final class Cursor
{
    private final MutableDirectBuffer out;
    private final DirectBuffer in;
    private int position;

    private Cursor(final MutableDirectBuffer out, final DirectBuffer in)
    {
        this.out = out;
        this.in = in;
    }

    static Cursor writer(final int initialCapacity)
    {
        return new Cursor(new ExpandableArrayBuffer(initialCapacity), null);
    }

    /**
     * A writer into a buffer of the caller's, from an offset, which must have room for all it will write.
     */
    static Cursor writer(final MutableDirectBuffer buffer, final int offset)
    {
        final Cursor cursor = new Cursor(buffer, null);
        cursor.position = offset;
        return cursor;
    }

    static Cursor reader(final DirectBuffer buffer)
    {
        return new Cursor(null, buffer);
    }

    void reset()
    {
        position = 0;
    }

    int position()
    {
        return position;
    }

    DirectBuffer buffer()
    {
        return null == out ? in : out;
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

    int getInt()
    {
        final int value = in.getInt(position);
        position += Integer.BYTES;
        return value;
    }

    long getLong()
    {
        final long value = in.getLong(position);
        position += Long.BYTES;
        return value;
    }

    double getDouble()
    {
        final double value = in.getDouble(position);
        position += Double.BYTES;
        return value;
    }

    void getInts(final int[] values, final int count)
    {
        PrimitiveArrayCopy.getInts(in, position, values, 0, count);
        position += count * Integer.BYTES;
    }

    void getLongs(final long[] values, final int count)
    {
        PrimitiveArrayCopy.getLongs(in, position, values, 0, count);
        position += count * Long.BYTES;
    }

    void getDoubles(final double[] values, final int count)
    {
        PrimitiveArrayCopy.getDoubles(in, position, values, 0, count);
        position += count * Double.BYTES;
    }
}
