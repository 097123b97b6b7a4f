package org.jdsm.spi;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.jdsm.NodeUnavailableException;
import org.jdsm.RemoteAccessException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Moves bytes between the nodes of a cluster. Two families of operations:
 * <ul>
 *     <li>one-sided, on a peer's registered {@link HeapRegion}, served without the peer's application threads:
 *     {@link #read} (and {@link #readValidated}, a read the peer checks against a sequence word where it can, and
 *     {@link #readIndirect}, a word and, when it changed, the range it points to),
 *     {@link #write}, {@link #compareAndSwap}, {@link #fetchAdd}; each returns when it has completed at the peer;</li>
 *     <li>two-sided control messages, delivered to the peer's {@link MessageHandler}: {@link #send}.</li>
 * </ul>
 * An operation on a node that is down, or that does not complete within the configured operation timeout, throws
 * {@link NodeUnavailableException}; one the peer rejects (out of range, unauthenticated) throws
 * {@link RemoteAccessException}. A node may address itself.
 * <p>
 * <b>Note:</b> threadsafe: many threads may have operations in flight to the same peer.
 */
public interface Transport extends AutoCloseable
{
    /**
     * Join the cluster: connect to the peers and wait until all have joined.
     */
    void start();

    /**
     * This node's id.
     *
     * @return the node id.
     */
    int nodeId();

    /**
     * Whether a node is believed to be up.
     *
     * @param nodeId to ask about.
     * @return true if it has not been found dead.
     */
    boolean isAvailable(int nodeId);

    /**
     * Copy bytes from a peer's heap.
     *
     * @param nodeId    of the peer.
     * @param offset    in its heap.
     * @param dst       to copy into.
     * @param dstOffset in {@code dst}.
     * @param length    in bytes.
     */
    void read(int nodeId, long offset, MutableDirectBuffer dst, int dstOffset, int length);

    /**
     * Copy bytes from a peer's heap whose first 8 bytes are a sequence word that changes whenever the bytes after it
     * may (a seqlock, as a heap block's header: its colour changes when the block is freed, before it is reused), and
     * say whether the peer checked it. A transport that serves reads on the peer's CPU reads the word there before
     * and after copying the range: if the two differ, the copy's first word is 0, else it is the word, and the rest
     * of the copy is what the range held while the word held it. A caller that gets {@code true} needs no second
     * round trip to prove its copy current. By default, and for a one-sided transport whose peer's CPU takes no part
     * (RDMA), this is a plain {@link #read} and returns {@code false}: the caller proves the copy some other way.
     *
     * @param nodeId    of the peer.
     * @param offset    in its heap of the sequence word, a multiple of 8.
     * @param dst       to copy into.
     * @param dstOffset in {@code dst}.
     * @param length    in bytes, the sequence word included: at least 8.
     * @return true if the peer checked the sequence word, false if this was a plain read.
     * @throws RemoteAccessException if {@code offset} is not a multiple of 8 or {@code length < 8}.
     */
    default boolean readValidated(
        final int nodeId, final long offset, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        TransportArguments.checkSequenceWord("readValidated", offset, length);
        read(nodeId, offset, dst, dstOffset, length);
        return false;
    }

    /**
     * Read an aligned 8-byte word of a peer's heap atomically and, when it is not {@code expected}, the range of that
     * peer's heap it points to, in one round trip: an indirect read (PRISM's, SOSP '21). The peer's
     * {@link HeapRegion#indirectOffset} says where the word points; the range is copied as
     * {@link #readValidated} copies one, so its first 8 bytes are its sequence word, or 0 if that changed during the
     * copy. The word goes to {@code dst} at {@code dstOffset}, the range after it. By default, and for a one-sided
     * transport whose peer's CPU takes no part (RDMA), only the word is read ({@link #fetchAdd} of 0) and the caller
     * reads the range itself.
     *
     * @param nodeId     of the peer.
     * @param wordOffset in its heap of the word, a multiple of 8.
     * @param expected   the word the caller last saw: when the word still holds it, the range is not copied.
     * @param dst        to copy into: the word, then the range.
     * @param dstOffset  in {@code dst}.
     * @param length     of the range in bytes, its sequence word included: at least 8.
     * @return true if the range was copied after the word; false if only the word was read (it was
     * {@code expected}, it points to no range of the peer's heap, the range does not fit one response, or this
     * transport reads no range indirectly).
     * @throws RemoteAccessException if {@code wordOffset} is not a multiple of 8 or {@code length < 8}.
     */
    default boolean readIndirect(
        final int nodeId,
        final long wordOffset,
        final long expected,
        final MutableDirectBuffer dst,
        final int dstOffset,
        final int length)
    {
        TransportArguments.checkIndirect("readIndirect", wordOffset, length);
        dst.putLong(dstOffset, fetchAdd(nodeId, wordOffset, 0));
        return false;
    }

    /**
     * Copy bytes into a peer's heap.
     *
     * @param nodeId    of the peer.
     * @param offset    in its heap.
     * @param src       to copy from.
     * @param srcOffset in {@code src}.
     * @param length    in bytes.
     */
    void write(int nodeId, long offset, DirectBuffer src, int srcOffset, int length);

    /**
     * Compare-and-swap an aligned 8-byte word of a peer's heap.
     *
     * @param nodeId   of the peer.
     * @param offset   of the word.
     * @param expected value.
     * @param update   value.
     * @return the value before the operation.
     */
    long compareAndSwap(int nodeId, long offset, long expected, long update);

    /**
     * Fetch-and-add an aligned 8-byte word of a peer's heap.
     *
     * @param nodeId of the peer.
     * @param offset of the word.
     * @param delta  to add.
     * @return the value before the add.
     */
    long fetchAdd(int nodeId, long offset, long delta);

    /**
     * Send a control message; returns once it is queued. Delivery is asynchronous and the engine does not rely
     * on any order between messages, so a transport may reorder them (the simulated one does).
     *
     * @param nodeId of the peer.
     * @param buffer holding the message.
     * @param offset at which it starts.
     * @param length in bytes, at most {@link #maxMessageLength()}.
     */
    void send(int nodeId, DirectBuffer buffer, int offset, int length);

    /**
     * Wait on the calling thread until {@code response} is complete, or {@code timeoutNs} has passed: a response
     * that this transport's {@link MessageHandler} completes, the answer to a message this node sent (a remote
     * allocation, a task's result). A transport whose waiting callers drive its receiving duty cycle runs that cycle
     * here, so the answer is handled on this thread rather than handed to it by another; by default this waits on the
     * future. Not for a thread of the transport's own (a message handler).
     *
     * @param response  to wait for, completed normally or exceptionally.
     * @param timeoutNs longest wait in nanoseconds.
     * @return true if complete, false if the timeout passed first.
     * @throws InterruptedException if the thread was interrupted while it waited.
     */
    default boolean awaitResponse(final CompletableFuture<?> response, final long timeoutNs) throws InterruptedException
    {
        try
        {
            response.get(timeoutNs, TimeUnit.NANOSECONDS);
        }
        catch (final ExecutionException ex)
        {
            // complete: the caller reads the failure from the future
        }
        catch (final TimeoutException ex)
        {
            return false;
        }

        return true;
    }

    /**
     * Largest control message this transport carries.
     *
     * @return the length in bytes.
     */
    int maxMessageLength();

    /**
     * Leave the cluster and release resources.
     */
    void close();
}
