package org.jdsm;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.lang.invoke.MethodHandle;

import static org.agrona.BitUtil.SIZE_OF_BYTE;
import static org.agrona.BitUtil.SIZE_OF_CHAR;
import static org.agrona.BitUtil.SIZE_OF_DOUBLE;
import static org.agrona.BitUtil.SIZE_OF_FLOAT;
import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;
import static org.agrona.BitUtil.SIZE_OF_SHORT;

/**
 * How one record component is written and read, with the accessor of the component as a {@link MethodHandle}
 * typed to take the record as an {@code Object} and return the component's type, primitive or {@code Object}.
 * {@link Fixed} components sit at an offset of the fixed part of the record; {@link Variable} ones follow it, each
 * after a length that {@link RecordCodecLayout} writes and checks.
 * <p>
 * <b>Note:</b> immutable, with only final fields, so threadsafe.
 */
abstract class RecordCodecField
{
    private final String name;
    private final int index;
    final MethodHandle getter;

    RecordCodecField(final String name, final int index, final MethodHandle getter)
    {
        this.name = name;
        this.index = index;
        this.getter = getter;
    }

    /**
     * The record and component, for messages: {@code record com.example.Order component item}.
     *
     * @return the name.
     */
    final String name()
    {
        return name;
    }

    /**
     * Position of the component in the canonical constructor.
     *
     * @return the index of the component.
     */
    final int index()
    {
        return index;
    }

    /**
     * Whether this component needs a {@link HandleContext}.
     *
     * @return true for a {@link DBox} or {@link DVec}, or a nested record that holds one.
     */
    boolean needsHandles()
    {
        return false;
    }

    /**
     * The exception to throw for a failure of an accessor or the canonical constructor.
     *
     * @param message what failed.
     * @param ex      thrown.
     * @return a {@link CodecException} caused by {@code ex}.
     */
    static CodecException rethrow(final String message, final Throwable ex)
    {
        if (ex instanceof Error)
        {
            throw (Error)ex;
        }

        return Codecs.codecException(message + ": " + ex, ex);
    }

    final Object getObject(final Object record)
    {
        try
        {
            return (Object)getter.invokeExact(record);
        }
        catch (final Throwable ex)
        {
            throw rethrow(name + " accessor failed", ex);
        }
    }

    /**
     * A component at a fixed offset of the fixed part.
     */
    abstract static class Fixed extends RecordCodecField
    {
        final int offset;

        Fixed(final String name, final int index, final MethodHandle getter, final int offset)
        {
            super(name, index, getter);
            this.offset = offset;
        }

        /**
         * Length of the component in bytes.
         *
         * @return the length.
         */
        abstract int length();

        /**
         * Write the component of a record.
         *
         * @param record  holding the component.
         * @param buffer  to write to.
         * @param base    offset of the record.
         * @param handles for {@link DBox} and {@link DVec} components.
         */
        abstract void encode(Object record, MutableDirectBuffer buffer, int base, HandleContext handles);

        /**
         * Read the component.
         *
         * @param buffer  to read from.
         * @param base    offset of the record.
         * @param handles for {@link DBox} and {@link DVec} components.
         * @return the component's value, boxed if primitive.
         */
        abstract Object decode(DirectBuffer buffer, int base, HandleContext handles);
    }

    /**
     * A component of variable length, written after the fixed part with its length in front.
     */
    abstract static class Variable extends RecordCodecField
    {
        Variable(final String name, final int index, final MethodHandle getter)
        {
            super(name, index, getter);
        }

        /**
         * Length of the component of a record in bytes.
         *
         * @param record holding the component.
         * @return the length, or {@link RecordCodecLayout#NULL_LENGTH} for {@code null}.
         */
        abstract int length(Object record);

        /**
         * Write the component of a record, without its length.
         *
         * @param record  holding the component.
         * @param buffer  to write to.
         * @param index   at which to write.
         * @param handles for nested {@link DBox} and {@link DVec} components.
         * @return the number of bytes written, or {@link RecordCodecLayout#NULL_LENGTH} for {@code null}.
         */
        abstract int encode(Object record, MutableDirectBuffer buffer, int index, HandleContext handles);

        /**
         * Read a component whose bytes the layout has checked lie inside the record.
         *
         * @param buffer  to read from.
         * @param index   of the component's bytes.
         * @param length  of the component's bytes.
         * @param handles for nested {@link DBox} and {@link DVec} components.
         * @return the component's value.
         */
        abstract Object decode(DirectBuffer buffer, int index, int length, HandleContext handles);
    }

