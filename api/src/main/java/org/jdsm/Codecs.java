package org.jdsm;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.Objects;

import static org.agrona.BitUtil.SIZE_OF_DOUBLE;
import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * The built-in {@link Codec}s: {@code long}, {@code int} and {@code double} values, arrays of {@code byte},
 * {@code long}, {@code int} and {@code double}, UTF-8 strings, and Java records laid out by {@link #record(Class)}.
 * <p>
 * Numbers are written in Agrona's default byte order, the platform's native order (little-endian on x86-64 and
 * AArch64), so {@link Ref#getLong()} reading {@code buffer.getLong(0)} sees the value {@link #LONG} wrote.
 * <p>
 * A variable-length value is encoded as its payload alone, with no length prefix: the engine stores the length of
 * each object and passes it to {@link Codec#decode}. Decoding checks that the bytes lie inside the buffer and that
 * their length fits the type, and throws {@link CodecException} otherwise. No built-in codec encodes {@code null}
 * as a whole value.
 * <pre>
 *   LONG, DOUBLE      8 bytes                      LONGS, DOUBLES   8 bytes per element
 *   INT               4 bytes                      INTS             4 bytes per element
 *   STRING            the UTF-8 bytes              BYTES            1 byte per element
 * </pre>
 * <p>
 * <b>Note:</b> every codec here is stateless and threadsafe, and keeps its identity when deserialized.
 */
public final class Codecs
{
    /**
     * A {@code long} in 8 bytes.
     */
    public static final Codec<Long> LONG = LongCodec.INSTANCE;

    /**
     * An {@code int} in 4 bytes.
     */
    public static final Codec<Integer> INT = IntCodec.INSTANCE;

    /**
     * A {@code double} in 8 bytes.
     */
    public static final Codec<Double> DOUBLE = DoubleCodec.INSTANCE;

    /**
     * A {@code byte[]} as its bytes.
     */
    public static final Codec<byte[]> BYTES = BytesCodec.INSTANCE;

    /**
     * A {@code long[]} as 8 bytes per element.
     */
    public static final Codec<long[]> LONGS = LongsCodec.INSTANCE;

    /**
     * An {@code int[]} as 4 bytes per element.
     */
    public static final Codec<int[]> INTS = IntsCodec.INSTANCE;

    /**
     * A {@code double[]} as 8 bytes per element.
     */
    public static final Codec<double[]> DOUBLES = DoublesCodec.INSTANCE;

    /**
     * A {@link String} as its UTF-8 bytes. An unpaired surrogate is encoded as {@code '?'}, as
     * {@link String#getBytes(java.nio.charset.Charset)} does; malformed bytes decode to U+FFFD.
     */
    public static final Codec<String> STRING = StringCodec.INSTANCE;

    private static final String SUPPORTED_TYPES =
        "long, int, double, String, byte[], long[], int[], double[] or a record";

    private Codecs()
    {
    }

    /**
     * The codec of a Java record, derived once per record class and cached, so every call for one class returns the
     * same instance.
     * <p>
     * Layout: the fixed-length components first, in declaration order, each at a fixed offset with no padding:
     * {@code long}, {@code double}, {@link DBox} and {@link DVec} in 8 bytes, {@code int} and {@code float} in 4,
     * {@code short} and {@code char} in 2, {@code byte} and {@code boolean} in 1, and a nested record of fixed length
     * inline. Then, in declaration order, each variable-length component ({@code String}, {@code byte[]},
     * {@code long[]}, {@code int[]}, {@code double[]} or a nested record of variable length) as a 4-byte length
     * followed by its bytes; a {@code null} one has length -1 and no bytes.
     * <pre>
     *   record Order(long id, String item, int quantity, DBox&lt;Long&gt; price)
     *
     *   0        8          12        20            24
     *   +--------+----------+---------+-------------+------------------+
     *   |   id   | quantity |  price  | item length | item UTF-8 bytes |
     *   +--------+----------+---------+-------------+------------------+
     * </pre>
     * A {@link DBox} or {@link DVec} component is stored as the global address that {@link HandleContext#store}
     * returns for it, or 0 for {@code null}; it decodes through {@link HandleContext#box} or
     * {@link HandleContext#vec}, with the codec of its type argument: {@code Long}, {@code Integer}, {@code Double},
     * {@code String}, {@code byte[]}, {@code long[]}, {@code int[]}, {@code double[]} or a record. A nested record of
     * fixed length can not be {@code null}.
     * <p>
     * {@link Codec#fixedLength()} is the length of the fixed part when every component has a fixed length, else
     * {@link Codec#VARIABLE_LENGTH}. The codec is serialized as the record's class name, and resolves to the cached
     * codec of that class when deserialized.
     *
     * @param type of the record.
     * @param <R>  the record type.
     * @return the codec of the record.
     * @throws CodecException if a component, or a component of a nested record, has an unsupported type, or a record
     *                        contains itself inline.
     */
    @SuppressWarnings("unchecked")
    public static <R extends Record> Codec<R> record(final Class<R> type)
    {
        Objects.requireNonNull(type, "type");

        return (Codec<R>)RecordCodec.forType(type);
    }

    /**
     * The codec of a type: {@link #LONG} for {@code Long} or {@code long}, {@link #INT} for {@code Integer} or
     * {@code int}, {@link #DOUBLE} for {@code Double} or {@code double}, {@link #STRING}, {@link #BYTES},
     * {@link #LONGS}, {@link #INTS}, {@link #DOUBLES} for their types, or {@link #record(Class)} for a record.
     *
     * @param type of the values.
     * @param <T>  the type of the values.
     * @return the codec of the type.
     * @throws CodecException if there is no built-in codec for the type.
     */
    @SuppressWarnings("unchecked")
    public static <T> Codec<T> of(final Class<T> type)
    {
        Objects.requireNonNull(type, "type");

        final Codec<?> codec = forClass(type);
        if (null != codec)
        {
            return (Codec<T>)codec;
        }

        throw new CodecException("no built-in codec for " + type.getTypeName() + ": use " + SUPPORTED_TYPES);
    }

    /**
     * The built-in codec of a class, a record's codec, or null.
     *
     * @param type of the values.
     * @return the codec or null if there is none.
     */
    static Codec<?> forClass(final Class<?> type)
    {
        if (Long.class == type || long.class == type)
        {
            return LONG;
        }
        if (Integer.class == type || int.class == type)
        {
            return INT;
        }
        if (Double.class == type || double.class == type)
        {
            return DOUBLE;
        }
        if (String.class == type)
        {
            return STRING;
        }
        if (byte[].class == type)
        {
            return BYTES;
        }
        if (long[].class == type)
        {
            return LONGS;
        }
        if (int[].class == type)
        {
            return INTS;
        }
        if (double[].class == type)
        {
            return DOUBLES;
        }
        if (type.isRecord())
        {
            return RecordCodec.forType(type);
        }

        return null;
    }

    /**
     * Check that a value to decode lies inside the buffer.
     *
     * @param codec  decoding, named in the message.
     * @param buffer holding the value.
     * @param offset of the value.
     * @param length of the value.
     * @throws CodecException if the range is negative or runs past the capacity of the buffer.
     */
    static void checkRange(final Codec<?> codec, final DirectBuffer buffer, final int offset, final int length)
    {
        final int capacity = buffer.capacity();
        if (offset < 0 || length < 0 || (long)offset + length > capacity)
        {
            throw new CodecException(
                codec + " can not decode offset=" + offset + " length=" + length +
                " in a buffer of capacity=" + capacity);
        }
    }

    /**
     * The exception for a codec asked to encode null.
     *
     * @param codec asked.
     * @return the exception to throw.
     */
    static CodecException nullValue(final Codec<?> codec)
    {
        return new CodecException(codec + " can not encode null");
    }

    /**
     * A {@link CodecException} caused by another exception.
     *
     * @param message of the exception.
     * @param cause   of the exception.
     * @return the exception to throw.
     */
    static CodecException codecException(final String message, final Throwable cause)
    {
        final CodecException ex = new CodecException(message);
        ex.initCause(cause);

        return ex;
    }

    /**
     * The number of UTF-8 bytes {@link #putUtf8(MutableDirectBuffer, int, String)} writes for a string.
     *
     * @param value to measure.
     * @return its length in UTF-8 bytes.
     */
    static int utf8Length(final String value)
    {
        final int length = value.length();
        long utf8Length = length;
        for (int i = 0; i < length; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                continue;
            }

            if (c < 0x800)
            {
                utf8Length += 1;
            }
            else if (Character.isSurrogate(c))
            {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1)))
                {
                    utf8Length += 2;
                    i++;
                }
            }
            else
            {
                utf8Length += 2;
            }
        }

        if (utf8Length > Integer.MAX_VALUE)
        {
            throw new CodecException("a String of " + utf8Length + " UTF-8 bytes is too long to encode");
        }

        return (int)utf8Length;
    }

    /**
     * Write a string as UTF-8 with no allocation; an unpaired surrogate becomes {@code '?'}, as
     * {@link String#getBytes(java.nio.charset.Charset)} writes it.
     *
     * @param buffer to write to.
     * @param index  at which to write.
     * @param value  to write.
     * @return the number of bytes written.
     */
    static int putUtf8(final MutableDirectBuffer buffer, final int index, final String value)
    {
        final int length = value.length();
        int position = index;
        for (int i = 0; i < length; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                buffer.putByte(position++, (byte)c);
            }
            else if (c < 0x800)
            {
                buffer.putByte(position++, (byte)(0xC0 | (c >> 6)));
                buffer.putByte(position++, (byte)(0x80 | (c & 0x3F)));
            }
            else if (Character.isSurrogate(c))
            {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1)))
                {
                    final int codePoint = Character.toCodePoint(c, value.charAt(++i));
                    buffer.putByte(position++, (byte)(0xF0 | (codePoint >> 18)));
                    buffer.putByte(position++, (byte)(0x80 | ((codePoint >> 12) & 0x3F)));
                    buffer.putByte(position++, (byte)(0x80 | ((codePoint >> 6) & 0x3F)));
                    buffer.putByte(position++, (byte)(0x80 | (codePoint & 0x3F)));
                }
                else
                {
                    buffer.putByte(position++, (byte)'?');
                }
            }
            else
            {
                buffer.putByte(position++, (byte)(0xE0 | (c >> 12)));
                buffer.putByte(position++, (byte)(0x80 | ((c >> 6) & 0x3F)));
                buffer.putByte(position++, (byte)(0x80 | (c & 0x3F)));
            }
        }

        return position - index;
    }

    private static int arrayLength(final Codec<?> codec, final int elements, final int elementSize)
    {
        final long length = (long)elements * elementSize;
        if (length > Integer.MAX_VALUE)
        {
            throw new CodecException(codec + " can not encode " + elements + " elements: " + length + " bytes");
        }

        return (int)length;
    }

    private static int elementCount(final String typeName, final int length, final int elementSize)
    {
        if (0 != length % elementSize)
        {
            throw new CodecException(
                typeName + " can not be decoded from length=" + length +
                ": not a multiple of " + elementSize + " bytes");
        }

        return length / elementSize;
    }

    private static void checkFixedLength(final Codec<?> codec, final int length)
    {
        if (length != codec.fixedLength())
        {
            throw new CodecException(codec + " decodes " + codec.fixedLength() + " bytes, not length=" + length);
        }
    }

    private enum LongCodec implements Codec<Long>
    {
        INSTANCE;

        /**
         * {@inheritDoc}
         */
        public int fixedLength()
        {
            return SIZE_OF_LONG;
        }

        /**
         * {@inheritDoc}
         */
        public int encodedLength(final Long value)
        {
            return SIZE_OF_LONG;
        }

        /**
         * {@inheritDoc}
         */
        public void encode(
            final Long value, final MutableDirectBuffer buffer, final int offset, final HandleContext handles)
        {
            if (null == value)
            {
                throw nullValue(this);
            }
            buffer.putLong(offset, value);
        }

        /**
         * {@inheritDoc}
         */
        public Long decode(final DirectBuffer buffer, final int offset, final int length, final HandleContext handles)
        {
            checkRange(this, buffer, offset, length);
            checkFixedLength(this, length);

            return buffer.getLong(offset);
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return "Codecs.LONG";
        }
    }

    private enum IntCodec implements Codec<Integer>
    {
        INSTANCE;

        /**
         * {@inheritDoc}
         */
        public int fixedLength()
        {
            return SIZE_OF_INT;
        }

        /**
         * {@inheritDoc}
         */
        public int encodedLength(final Integer value)
        {
            return SIZE_OF_INT;
        }

        /**
         * {@inheritDoc}
         */
        public void encode(
            final Integer value, final MutableDirectBuffer buffer, final int offset, final HandleContext handles)
        {
            if (null == value)
            {
                throw nullValue(this);
            }
            buffer.putInt(offset, value);
        }

        /**
         * {@inheritDoc}
         */
        public Integer decode(
            final DirectBuffer buffer, final int offset, final int length, final HandleContext handles)
        {
            checkRange(this, buffer, offset, length);
            checkFixedLength(this, length);

            return buffer.getInt(offset);
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return "Codecs.INT";
        }
    }

    private enum DoubleCodec implements Codec<Double>
    {
        INSTANCE;

        /**
         * {@inheritDoc}
         */
        public int fixedLength()
        {
            return SIZE_OF_DOUBLE;
        }

        /**
         * {@inheritDoc}
         */
        public int encodedLength(final Double value)
        {
            return SIZE_OF_DOUBLE;
        }

        /**
         * {@inheritDoc}
         */
        public void encode(
            final Double value, final MutableDirectBuffer buffer, final int offset, final HandleContext handles)
        {
            if (null == value)
            {
                throw nullValue(this);
            }
            buffer.putDouble(offset, value);
        }

        /**
         * {@inheritDoc}
         */
        public Double decode(
            final DirectBuffer buffer, final int offset, final int length, final HandleContext handles)
        {
            checkRange(this, buffer, offset, length);
            checkFixedLength(this, length);

            return buffer.getDouble(offset);
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return "Codecs.DOUBLE";
        }
    }

    private enum BytesCodec implements Codec<byte[]>
    {
        INSTANCE;

        /**
         * {@inheritDoc}
         */
        public int fixedLength()
        {
            return VARIABLE_LENGTH;
        }

        /**
         * {@inheritDoc}
         */
        public int encodedLength(final byte[] value)
        {
            if (null == value)
            {
                throw nullValue(this);
            }

            return value.length;
        }

        /**
         * {@inheritDoc}
         */
        public void encode(
            final byte[] value, final MutableDirectBuffer buffer, final int offset, final HandleContext handles)
        {
            if (null == value)
            {
                throw nullValue(this);
            }
            buffer.putBytes(offset, value);
        }

        /**
         * {@inheritDoc}
         */
        public byte[] decode(
            final DirectBuffer buffer, final int offset, final int length, final HandleContext handles)
        {
            checkRange(this, buffer, offset, length);
            final byte[] value = new byte[length];
            buffer.getBytes(offset, value);

            return value;
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return "Codecs.BYTES";
        }
    }

    private enum LongsCodec implements Codec<long[]>
    {
        INSTANCE;

        /**
         * {@inheritDoc}
         */
        public int fixedLength()
        {
            return VARIABLE_LENGTH;
        }

        /**
         * {@inheritDoc}
         */
        public int encodedLength(final long[] value)
        {
            if (null == value)
            {
                throw nullValue(this);
            }

            return arrayLength(this, value.length, SIZE_OF_LONG);
        }

        /**
         * {@inheritDoc}
         */
        public void encode(
            final long[] value, final MutableDirectBuffer buffer, final int offset, final HandleContext handles)
        {
            if (null == value)
            {
                throw nullValue(this);
            }
            PrimitiveArrayCopy.putLongs(buffer, offset, value, 0, value.length);
        }

        /**
         * {@inheritDoc}
         */
        public long[] decode(
            final DirectBuffer buffer, final int offset, final int length, final HandleContext handles)
        {
            checkRange(this, buffer, offset, length);
            final long[] value = new long[elementCount("long[]", length, SIZE_OF_LONG)];
            PrimitiveArrayCopy.getLongs(buffer, offset, value, 0, value.length);

            return value;
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return "Codecs.LONGS";
        }
    }

    private enum IntsCodec implements Codec<int[]>
    {
        INSTANCE;

        /**
         * {@inheritDoc}
         */
        public int fixedLength()
        {
            return VARIABLE_LENGTH;
        }

        /**
         * {@inheritDoc}
         */
        public int encodedLength(final int[] value)
        {
            if (null == value)
            {
                throw nullValue(this);
            }

            return arrayLength(this, value.length, SIZE_OF_INT);
        }

        /**
         * {@inheritDoc}
         */
        public void encode(
            final int[] value, final MutableDirectBuffer buffer, final int offset, final HandleContext handles)
        {
            if (null == value)
            {
                throw nullValue(this);
            }
            PrimitiveArrayCopy.putInts(buffer, offset, value, 0, value.length);
        }

        /**
         * {@inheritDoc}
         */
        public int[] decode(
            final DirectBuffer buffer, final int offset, final int length, final HandleContext handles)
        {
            checkRange(this, buffer, offset, length);
            final int[] value = new int[elementCount("int[]", length, SIZE_OF_INT)];
            PrimitiveArrayCopy.getInts(buffer, offset, value, 0, value.length);

            return value;
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return "Codecs.INTS";
        }
    }

    private enum DoublesCodec implements Codec<double[]>
    {
        INSTANCE;

        /**
         * {@inheritDoc}
         */
        public int fixedLength()
        {
            return VARIABLE_LENGTH;
        }

        /**
         * {@inheritDoc}
         */
        public int encodedLength(final double[] value)
        {
            if (null == value)
            {
                throw nullValue(this);
            }

            return arrayLength(this, value.length, SIZE_OF_DOUBLE);
        }

        /**
         * {@inheritDoc}
         */
        public void encode(
            final double[] value, final MutableDirectBuffer buffer, final int offset, final HandleContext handles)
        {
            if (null == value)
            {
                throw nullValue(this);
            }
            PrimitiveArrayCopy.putDoubles(buffer, offset, value, 0, value.length);
        }

        /**
         * {@inheritDoc}
         */
        public double[] decode(
            final DirectBuffer buffer, final int offset, final int length, final HandleContext handles)
        {
            checkRange(this, buffer, offset, length);
            final double[] value = new double[elementCount("double[]", length, SIZE_OF_DOUBLE)];
            PrimitiveArrayCopy.getDoubles(buffer, offset, value, 0, value.length);

            return value;
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return "Codecs.DOUBLES";
        }
    }

    private enum StringCodec implements Codec<String>
    {
        INSTANCE;

        /**
         * {@inheritDoc}
         */
        public int fixedLength()
        {
            return VARIABLE_LENGTH;
        }

        /**
         * {@inheritDoc}
         */
        public int encodedLength(final String value)
        {
            if (null == value)
            {
                throw nullValue(this);
            }

            return utf8Length(value);
        }

        /**
         * {@inheritDoc}
         */
        public void encode(
            final String value, final MutableDirectBuffer buffer, final int offset, final HandleContext handles)
        {
            if (null == value)
            {
                throw nullValue(this);
            }
            putUtf8(buffer, offset, value);
        }

        /**
         * {@inheritDoc}
         */
        public String decode(
            final DirectBuffer buffer, final int offset, final int length, final HandleContext handles)
        {
            checkRange(this, buffer, offset, length);

            return 0 == length ? "" : buffer.getStringWithoutLengthUtf8(offset, length);
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return "Codecs.STRING";
        }
    }
}
