package org.jdsm.apps.kv;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KvBucketDescriptorTest
{
    private static final int OFFSET = 13; // unaligned, as a key in a bucket in the heap is

    @Test
    void shouldMatchAStoredKeyOnlyWithTheKeyItEncodes()
    {
        final List<String> keys = new ArrayList<>();
        final String digits = "user1234567890123456789";
        for (int length = 0; length <= digits.length(); length++)
        {
            keys.add(digits.substring(0, length));
        }
        keys.add("user1234567890123456780"); // differs in the last char only, inside the overlapping last long
        keys.add("user1234x67890123456789"); // differs in the first long only
        keys.add("é");
        keys.add("Ã©"); // its chars' low bytes are the UTF-8 bytes of "é"
        keys.add("Ł"); // U+0141: its low byte is 'A'
        keys.add("A");
        keys.add("userŁ234567890");
        keys.add("userA234567890");
        keys.add("user\u00C5\u0081234567890"); // Latin-1 chars whose low bytes are the UTF-8 bytes of 'Ł'
        keys.add("user1234567\uD83D\uDE00890"); // a surrogate pair
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(OFFSET + 64));
        for (final String stored : keys)
        {
            final byte[] bytes = stored.getBytes(StandardCharsets.UTF_8);
            buffer.setMemory(0, buffer.capacity(), (byte)'9');
            buffer.putBytes(OFFSET, bytes);
            for (final String key : keys)
            {
                assertEquals(stored.equals(key), KvBucketDescriptor.keyEquals(buffer, OFFSET, bytes.length, key),
                    "stored \"" + stored + "\" against \"" + key + "\"");
            }
        }
    }

    @Test
    void shouldFindEveryKeyAmongKeysOfTheSameHash()
    {
        // "Aa" and "BB" have the same String hash, so every string of n such pairs has the hash of the others
        final String[] keys = new String[20];
        for (int i = 0; i < keys.length; i++)
        {
            final StringBuilder key = new StringBuilder();
            for (int bit = 0; bit < 5; bit++)
            {
                key.append(0 == (i >>> bit & 1) ? "Aa" : "BB");
            }
            keys[i] = 0 == i % 3 ? "other" + i : key.toString();
        }
        KvBucket bucket = KvBucket.EMPTY;
        for (final String key : keys)
        {
            final KvBucket edit = bucket.edit(-1, key.getBytes(StandardCharsets.UTF_8), key.hashCode(), new byte[3]);
            final UnsafeBuffer encoded = new UnsafeBuffer(new byte[KvBucket.CODEC.encodedLength(edit)]);
            KvBucket.CODEC.encode(edit, encoded, 0, null);
            bucket = KvBucket.CODEC.decode(encoded, 0, encoded.capacity(), null);
        }
        final UnsafeBuffer heap = new UnsafeBuffer(ByteBuffer.allocateDirect(OFFSET + bucket.length));
        heap.putBytes(OFFSET, bucket.buffer, 0, bucket.length);

        for (int slot = 0; slot < keys.length; slot++)
        {
            assertEquals(slot, KvBucketDescriptor.find(heap, OFFSET, bucket.length, keys[slot], keys[slot].hashCode()),
                keys[slot]);
        }
        final String absent = "BBBBBBBBBB"; // the hash of the others, in no slot
        assertEquals(-1, KvBucketDescriptor.find(heap, OFFSET, bucket.length, absent, absent.hashCode()));
        assertEquals(-1, KvBucketDescriptor.find(heap, OFFSET, bucket.length, "nothing", "nothing".hashCode()));
    }

    @Test
    void shouldRefuseASlotCountThatDoesNotFitTheBucket()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        buffer.putInt(8 + KvBucketDescriptor.COUNT_OFFSET, 7, KvBucketDescriptor.BYTE_ORDER);

        final IndexOutOfBoundsException ex = assertThrows(IndexOutOfBoundsException.class,
            () -> KvBucketDescriptor.find(buffer, 8, 40, "user1", "user1".hashCode()));
        assertEquals("count=7 outside a bucket of 40 bytes", ex.getMessage());
    }
}
