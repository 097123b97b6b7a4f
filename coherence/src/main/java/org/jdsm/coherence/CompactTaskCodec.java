package org.jdsm.coherence;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.DsmException;

import java.io.ObjectInputFilter;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compact form of the tasks and results most programs send, with no Java serialization stream: a value that is
 * {@code null}, a boxed primitive, a {@code String} or an array of {@code byte}, {@code int}, {@code long} or
 * {@code double}; and a serializable lambda that captures only such values (a method reference such as
 * {@code DsmNode::nodeId}, or {@code n -> n.alloc(codec, size)} with {@code size} a {@code long}). A lambda that
 * captures anything else (a handle, a record) has its fields in compact form and its captured values in a Java
 * stream ({@link #LAMBDA_STREAM_FORMAT}); any other task or result is left to Java serialization ({@link TaskCodec}).
 * <p>
 * A lambda travels as the fields of its {@link SerializedLambda} and its captured values; the receiver rebuilds it
 * with its capturing class's {@code $deserializeLambda$}, exactly as {@link java.io.ObjectInputStream} would, so it
 * creates nothing a Java stream of the same lambda could not ({@link TaskInputFilter}'s rules: the capturing class
 * must declare {@code $deserializeLambda$}, which rebuilds only lambdas that class compiled; the values are JDK value
 * types; a process-wide {@code jdk.serialFilter} is consulted for each class). The first byte tells the forms apart
 * ({@link #VALUE_FORMAT}, {@link #LAMBDA_FORMAT}, {@link #LAMBDA_STREAM_FORMAT}; a Java stream starts with
 * {@code 0xAC}). Every length is checked
 * against the bytes that remain, so a malformed payload fails with a {@link DsmException} naming what was wrong and
 * allocates no more than its own size.
 * <p>
 * Layout, little-endian: a string is an {@code int} byte count and its UTF-8 bytes; an array an {@code int} element
 * count and its elements. A value is a tag byte and its payload. A lambda is, after its format byte, the capturing
 * class, the functional interface class, method name and signature, the implementation method's kind ({@code int}),
 * class, name and signature, the instantiated method type, the count of captured values (one byte) and the values;
 * or, in {@link #LAMBDA_STREAM_FORMAT}, a Java stream of the captured values as one {@code Object[]}, read through
 * {@link TaskInputFilter} after the capturing class was checked.
 * <p>
 * <b>Note:</b> stateless and threadsafe; classes resolved are cached per name and class loader.
 */
final class CompactTaskCodec
{
    /** First byte of a compact value. */
    static final byte VALUE_FORMAT = 0x01;
    /** First byte of a compact lambda. */
    static final byte LAMBDA_FORMAT = 0x02;
    /** First byte of a lambda whose fields are compact and whose captured values are a Java stream. */
    static final byte LAMBDA_STREAM_FORMAT = 0x03;
    /** Most values a compact lambda captures; a lambda capturing more is serialized. */
    static final int MAX_CAPTURED = 255;

    private static final byte NULL = 0;
    private static final byte INT = 1;
    private static final byte LONG = 2;
    private static final byte BOOLEAN = 3;
    private static final byte BYTE = 4;
    private static final byte SHORT = 5;
    private static final byte CHAR = 6;
    private static final byte FLOAT = 7;
    private static final byte DOUBLE = 8;
    private static final byte STRING = 9;
    private static final byte BYTE_ARRAY = 10;
    private static final byte INT_ARRAY = 11;
    private static final byte LONG_ARRAY = 12;
    private static final byte DOUBLE_ARRAY = 13;

    private static final ConcurrentHashMap<String, ResolvedClass> CAPTURING_CLASSES = new ConcurrentHashMap<>();

    private CompactTaskCodec()
    {
    }

    /**
     * Encode a value or a lambda in compact form.
     *
     * @param value a task or a result.
     * @param what  it is, for errors.
     * @return its bytes, or null if it has no compact form.
     */
    static byte[] encode(final Object value, final String what)
    {
        if (isCompactValue(value))
        {
            final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
            buffer.putByte(0, VALUE_FORMAT);
            final int length = putValue(buffer, 1, value);
            return Arrays.copyOf(buffer.byteArray(), length);
        }
        final SerializedLambda lambda = SerializableLambdas.of(value);
        if (null == lambda || lambda.getCapturedArgCount() > MAX_CAPTURED)
        {
            return null;
        }
        final int count = lambda.getCapturedArgCount();
        boolean plain = true;
        for (int i = 0; i < count && plain; i++)
        {
            plain = isCompactValue(lambda.getCapturedArg(i));
        }

        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        int index = 0;
        buffer.putByte(index++, plain ? LAMBDA_FORMAT : LAMBDA_STREAM_FORMAT);
        index += buffer.putStringUtf8(index, lambda.getCapturingClass());
        index += buffer.putStringUtf8(index, lambda.getFunctionalInterfaceClass());
        index += buffer.putStringUtf8(index, lambda.getFunctionalInterfaceMethodName());
        index += buffer.putStringUtf8(index, lambda.getFunctionalInterfaceMethodSignature());
        buffer.putInt(index, lambda.getImplMethodKind());
        index += Integer.BYTES;
        index += buffer.putStringUtf8(index, lambda.getImplClass());
        index += buffer.putStringUtf8(index, lambda.getImplMethodName());
        index += buffer.putStringUtf8(index, lambda.getImplMethodSignature());
        index += buffer.putStringUtf8(index, lambda.getInstantiatedMethodType());
        if (plain)
        {
            buffer.putByte(index++, (byte)count);
            for (int i = 0; i < count; i++)
            {
                index = putValue(buffer, index, lambda.getCapturedArg(i));
            }
        }
        else
        {
            final Object[] captured = new Object[count];
            for (int i = 0; i < count; i++)
            {
                captured[i] = lambda.getCapturedArg(i);
            }
            final byte[] stream = TaskCodec.serializeStream(captured, what);
            buffer.putBytes(index, stream);
            index += stream.length;
        }

        return Arrays.copyOf(buffer.byteArray(), index);
    }

    /**
     * @param data a serialized task or result.
     * @return true if it is in compact form, for {@link #decode}.
     */
    static boolean isCompact(final byte[] data)
    {
        return data.length > 0 &&
            (VALUE_FORMAT == data[0] || LAMBDA_FORMAT == data[0] || LAMBDA_STREAM_FORMAT == data[0]);
    }

    /**
     * Decode a value or rebuild a lambda, under the current {@link TaskScope} if any (whose node counts a rejection
     * in {@link Counters#TASKS_REJECTED}).
     *
     * @param data in compact form.
     * @param what it is, for errors, e.g. "task from node 1".
     * @return the value or the lambda.
     * @throws DsmException naming what was wrong if the data is malformed or names a class that may not be rebuilt.
     */
    static Object decode(final byte[] data, final String what)
    {
        final Reader reader = new Reader(data, what);
        final byte format = reader.nextByte();
        final Object decoded;
        if (VALUE_FORMAT == format)
        {
            decoded = reader.value();
        }
        else if (LAMBDA_FORMAT == format || LAMBDA_STREAM_FORMAT == format)
        {
            decoded = reader.lambda(LAMBDA_STREAM_FORMAT == format);
        }
        else
        {
            throw reader.malformed("unknown format " + format);
        }
        if (reader.index != data.length)
        {
            throw reader.malformed((data.length - reader.index) + " bytes after the end");
        }

        return decoded;
    }

    private static boolean isCompactValue(final Object value)
    {
        if (null == value)
        {
            return true;
        }
        final Class<?> type = value.getClass();
        return type == Integer.class || type == Long.class || type == String.class || type == Boolean.class ||
            type == Double.class || type == Byte.class || type == Short.class || type == Character.class ||
            type == Float.class || type == byte[].class || type == int[].class || type == long[].class ||
            type == double[].class;
    }

    private static int putValue(final ExpandableArrayBuffer buffer, final int start, final Object value)
    {
        int index = start;
        if (null == value)
        {
            buffer.putByte(index++, NULL);
        }
        else if (value instanceof Integer)
        {
            buffer.putByte(index++, INT);
            buffer.putInt(index, (Integer)value);
            index += Integer.BYTES;
        }
        else if (value instanceof Long)
        {
            buffer.putByte(index++, LONG);
            buffer.putLong(index, (Long)value);
            index += Long.BYTES;
        }
        else if (value instanceof String)
        {
            buffer.putByte(index++, STRING);
            index += buffer.putStringUtf8(index, (String)value);
        }
        else if (value instanceof Boolean)
        {
            buffer.putByte(index++, BOOLEAN);
            buffer.putByte(index++, (byte)((Boolean)value ? 1 : 0));
        }
        else if (value instanceof Double)
        {
            buffer.putByte(index++, DOUBLE);
            buffer.putDouble(index, (Double)value);
            index += Double.BYTES;
        }
        else if (value instanceof Byte)
        {
            buffer.putByte(index++, BYTE);
            buffer.putByte(index++, (Byte)value);
        }
        else if (value instanceof Short)
        {
            buffer.putByte(index++, SHORT);
            buffer.putShort(index, (Short)value);
            index += Short.BYTES;
        }
        else if (value instanceof Character)
        {
            buffer.putByte(index++, CHAR);
            buffer.putChar(index, (Character)value);
            index += Character.BYTES;
        }
        else if (value instanceof Float)
        {
            buffer.putByte(index++, FLOAT);
            buffer.putFloat(index, (Float)value);
            index += Float.BYTES;
        }
        else if (value instanceof byte[])
        {
            final byte[] array = (byte[])value;
            buffer.putByte(index++, BYTE_ARRAY);
            buffer.putInt(index, array.length);
            index += Integer.BYTES;
            buffer.putBytes(index, array);
            index += array.length;
        }
        else if (value instanceof int[])
        {
            final int[] array = (int[])value;
            buffer.putByte(index++, INT_ARRAY);
            buffer.putInt(index, array.length);
            index += Integer.BYTES;
            buffer.checkLimit(index + array.length * Integer.BYTES);
            for (final int element : array)
            {
                buffer.putInt(index, element);
                index += Integer.BYTES;
            }
        }
        else if (value instanceof long[])
        {
            final long[] array = (long[])value;
            buffer.putByte(index++, LONG_ARRAY);
            buffer.putInt(index, array.length);
            index += Integer.BYTES;
            buffer.checkLimit(index + array.length * Long.BYTES);
            for (final long element : array)
            {
                buffer.putLong(index, element);
                index += Long.BYTES;
            }
        }
        else
        {
            final double[] array = (double[])value;
            buffer.putByte(index++, DOUBLE_ARRAY);
            buffer.putInt(index, array.length);
            index += Integer.BYTES;
            buffer.checkLimit(index + array.length * Double.BYTES);
            for (final double element : array)
            {
                buffer.putDouble(index, element);
                index += Double.BYTES;
            }
        }

        return index;
    }

    /**
     * A capturing class resolved through a class loader, cached for the next lambda it compiled.
     */
    private static final class ResolvedClass
    {
        private final ClassLoader loader;
        private final Class<?> type;

        private ResolvedClass(final ClassLoader loader, final Class<?> type)
        {
            this.loader = loader;
            this.type = type;
        }
    }

    /**
     * Reads one payload, checking every length against the bytes that remain.
     */
    private static final class Reader
    {
        private final byte[] data;
        private final UnsafeBuffer buffer;
        private final int length;
        private final String what;
        private int index;

        private Reader(final byte[] data, final String what)
        {
            this.data = data;
            this.buffer = new UnsafeBuffer(data);
            this.length = data.length;
            this.what = what;
        }

        private DsmException malformed(final String problem)
        {
            return new DsmException(what + " can not be deserialized: malformed compact form (" + length +
                " bytes): " + problem + " at byte " + index);
        }

        private void need(final int bytes, final String of)
        {
            if (bytes < 0 || bytes > length - index)
            {
                throw malformed(of + " needs " + bytes + " bytes, " + (length - index) + " remain");
            }
        }

        private byte nextByte()
        {
            need(1, "a byte");
            return buffer.getByte(index++);
        }

        private int nextInt(final String of)
        {
            need(Integer.BYTES, of);
            final int value = buffer.getInt(index);
            index += Integer.BYTES;
            return value;
        }

        private String nextString(final String of)
        {
            final int bytes = nextInt(of);
            need(bytes, of);
            final String value = buffer.getStringWithoutLengthUtf8(index, bytes);
            index += bytes;
            return value;
        }

        private int nextCount(final int elementBytes, final String of)
        {
            final int count = nextInt(of);
            if (count < 0 || count > (length - index) / elementBytes)
            {
                throw malformed(of + " of " + count + " elements, " + (length - index) + " bytes remain");
            }
            return count;
        }

        private Object value()
        {
            final byte tag = nextByte();
            switch (tag)
            {
                case NULL:
                    return null;
                case INT:
                    return nextInt("an int");
                case LONG:
                    need(Long.BYTES, "a long");
                    index += Long.BYTES;
                    return buffer.getLong(index - Long.BYTES);
                case BOOLEAN:
                    return 0 != nextByte();
                case BYTE:
                    return nextByte();
                case SHORT:
                    need(Short.BYTES, "a short");
                    index += Short.BYTES;
                    return buffer.getShort(index - Short.BYTES);
                case CHAR:
                    need(Character.BYTES, "a char");
                    index += Character.BYTES;
                    return buffer.getChar(index - Character.BYTES);
                case FLOAT:
                    need(Float.BYTES, "a float");
                    index += Float.BYTES;
                    return buffer.getFloat(index - Float.BYTES);
                case DOUBLE:
                    need(Double.BYTES, "a double");
                    index += Double.BYTES;
                    return buffer.getDouble(index - Double.BYTES);
                case STRING:
                    return nextString("a string");
                case BYTE_ARRAY:
                {
                    final byte[] array = new byte[nextCount(1, "a byte[]")];
                    buffer.getBytes(index, array);
                    index += array.length;
                    return array;
                }
                case INT_ARRAY:
                {
                    final int[] array = new int[nextCount(Integer.BYTES, "an int[]")];
                    for (int i = 0; i < array.length; i++, index += Integer.BYTES)
                    {
                        array[i] = buffer.getInt(index);
                    }
                    return array;
                }
                case LONG_ARRAY:
                {
                    final long[] array = new long[nextCount(Long.BYTES, "a long[]")];
                    for (int i = 0; i < array.length; i++, index += Long.BYTES)
                    {
                        array[i] = buffer.getLong(index);
                    }
                    return array;
                }
                case DOUBLE_ARRAY:
                {
                    final double[] array = new double[nextCount(Double.BYTES, "a double[]")];
                    for (int i = 0; i < array.length; i++, index += Double.BYTES)
                    {
                        array[i] = buffer.getDouble(index);
                    }
                    return array;
                }
                default:
                    index--;
                    throw malformed("unknown value tag " + tag);
            }
        }

        private Object lambda(final boolean capturedInStream)
        {
            final String capturingName = nextString("the capturing class");
            final String interfaceClass = nextString("the functional interface class");
            final String interfaceMethod = nextString("the functional interface method");
            final String interfaceSignature = nextString("the functional interface signature");
            final int implKind = nextInt("the implementation method kind");
            final String implClass = nextString("the implementation class");
            final String implMethod = nextString("the implementation method");
            final String implSignature = nextString("the implementation signature");
            final String instantiatedType = nextString("the instantiated method type");
            Object[] captured = null;
            if (!capturedInStream)
            {
                captured = new Object[nextByte() & 0xFF];
                for (int i = 0; i < captured.length; i++)
                {
                    captured[i] = value();
                    checkProcessFilter(null == captured[i] ? null : captured[i].getClass());
                }
            }

            final Class<?> capturing = capturingClass(capturingName.replace('/', '.'));
            final Method deserializer = SerializableLambdas.deserializer(capturing);
            if (null == deserializer)
            {
                rejected();
                throw new DsmException(what + " can not be deserialized: rejected class " + capturing.getName() +
                    ": not the capturing class of a serializable lambda (no $deserializeLambda$)");
            }
            checkProcessFilter(SerializedLambda.class);
            checkProcessFilter(capturing);
            if (capturedInStream)
            {
                // through the task input filter, as the rest of a Java stream of the lambda would be read
                final Object values = TaskCodec.deserializeStream(data, index, length - index, what);
                index = length;
                if (!(values instanceof Object[]) || ((Object[])values).length > MAX_CAPTURED)
                {
                    throw malformed("captured values not an Object[] of at most " + MAX_CAPTURED + " elements");
                }
                captured = (Object[])values;
            }

            final SerializedLambda lambda = new SerializedLambda(capturing, interfaceClass, interfaceMethod,
                interfaceSignature, implKind, implClass, implMethod, implSignature, instantiatedType, captured);
            try
            {
                return deserializer.invoke(null, lambda);
            }
            catch (final InvocationTargetException ex)
            {
                throw new DsmException(what + " can not be deserialized: " + capturing.getName() +
                    " rebuilds no such lambda (" + implClass + "." + implMethod + implSignature + "): " +
                    ex.getCause(), ex.getCause());
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new DsmException(what + " can not be deserialized: " + ex, ex);
            }
        }

        private Class<?> capturingClass(final String name)
        {
            final ClassLoader context = Thread.currentThread().getContextClassLoader();
            final ClassLoader loader = null != context ? context : CompactTaskCodec.class.getClassLoader();
            final ResolvedClass cached = CAPTURING_CLASSES.get(name);
            if (null != cached && cached.loader == loader)
            {
                return cached.type;
            }
            Class<?> type;
            try
            {
                type = Class.forName(name, false, loader);
            }
            catch (final ClassNotFoundException | LinkageError ex)
            {
                try
                {
                    type = Class.forName(name, false, CompactTaskCodec.class.getClassLoader());
                }
                catch (final ClassNotFoundException | LinkageError notHere)
                {
                    throw new DsmException(what + " needs class " + name + ", not on this node's class path: " +
                        "give every node the program's classes (jdsm run --class-path, jdsm node --class-path)",
                        notHere);
                }
            }
            CAPTURING_CLASSES.put(name, new ResolvedClass(loader, type));

            return type;
        }

        private void checkProcessFilter(final Class<?> type)
        {
            final ObjectInputFilter processFilter = ObjectInputFilter.Config.getSerialFilter();
            if (null != processFilter && null != type &&
                ObjectInputFilter.Status.REJECTED == processFilter.checkInput(new ClassInfo(type, length)))
            {
                rejected();
                throw new DsmException(what + " can not be deserialized: rejected class " + type.getName() +
                    ": rejected by the process-wide filter jdk.serialFilter");
            }
        }

        private void rejected()
        {
            final TaskScope scope = TaskScope.currentOrNull();
            if (null != scope)
            {
                scope.node.liveCounters().increment(Counters.TASKS_REJECTED);
            }
        }
    }

    /**
     * What a process-wide filter is asked about one class of a compact payload.
     */
    private static final class ClassInfo implements ObjectInputFilter.FilterInfo
    {
        private final Class<?> type;
        private final long streamBytes;

        private ClassInfo(final Class<?> type, final long streamBytes)
        {
            this.type = type;
            this.streamBytes = streamBytes;
        }

        public Class<?> serialClass()
        {
            return type;
        }

        public long arrayLength()
        {
            return type.isArray() ? 0 : -1;
        }

        public long depth()
        {
            return 1;
        }

        public long references()
        {
            return 1;
        }

        public long streamBytes()
        {
            return streamBytes;
        }
    }
}
