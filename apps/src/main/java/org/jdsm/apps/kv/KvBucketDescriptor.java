package org.jdsm.apps.kv;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Layout of a bucket's entries: a slot table, then the packed entries, no padding. An empty bucket is 0 bytes.
 * <pre>
 *   0                   4                   8                   12
 *   +-------------------+-------------------+-------------------+-----
 *   | entry count (int) | key hash (int)    | entry offset (int)| ...   slot, repeated count times
 *   +-------------------+-------------------+-------------------+-----
 *   +-------------------+-------------------+------------------+-------------+
 *   | key length (int)  | value length (int)| key (UTF-8) ...  | value ...   |  entry, at its slot's offset
 *   +-------------------+-------------------+------------------+-------------+
 * </pre>
 * Integers are little-endian; an entry offset counts from the bucket's start. The key hash is
 * {@link String#hashCode()} of the key, so a lookup reads the slot table (one or two cache lines for a few
 * entries) and goes straight to the entry whose hash matches, comparing its key bytes in place against the key's
 * characters, with no allocation.
 */
final class KvBucketDescriptor
{
    static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;
    static final int COUNT_OFFSET = 0;
    static final int SLOTS_OFFSET = 4;
    static final int SLOT_LENGTH = 8;
    static final int SLOT_HASH_OFFSET = 0;
    static final int SLOT_ENTRY_OFFSET = 4;
    static final int KEY_LENGTH_OFFSET = 0;
    static final int VALUE_LENGTH_OFFSET = 4;
    static final int ENTRY_HEADER_LENGTH = 8;

    private KvBucketDescriptor()
    {
    }

    /**
     * Number of entries.
     *
     * @param buffer of the bucket.
     * @param base   index of the bucket's first byte in {@code buffer}.
     * @param length of the bucket in bytes, 0 when empty.
     * @return the entry count.
     */
    static int count(final DirectBuffer buffer, final int base, final int length)
    {
        return 0 == length ? 0 : buffer.getInt(base + COUNT_OFFSET, BYTE_ORDER);
    }

    static int slotHash(final DirectBuffer buffer, final int base, final int slot)
    {
        return buffer.getInt(base + SLOTS_OFFSET + slot * SLOT_LENGTH + SLOT_HASH_OFFSET, BYTE_ORDER);
    }

    /**
     * The offset of a slot's entry.
     *
     * @param buffer of the bucket.
     * @param base   index of the bucket's first byte in {@code buffer}.
     * @param slot   in [0, count).
     * @return the entry's offset from the bucket's start.
     */
    static int entryOffset(final DirectBuffer buffer, final int base, final int slot)
    {
        return buffer.getInt(base + SLOTS_OFFSET + slot * SLOT_LENGTH + SLOT_ENTRY_OFFSET, BYTE_ORDER);
    }

    static int keyLength(final DirectBuffer buffer, final int base, final int entryOffset)
    {
        return buffer.getInt(base + entryOffset + KEY_LENGTH_OFFSET, BYTE_ORDER);
    }

    static int valueLength(final DirectBuffer buffer, final int base, final int entryOffset)
    {
        return buffer.getInt(base + entryOffset + VALUE_LENGTH_OFFSET, BYTE_ORDER);
    }

    static int keyOffset(final int entryOffset)
    {
        return entryOffset + ENTRY_HEADER_LENGTH;
    }

    static int valueOffset(final DirectBuffer buffer, final int base, final int entryOffset)
    {
        return entryOffset + ENTRY_HEADER_LENGTH + keyLength(buffer, base, entryOffset);
    }

    static int entryLength(final DirectBuffer buffer, final int base, final int entryOffset)
    {
        return ENTRY_HEADER_LENGTH + keyLength(buffer, base, entryOffset) + valueLength(buffer, base, entryOffset);
    }