    static final class LongField extends Fixed
    {
        LongField(final String name, final int index, final MethodHandle getter, final int offset)
        {
            super(name, index, getter, offset);
        }

        int length()
        {
            return SIZE_OF_LONG;
        }

        void encode(final Object record, final MutableDirectBuffer buffer, final int base, final HandleContext handles)
        {
            final long value;
            try
            {
                value = (long)getter.invokeExact(record);
            }
            catch (final Throwable ex)
            {
                throw rethrow(name() + " accessor failed", ex);
            }
            buffer.putLong(base + offset, value);
        }

        Object decode(final DirectBuffer buffer, final int base, final HandleContext handles)
        {
            return buffer.getLong(base + offset);
        }
    }

    static final class IntField extends Fixed
    {
        IntField(final String name, final int index, final MethodHandle getter, final int offset)
        {
            super(name, index, getter, offset);
        }

        int length()
        {
            return SIZE_OF_INT;
        }

        void encode(final Object record, final MutableDirectBuffer buffer, final int base, final HandleContext handles)
        {
            final int value;
            try
            {
                value = (int)getter.invokeExact(record);
            }
            catch (final Throwable ex)
            {
                throw rethrow(name() + " accessor failed", ex);
            }
            buffer.putInt(base + offset, value);
        }

        Object decode(final DirectBuffer buffer, final int base, final HandleContext handles)
        {
            return buffer.getInt(base + offset);
        }
    }

    static final class DoubleField extends Fixed
    {
        DoubleField(final String name, final int index, final MethodHandle getter, final int offset)
        {
            super(name, index, getter, offset);
        }

        int length()
        {
            return SIZE_OF_DOUBLE;
        }

        void encode(final Object record, final MutableDirectBuffer buffer, final int base, final HandleContext handles)
        {
            final double value;
            try
            {
                value = (double)getter.invokeExact(record);
            }
            catch (final Throwable ex)
            {
                throw rethrow(name() + " accessor failed", ex);
            }
            buffer.putDouble(base + offset, value);
        }

        Object decode(final DirectBuffer buffer, final int base, final HandleContext handles)
        {
            return buffer.getDouble(base + offset);
        }
    }

    static final class FloatField extends Fixed
    {
        FloatField(final String name, final int index, final MethodHandle getter, final int offset)
        {
            super(name, index, getter, offset);
        }

        int length()
        {
            return SIZE_OF_FLOAT;
        }

        void encode(final Object record, final MutableDirectBuffer buffer, final int base, final HandleContext handles)
        {
            final float value;
            try
            {
                value = (float)getter.invokeExact(record);
            }
            catch (final Throwable ex)
            {
                throw rethrow(name() + " accessor failed", ex);
            }
            buffer.putFloat(base + offset, value);
        }

        Object decode(final DirectBuffer buffer, final int base, final HandleContext handles)
        {
            return buffer.getFloat(base + offset);
        }
    }

    static final class ShortField extends Fixed
    {
        ShortField(final String name, final int index, final MethodHandle getter, final int offset)
        {
            super(name, index, getter, offset);
        }

        int length()
        {
            return SIZE_OF_SHORT;
        }

        void encode(final Object record, final MutableDirectBuffer buffer, final int base, final HandleContext handles)
        {
            final short value;
            try
            {
                value = (short)getter.invokeExact(record);
            }
            catch (final Throwable ex)
            {
                throw rethrow(name() + " accessor failed", ex);
            }
            buffer.putShort(base + offset, value);
        }

        Object decode(final DirectBuffer buffer, final int base, final HandleContext handles)
        {
            return buffer.getShort(base + offset);
        }
    }

    static final class CharField extends Fixed
    {
        CharField(final String name, final int index, final MethodHandle getter, final int offset)
        {
            super(name, index, getter, offset);
        }

        int length()
        {
            return SIZE_OF_CHAR;
        }

        void encode(final Object record, final MutableDirectBuffer buffer, final int base, final HandleContext handles)
        {
            final char value;
            try
            {
                value = (char)getter.invokeExact(record);
            }
            catch (final Throwable ex)
            {
                throw rethrow(name() + " accessor failed", ex);
            }
            buffer.putChar(base + offset, value);
        }

