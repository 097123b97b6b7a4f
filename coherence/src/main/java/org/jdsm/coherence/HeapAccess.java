package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.Codec;
import org.jdsm.DsmConfig;
import org.jdsm.HandleContext;

/**
 * What handles, borrows, leases and task scopes need from their node: its heap, local or remote, the copies of
 * remote objects, allocation, owner cells, and the few control messages a mutex lease sends. It is the one
 * dependency they have on the engine, so none of them depends on {@link Node}, the public face: a handle can be
 * built over an {@link EngineHeap} of a node of one (a test, a jcstress state) without starting a cluster.
 * <p>
 * Addresses are global addresses with colour ({@link GlobalAddress}); payload offsets count from the first byte
 * after the block header.
 * <p>
 * <b>Note:</b> threadsafe: called by application threads, task workers and the transport's receiving thread.
 * {@link #wrapPayload} takes no lock and allocates nothing; {@link #pinCopy} allocates nothing on a hit but looks the
 * copy up under the cache's lock, so the handles keep the copy they read last and pin it again without the lock
 * while it is not evicted ({@link CacheEntry#tryPin()}).
 */
interface HeapAccess
{
    /**
     * @return this node's id.
     */
    int nodeId();

    /**
     * @return the number of nodes in the cluster.
     */
    int nodeCount();

    /**
     * @return the node's concluded configuration.
     */
    DsmConfig config();

    /**
     * @return the node's live counters, to increment.
     */
    Counters liveCounters();

    /**
     * @return the per-thread leases of copies for cache hits without atomics.
     */
    ReaderLeases readerLeases();

    /**
     * @param address global address.
     * @return true if the object lives in this node's heap.
     */
    boolean isLocal(long address);

    /**
     * @param borrow the Ref or Mut nested handles are decoded through, or null when encoding.
     * @return a context for one encode or decode.
     */
    HandleContext handleContext(Object borrow);

    /**
     * @param address of a local object.
     * @return its payload length.
     * @throws org.jdsm.RemoteAccessException if the address names no live block with its colour.
     */
    int localLength(long address);

    /**
     * The heap segment holding a local object, to read it in place from {@link #indexInSegment}: no view is wrapped
     * per read. A block never spans segments; the segment is the same for the heap's life. Its header
     * ({@link BlockDescriptor}) lies just before its payload: a reader in place reads it (acquire) before and after,
     * a seqlock whose sequence is the header (a freed block's colour changes before it can be reused).
     *
     * @param address of a local object.
     * @return the segment.
     */
    UnsafeBuffer localSegment(long address);

    /**
     * The index in {@link #localSegment} of a byte of a local object's payload.
     *
     * @param address       of a local object.
     * @param payloadOffset of the byte in the payload.
     * @return its index in the segment.
     */
    int indexInSegment(long address, int payloadOffset);

    /**
     * The segment whose word at {@link #indexInSegment} a reader may load (volatile) as {@link #atomicRead} does:
     * the object is local and this node keeps no backups (with backups a word is read through its slice's gate).
     * A handle whose object never moves (a cell) looks it up once.
     *
     * @param address of an object.
     * @return the segment, or null if its words must be read by {@link #atomicRead}.
     */
    UnsafeBuffer directWordSegment(long address);

    /**
     * Wrap a view over a local object's payload.
     *
     * @param view    to wrap.
     * @param address of a local object.
     * @param length  of its payload.
     */
    void wrapPayload(UnsafeBuffer view, long address, int length);

    /**
     * Wrap a view over part of a local object's payload.
     *
     * @param view          to wrap.
     * @param address       of a local object.
     * @param payloadOffset first byte of the view in the payload.
     * @param length        of the view.
     */
    void wrapPayload(UnsafeBuffer view, long address, int payloadOffset, int length);

    /**
     * Pin a copy of a remote object in the cache, fetching it on a miss; a hit takes the cache's lock.
     *
     * @param address    global address with colour.
     * @param lengthHint payload length if known, else -1.
     * @return the pinned, filled entry.
     */
    CacheEntry pinCopy(long address, int lengthHint);

    /**
     * Give back the cache slot of a copy of a remote object whose owner on this node just freed it, unless a
     * reader still pins it.
     *
     * @param entry the copy, pinned by nobody on the caller's behalf.
     */
    void dropCopy(CacheEntry entry);

    /**
     * Take an object for an exclusive borrow: a local one gets colour + 1, a remote one moves here.
     *
     * @param address    global address with colour.
     * @param lengthHint payload length if known, else -1.
     * @return the object's new address, on this node.
     */
    long acquireExclusive(long address, int lengthHint);

