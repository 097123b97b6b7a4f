package org.jdsm;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodecsTest
{
    private static final String TEST = CodecsTest.class.getName();

    record Point(long x, int y)
    {
    }

    record Primitives(long l, int i, double d, boolean z, byte b, short s, float f, char c)
    {
    }

    record Mixed(long id, String name, int count, byte[] data, long[] longs, int[] ints, double[] doubles)
    {
    }

    record Line(Point from, Point to)
    {
    }

    record Named(String name, Point at)
    {
    }

    record Outer(int id, Named named, Line line)
    {
    }

    record Node(long value, DBox<Long> next)
    {
    }

    record Bag(String label, DVec<Point> points, DBox<String> note)
    {
    }

    record ListNode(long value, DBox<ListNode> next)
    {
    }

    record Tree(int value, DVec<Forest> children)
    {
    }

    record Forest(String name, DBox<Tree> root)
    {
    }

    record Holder(Node node)
    {
    }

    record Empty()
    {
    }

    record WithList(long id, List<String> items)
    {
    }

    record WithBoxedLong(Long value)
    {
    }

    record WithBadBox(DBox<List<String>> box)
    {
    }

    @SuppressWarnings("rawtypes")
    record WithRawBox(DBox box)
    {
    }

    record Loop(int id, Loop next)
    {
    }

    record BadLater(DBox<GoodSooner> other, Object value)
    {
    }

    record GoodSooner(long id, DBox<BadLater> other)
    {
    }

    record Positive(int value)
    {
        Positive
        {
            if (value < 0)
            {
                throw new IllegalArgumentException("value=" + value + " < 0");
            }
        }
    }

    record Flag(boolean on)
    {
    }

    @Test
    void shouldRoundTripLongs()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
        for (final long value : new long[]{ 0L, 1L, -1L, 42L, Long.MIN_VALUE, Long.MAX_VALUE, 0x0102_0304_0506_0708L })
        {
            assertEquals(8, Codecs.LONG.encodedLength(value));
            Codecs.LONG.encode(value, buffer, 4, null);

            assertEquals(value, buffer.getLong(4));
            assertEquals(value, Codecs.LONG.decode(buffer, 4, 8, null));
        }
        assertEquals(8, Codecs.LONG.fixedLength());
    }

    @Test
    void shouldWriteLongInLittleEndianOnThisPlatform()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8]);
        Codecs.LONG.encode(0x0102_0304_0506_0708L, buffer, 0, null);

        assertEquals(0x08, buffer.getByte(0));
        assertEquals(0x01, buffer.getByte(7));
    }

    @Test
    void shouldRoundTripInts()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
        for (final int value : new int[]{ 0, 1, -1, -123_456, Integer.MIN_VALUE, Integer.MAX_VALUE })
        {
            assertEquals(4, Codecs.INT.encodedLength(value));
            Codecs.INT.encode(value, buffer, 4, null);

            assertEquals(value, buffer.getInt(4));
            assertEquals(value, Codecs.INT.decode(buffer, 4, 4, null));
        }
        assertEquals(4, Codecs.INT.fixedLength());
    }

    @Test
    void shouldRoundTripDoublesBitForBit()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8]);
        for (final double value : new double[]{
            0.0, -0.0, 1.5, -2.25, Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN, Double.NEGATIVE_INFINITY })
        {
            assertEquals(8, Codecs.DOUBLE.encodedLength(value));
            Codecs.DOUBLE.encode(value, buffer, 0, null);

            assertEquals(Double.doubleToRawLongBits(value), buffer.getLong(0));
            final double decoded = Codecs.DOUBLE.decode(buffer, 0, 8, null);
            assertEquals(Double.doubleToRawLongBits(value), Double.doubleToRawLongBits(decoded));
        }
        assertEquals(8, Codecs.DOUBLE.fixedLength());
    }

    @Test
    void shouldRoundTripByteArrays()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
        final byte[] value = { 1, -1, 0, Byte.MIN_VALUE, Byte.MAX_VALUE };

        assertEquals(5, Codecs.BYTES.encodedLength(value));
        Codecs.BYTES.encode(value, buffer, 3, null);

        assertEquals(-1, buffer.getByte(4));
        assertArrayEquals(value, Codecs.BYTES.decode(buffer, 3, 5, null));
        assertEquals(0, Codecs.BYTES.encodedLength(new byte[0]));
        assertArrayEquals(new byte[0], Codecs.BYTES.decode(buffer, 16, 0, null));
        assertEquals(Codec.VARIABLE_LENGTH, Codecs.BYTES.fixedLength());
    }

    @Test
    void shouldRoundTripLongArrays()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);
        final long[] value = { -1L, Long.MIN_VALUE, 7L };

        assertEquals(24, Codecs.LONGS.encodedLength(value));
        Codecs.LONGS.encode(value, buffer, 8, null);

        assertEquals(-1L, buffer.getLong(8));
        assertEquals(Long.MIN_VALUE, buffer.getLong(16));
        assertEquals(7L, buffer.getLong(24));
        assertArrayEquals(value, Codecs.LONGS.decode(buffer, 8, 24, null));
        assertEquals(0, Codecs.LONGS.encodedLength(new long[0]));
        assertArrayEquals(new long[0], Codecs.LONGS.decode(buffer, 0, 0, null));
        assertEquals(Codec.VARIABLE_LENGTH, Codecs.LONGS.fixedLength());
    }

    @Test
    void shouldRoundTripIntArrays()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(16));
        final int[] value = { Integer.MIN_VALUE, -5, 0 };

        assertEquals(12, Codecs.INTS.encodedLength(value));
        Codecs.INTS.encode(value, buffer, 4, null);

        assertEquals(-5, buffer.getInt(8));
        assertArrayEquals(value, Codecs.INTS.decode(buffer, 4, 12, null));
        assertEquals(0, Codecs.INTS.encodedLength(new int[0]));
        assertArrayEquals(new int[0], Codecs.INTS.decode(buffer, 16, 0, null));
        assertEquals(Codec.VARIABLE_LENGTH, Codecs.INTS.fixedLength());
    }

    @Test
    void shouldRoundTripDoubleArrays()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
        final double[] value = { -0.5, Double.NaN };

        assertEquals(16, Codecs.DOUBLES.encodedLength(value));
        Codecs.DOUBLES.encode(value, buffer, 0, null);

        assertEquals(-0.5, buffer.getDouble(0));
        assertArrayEquals(value, Codecs.DOUBLES.decode(buffer, 0, 16, null));
        assertEquals(0, Codecs.DOUBLES.encodedLength(new double[0]));
        assertArrayEquals(new double[0], Codecs.DOUBLES.decode(buffer, 0, 0, null));
        assertEquals(Codec.VARIABLE_LENGTH, Codecs.DOUBLES.fixedLength());
    }

    @Test
    void shouldRoundTripStringsAsUtf8()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final String[] values =
        {
            "", "hello", "héllo wörld", "日本語", "emoji \uD83D\uDE00!", "\u0000\u007F\u0080\u07FF\u0800\uFFFF"
        };
        final int[] lengths = { 0, 5, 13, 9, 11, 1 + 1 + 2 + 2 + 3 + 3 };

        for (int i = 0; i < values.length; i++)
        {
            final byte[] expected = values[i].getBytes(StandardCharsets.UTF_8);
            assertEquals(lengths[i], expected.length);
            assertEquals(lengths[i], Codecs.STRING.encodedLength(values[i]));

            Codecs.STRING.encode(values[i], buffer, 2, null);

            final byte[] written = new byte[lengths[i]];
            buffer.getBytes(2, written);
            assertArrayEquals(expected, written);
            assertEquals(values[i], Codecs.STRING.decode(buffer, 2, lengths[i], null));
        }
        assertEquals(Codec.VARIABLE_LENGTH, Codecs.STRING.fixedLength());
    }

    @Test
    void shouldEncodeUnpairedSurrogatesAsStringGetBytesDoes()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        for (final String value : new String[]{ "\uD800", "a\uDC00b", "\uD83D\uD83D\uDE00", "\uDE00\uD83D", "x\uD800" })
        {
            final byte[] expected = value.getBytes(StandardCharsets.UTF_8);
            assertEquals(expected.length, Codecs.STRING.encodedLength(value));
            Codecs.STRING.encode(value, buffer, 0, null);

            final byte[] written = new byte[expected.length];
            buffer.getBytes(0, written);
            assertArrayEquals(expected, written, value);
        }
    }

    @Test
    void shouldEncodeRandomStringsAsStringGetBytesDoes()
    {
        final Random random = new Random(20240611L);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4 * 64]);
        final char[] pool = { 'a', 'é', '\u07FF', '\u0800', '\uFFFD', '\uD800', '\uDBFF', '\uDC00', '\uDFFF' };

        for (int n = 0; n < 10_000; n++)
        {
            final char[] chars = new char[random.nextInt(64)];
            for (int i = 0; i < chars.length; i++)
            {
                chars[i] = random.nextBoolean() ? pool[random.nextInt(pool.length)] : (char)random.nextInt(0x10000);
            }
            final String value = new String(chars);
            final byte[] expected = value.getBytes(StandardCharsets.UTF_8);

            assertEquals(expected.length, Codecs.STRING.encodedLength(value), value);
            buffer.setMemory(0, buffer.capacity(), (byte)0x55);
            Codecs.STRING.encode(value, buffer, 0, null);

            final byte[] written = new byte[expected.length];
            buffer.getBytes(0, written);
            assertArrayEquals(expected, written, value);
            assertEquals(0x55, buffer.getByte(expected.length));
        }
    }

    @Test
    void shouldRejectArrayLengthThatIsNotAMultipleOfTheElementSize()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);

        assertEquals(
            "long[] can not be decoded from length=13: not a multiple of 8 bytes",
            assertThrows(CodecException.class, () -> Codecs.LONGS.decode(buffer, 0, 13, null)).getMessage());
        assertEquals(
            "int[] can not be decoded from length=6: not a multiple of 4 bytes",
            assertThrows(CodecException.class, () -> Codecs.INTS.decode(buffer, 0, 6, null)).getMessage());
        assertEquals(
            "double[] can not be decoded from length=7: not a multiple of 8 bytes",
            assertThrows(CodecException.class, () -> Codecs.DOUBLES.decode(buffer, 0, 7, null)).getMessage());
    }

    @Test
    void shouldRejectFixedLengthMismatch()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);

        assertEquals(
            "Codecs.LONG decodes 8 bytes, not length=4",
            assertThrows(CodecException.class, () -> Codecs.LONG.decode(buffer, 0, 4, null)).getMessage());
        assertEquals(
            "Codecs.INT decodes 4 bytes, not length=8",
            assertThrows(CodecException.class, () -> Codecs.INT.decode(buffer, 0, 8, null)).getMessage());
        assertEquals(
            "Codecs.DOUBLE decodes 8 bytes, not length=0",
            assertThrows(CodecException.class, () -> Codecs.DOUBLE.decode(buffer, 0, 0, null)).getMessage());
    }

    @Test
    void shouldRejectRangeOutsideTheBuffer()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);

        assertEquals(
            "Codecs.LONG can not decode offset=12 length=8 in a buffer of capacity=16",
            assertThrows(CodecException.class, () -> Codecs.LONG.decode(buffer, 12, 8, null)).getMessage());
        assertEquals(
            "Codecs.STRING can not decode offset=4 length=13 in a buffer of capacity=16",
            assertThrows(CodecException.class, () -> Codecs.STRING.decode(buffer, 4, 13, null)).getMessage());
        assertEquals(
            "Codecs.BYTES can not decode offset=0 length=-1 in a buffer of capacity=16",
            assertThrows(CodecException.class, () -> Codecs.BYTES.decode(buffer, 0, -1, null)).getMessage());
        assertEquals(
            "Codecs.LONGS can not decode offset=-8 length=8 in a buffer of capacity=16",
            assertThrows(CodecException.class, () -> Codecs.LONGS.decode(buffer, -8, 8, null)).getMessage());
        assertEquals(
            "Codecs.INTS can not decode offset=2147483647 length=4 in a buffer of capacity=16",
            assertThrows(CodecException.class, () -> Codecs.INTS.decode(buffer, Integer.MAX_VALUE, 4, null))
                .getMessage());
    }

    @Test
    void shouldRejectNullValues()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);

        assertEquals(
            "Codecs.STRING can not encode null",
            assertThrows(CodecException.class, () -> Codecs.STRING.encodedLength(null)).getMessage());
        assertEquals(
            "Codecs.LONG can not encode null",
            assertThrows(CodecException.class, () -> Codecs.LONG.encode(null, buffer, 0, null)).getMessage());
        assertEquals(
            "Codecs.record(" + TEST + "$Point) can not encode null",
            assertThrows(CodecException.class, () -> Codecs.record(Point.class).encodedLength(null)).getMessage());
    }

    @Test
    void shouldLayOutFixedRecordInline()
    {
        final Codec<Point> codec = Codecs.record(Point.class);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);
        final Point value = new Point(-3L, Integer.MIN_VALUE);

        assertEquals(12, codec.fixedLength());
        assertEquals(12, codec.encodedLength(value));
        codec.encode(value, buffer, 5, null);

        assertEquals(-3L, buffer.getLong(5));
        assertEquals(Integer.MIN_VALUE, buffer.getInt(13));
        assertEquals(value, codec.decode(buffer, 5, 12, null));
    }

    @Test
    void shouldRoundTripEveryPrimitiveComponent()
    {
        final Codec<Primitives> codec = Codecs.record(Primitives.class);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final Primitives value = new Primitives(-1L, -2, -3.5, true, (byte)-4, (short)-5, -6.25f, 'ж');

        assertEquals(8 + 4 + 8 + 1 + 1 + 2 + 4 + 2, codec.fixedLength());
        assertEquals(30, codec.encodedLength(value));
        codec.encode(value, buffer, 0, null);

        assertEquals(-1L, buffer.getLong(0));
        assertEquals(-2, buffer.getInt(8));
        assertEquals(-3.5, buffer.getDouble(12));
        assertEquals(1, buffer.getByte(20));
        assertEquals(-4, buffer.getByte(21));
        assertEquals(-5, buffer.getShort(22));
        assertEquals(-6.25f, buffer.getFloat(24));
        assertEquals('ж', buffer.getChar(28));
        assertEquals(value, codec.decode(buffer, 0, 30, null));

        final Primitives falseValue = new Primitives(0L, 0, 0.0, false, (byte)0, (short)0, 0f, '\0');
        codec.encode(falseValue, buffer, 0, null);
        assertEquals(0, buffer.getByte(20));
        assertEquals(falseValue, codec.decode(buffer, 0, 30, null));
    }

    @Test
    void shouldLayOutFixedComponentsFirstThenVariableComponentsWithLengths()
    {
        final Codec<Mixed> codec = Codecs.record(Mixed.class);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
        final Mixed value = new Mixed(
            7L, "né", -9, new byte[]{ 1, 2, 3 }, new long[]{ -1L }, new int[0], new double[]{ 0.5, -0.5 });

        final int expectedLength = 12 + (4 + 3) + (4 + 3) + (4 + 8) + 4 + (4 + 16);
        assertEquals(Codec.VARIABLE_LENGTH, codec.fixedLength());
        assertEquals(expectedLength, codec.encodedLength(value));
        buffer.setMemory(0, buffer.capacity(), (byte)0x55);
        codec.encode(value, buffer, 10, null);

        assertEquals(7L, buffer.getLong(10));
        assertEquals(-9, buffer.getInt(18));
        assertEquals(3, buffer.getInt(22));
        assertEquals("né", buffer.getStringWithoutLengthUtf8(26, 3));
        assertEquals(3, buffer.getInt(29));
        assertEquals(3, buffer.getByte(35));
        assertEquals(8, buffer.getInt(36));
        assertEquals(-1L, buffer.getLong(40));
        assertEquals(0, buffer.getInt(48));
        assertEquals(16, buffer.getInt(52));
        assertEquals(-0.5, buffer.getDouble(64));
        assertEquals(0x55, buffer.getByte(10 + expectedLength));

        final Mixed decoded = codec.decode(buffer, 10, expectedLength, null);
        assertEquals(7L, decoded.id());
        assertEquals("né", decoded.name());
        assertEquals(-9, decoded.count());
        assertArrayEquals(value.data(), decoded.data());
        assertArrayEquals(value.longs(), decoded.longs());
        assertArrayEquals(value.ints(), decoded.ints());
        assertArrayEquals(value.doubles(), decoded.doubles());
    }

    @Test
    void shouldEncodeNullStringsAndArraysAsMinusOne()
    {
        final Codec<Mixed> codec = Codecs.record(Mixed.class);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final Mixed value = new Mixed(1L, null, 2, null, null, null, null);

        assertEquals(12 + 5 * 4, codec.encodedLength(value));
        codec.encode(value, buffer, 0, null);

        for (int offset = 12; offset < 32; offset += 4)
        {
            assertEquals(-1, buffer.getInt(offset));
        }
        assertEquals(value, codec.decode(buffer, 0, 32, null));
    }

    @Test
    void shouldNestRecordsInlineOrAfterTheFixedPart()
    {
        final Codec<Outer> codec = Codecs.record(Outer.class);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
        final Outer value = new Outer(
            42, new Named("ü", new Point(5L, 6)), new Line(new Point(1L, -1), new Point(-2L, 2)));

        assertEquals(Codec.VARIABLE_LENGTH, Codecs.record(Named.class).fixedLength());
        assertEquals(24, Codecs.record(Line.class).fixedLength());
        assertEquals(Codec.VARIABLE_LENGTH, codec.fixedLength());

        final int namedLength = 12 + 4 + 2;
        final int expectedLength = 4 + 24 + 4 + namedLength;
        assertEquals(expectedLength, codec.encodedLength(value));
        codec.encode(value, buffer, 0, null);

        assertEquals(42, buffer.getInt(0));
        assertEquals(1L, buffer.getLong(4));
        assertEquals(-1, buffer.getInt(12));
        assertEquals(-2L, buffer.getLong(16));
        assertEquals(2, buffer.getInt(24));
        assertEquals(namedLength, buffer.getInt(28));
        assertEquals(5L, buffer.getLong(32));
        assertEquals(6, buffer.getInt(40));
        assertEquals(2, buffer.getInt(44));
        assertEquals("ü", buffer.getStringWithoutLengthUtf8(48, 2));
        assertEquals(value, codec.decode(buffer, 0, expectedLength, null));
    }

    @Test
    void shouldEncodeNullNestedRecordOfVariableLengthAsMinusOne()
    {
        final Codec<Outer> codec = Codecs.record(Outer.class);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final Outer value = new Outer(1, null, new Line(new Point(1L, 1), new Point(2L, 2)));

        assertEquals(32, codec.encodedLength(value));
        codec.encode(value, buffer, 0, null);

        assertEquals(-1, buffer.getInt(28));
        assertEquals(value, codec.decode(buffer, 0, 32, null));
    }

    @Test
    void shouldRejectNullNestedRecordOfFixedLength()
    {
        final Codec<Line> codec = Codecs.record(Line.class);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);

        assertEquals(
            "record " + TEST + "$Line component to is null: a nested record of fixed length can not be null",
            assertThrows(CodecException.class, () -> codec.encode(new Line(new Point(1L, 1), null), buffer, 0, null))
                .getMessage());
    }

    @Test
    void shouldStoreBoxFieldAsAddressAndDecodeThroughHandleContext()
    {
        final Codec<Node> codec = Codecs.record(Node.class);
        final FakeHandleContext handles = new FakeHandleContext(0x7A5E_0001_0000_0040L);
        final DBox<Long> next = fake(DBox.class);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);

        assertEquals(16, codec.fixedLength());
        assertEquals(16, codec.encodedLength(new Node(3L, next)));
        codec.encode(new Node(3L, next), buffer, 20, handles);

        assertEquals(List.of("store(DBox)"), handles.calls);
        assertSame(next, handles.stored);
        assertEquals(3L, buffer.getLong(20));
        assertEquals(0x7A5E_0001_0000_0040L, buffer.getLong(28));

        final Node decoded = codec.decode(buffer, 20, 16, handles);

        assertEquals(List.of("store(DBox)", "box"), handles.calls);
        assertEquals(Codecs.LONG, handles.codec);
        assertSame(buffer, handles.buffer);
        assertEquals(28, handles.slotOffset);
        assertEquals(3L, decoded.value());
        assertSame(handles.returnedBox, decoded.next());
    }

    @Test
    void shouldStoreNullBoxAsZeroWithoutCallingHandleContext()
    {
        final Codec<Node> codec = Codecs.record(Node.class);
        final FakeHandleContext handles = new FakeHandleContext(99L);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
        buffer.setMemory(0, 16, (byte)0x55);

        codec.encode(new Node(-1L, null), buffer, 0, handles);

        assertEquals(0L, buffer.getLong(8));
        assertEquals(new Node(-1L, null), codec.decode(buffer, 0, 16, handles));
        assertTrue(handles.calls.isEmpty());
    }

    @Test
    void shouldStoreVecAndBoxOfVariousElementCodecs()
    {
        final Codec<Bag> codec = Codecs.record(Bag.class);
        final FakeHandleContext handles = new FakeHandleContext(0x1111L);
        final DVec<Point> points = fake(DVec.class);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final Bag value = new Bag("b", points, null);

        assertEquals(8 + 8 + 4 + 1, codec.encodedLength(value));
        codec.encode(value, buffer, 0, handles);

        assertEquals(List.of("store(DVec)"), handles.calls);
        assertSame(points, handles.stored);
        assertEquals(0x1111L, buffer.getLong(0));
        assertEquals(0L, buffer.getLong(8));
        assertEquals(1, buffer.getInt(16));

        final Bag decoded = codec.decode(buffer, 0, 21, handles);

        assertEquals(List.of("store(DVec)", "vec"), handles.calls);
        assertSame(Codecs.record(Point.class), handles.codec);
        assertEquals(0, handles.slotOffset);
        assertSame(handles.returnedVec, decoded.points());
        assertNull(decoded.note());
        assertEquals("b", decoded.label());

        buffer.putLong(8, 0x2222L);
        codec.decode(buffer, 0, 21, handles);
        assertSame(Codecs.STRING, handles.codec);
        assertEquals(8, handles.slotOffset);
    }

    @Test
    void shouldPassAbsoluteSlotOffsetOfBoxInNestedRecord()
    {
        final Codec<Holder> codec = Codecs.record(Holder.class);
        final FakeHandleContext handles = new FakeHandleContext(0x4242L);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);

        codec.encode(new Holder(new Node(1L, fake(DBox.class))), buffer, 32, handles);
        assertEquals(0x4242L, buffer.getLong(40));

        codec.decode(buffer, 32, 16, handles);
        assertEquals(40, handles.slotOffset);
        assertSame(Codecs.LONG, handles.codec);
    }

    @Test
    void shouldDeriveRecordThatHoldsABoxOfItself()
    {
        final Codec<ListNode> codec = Codecs.record(ListNode.class);
        final FakeHandleContext handles = new FakeHandleContext(0x10L);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);

        assertEquals(16, codec.fixedLength());
        codec.encode(new ListNode(1L, fake(DBox.class)), buffer, 0, handles);
        codec.decode(buffer, 0, 16, handles);

        assertSame(codec, handles.codec);
    }

    @Test
    void shouldDeriveMutuallyRecursiveRecordsThroughHandles()
    {
        final Codec<Forest> forest = Codecs.record(Forest.class);
        final Codec<Tree> tree = Codecs.record(Tree.class);
        final FakeHandleContext handles = new FakeHandleContext(0x20L);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);

        assertEquals(12, tree.fixedLength());
        assertEquals(Codec.VARIABLE_LENGTH, forest.fixedLength());

        tree.encode(new Tree(1, fake(DVec.class)), buffer, 0, handles);
        tree.decode(buffer, 0, 12, handles);
        assertSame(forest, handles.codec);

        forest.encode(new Forest("f", fake(DBox.class)), buffer, 0, handles);
        forest.decode(buffer, 0, 8 + 4 + 1, handles);
        assertSame(tree, handles.codec);
    }

    @Test
    void shouldRequireHandleContextForRecordWithHandles()
    {
        final Codec<Node> codec = Codecs.record(Node.class);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
        final String message = "record " + TEST + "$Node has DBox/DVec fields and needs a HandleContext";

        assertEquals(
            message,
            assertThrows(CodecException.class, () -> codec.encode(new Node(1L, null), buffer, 0, null)).getMessage());
        assertEquals(
            message,
            assertThrows(CodecException.class, () -> codec.decode(buffer, 0, 16, null)).getMessage());
        assertEquals(
            "record " + TEST + "$Holder has DBox/DVec fields and needs a HandleContext",
            assertThrows(CodecException.class, () -> Codecs.record(Holder.class).decode(buffer, 0, 16, null))
                .getMessage());
    }

    @Test
    void shouldDeriveRecordCodecOnce()
    {
        assertSame(Codecs.record(Mixed.class), Codecs.record(Mixed.class));
        assertSame(Codecs.record(Point.class), Codecs.of(Point.class));
        assertEquals("Codecs.record(" + TEST + "$Mixed)", Codecs.record(Mixed.class).toString());
    }

    @Test
    void shouldDeriveOneCodecAcrossThreads() throws Exception
    {
        record Racer(long a, String b, DBox<Racer> c)
        {
        }

        final ExecutorService executor = Executors.newFixedThreadPool(4);
        try
        {
            final List<Callable<Codec<Racer>>> tasks = new ArrayList<>();
            for (int i = 0; i < 8; i++)
            {
                tasks.add(() -> Codecs.record(Racer.class));
            }
            final Codec<Racer> first = Codecs.record(Racer.class);
            for (final Future<Codec<Racer>> future : executor.invokeAll(tasks))
            {
                assertSame(first, future.get());
            }
        }
        finally
        {
            executor.shutdown();
        }
    }

    @Test
    void shouldKeepIdentityOfBuiltInCodecsWhenDeserialized() throws Exception
    {
        for (final Codec<?> codec : List.of(
            Codecs.LONG, Codecs.INT, Codecs.DOUBLE, Codecs.BYTES, Codecs.LONGS, Codecs.INTS, Codecs.DOUBLES,
            Codecs.STRING))
        {
            assertSame(codec, roundTrip(codec));
        }
    }

    @Test
    void shouldDeserializeRecordCodecAsTheCachedCodec() throws Exception
    {
        final Codec<Outer> codec = Codecs.record(Outer.class);
        final Object copy = roundTrip(codec);

        assertSame(codec, copy);
        assertSame(Codecs.record(ListNode.class), roundTrip(Codecs.record(ListNode.class)));
    }

    @Test
    void shouldRejectUnsupportedComponentTypes()
    {
        final String hint = " is not supported: use long, int, double, boolean, byte, short, float, char, String, " +
            "byte[], long[], int[], double[], a record, DBox or DVec";

        assertEquals(
            "record " + TEST + "$WithList component items of type java.util.List" + hint,
            assertThrows(CodecException.class, () -> Codecs.record(WithList.class)).getMessage());
        assertEquals(
            "record " + TEST + "$WithBoxedLong component value of type java.lang.Long" + hint,
            assertThrows(CodecException.class, () -> Codecs.record(WithBoxedLong.class)).getMessage());
    }

    @Test
    void shouldRejectUnsupportedHandleElementTypes()
    {
        final String hint = " is not supported: the type argument of a DBox or DVec must be Long, Integer, Double, " +
            "String, byte[], long[], int[], double[] or a record";

        assertEquals(
            "record " + TEST + "$WithBadBox component box of type org.jdsm.DBox<java.util.List<java.lang.String>>" +
            hint,
            assertThrows(CodecException.class, () -> Codecs.record(WithBadBox.class)).getMessage());
        assertEquals(
            "record " + TEST + "$WithRawBox component box of type org.jdsm.DBox" + hint,
            assertThrows(CodecException.class, () -> Codecs.record(WithRawBox.class)).getMessage());
    }

    @Test
    void shouldRejectRecordThatContainsItselfInline()
    {
        assertEquals(
            "record " + TEST + "$Loop component next of type " + TEST + "$Loop contains the record itself: " +
            "hold it in a DBox instead",
            assertThrows(CodecException.class, () -> Codecs.record(Loop.class)).getMessage());
    }

    @Test
    void shouldFailAgainOnEveryDerivationOfAnUnsupportedRecord()
    {
        final String message = "record " + TEST + "$BadLater component value of type java.lang.Object is not " +
            "supported: use long, int, double, boolean, byte, short, float, char, String, byte[], long[], int[], " +
            "double[], a record, DBox or DVec";

        assertEquals(message, assertThrows(CodecException.class, () -> Codecs.record(BadLater.class)).getMessage());
        assertEquals(message, assertThrows(CodecException.class, () -> Codecs.record(BadLater.class)).getMessage());
        assertEquals(message, assertThrows(CodecException.class, () -> Codecs.record(GoodSooner.class)).getMessage());
    }

    @Test
    @SuppressWarnings({ "unchecked", "rawtypes" })
    void shouldRejectClassThatIsNotARecord()
    {
        assertEquals(
            "java.lang.String is not a record",
            assertThrows(CodecException.class, () -> Codecs.record((Class)String.class)).getMessage());
    }

    @Test
    void shouldReturnBuiltInCodecForType()
    {
        assertSame(Codecs.LONG, Codecs.of(Long.class));
        assertSame(Codecs.LONG, Codecs.of(long.class));
        assertSame(Codecs.INT, Codecs.of(Integer.class));
        assertSame(Codecs.INT, Codecs.of(int.class));
        assertSame(Codecs.DOUBLE, Codecs.of(Double.class));
        assertSame(Codecs.DOUBLE, Codecs.of(double.class));
        assertSame(Codecs.STRING, Codecs.of(String.class));
        assertSame(Codecs.BYTES, Codecs.of(byte[].class));
        assertSame(Codecs.LONGS, Codecs.of(long[].class));
        assertSame(Codecs.INTS, Codecs.of(int[].class));
        assertSame(Codecs.DOUBLES, Codecs.of(double[].class));
        assertSame(Codecs.record(Line.class), Codecs.of(Line.class));
    }

    @Test
    void shouldRejectTypeWithoutBuiltInCodec()
    {
        assertEquals(
            "no built-in codec for java.util.List: use long, int, double, String, byte[], long[], int[], double[] " +
            "or a record",
            assertThrows(CodecException.class, () -> Codecs.of(List.class)).getMessage());
        assertEquals(
            "no built-in codec for boolean: use long, int, double, String, byte[], long[], int[], double[] " +
            "or a record",
            assertThrows(CodecException.class, () -> Codecs.of(boolean.class)).getMessage());
    }

    @Test
    void shouldRejectVariableComponentLengthPastTheEndOfTheRecord()
    {
        final Codec<Named> codec = Codecs.record(Named.class);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        codec.encode(new Named("abc", new Point(1L, 2)), buffer, 0, null);
        buffer.putInt(12, 4);

        assertEquals(
            "record " + TEST + "$Named component name length=4 at offset=16 runs past the end of the record " +
            "at offset=19",
            assertThrows(CodecException.class, () -> codec.decode(buffer, 0, 19, null)).getMessage());

        buffer.putInt(12, -2);
        assertEquals(
            "record " + TEST + "$Named component name length=-2 at offset=16 runs past the end of the record " +
            "at offset=19",
            assertThrows(CodecException.class, () -> codec.decode(buffer, 0, 19, null)).getMessage());

        buffer.putInt(12, Integer.MAX_VALUE);
        assertThrows(CodecException.class, () -> codec.decode(buffer, 0, 19, null));
    }

    @Test
    void shouldRejectTruncatedOrOverlongRecords()
    {
        final Codec<Named> codec = Codecs.record(Named.class);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        codec.encode(new Named("abc", new Point(1L, 2)), buffer, 0, null);

        assertEquals(
            "record " + TEST + "$Named needs at least 12 bytes, not length=11",
            assertThrows(CodecException.class, () -> codec.decode(buffer, 0, 11, null)).getMessage());
        assertEquals(
            "record " + TEST + "$Named component name: its length at offset=12 runs past the end of the record " +
            "at offset=14",
            assertThrows(CodecException.class, () -> codec.decode(buffer, 0, 14, null)).getMessage());
        assertEquals(
            "record " + TEST + "$Named has 2 bytes after its last component at offset=19",
            assertThrows(CodecException.class, () -> codec.decode(buffer, 0, 21, null)).getMessage());
        assertEquals(
            "record " + TEST + "$Point decodes 12 bytes, not length=16",
            assertThrows(CodecException.class, () -> Codecs.record(Point.class).decode(buffer, 0, 16, null))
                .getMessage());
        assertEquals(
            "Codecs.record(" + TEST + "$Named) can not decode offset=60 length=19 in a buffer of capacity=64",
            assertThrows(CodecException.class, () -> codec.decode(buffer, 60, 19, null)).getMessage());
    }

    @Test
    void shouldRejectArrayComponentLengthThatIsNotAMultipleOfTheElementSize()
    {
        final Codec<Mixed> codec = Codecs.record(Mixed.class);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final Mixed value = new Mixed(1L, "", 2, new byte[0], new long[]{ 5L }, new int[0], new double[0]);
        codec.encode(value, buffer, 0, null);
        final int length = codec.encodedLength(value);

        buffer.putInt(20, 7);

        assertEquals(
            "record " + TEST + "$Mixed component longs length=7 is not a multiple of 8 bytes, so not a long[]",
            assertThrows(CodecException.class, () -> codec.decode(buffer, 0, length, null)).getMessage());
    }

    @Test
    void shouldRejectBooleanByteOtherThanZeroOrOne()
    {
        final Codec<Flag> codec = Codecs.record(Flag.class);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4]);
        buffer.putByte(1, (byte)2);

        assertEquals(
            "record " + TEST + "$Flag component on holds 2 at offset=1, not a boolean 0 or 1",
            assertThrows(CodecException.class, () -> codec.decode(buffer, 1, 1, null)).getMessage());
    }

    @Test
    void shouldWrapCanonicalConstructorRejection()
    {
        final Codec<Positive> codec = Codecs.record(Positive.class);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4]);
        buffer.putInt(0, -1);

        final CodecException ex = assertThrows(CodecException.class, () -> codec.decode(buffer, 0, 4, null));

        assertEquals(
            "record " + TEST + "$Positive canonical constructor rejected the decoded values: " +
            "java.lang.IllegalArgumentException: value=-1 < 0",
            ex.getMessage());
        assertTrue(ex.getCause() instanceof IllegalArgumentException);
    }

    @Test
    void shouldEncodeEmptyRecordAsNoBytes()
    {
        final Codec<Empty> codec = Codecs.record(Empty.class);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);

        assertEquals(0, codec.fixedLength());
        assertEquals(0, codec.encodedLength(new Empty()));
        codec.encode(new Empty(), buffer, 0, null);
        assertEquals(new Empty(), codec.decode(buffer, 0, 0, null));
    }

    @Test
    void shouldTreatRecordCodecsOfDifferentTypesAsUnequal()
    {
        assertFalse(Codecs.record(Point.class).equals(Codecs.record(Line.class)));
        assertEquals(Codecs.record(Point.class).hashCode(), Point.class.hashCode());
    }

    private static Object roundTrip(final Object value) throws IOException, ClassNotFoundException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes))
        {
            out.writeObject(value);
        }

        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())))
        {
            return in.readObject();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T fake(final Class<?> type)
    {
        return (T)Proxy.newProxyInstance(
            CodecsTest.class.getClassLoader(),
            new Class<?>[]{ type },
            (proxy, method, args) ->
            {
                switch (method.getName())
                {
                    case "equals":
                        return proxy == args[0];
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    case "toString":
                        return "fake " + type.getSimpleName();
                    default:
                        throw new UnsupportedOperationException(method.getName());
                }
            });
    }

    /**
     * Records the calls a codec makes and returns a fixed address from {@code store}.
     */
    private static final class FakeHandleContext implements HandleContext
    {
        private final long address;
        private final List<String> calls = new ArrayList<>();
        private final DBox<?> returnedBox = fake(DBox.class);
        private final DVec<?> returnedVec = fake(DVec.class);
        private Object stored;
        private Codec<?> codec;
        private DirectBuffer buffer;
        private int slotOffset = -1;

        private FakeHandleContext(final long address)
        {
            this.address = address;
        }

        public long store(final DBox<?> box)
        {
            calls.add("store(DBox)");
            stored = box;

            return address;
        }

        public long store(final DVec<?> vec)
        {
            calls.add("store(DVec)");
            stored = vec;

            return address;
        }

        @SuppressWarnings("unchecked")
        public <E> DBox<E> box(final Codec<E> codec, final DirectBuffer buffer, final int slotOffset)
        {
            calls.add("box");
            this.codec = codec;
            this.buffer = buffer;
            this.slotOffset = slotOffset;

            return (DBox<E>)returnedBox;
        }

        @SuppressWarnings("unchecked")
        public <E> DVec<E> vec(final Codec<E> codec, final DirectBuffer buffer, final int slotOffset)
        {
            calls.add("vec");
            this.codec = codec;
            this.buffer = buffer;
            this.slotOffset = slotOffset;

            return (DVec<E>)returnedVec;
        }
    }
}