        Object decode(final DirectBuffer buffer, final int base, final HandleContext handles)
        {
            return buffer.getChar(base + offset);
        }
    }

    static final class ByteField extends Fixed
    {
        ByteField(final String name, final int index, final MethodHandle getter, final int offset)
        {
            super(name, index, getter, offset);
        }

        int length()
        {
            return SIZE_OF_BYTE;
        }

        void encode(final Object record, final MutableDirectBuffer buffer, final int base, final HandleContext handles)
        {
            final byte value;
            try
            {
                value = (byte)getter.invokeExact(record);
            }
            catch (final Throwable ex)
            {
                throw rethrow(name() + " accessor failed", ex);
            }
            buffer.putByte(base + offset, value);
        }

        Object decode(final DirectBuffer buffer, final int base, final HandleContext handles)
        {
            return buffer.getByte(base + offset);
        }
    }

    /**
     * A {@code boolean} as one byte, 1 or 0; any other byte does not decode.
     */
    static final class BooleanField extends Fixed
    {
        BooleanField(final String name, final int index, final MethodHandle getter, final int offset)
        {
            super(name, index, getter, offset);
        }

        int length()
        {
            return SIZE_OF_BYTE;
        }

        void encode(final Object record, final MutableDirectBuffer buffer, final int base, final HandleContext handles)
        {
            final boolean value;
            try
            {
                value = (boolean)getter.invokeExact(record);
            }
            catch (final Throwable ex)
            {
                throw rethrow(name() + " accessor failed", ex);
            }
            buffer.putByte(base + offset, value ? (byte)1 : (byte)0);
        }

        Object decode(final DirectBuffer buffer, final int base, final HandleContext handles)
        {
            final byte value = buffer.getByte(base + offset);
            if (0 != (value & ~1))
            {
                throw new CodecException(name() + " holds " + value + " at offset=" + (base + offset) +
                    ", not a boolean 0 or 1");
            }

            return 1 == value;
        }
    }

    /**
     * A {@link DBox} as the 8-byte global address {@link HandleContext#store(DBox)} returns, 0 for {@code null}.
     */
    static final class BoxField extends Fixed
    {
        private final Codec<?> elementCodec;

        BoxField(
            final String name,
            final int index,
            final MethodHandle getter,
            final int offset,
            final Codec<?> elementCodec)
        {
            super(name, index, getter, offset);
            this.elementCodec = elementCodec;
        }

        int length()
        {
            return SIZE_OF_LONG;
        }

        boolean needsHandles()
        {
            return true;
        }

        void encode(final Object record, final MutableDirectBuffer buffer, final int base, final HandleContext handles)
        {
            final DBox<?> box = (DBox<?>)getObject(record);
            final long address = null == box ? 0 : checkAddress(name(), handles.store(box));
            buffer.putLong(base + offset, address);
        }

        Object decode(final DirectBuffer buffer, final int base, final HandleContext handles)
        {
            final int slotOffset = base + offset;

            return 0 == buffer.getLong(slotOffset) ? null : handles.box(elementCodec, buffer, slotOffset);
        }
    }

    /**
     * A {@link DVec} as the 8-byte global address {@link HandleContext#store(DVec)} returns, 0 for {@code null}.
     */
    static final class VecField extends Fixed
    {
        private final Codec<?> elementCodec;

        VecField(
            final String name,
            final int index,
            final MethodHandle getter,
            final int offset,
            final Codec<?> elementCodec)
        {
            super(name, index, getter, offset);
            this.elementCodec = elementCodec;
        }

        int length()
        {
            return SIZE_OF_LONG;
        }

        boolean needsHandles()
        {
            return true;
        }

        void encode(final Object record, final MutableDirectBuffer buffer, final int base, final HandleContext handles)
        {
            final DVec<?> vec = (DVec<?>)getObject(record);
            final long address = null == vec ? 0 : checkAddress(name(), handles.store(vec));
            buffer.putLong(base + offset, address);
        }

        Object decode(final DirectBuffer buffer, final int base, final HandleContext handles)
        {
            final int slotOffset = base + offset;

            return 0 == buffer.getLong(slotOffset) ? null : handles.vec(elementCodec, buffer, slotOffset);
        }
    }

    /**
     * A nested record of fixed length, written inline; it can not be {@code null}.
     */
    static final class InlineField extends Fixed
    {
        private final RecordCodecLayout layout;

