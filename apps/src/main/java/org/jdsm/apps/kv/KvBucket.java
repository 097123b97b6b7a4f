package org.jdsm.apps.kv;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.Codec;
import org.jdsm.HandleContext;

/**
 * A bucket's entries ({@link KvBucketDescriptor}) as the value of its cell: either a decoded bucket (a copy of
 * its bytes) or an edit of one, one entry left out and one appended, which {@link #CODEC} writes straight into
 * the new value's block. A write thus copies the bucket twice (decoded out of the old block, written into the
 * new one) and allocates one copy of it, not a rebuilt array besides.
 * <p>
 * <b>Note:</b> immutable, hence threadsafe.
 */
final class KvBucket
{
    /** The bucket with no entries. */
    static final KvBucket EMPTY = new KvBucket(new UnsafeBuffer(new byte[0]), 0);

    /** The cell codec of buckets. */
    static final Codec<KvBucket> CODEC = BucketCodec.INSTANCE;

    final DirectBuffer buffer;
    final int length;
    private final int removedSlot;
    private final byte[] addedKey;
    private final int addedHash;
    private final byte[] addedValue;
    private final int encodedLength;

    private KvBucket(final DirectBuffer buffer, final int length)
    {
        this.buffer = buffer;
        this.length = length;
        this.removedSlot = -1;
        this.addedKey = null;
        this.addedHash = 0;
        this.addedValue = null;
        this.encodedLength = length;
    }

    private KvBucket(
        final KvBucket base, final int removedSlot, final byte[] addedKey, final int addedHash, final byte[] addedValue)
    {
        if (base.isEdit())
        {
            throw new IllegalStateException("an edit of an edit");
        }
        this.buffer = base.buffer;
        this.length = base.length;
        this.removedSlot = removedSlot;
        this.addedKey = addedKey;
        this.addedHash = addedHash;
        this.addedValue = addedValue;
        this.encodedLength = KvBucketDescriptor.rewrittenLength(buffer, length, removedSlot, addedKey, addedValue);
    }

    /**
     * This decoded bucket with one entry left out and one appended.
     *
     * @param removedSlot slot to leave out, or -1 for none.
     * @param addedKey    UTF-8 bytes of the key of the entry to append, or null for none.
     * @param addedHash   {@link String#hashCode()} of that key.
     * @param addedValue  value of the entry to append; kept by reference until the edit is encoded.
     * @return the edit.
     */
    KvBucket edit(final int removedSlot, final byte[] addedKey, final int addedHash, final byte[] addedValue)
    {
        return new KvBucket(this, removedSlot, addedKey, addedHash, addedValue);
    }

    private boolean isEdit()
    {
        return removedSlot >= 0 || null != addedKey;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "KvBucket{length=" + length + ", removedSlot=" + removedSlot + ", added=" + (null != addedKey) + '}';
    }

    /**
     * Encodes a bucket as its bytes; an edit is applied while it is written.
     */
    enum BucketCodec implements Codec<KvBucket>
    {
        INSTANCE;

        public int fixedLength()
        {
            return VARIABLE_LENGTH;
        }

        public int encodedLength(final KvBucket bucket)
        {
            return bucket.encodedLength;
        }

        public void encode(
            final KvBucket bucket, final MutableDirectBuffer buffer, final int offset, final HandleContext handles)
        {
            if (bucket.isEdit())
            {
                KvBucketDescriptor.rewrite(bucket.buffer, bucket.length, bucket.removedSlot, bucket.addedKey,
                    bucket.addedHash, bucket.addedValue, buffer, offset);
            }
            else
            {
                buffer.putBytes(offset, bucket.buffer, 0, bucket.length);
            }
        }

        public KvBucket decode(
            final DirectBuffer buffer, final int offset, final int length, final HandleContext handles)
        {
            if (0 == length)
            {
                return EMPTY;
            }
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            return new KvBucket(new UnsafeBuffer(bytes), length);
        }
    }
}
