package org.jdsm.apps.kv;

import org.jdsm.DBox;

/**
 * The value a bucket's {@code DMutex} guards: the address of the bucket's entries, a growable byte array laid out by
 * {@link KvBucketDescriptor}, or {@code null} while the bucket is empty. It is fixed-length (8 bytes), so the mutex
 * never has to grow; the entries box behind it grows and moves instead.
 * <p>
 * <b>Note:</b> immutable; the box it holds is a slot of the held lock's value, valid while the lock is held.
 *
 * @param entries the bucket's entries, or {@code null} when it has none.
 */
public record KvBucket(DBox<byte[]> entries)
{
}