    /**
     * Find a key's slot.
     *
     * @param buffer  of the bucket.
     * @param base    index of the bucket's first byte in {@code buffer}.
     * @param length  of the bucket in bytes.
     * @param key     to find.
     * @param keyHash {@link String#hashCode()} of the key.
     * @return the slot, or -1 if the key is absent.
     * @throws IndexOutOfBoundsException if the slot table or the entry compared does not fit in the bucket: the
     *                                   bytes read were not a bucket (a block freed and reused while it was read in
     *                                   place, which the read then retries), so nothing is read outside it.
     */
    static int find(final DirectBuffer buffer, final int base, final int length, final String key, final int keyHash)
    {
        final int count = count(buffer, base, length);
        if (count < 0 || count > (length - SLOTS_OFFSET) / SLOT_LENGTH)
        {
            throw new IndexOutOfBoundsException("count=" + count + " outside a bucket of " + length + " bytes");
        }
        for (int slot = 0; slot < count; slot++)
        {
            if (slotHash(buffer, base, slot) == keyHash)
            {
                final int entry = entryOffset(buffer, base, slot);
                if (entry < SLOTS_OFFSET || entry > length - ENTRY_HEADER_LENGTH)
                {
                    throw new IndexOutOfBoundsException("entry at " + entry + " outside a bucket of " + length +
                        " bytes");
                }
                final int keyLength = keyLength(buffer, base, entry);
                if (keyLength < 0 || keyLength > length - keyOffset(entry))
                {
                    throw new IndexOutOfBoundsException("entry at " + entry + " key length=" + keyLength +
                        " outside a bucket of " + length + " bytes");
                }
                if (keyEquals(buffer, base + keyOffset(entry), keyLength, key))
                {
                    return slot;
                }
            }
        }

        return -1;
    }

    static String key(final DirectBuffer buffer, final int base, final int length, final int entryOffset)
    {
        final int keyLength = keyLength(buffer, base, entryOffset);
        if (keyLength < 0 || keyOffset(entryOffset) > length - keyLength)
        {
            throw new IndexOutOfBoundsException("entry at " + entryOffset + " key length=" + keyLength +
                " outside a bucket of " + length + " bytes");
        }
        return buffer.getStringWithoutLengthUtf8(base + keyOffset(entryOffset), keyLength);
    }

    /**
     * A copy of an entry's value.
     *
     * @param buffer      of the bucket.
     * @param base        index of the bucket's first byte in {@code buffer}.
     * @param length      of the bucket in bytes.
     * @param entryOffset of the entry.
     * @return the value's bytes.
     * @throws IndexOutOfBoundsException if the entry does not fit in the bucket: the bytes read were not a bucket
     *                                   (a block freed and reused while it was read, which the read then retries),
     *                                   so no array is sized from them.
     */
    static byte[] value(final DirectBuffer buffer, final int base, final int length, final int entryOffset)
    {
        final int valueOffset = valueOffset(buffer, base, entryOffset);
        final int valueLength = valueLength(buffer, base, entryOffset);
        if (valueLength < 0 || valueOffset < 0 || valueOffset > length - valueLength)
        {
            throw new IndexOutOfBoundsException("entry at " + entryOffset + " value offset=" + valueOffset +
                " length=" + valueLength + " outside a bucket of " + length + " bytes");
        }
        final byte[] bytes = new byte[valueLength];
        buffer.getBytes(base + valueOffset, bytes);
        return bytes;
    }

    /**
     * Length of a bucket rewritten by {@link #rewrite}.
     *
     * @param buffer       of the old bucket.
     * @param length       of the old bucket in bytes.
     * @param removedSlot  slot left out, or -1 for none.
     * @param addedKey     UTF-8 bytes of the key of the entry appended, or null for none.
     * @param addedValue   value of the entry appended.
     * @return the new bucket's length in bytes (0 when it has no entries).
     */
    static int rewrittenLength(
        final DirectBuffer buffer,
        final int length,
        final int removedSlot,
        final byte[] addedKey,
        final byte[] addedValue)
    {
        final int count = count(buffer, 0, length);
        int newCount = count;
        int entriesLength = 0 == count ? 0 : length - SLOTS_OFFSET - count * SLOT_LENGTH;
        if (removedSlot >= 0)
        {
            newCount--;
            entriesLength -= entryLength(buffer, 0, entryOffset(buffer, 0, removedSlot));
        }
        if (null != addedKey)
        {
            newCount++;
            entriesLength += ENTRY_HEADER_LENGTH + addedKey.length + addedValue.length;
        }

        return 0 == newCount ? 0 : SLOTS_OFFSET + newCount * SLOT_LENGTH + entriesLength;
    }