        InlineField(
            final String name,
            final int index,
            final MethodHandle getter,
            final int offset,
            final RecordCodecLayout layout)
        {
            super(name, index, getter, offset);
            this.layout = layout;
        }

        int length()
        {
            return layout.fixedLength();
        }

        boolean needsHandles()
        {
            return layout.needsHandles();
        }

        void encode(final Object record, final MutableDirectBuffer buffer, final int base, final HandleContext handles)
        {
            final Object value = getObject(record);
            if (null == value)
            {
                throw new CodecException(name() + " is null: a nested record of fixed length can not be null");
            }
            layout.encode(value, buffer, base + offset, handles);
        }

        Object decode(final DirectBuffer buffer, final int base, final HandleContext handles)
        {
            return layout.decode(buffer, base + offset, layout.fixedLength(), handles);
        }
    }

    /**
     * A {@link String} as its UTF-8 bytes.
     */
    static final class StringField extends Variable
    {
        StringField(final String name, final int index, final MethodHandle getter)
        {
            super(name, index, getter);
        }

        int length(final Object record)
        {
            final String value = (String)getObject(record);

            return null == value ? RecordCodecLayout.NULL_LENGTH : Codecs.utf8Length(value);
        }

        int encode(final Object record, final MutableDirectBuffer buffer, final int index, final HandleContext handles)
        {
            final String value = (String)getObject(record);

            return null == value ? RecordCodecLayout.NULL_LENGTH : Codecs.putUtf8(buffer, index, value);
        }

        Object decode(final DirectBuffer buffer, final int index, final int length, final HandleContext handles)
        {
            return Codecs.STRING.decode(buffer, index, length, handles);
        }
    }

    /**
     * An array of primitives, written by its built-in codec.
     */
    static final class ArrayField extends Variable
    {
        private final Codec<Object> codec;
        private final int elementSize;
        private final String typeName;

        @SuppressWarnings("unchecked")
        ArrayField(
            final String name,
            final int index,
            final MethodHandle getter,
            final Codec<?> codec,
            final Class<?> type,
            final int elementSize)
        {
            super(name, index, getter);
            this.codec = (Codec<Object>)codec;
            this.typeName = type.getTypeName();
            this.elementSize = elementSize;
        }

        int length(final Object record)
        {
            final Object value = getObject(record);

            return null == value ? RecordCodecLayout.NULL_LENGTH : codec.encodedLength(value);
        }

        int encode(final Object record, final MutableDirectBuffer buffer, final int index, final HandleContext handles)
        {
            final Object value = getObject(record);
            if (null == value)
            {
                return RecordCodecLayout.NULL_LENGTH;
            }

            codec.encode(value, buffer, index, handles);

            return codec.encodedLength(value);
        }

        Object decode(final DirectBuffer buffer, final int index, final int length, final HandleContext handles)
        {
            if (0 != length % elementSize)
            {
                throw new CodecException(name() + " length=" + length + " is not a multiple of " + elementSize +
                    " bytes, so not a " + typeName);
            }

            return codec.decode(buffer, index, length, handles);
        }
    }

    /**
     * A nested record of variable length, written after the fixed part like a {@link String}.
     */
    static final class NestedField extends Variable
    {
        private final RecordCodecLayout layout;

        NestedField(final String name, final int index, final MethodHandle getter, final RecordCodecLayout layout)
        {
            super(name, index, getter);
            this.layout = layout;
        }

        boolean needsHandles()
        {
            return layout.needsHandles();
        }

        int length(final Object record)
        {
            final Object value = getObject(record);

            return null == value ? RecordCodecLayout.NULL_LENGTH : layout.encodedLength(value);
        }

        int encode(final Object record, final MutableDirectBuffer buffer, final int index, final HandleContext handles)
        {
            final Object value = getObject(record);

            return null == value ? RecordCodecLayout.NULL_LENGTH : layout.encode(value, buffer, index, handles);
        }

        Object decode(final DirectBuffer buffer, final int index, final int length, final HandleContext handles)
        {
            return layout.decode(buffer, index, length, handles);
        }
    }

    private static long checkAddress(final String name, final long address)
    {
        if (0 == address)
        {
            throw new CodecException(name + ": HandleContext.store returned address 0, which stands for null");
        }

        return address;
    }
}
