package org.jdsm.spi;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.jdsm.RemoteAccessException;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * A node's heap slice as registered with its transport: the memory peers read, write and apply atomics to
 * without the owner's threads taking part. Every method checks its range and throws
 * {@link RemoteAccessException} naming the offset, length and capacity when it is out of bounds.
 * <p>
 * <b>Note:</b> threadsafe; atomics are atomic with respect to the owner's own atomics on the same words.
 */
public interface HeapRegion
{
    /**
     * Size of the region in bytes.
     *
     * @return the capacity.
     */
    long capacity();

    /**
     * Copy bytes out of the region.
     *
     * @param offset    in the region.
     * @param dst       to copy into.
     * @param dstOffset in {@code dst}.
     * @param length    in bytes.
     */
    void getBytes(long offset, MutableDirectBuffer dst, int dstOffset, int length);

    /**
     * Copy bytes into the region.
     *
     * @param offset    in the region.
     * @param src       to copy from.
     * @param srcOffset in {@code src}.
     * @param length    in bytes.
     */
    void putBytes(long offset, DirectBuffer src, int srcOffset, int length);

    /**
     * Atomic compare-and-swap of an aligned 8-byte word.
     *
     * @param offset   of the word, a multiple of 8.
     * @param expected value.
     * @param update   value.
     * @return the value before the operation: equal to {@code expected} if and only if it succeeded.
     */
    long compareAndSwapLong(long offset, long expected, long update);

    /**
     * Atomic fetch-and-add of an aligned 8-byte word.
     *
     * @param offset of the word, a multiple of 8.
     * @param delta  to add.
     * @return the value before the add.
     */
    long getAndAddLong(long offset, long delta);

    /**
     * Volatile read of an aligned 8-byte word: the first and last read of {@link Transport#readValidated}'s
     * sequence word. By default a fetch-and-add of 0; a region over memory it can load from directly overrides it.
     *
     * @param offset of the word, a multiple of 8.
     * @return the value.
     */
    default long getLongVolatile(final long offset)
    {
        return getAndAddLong(offset, 0);
    }

    /**
     * Copy a range whose first 8-byte word is a sequence, between two volatile reads of that word, as a seqlock
     * reader does: what a transport that serves reads on this node's CPU answers {@link Transport#readValidated}
     * with. The copy's first word is the word when both reads saw the same value, else 0; the rest of the copy is
     * what the range held while the word held it, for a writer that changes the word before the bytes after it (a
     * block freed: its header swapped, then its first payload word written) and after them (a block allocated).
     *
     * @param offset    of the sequence word, a multiple of 8.
     * @param dst       to copy into.
     * @param dstOffset in {@code dst}.
     * @param length    in bytes, the sequence word included: at least 8.
     * @return true if the word held throughout, false if it changed (the copy's first word is then 0).
     */
    default boolean getBytesValidated(
        final long offset, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        final long before = getLongVolatile(offset);
        getBytes(offset, dst, dstOffset, length);
        // the copy's loads happen before the second read of the word (LoadLoad), as a seqlock reader's
        VarHandle.acquireFence();
        final boolean held = getLongVolatile(offset) == before;
        dst.putLong(dstOffset, held ? before : 0L);

        return held;
    }

    /**
     * Where a word read from this region points in it, for {@link Transport#readIndirect}: the offset of the range
     * it names, or -1 when it names none here. The region's owner knows its words' layout; by default no word points
     * anywhere, and an indirect read returns the word alone.
     *
     * @param word read from this region.
     * @return the offset in this region of the range the word points to, a multiple of 8, or -1.
     */
    default long indirectOffset(final long word)
    {
        return -1;
    }

    /**
     * The direct buffers backing the region, in offset order, for transports that register memory with a NIC:
     * each but the last has the length of the first.
     *
     * @return the buffers, or null if the region can not expose them.
     */
    default ByteBuffer[] segments()
    {
        return null;
    }
}
