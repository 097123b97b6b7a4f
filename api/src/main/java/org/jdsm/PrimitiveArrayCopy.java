package org.jdsm;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import static org.agrona.BitUtil.SIZE_OF_DOUBLE;
import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Copies runs of {@code int}, {@code long} and {@code double} between arrays and buffers in Agrona's default byte
 * order (the platform's native order, as {@link DirectBuffer#getInt(int)} reads and {@link Codecs#INTS} writes),
 * one bounds check and one memory copy per run instead of one checked access per element. Use it to read a
 * borrowed object's numbers out of {@link Ref#buffer()} in place, e.g. a row of a matrix tile.
 * <p>
 * Agrona's {@link UnsafeBuffer}, {@link ExpandableArrayBuffer} and {@link ExpandableDirectByteBuffer} are copied
 * with {@code Unsafe.copyMemory} (an expandable buffer grows first on a write, as its {@code putInt} would); any
 * other buffer element by element.
 * <p>
 * <b>Note:</b> stateless and threadsafe; the caller owns the buffers and arrays and must not change them while a
 * copy runs.
 */
public final class PrimitiveArrayCopy
{
    private static final long INT_ARRAY_BASE = UnsafeApi.arrayBaseOffset(int[].class);
    private static final long LONG_ARRAY_BASE = UnsafeApi.arrayBaseOffset(long[].class);
    private static final long DOUBLE_ARRAY_BASE = UnsafeApi.arrayBaseOffset(double[].class);

    private PrimitiveArrayCopy()
    {
    }

    /**
     * Read {@code length} ints starting at {@code index} into {@code dst[dstOffset..]}.
     *
     * @param src       to read.
     * @param index     of the first int's first byte in {@code src}.
     * @param dst       to write.
     * @param dstOffset first element of {@code dst} written.
     * @param length    ints to copy.
     * @throws IndexOutOfBoundsException if the run is outside {@code src} or {@code dst}.
     */
    public static void getInts(
        final DirectBuffer src, final int index, final int[] dst, final int dstOffset, final int length)
    {
        checkArray(dst.length, dstOffset, length);
        if (isAgronaBuffer(src))
        {
            copyOut(src, index, dst, INT_ARRAY_BASE + (long)dstOffset * SIZE_OF_INT, runBytes(length, SIZE_OF_INT));
        }
        else
        {
            for (int i = 0, at = index; i < length; i++, at += SIZE_OF_INT)
            {
                dst[dstOffset + i] = src.getInt(at);
            }
        }
    }

    /**
     * Write {@code src[srcOffset..srcOffset + length)} as ints starting at {@code index}.
     *
     * @param dst       to write.
     * @param index     of the first int's first byte in {@code dst}.
     * @param src       to read.
     * @param srcOffset first element of {@code src} read.
     * @param length    ints to copy.
     * @throws IndexOutOfBoundsException if the run is outside {@code src} or {@code dst}.
     */
    public static void putInts(
        final MutableDirectBuffer dst, final int index, final int[] src, final int srcOffset, final int length)
    {
        checkArray(src.length, srcOffset, length);
        if (isAgronaBuffer(dst))
        {
            copyIn(dst, index, src, INT_ARRAY_BASE + (long)srcOffset * SIZE_OF_INT, runBytes(length, SIZE_OF_INT));
        }
        else
        {
            for (int i = 0, at = index; i < length; i++, at += SIZE_OF_INT)
            {
                dst.putInt(at, src[srcOffset + i]);
            }
        }
    }

    /**
     * Read {@code length} longs starting at {@code index} into {@code dst[dstOffset..]}.
     *
     * @param src       to read.
     * @param index     of the first long's first byte in {@code src}.
     * @param dst       to write.
     * @param dstOffset first element of {@code dst} written.
     * @param length    longs to copy.
     * @throws IndexOutOfBoundsException if the run is outside {@code src} or {@code dst}.
     */
    public static void getLongs(
        final DirectBuffer src, final int index, final long[] dst, final int dstOffset, final int length)
    {
        checkArray(dst.length, dstOffset, length);
        if (isAgronaBuffer(src))
        {
            copyOut(src, index, dst, LONG_ARRAY_BASE + (long)dstOffset * SIZE_OF_LONG, runBytes(length, SIZE_OF_LONG));
        }
        else
        {
            for (int i = 0, at = index; i < length; i++, at += SIZE_OF_LONG)
            {
                dst[dstOffset + i] = src.getLong(at);
            }
        }
    }

    /**
     * Write {@code src[srcOffset..srcOffset + length)} as longs starting at {@code index}.
     *
     * @param dst       to write.
     * @param index     of the first long's first byte in {@code dst}.
     * @param src       to read.
     * @param srcOffset first element of {@code src} read.
     * @param length    longs to copy.
     * @throws IndexOutOfBoundsException if the run is outside {@code src} or {@code dst}.
     */
    public static void putLongs(
        final MutableDirectBuffer dst, final int index, final long[] src, final int srcOffset, final int length)
    {
        checkArray(src.length, srcOffset, length);
        if (isAgronaBuffer(dst))
        {
            copyIn(dst, index, src, LONG_ARRAY_BASE + (long)srcOffset * SIZE_OF_LONG, runBytes(length, SIZE_OF_LONG));
        }
        else
        {
            for (int i = 0, at = index; i < length; i++, at += SIZE_OF_LONG)
            {
                dst.putLong(at, src[srcOffset + i]);
            }
        }
    }

    /**
     * Read {@code length} doubles starting at {@code index} into {@code dst[dstOffset..]}.
     *
     * @param src       to read.
     * @param index     of the first double's first byte in {@code src}.
     * @param dst       to write.
     * @param dstOffset first element of {@code dst} written.
     * @param length    doubles to copy.
     * @throws IndexOutOfBoundsException if the run is outside {@code src} or {@code dst}.
     */
    public static void getDoubles(
        final DirectBuffer src, final int index, final double[] dst, final int dstOffset, final int length)
    {
        checkArray(dst.length, dstOffset, length);
        if (isAgronaBuffer(src))
        {
            copyOut(src, index, dst, DOUBLE_ARRAY_BASE + (long)dstOffset * SIZE_OF_DOUBLE, runBytes(length, SIZE_OF_DOUBLE));
        }
        else
        {
            for (int i = 0, at = index; i < length; i++, at += SIZE_OF_DOUBLE)
            {
                dst[dstOffset + i] = src.getDouble(at);
            }
        }
    }

    /**
     * Write {@code src[srcOffset..srcOffset + length)} as doubles starting at {@code index}.
     *
     * @param dst       to write.
     * @param index     of the first double's first byte in {@code dst}.
     * @param src       to read.
     * @param srcOffset first element of {@code src} read.
     * @param length    doubles to copy.
     * @throws IndexOutOfBoundsException if the run is outside {@code src} or {@code dst}.
     */
    public static void putDoubles(
        final MutableDirectBuffer dst, final int index, final double[] src, final int srcOffset, final int length)
    {
        checkArray(src.length, srcOffset, length);
        if (isAgronaBuffer(dst))
        {
            copyIn(dst, index, src, DOUBLE_ARRAY_BASE + (long)srcOffset * SIZE_OF_DOUBLE, runBytes(length, SIZE_OF_DOUBLE));
        }
        else
        {
            for (int i = 0, at = index; i < length; i++, at += SIZE_OF_DOUBLE)
            {
                dst.putDouble(at, src[srcOffset + i]);
            }
        }
    }

    private static void copyOut(
        final DirectBuffer src, final int index, final Object dst, final long dstAddress, final int bytes)
    {
        src.boundsCheck(index, bytes);
        UnsafeApi.copyMemory(src.byteArray(), src.addressOffset() + index, dst, dstAddress, bytes);
    }

    private static void copyIn(
        final MutableDirectBuffer dst, final int index, final Object src, final long srcAddress, final int bytes)
    {
        if (dst.isExpandable() && index >= 0)
        {
            dst.checkLimit(index + bytes); // grows it, as its putInt would
        }
        dst.boundsCheck(index, bytes);
        UnsafeApi.copyMemory(src, srcAddress, dst.byteArray(), dst.addressOffset() + index, bytes);
    }

    private static boolean isAgronaBuffer(final DirectBuffer buffer)
    {
        final Class<?> type = buffer.getClass();
        return type == UnsafeBuffer.class || type == ExpandableArrayBuffer.class ||
            type == ExpandableDirectByteBuffer.class;
    }

    private static int runBytes(final int length, final int elementSize)
    {
        final long bytes = (long)length * elementSize;
        if (bytes > Integer.MAX_VALUE)
        {
            throw new IndexOutOfBoundsException("run of " + length + " elements of " + elementSize +
                " bytes is larger than any buffer");
        }

        return (int)bytes;
    }

    private static void checkArray(final int arrayLength, final int offset, final int length)
    {
        if (offset < 0 || length < 0 || offset > arrayLength - length)
        {
            throw new IndexOutOfBoundsException(
                "array run offset=" + offset + " length=" + length + " outside array of length " + arrayLength);
        }
    }
}