    /**
     * Give a local object a new payload length.
     *
     * @param address   of a local object, held exclusively.
     * @param newLength payload length.
     * @return the object's address, new if it moved.
     */
    long resizeLocal(long address, int newLength);

    /**
     * Allocate, on this node when it has room, else on a peer.
     *
     * @param length of the payload.
     * @return the global address.
     */
    long allocate(int length);

    /**
     * Allocate a box and write its initial value.
     *
     * @param placement node to allocate on, or -1 for this node when it has room, else a peer.
     * @param codec     of the value.
     * @param value     initial value.
     * @param <T>       type of the value.
     * @return the box.
     */
    <T> BoxHandle<T> newBox(int placement, Codec<T> codec, T value);

    /**
     * Write an object's initial value.
     *
     * @param address of the object.
     * @param length  of its payload.
     * @param codec   of the value.
     * @param value   to encode.
     * @param <T>     type of the value.
     */
    <T> void writeInitial(long address, int length, Codec<T> codec, T value);

    /**
     * Free an object: at once when local, by a message to its home otherwise.
     *
     * @param address global address with colour.
     */
    void free(long address);

    /**
     * Add to a count word ({@link CountWord}): a word of an object's payload that only this method changes after
     * its first write. With backups the word also keeps the position of its value in the order its additions were
     * decided; the count is returned without it. Other words are read with {@link #atomicRead}.
     *
     * @param address       of the object.
     * @param payloadOffset of an aligned count word in its payload.
     * @param delta         to add, 0 to read.
     * @return the count before.
     */
    long fetchAdd(long address, int payloadOffset, long delta);

    /**
     * Read an aligned long of an object's payload atomically: linearizable with {@link #fetchAdd} and
     * {@link #compareAndSwap} on it. A volatile load when the object is local and the node keeps no backups (no
     * atomic, no store: readers on many threads share the word's cache line); a fetch-add of 0 otherwise, through
     * the own slice's gate when it has backups (the word's value is decided at its last live holder) and one-sided
     * when the object is remote (a transport's one-sided read of 8 bytes need not be atomic with its atomics).
     * A count word is returned whole, with the position bits backups keep in it ({@link CountWord}).
     *
     * @param address       of the object.
     * @param payloadOffset of an aligned long in its payload.
     * @return the value.
     */
    long atomicRead(long address, int payloadOffset);

    /**
     * Largest payload {@link #readIndirect} copies: 0 on a node that keeps backups (a backup applies its mirror's
     * bytes in an order a reader can not check, so the word is read alone), else a few KiB.
     *
     * @return the length in bytes, 0 for none.
     */
    int maxIndirectLength();

    /**
     * The calling thread's buffer for {@link #readIndirect}: {@link #maxIndirectLength()} bytes of payload, its
     * block's header and the word before them. Made on a thread's first use, then reused.
     *
     * @return the buffer.
     */
    UnsafeBuffer indirectBuffer();

    /**
     * Read an aligned long of a remote object's payload atomically, as {@link #atomicRead} does, and when it is not
     * {@code expected} and names a block at the object's home, that block in the same round trip
     * ({@link org.jdsm.spi.Transport#readIndirect}): checked there as {@link #readBlockValidated} checks a block.
     * Only for a remote object, with a payload length up to {@link #maxIndirectLength()}.
     *
     * @param address       of the remote object.
     * @param payloadOffset of an aligned long in its payload.
     * @param expected      the word last seen.
     * @param dst           {@link #indirectBuffer()}: the word at 0, then the block's header and payload.
     * @param length        of the block's payload if it is copied.
     * @return true if the block was copied after the word (a header that changed during the copy reads as 0).
     */
    boolean readIndirect(long address, int payloadOffset, long expected, UnsafeBuffer dst, int length);

    /**
     * @param address       of the object.
     * @param payloadOffset of an aligned long in its payload.
     * @param expected      value.
     * @param update        value.
     * @return the value found.
     */
    long compareAndSwap(long address, int payloadOffset, long expected, long update);

    /**
     * Copy bytes of an object's payload, local or remote.
     *
     * @param address       of the object.
     * @param payloadOffset first byte.
     * @param dst           to copy into.
     * @param dstOffset     in {@code dst}.
     * @param length        bytes.
     */
    void readPayload(long address, int payloadOffset, MutableDirectBuffer dst, int dstOffset, int length);

