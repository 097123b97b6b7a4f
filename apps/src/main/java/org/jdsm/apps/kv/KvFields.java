package org.jdsm.apps.kv;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A YCSB record (field name to bytes) as one KV value:
 * <pre>
 *   field count (int) | { name length (int) | value length (int) | name (UTF-8) | value } ...
 * </pre>
 * Integers little-endian.
 */
final class KvFields
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private KvFields()
    {
    }

    static byte[] encode(final Map<String, byte[]> fields)
    {
        int length = 4;
        for (final Map.Entry<String, byte[]> field : fields.entrySet())
        {
            length += 8 + field.getKey().getBytes(StandardCharsets.UTF_8).length + field.getValue().length;
        }
        final byte[] bytes = new byte[length];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        buffer.putInt(0, fields.size(), ORDER);
        int offset = 4;
        for (final Map.Entry<String, byte[]> field : fields.entrySet())
        {
            final byte[] name = field.getKey().getBytes(StandardCharsets.UTF_8);
            buffer.putInt(offset, name.length, ORDER);
            buffer.putInt(offset + 4, field.getValue().length, ORDER);
            buffer.putBytes(offset + 8, name);
            buffer.putBytes(offset + 8 + name.length, field.getValue());
            offset += 8 + name.length + field.getValue().length;
        }

        return bytes;
    }

    static byte[] encodeIterators(final Map<String, ByteIterator> values)
    {
        return encode(toArrays(values));
    }

    /**
     * Read each value once: a {@link ByteIterator} can be read only once.
     */
    static Map<String, byte[]> toArrays(final Map<String, ByteIterator> values)
    {
        final Map<String, byte[]> fields = new LinkedHashMap<>();
        for (final Map.Entry<String, ByteIterator> value : values.entrySet())
        {
            fields.put(value.getKey(), value.getValue().toArray());
        }

        return fields;
    }

    static Map<String, byte[]> decode(final byte[] bytes)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final int count = buffer.getInt(0, ORDER);
        final Map<String, byte[]> fields = new LinkedHashMap<>(count * 2);
        int offset = 4;
        for (int i = 0; i < count; i++)
        {
            final int nameLength = buffer.getInt(offset, ORDER);
            final int valueLength = buffer.getInt(offset + 4, ORDER);
            final String name = buffer.getStringWithoutLengthUtf8(offset + 8, nameLength);
            final byte[] value = new byte[valueLength];
            buffer.getBytes(offset + 8 + nameLength, value);
            fields.put(name, value);
            offset += 8 + nameLength + valueLength;
        }

        return fields;
    }

    /**
     * Decode a record's fields in place, only those wanted: names at even indexes, values as
     * {@link ByteArrayByteIterator}s at odd ones.
     *
     * @param buffer holding the record.
     * @param offset of the record.
     * @param length of the record in bytes.
     * @param wanted names of the fields to decode, or null for all.
     * @return the fields decoded.
     * @throws IndexOutOfBoundsException if the bytes are not a record that fits in {@code length}.
     */
    static Object[] decodeWanted(
        final DirectBuffer buffer, final int offset, final int length, final Set<String> wanted)
    {
        final int end = offset + length;
        final int count = buffer.getInt(offset, ORDER);
        if (count < 0 || count > length / 8)
        {
            throw new IndexOutOfBoundsException("field count=" + count + " in a record of " + length + " bytes");
        }
        Object[] fields = new Object[2 * (null == wanted ? count : Math.min(count, wanted.size()))];
        int decoded = 0;
        int at = offset + 4;
        for (int i = 0; i < count; i++)
        {
            final int nameLength = buffer.getInt(at, ORDER);
            final int valueLength = buffer.getInt(at + 4, ORDER);
            if (nameLength < 0 || valueLength < 0 || (long)at + 8 + nameLength + valueLength > end)
            {
                throw new IndexOutOfBoundsException("field at " + (at - offset) + " outside a record of " + length +
                    " bytes");
            }
            final String name = buffer.getStringWithoutLengthUtf8(at + 8, nameLength);
            if (null == wanted || wanted.contains(name))
            {
                final byte[] value = new byte[valueLength];
                buffer.getBytes(at + 8 + nameLength, value);
                if (decoded == fields.length)
                {
                    fields = Arrays.copyOf(fields, fields.length + 2); // a field name twice in the record
                }
                fields[decoded++] = name;
                fields[decoded++] = new ByteArrayByteIterator(value);
            }
            at += 8 + nameLength + valueLength;
        }

        return decoded == fields.length ? fields : Arrays.copyOf(fields, decoded);
    }

    static void decodeInto(final byte[] bytes, final Set<String> wanted, final Map<String, ByteIterator> result)
    {
        for (final Map.Entry<String, byte[]> field : decode(bytes).entrySet())
        {
            if (null == wanted || wanted.contains(field.getKey()))
            {
                result.put(field.getKey(), new ByteArrayByteIterator(field.getValue()));
            }
        }
    }

    static byte[] merge(final byte[] old, final Map<String, byte[]> values)
    {
        final Map<String, byte[]> fields = decode(old);
        fields.putAll(values);

        return encode(fields);
    }
}
