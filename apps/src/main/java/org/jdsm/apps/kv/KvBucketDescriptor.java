package org.jdsm.apps.kv;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Layout of a bucket's entries: packed entries, no header, no padding; the object's length ends the last one.
 * <pre>
 *   0                   4                   8                   12
 *   +-------------------+-------------------+-------------------+------------------+-------------+
 *   | key length (int)  | value length (int)| key hash (int)    | key (UTF-8) ...  | value ...   |  entry, repeated
 *   +-------------------+-------------------+-------------------+------------------+-------------+
 * </pre>
 * Integers are little-endian. The key hash is {@link String#hashCode()} of the key, so a lookup compares one int
 * per entry and key bytes, in place and with no allocation, only where the hashes match.
 */
final class KvBucketDescriptor
{
    static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;
    static final int KEY_LENGTH_OFFSET = 0;
    static final int VALUE_LENGTH_OFFSET = 4;
    static final int KEY_HASH_OFFSET = 8;
    static final int HEADER_LENGTH = 12;

    private KvBucketDescriptor()
    {
    }

    static int keyLength(final DirectBuffer buffer, final int entryOffset)
    {
        return buffer.getInt(entryOffset + KEY_LENGTH_OFFSET, BYTE_ORDER);
    }

    static int valueLength(final DirectBuffer buffer, final int entryOffset)
    {
        return buffer.getInt(entryOffset + VALUE_LENGTH_OFFSET, BYTE_ORDER);
    }

    static int keyOffset(final int entryOffset)
    {
        return entryOffset + HEADER_LENGTH;
    }

    static int valueOffset(final DirectBuffer buffer, final int entryOffset)
    {
        return entryOffset + HEADER_LENGTH + keyLength(buffer, entryOffset);
    }

    static int entryLength(final DirectBuffer buffer, final int entryOffset)
    {
        return HEADER_LENGTH + keyLength(buffer, entryOffset) + valueLength(buffer, entryOffset);
    }

    static int entryLength(final byte[] key, final int valueLength)
    {
        return HEADER_LENGTH + key.length + valueLength;
    }

    /**
     * Find a key's entry.
     *
     * @param buffer of the entries.
     * @param length of the entries in bytes.
     * @param key     UTF-8 bytes of the key.
     * @param keyHash {@link String#hashCode()} of the key.
     * @return the entry's offset, or -1 if the key is absent.
     */
    static int find(final DirectBuffer buffer, final int length, final byte[] key, final int keyHash)
    {
        int offset = 0;
        while (offset < length)
        {
            final int keyLength = keyLength(buffer, offset);
            if (buffer.getInt(offset + KEY_HASH_OFFSET, BYTE_ORDER) == keyHash && keyLength == key.length &&
                equalBytes(buffer, keyOffset(offset), key))
            {
                return offset;
            }
            offset += HEADER_LENGTH + keyLength + valueLength(buffer, offset);
        }

        return -1;
    }

    static String key(final DirectBuffer buffer, final int entryOffset)
    {
        final byte[] bytes = new byte[keyLength(buffer, entryOffset)];
        buffer.getBytes(keyOffset(entryOffset), bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static byte[] value(final DirectBuffer buffer, final int entryOffset)
    {
        final byte[] bytes = new byte[valueLength(buffer, entryOffset)];
        buffer.getBytes(valueOffset(buffer, entryOffset), bytes);
        return bytes;
    }

    static int putEntry(
        final MutableDirectBuffer buffer, final int offset, final byte[] key, final int keyHash, final byte[] value)
    {
        buffer.putInt(offset + KEY_LENGTH_OFFSET, key.length, BYTE_ORDER);
        buffer.putInt(offset + VALUE_LENGTH_OFFSET, value.length, BYTE_ORDER);
        buffer.putInt(offset + KEY_HASH_OFFSET, keyHash, BYTE_ORDER);
        buffer.putBytes(offset + HEADER_LENGTH, key);
        buffer.putBytes(offset + HEADER_LENGTH + key.length, value);
        return offset + HEADER_LENGTH + key.length + value.length;
    }

    private static boolean equalBytes(final DirectBuffer buffer, final int offset, final byte[] key)
    {
        for (int i = 0; i < key.length; i++)
        {
            if (buffer.getByte(offset + i) != key[i])
            {
                return false;
            }
        }

        return true;
    }
}