    /**
     * Write a bucket: the old one's entries in their order, less one, plus one appended.
     *
     * @param src          the old bucket.
     * @param srcLength    of the old bucket in bytes.
     * @param removedSlot  slot left out, or -1 for none.
     * @param addedKey     UTF-8 bytes of the key of the entry appended, or null for none.
     * @param addedHash    {@link String#hashCode()} of that key.
     * @param addedValue   value of the entry appended.
     * @param dst          to write to, with room for {@link #rewrittenLength} bytes from {@code dstOffset}.
     * @param dstOffset    at which to write.
     */
    static void rewrite(
        final DirectBuffer src,
        final int srcLength,
        final int removedSlot,
        final byte[] addedKey,
        final int addedHash,
        final byte[] addedValue,
        final MutableDirectBuffer dst,
        final int dstOffset)
    {
        final int count = count(src, 0, srcLength);
        final int newCount = count - (removedSlot >= 0 ? 1 : 0) + (null != addedKey ? 1 : 0);
        if (0 == newCount)
        {
            return;
        }
        dst.putInt(dstOffset + COUNT_OFFSET, newCount, BYTE_ORDER);
        int slotAt = dstOffset + SLOTS_OFFSET;
        int entryAt = SLOTS_OFFSET + newCount * SLOT_LENGTH;
        for (int slot = 0; slot < count; slot++)
        {
            if (slot != removedSlot)
            {
                final int entry = entryOffset(src, 0, slot);
                final int entryLength = entryLength(src, 0, entry);
                dst.putInt(slotAt + SLOT_HASH_OFFSET, slotHash(src, 0, slot), BYTE_ORDER);
                dst.putInt(slotAt + SLOT_ENTRY_OFFSET, entryAt, BYTE_ORDER);
                dst.putBytes(dstOffset + entryAt, src, entry, entryLength);
                slotAt += SLOT_LENGTH;
                entryAt += entryLength;
            }
        }
        if (null != addedKey)
        {
            dst.putInt(slotAt + SLOT_HASH_OFFSET, addedHash, BYTE_ORDER);
            dst.putInt(slotAt + SLOT_ENTRY_OFFSET, entryAt, BYTE_ORDER);
            final int at = dstOffset + entryAt;
            dst.putInt(at + KEY_LENGTH_OFFSET, addedKey.length, BYTE_ORDER);
            dst.putInt(at + VALUE_LENGTH_OFFSET, addedValue.length, BYTE_ORDER);
            dst.putBytes(at + ENTRY_HEADER_LENGTH, addedKey);
            dst.putBytes(at + ENTRY_HEADER_LENGTH + addedKey.length, addedValue);
        }
    }

    /**
     * Whether stored UTF-8 key bytes are a key's encoding, compared in place eight stored bytes at a time. When the
     * stored key has as many bytes as the key has characters, either both are ASCII and equal byte for character,
     * or they differ: a stored byte of 0x80 or more means the stored key has fewer characters than bytes, so fewer
     * than the key. Otherwise only a key with a character of 0x80 or more can match, compared by its encoding.
     *
     * @param buffer holding the stored key.
     * @param offset of the stored key in {@code buffer}.
     * @param length of the stored key in bytes.
     * @param key    to compare.
     * @return whether the stored bytes are the key's UTF-8 encoding.
     */
    static boolean keyEquals(final DirectBuffer buffer, final int offset, final int length, final String key)
    {
        final int chars = key.length();
        if (length != chars)
        {
            // UTF-8 takes at least one byte per char, and more only for chars of 0x80 or more
            return length > chars && equalBytes(buffer, offset, length, key.getBytes(StandardCharsets.UTF_8));
        }
        if (chars < Long.BYTES)
        {
            for (int i = 0; i < chars; i++)
            {
                if (buffer.getByte(offset + i) != key.charAt(i)) // a byte of 0x80 or more is negative: never a char
                {
                    return false;
                }
            }
            return true;
        }
        // whole longs, then the last eight bytes (overlapping the previous long when chars is no multiple of 8)
        int i = 0;
        while (true)
        {
            final long stored = buffer.getLong(offset + i, BYTE_ORDER);
            if ((stored & 0x8080_8080_8080_8080L) != 0)
            {
                return false;
            }
            for (int k = 0; k < Long.BYTES; k++)
            {
                if ((int)(stored >>> (k << 3) & 0xFF) != key.charAt(i + k))
                {
                    return false;
                }
            }
            if (i == chars - Long.BYTES)
            {
                return true;
            }
            i = Math.min(i + Long.BYTES, chars - Long.BYTES);
        }
    }

    private static boolean equalBytes(final DirectBuffer buffer, final int offset, final int length, final byte[] key)
    {
        if (length != key.length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(offset + i) != key[i])
            {
                return false;
            }
        }

        return true;
    }
}
