package org.jdsm;

import org.agrona.BufferUtil;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrimitiveArrayCopyTest
{
    private static MutableDirectBuffer[] buffers(final int capacity)
    {
        return new MutableDirectBuffer[]{
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity, 64)),
            new UnsafeBuffer(new byte[capacity]),
            new ExpandableArrayBuffer(capacity),
            new ExpandableDirectByteBuffer(capacity) };
    }

    @Test
    void shouldWriteIntsAsPutIntAndReadThemBackAsGetInt()
    {
        final Random random = new Random(7);
        final int[] values = random.ints(37).toArray();
        for (final MutableDirectBuffer buffer : buffers(256))
        {
            PrimitiveArrayCopy.putInts(buffer, 12, values, 3, 30);
            for (int i = 0; i < 30; i++)
            {
                assertEquals(values[3 + i], buffer.getInt(12 + i * Integer.BYTES), buffer.getClass() + " int " + i);
            }
            final int[] back = new int[40];
            PrimitiveArrayCopy.getInts(buffer, 16, back, 5, 29);
            for (int i = 0; i < 29; i++)
            {
                assertEquals(values[4 + i], back[5 + i], buffer.getClass() + " read int " + i);
            }
            assertEquals(0, back[4]);
            assertEquals(0, back[34]);
        }
    }

    @Test
    void shouldWriteLongsAndDoublesAsTheirSingleAccessorsDo()
    {
        final Random random = new Random(11);
        final long[] longs = random.longs(20).toArray();
        final double[] doubles = random.doubles(20).toArray();
        for (final MutableDirectBuffer buffer : buffers(512))
        {
            PrimitiveArrayCopy.putLongs(buffer, 8, longs, 0, 20);
            PrimitiveArrayCopy.putDoubles(buffer, 200, doubles, 0, 20);
            for (int i = 0; i < 20; i++)
            {
                assertEquals(longs[i], buffer.getLong(8 + i * Long.BYTES));
                assertEquals(doubles[i], buffer.getDouble(200 + i * Double.BYTES));
            }
            final long[] longsBack = new long[20];
            final double[] doublesBack = new double[20];
            PrimitiveArrayCopy.getLongs(buffer, 8, longsBack, 0, 20);
            PrimitiveArrayCopy.getDoubles(buffer, 200, doublesBack, 0, 20);
            assertArrayEquals(longs, longsBack);
            assertArrayEquals(doubles, doublesBack);
        }
    }

    @Test
    void shouldRefuseARunOutsideTheBufferWithoutCopyingAnything()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
        final int[] ints = new int[16];
        Arrays.fill(ints, 9);

        assertThrows(IndexOutOfBoundsException.class, () -> PrimitiveArrayCopy.putInts(buffer, 4, ints, 0, 16));
        assertThrows(IndexOutOfBoundsException.class, () -> PrimitiveArrayCopy.getInts(buffer, 4, ints, 0, 16));
        assertThrows(IndexOutOfBoundsException.class, () -> PrimitiveArrayCopy.getInts(buffer, -4, ints, 0, 1));
        for (int i = 0; i < 16; i++)
        {
            assertEquals(0, buffer.getInt(i * Integer.BYTES), "int " + i + " written by a refused copy");
            assertEquals(9, ints[i], "element " + i + " written by a refused copy");
        }
    }

    @Test
    void shouldRefuseARunOutsideTheArrayNamingIt()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final long[] longs = new long[4];

        final IndexOutOfBoundsException ex = assertThrows(IndexOutOfBoundsException.class,
            () -> PrimitiveArrayCopy.putLongs(buffer, 0, longs, 2, 3));
        assertTrue(ex.getMessage().contains("offset=2 length=3"), ex.getMessage());
        assertThrows(IndexOutOfBoundsException.class,
            () -> PrimitiveArrayCopy.getDoubles(buffer, 0, new double[2], -1, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> PrimitiveArrayCopy.getInts(buffer, 0, new int[2], 0, -1));
    }

    @Test
    void shouldGrowAnExpandableBufferOnWrite()
    {
        final int[] values = { 1, 2, 3, 4, 5, 6, 7, 8 };
        for (final MutableDirectBuffer buffer : new MutableDirectBuffer[]{
            new ExpandableArrayBuffer(8), new ExpandableDirectByteBuffer(8) })
        {
            PrimitiveArrayCopy.putInts(buffer, 4, values, 0, values.length);

            assertTrue(buffer.capacity() >= 4 + values.length * Integer.BYTES, buffer.getClass().getName());
            assertEquals(1, buffer.getInt(4));
            assertEquals(8, buffer.getInt(4 + 7 * Integer.BYTES));
            assertThrows(IndexOutOfBoundsException.class, () -> PrimitiveArrayCopy.putInts(buffer, -4, values, 0, 1));
        }
    }
}