    /**
     * Copy a remote block, its header then the first bytes of its payload, with its home checking that the header
     * did not change during the copy where the transport can ({@link org.jdsm.spi.Transport#readValidated}): a block's
     * header changes when it is freed, before it is reused, so a checked copy whose header is live with the address's
     * colour is of the value the address named, with no second round trip to prove it.
     *
     * @param address   of the object.
     * @param dst       to copy into: the header at {@code dstOffset}, then the payload.
     * @param dstOffset in {@code dst}.
     * @param length    bytes, the header's included.
     * @return true if checked (a header that changed reads as 0, not live); false if a plain copy, which the caller
     * proves current some other way (a local block, a transport without the check, a node with backups).
     */
    boolean readBlockValidated(long address, MutableDirectBuffer dst, int dstOffset, int length);

    /**
     * Write bytes of an object's payload, local or remote.
     *
     * @param address       of the object.
     * @param payloadOffset first byte.
     * @param src           to copy from.
     * @param srcOffset     in {@code src}.
     * @param length        bytes.
     */
    void writePayload(long address, int payloadOffset, DirectBuffer src, int srcOffset, int length);

    /**
     * Publish a local object's bytes to the backups of this node's slice, at the release of an exclusive borrow
     * (writes in place under the borrow were not mirrored). Nothing with {@code jdsm.replicas=0}.
     *
     * @param address of the object.
     */
    void publish(long address);

    /**
     * Publish bytes of a local object's payload written in place under an exclusive borrow (a vector element) to
     * the backups of this node's slice. Nothing with {@code jdsm.replicas=0}.
     *
     * @param address       of the object.
     * @param payloadOffset first byte written; {@code -BlockDescriptor.HEADER_LENGTH} starts with the block header.
     * @param length        bytes written.
     */
    void publish(long address, int payloadOffset, int length);

    /**
     * @param address to hold.
     * @return a new local owner cell holding it.
     */
    long allocateOwnerCell(long address);

    /**
     * @param cell a local owner cell.
     * @return the address it holds.
     */
    long readOwnerCell(long cell);

    /**
     * @param cell    an owner cell, local or remote.
     * @param address to hold.
     */
    void writeOwnerCell(long cell, long address);

    /**
     * @param cell to free.
     */
    void freeOwnerCell(long cell);

    /**
     * @return an id unique in the cluster for a lease holder.
     */
    long nextHolderId();

    /**
     * @return the node's cache of copies.
     */
    CopyCache copyCache();

    /**
     * @param address global address with colour.
     * @return the key of its copy in {@link #copyCache()}.
     */
    long cacheKey(long address);

    /**
     * @param address  the mutex's global address.
     * @param capacity bytes its value can hold.
     * @return this node's lease of the mutex.
     */
    MutexLease mutexLease(long address, int capacity);

    /**
     * @return the transport's largest control message.
     */
    int maxMessageLength();

    /**
     * Send a control message without a body (a mutex lease's), counted.
     *
     * @param target        node.
     * @param type          a {@code *_TYPE} of {@link ControlMessageDescriptor}.
     * @param correlationId of the message.
     * @param value         of the message.
     */
    void sendControl(int target, int type, long correlationId, long value);

    /**
     * Send a control message whose body is a long, then bytes of a buffer (a mutex lease's value), counted.
     *
     * @param target        node.
     * @param type          a {@code *_TYPE} of {@link ControlMessageDescriptor}.
     * @param correlationId of the message.
     * @param value         of the message.
     * @param bodyPrefix    first 8 bytes of the body.
     * @param src           holding the rest of the body.
     * @param srcOffset     of the rest in {@code src}.
     * @param srcLength     of the rest.
     */
    void sendControl(
        int target, int type, long correlationId, long value, long bodyPrefix, DirectBuffer src, int srcOffset,
        int srcLength);

    /**
     * @param action to run on the node's completion thread.
     */
    void runAsync(Runnable action);

    /**
     * @param failure a lease could not report to its caller, counted and passed to the error handler.
     */
    void onLeaseError(Throwable failure);

    /**
     * @param peer node.
     * @return true if the transport has the peer.
     */
    boolean isAvailable(int peer);

    /**
     * Whether the membership declared a peer dead (its slice is served by a backup from then on); never with
     * {@code jdsm.replicas=0}, which has no fail-over.
     *
     * @param peer node.
     * @return true if the peer is dead for good.
     */
    boolean isDeclaredDead(int peer);
}
