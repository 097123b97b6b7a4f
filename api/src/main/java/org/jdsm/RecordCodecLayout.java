package org.jdsm;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

import static org.agrona.BitUtil.SIZE_OF_BYTE;
import static org.agrona.BitUtil.SIZE_OF_DOUBLE;
import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * The byte layout of one record class, derived once from its components; the rules are described on
 * {@link Codecs#record(Class)}.
 * <pre>
 *   0                         fixedPartLength
 *   +-------------------------+---------+---------+---------+---------+-----
 *   | fixed-length components | length0 | bytes0  | length1 | bytes1  | ...
 *   +-------------------------+---------+---------+---------+---------+-----
 * </pre>
 * Each variable-length component has a 4-byte length, -1 for {@code null}, then that many bytes.
 * <p>
 * <b>Note:</b> immutable, with only final fields, so threadsafe and safe to publish through a data race.
 */
final class RecordCodecLayout
{
    /**
     * Size of the length written before each variable-length component.
     */
    static final int LENGTH_PREFIX_SIZE = SIZE_OF_INT;

    /**
     * Length written for a {@code null} variable-length component.
     */
    static final int NULL_LENGTH = -1;

    private static final String SUPPORTED_COMPONENTS = "use long, int, double, boolean, byte, short, float, char, " +
        "String, byte[], long[], int[], double[], a record, DBox or DVec";

    private static final String SUPPORTED_ELEMENTS = "the type argument of a DBox or DVec must be Long, Integer, " +
        "Double, String, byte[], long[], int[], double[] or a record";

    private final String name;
    private final RecordCodecField.Fixed[] fixedFields;
    private final RecordCodecField.Variable[] variableFields;
    private final int componentCount;
    private final int fixedPartLength;
    private final boolean needsHandles;
    private final MethodHandle constructor;

    private RecordCodecLayout(
        final String name,
        final RecordCodecField.Fixed[] fixedFields,
        final RecordCodecField.Variable[] variableFields,
        final int componentCount,
        final int fixedPartLength,
        final boolean needsHandles,
        final MethodHandle constructor)
    {
        this.name = name;
        this.fixedFields = fixedFields;
        this.variableFields = variableFields;
        this.componentCount = componentCount;
        this.fixedPartLength = fixedPartLength;
        this.needsHandles = needsHandles;
        this.constructor = constructor;
    }

    /**
     * Derive the layout of a record class from its components and canonical constructor.
     *
     * @param type of the record.
     * @return its layout.
     * @throws CodecException if a component is not supported or the record is not accessible.
     */
    static RecordCodecLayout derive(final Class<?> type)
    {
        final String name = "record " + type.getName();
        final MethodHandles.Lookup lookup = lookup(type);
        final RecordComponent[] components = type.getRecordComponents();
        final Class<?>[] parameterTypes = new Class<?>[components.length];
        final List<RecordCodecField.Fixed> fixedFields = new ArrayList<>();
        final List<RecordCodecField.Variable> variableFields = new ArrayList<>();
        int offset = 0;
        boolean needsHandles = false;

        for (int i = 0; i < components.length; i++)
        {
            final RecordComponent component = components[i];
            parameterTypes[i] = component.getType();
            final MethodHandle getter = getter(lookup, name, component);
            final RecordCodecField field = field(name, i, component, getter, offset);

            if (field instanceof RecordCodecField.Fixed)
            {
                final RecordCodecField.Fixed fixedField = (RecordCodecField.Fixed)field;
                fixedFields.add(fixedField);
                offset = Math.addExact(offset, fixedField.length());
            }
            else
            {
                variableFields.add((RecordCodecField.Variable)field);
            }
            needsHandles |= field.needsHandles();
        }

        return new RecordCodecLayout(
            name,
            fixedFields.toArray(new RecordCodecField.Fixed[0]),
            variableFields.toArray(new RecordCodecField.Variable[0]),
            components.length,
            offset,
            needsHandles,
            constructor(lookup, name, type, parameterTypes));
    }

    /**
     * The length of every encoded value, or {@link Codec#VARIABLE_LENGTH} if a component varies in length.
     *
     * @return the fixed length or {@link Codec#VARIABLE_LENGTH}.
     */
    int fixedLength()
    {
        return 0 == variableFields.length ? fixedPartLength : Codec.VARIABLE_LENGTH;
    }

    /**
     * Whether encoding or decoding needs a {@link HandleContext}: a component, or one of a nested record, is a
     * {@link DBox} or {@link DVec}.
     *
     * @return true if a {@link HandleContext} is needed.
     */
    boolean needsHandles()
    {
        return needsHandles;
    }

    /**
     * Check that a {@link HandleContext} is given if one is needed.
     *
     * @param handles given.
     * @throws CodecException if one is needed and none is given.
     */
    void checkHandles(final HandleContext handles)
    {
        if (needsHandles && null == handles)
        {
            throw new CodecException(name + " has DBox/DVec fields and needs a HandleContext");
        }
    }

    /**
     * The number of bytes {@link #encode} writes for a record.
     *
     * @param record to measure.
     * @return its encoded length.
     * @throws CodecException if the length exceeds {@link Integer#MAX_VALUE}.
     */
    int encodedLength(final Object record)
    {
        long length = fixedPartLength;
        for (final RecordCodecField.Variable field : variableFields)
        {
            length += LENGTH_PREFIX_SIZE + Math.max(0, field.length(record));
        }

        if (length > Integer.MAX_VALUE)
        {
            throw new CodecException(name + " can not encode " + length + " bytes");
        }

        return (int)length;
    }

    /**
     * Write a record.
     *
     * @param record  to write.
     * @param buffer  to write to.
     * @param offset  at which to write.
     * @param handles for {@link DBox} and {@link DVec} components.
     * @return the number of bytes written.
     */
    int encode(final Object record, final MutableDirectBuffer buffer, final int offset, final HandleContext handles)
    {
        for (final RecordCodecField.Fixed field : fixedFields)
        {
            field.encode(record, buffer, offset, handles);
        }

        int position = offset + fixedPartLength;
        for (final RecordCodecField.Variable field : variableFields)
        {
            final int length = field.encode(record, buffer, position + LENGTH_PREFIX_SIZE, handles);
            buffer.putInt(position, length);
            position += LENGTH_PREFIX_SIZE + Math.max(0, length);
        }

        return position - offset;
    }

    /**
     * Read a record from bytes that the caller has checked lie inside the buffer.
     *
     * @param buffer  to read from.
     * @param offset  of the record.
     * @param length  of the record.
     * @param handles for {@link DBox} and {@link DVec} components.
     * @return the record.
     * @throws CodecException if the bytes do not decode as this record.
     */
    Object decode(final DirectBuffer buffer, final int offset, final int length, final HandleContext handles)
    {
        if (0 == variableFields.length ? length != fixedPartLength : length < fixedPartLength)
        {
            throw new CodecException(name + (0 == variableFields.length ? " decodes " : " needs at least ") +
                fixedPartLength + " bytes, not length=" + length);
        }

        final Object[] arguments = new Object[componentCount];
        for (final RecordCodecField.Fixed field : fixedFields)
        {
            arguments[field.index()] = field.decode(buffer, offset, handles);
        }

        final int end = offset + length;
        int position = offset + fixedPartLength;
        for (final RecordCodecField.Variable field : variableFields)
        {
            if (end - position < LENGTH_PREFIX_SIZE)
            {
                throw new CodecException(field.name() + ": its length at offset=" + position +
                    " runs past the end of the record at offset=" + end);
            }

            final int fieldLength = buffer.getInt(position);
            position += LENGTH_PREFIX_SIZE;
            if (NULL_LENGTH == fieldLength)
            {
                continue;
            }
            if (fieldLength < 0 || fieldLength > end - position)
            {
                throw new CodecException(field.name() + " length=" + fieldLength +
                    " at offset=" + position + " runs past the end of the record at offset=" + end);
            }

            arguments[field.index()] = field.decode(buffer, position, fieldLength, handles);
            position += fieldLength;
        }

        if (position != end)
        {
            throw new CodecException(
                name + " has " + (end - position) + " bytes after its last component at offset=" + position);
        }

        try
        {
            return (Object)constructor.invokeExact(arguments);
        }
        catch (final Throwable ex)
        {
            throw RecordCodecField.rethrow(name + " canonical constructor rejected the decoded values", ex);
        }
    }

    private static RecordCodecField field(
        final String name,
        final int index,
        final RecordComponent component,
        final MethodHandle getter,
        final int offset)
    {
        final Class<?> type = component.getType();
        final String componentName = name + " component " + component.getName();

        if (type.isPrimitive())
        {
            return primitiveField(componentName, index, type, getter, offset);
        }

        final MethodHandle objectGetter = getter.asType(MethodType.methodType(Object.class, Object.class));
        if (String.class == type)
        {
            return new RecordCodecField.StringField(componentName, index, objectGetter);
        }
        if (byte[].class == type)
        {
            return new RecordCodecField.ArrayField(
                componentName, index, objectGetter, Codecs.BYTES, type, SIZE_OF_BYTE);
        }
        if (long[].class == type)
        {
            return new RecordCodecField.ArrayField(
                componentName, index, objectGetter, Codecs.LONGS, type, SIZE_OF_LONG);
        }
        if (int[].class == type)
        {
            return new RecordCodecField.ArrayField(
                componentName, index, objectGetter, Codecs.INTS, type, SIZE_OF_INT);
        }
        if (double[].class == type)
        {
            return new RecordCodecField.ArrayField(
                componentName, index, objectGetter, Codecs.DOUBLES, type, SIZE_OF_DOUBLE);
        }
        if (DBox.class == type)
        {
            return new RecordCodecField.BoxField(
                componentName, index, objectGetter, offset, elementCodec(componentName, component));
        }
        if (DVec.class == type)
        {
            return new RecordCodecField.VecField(
                componentName, index, objectGetter, offset, elementCodec(componentName, component));
        }
        if (type.isRecord())
        {
            final RecordCodecLayout nested = RecordCodec.forNested(type);
            if (null == nested)
            {
                throw new CodecException(componentName + " of type " + type.getTypeName() +
                    " contains the record itself: hold it in a DBox instead");
            }

            return Codec.VARIABLE_LENGTH == nested.fixedLength() ?
                new RecordCodecField.NestedField(componentName, index, objectGetter, nested) :
                new RecordCodecField.InlineField(componentName, index, objectGetter, offset, nested);
        }

        throw unsupported(componentName, type.getTypeName(), SUPPORTED_COMPONENTS);
    }

    private static RecordCodecField primitiveField(
        final String componentName,
        final int index,
        final Class<?> type,
        final MethodHandle getter,
        final int offset)
    {
        final MethodHandle primitiveGetter = getter.asType(MethodType.methodType(type, Object.class));
        if (long.class == type)
        {
            return new RecordCodecField.LongField(componentName, index, primitiveGetter, offset);
        }
        if (int.class == type)
        {
            return new RecordCodecField.IntField(componentName, index, primitiveGetter, offset);
        }
        if (double.class == type)
        {
            return new RecordCodecField.DoubleField(componentName, index, primitiveGetter, offset);
        }
        if (boolean.class == type)
        {
            return new RecordCodecField.BooleanField(componentName, index, primitiveGetter, offset);
        }
        if (byte.class == type)
        {
            return new RecordCodecField.ByteField(componentName, index, primitiveGetter, offset);
        }
        if (short.class == type)
        {
            return new RecordCodecField.ShortField(componentName, index, primitiveGetter, offset);
        }
        if (float.class == type)
        {
            return new RecordCodecField.FloatField(componentName, index, primitiveGetter, offset);
        }
        if (char.class == type)
        {
            return new RecordCodecField.CharField(componentName, index, primitiveGetter, offset);
        }

        throw unsupported(componentName, type.getTypeName(), SUPPORTED_COMPONENTS);
    }

    private static Codec<?> elementCodec(final String componentName, final RecordComponent component)
    {
        final Type genericType = component.getGenericType();
        if (genericType instanceof ParameterizedType)
        {
            final Type argument = ((ParameterizedType)genericType).getActualTypeArguments()[0];
            final Class<?> elementType = argument instanceof GenericArrayType ?
                arrayClass((GenericArrayType)argument) : argument instanceof Class ? (Class<?>)argument : null;

            if (null != elementType && !elementType.isPrimitive())
            {
                if (elementType.isRecord())
                {
                    return RecordCodec.forElement(elementType);
                }

                final Codec<?> codec = Codecs.forClass(elementType);
                if (null != codec)
                {
                    return codec;
                }
            }
        }

        throw unsupported(componentName, genericType.getTypeName(), SUPPORTED_ELEMENTS);
    }

    private static Class<?> arrayClass(final GenericArrayType arrayType)
    {
        final Type componentType = arrayType.getGenericComponentType();

        return componentType instanceof Class ? ((Class<?>)componentType).arrayType() : null;
    }

    private static CodecException unsupported(final String componentName, final String typeName, final String hint)
    {
        return new CodecException(componentName + " of type " + typeName + " is not supported: " + hint);
    }

    private static MethodHandles.Lookup lookup(final Class<?> type)
    {
        try
        {
            return MethodHandles.privateLookupIn(type, MethodHandles.lookup());
        }
        catch (final IllegalAccessException | SecurityException ex)
        {
            return MethodHandles.publicLookup();
        }
    }

    private static MethodHandle getter(
        final MethodHandles.Lookup lookup, final String name, final RecordComponent component)
    {
        try
        {
            return lookup.unreflect(component.getAccessor());
        }
        catch (final IllegalAccessException ex)
        {
            throw Codecs.codecException(name + " component " + component.getName() +
                " is not accessible to jdsm: make the record public or open its package to jdsm", ex);
        }
    }

    private static MethodHandle constructor(
        final MethodHandles.Lookup lookup, final String name, final Class<?> type, final Class<?>[] parameterTypes)
    {
        try
        {
            final Constructor<?> canonical = type.getDeclaredConstructor(parameterTypes);

            return lookup.unreflectConstructor(canonical)
                .asSpreader(Object[].class, parameterTypes.length)
                .asType(MethodType.methodType(Object.class, Object[].class));
        }
        catch (final NoSuchMethodException ex)
        {
            throw Codecs.codecException(name + " has no canonical constructor", ex);
        }
        catch (final IllegalAccessException ex)
        {
            throw Codecs.codecException(name + " canonical constructor is not accessible to jdsm: " +
                "make the record public or open its package to jdsm", ex);
        }
    }
}
