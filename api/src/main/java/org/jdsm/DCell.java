package org.jdsm;

import org.agrona.DirectBuffer;

import java.util.function.UnaryOperator;

/**
 * An atomic reference to an immutable value, readable from every node without a lock: the value shared data that
 * other nodes update, e.g. a configuration, an index, a bucket of a hash map.
 * <p>
 * <b>Guarantee:</b> {@link #get()}, {@link #read(View)}, {@link #set(Object)}, {@link #compareAndSet} and
 * {@link #update(UnaryOperator)} are linearizable: a read returns the value of the latest completed write in one
 * total order consistent with real time. <b>Cost:</b> a read is one atomic read of the cell's 8-byte word at its
 * home node (one network round trip of 8 bytes; none when the cell is on the reader's node); when the reader's node
 * has a copy of that value in its cache, that is all. When the value changed since, the new value is fetched once
 * (one more round trip, plus one of 8 bytes to check the cell did not move on during the fetch) and cached. A write
 * stores the new value in a new block on the writer's node and swaps the cell's word by compare-and-swap (one round
 * trip), then frees the old value at its home (a message, not waited for). {@link #update(UnaryOperator)} starts
 * from the value this handle last saw and swaps: one round trip when nobody wrote since (and that value is on this
 * node or in its cache); otherwise the failed swap returns the current word and the update is tried again from it,
 * two round trips when nobody wrote in between. An update whose function returns its argument writes nothing and
 * reads the word instead.
 * <p>
 * <b>Read leases</b> (a cell made by {@link DsmNode#cell(Codec, Object, long)} with a lease D &gt; 0, or on a node with
 * {@link DsmConfig#CELL_LEASE_PROP_NAME} = D &gt; 0): a read of the
 * remote cell takes a lease on the value it returns, so the same handle's reads for the next D (less a margin for
 * clock rate drift) cost no round trip; the guarantee above is unchanged. The price is paid by writers: a write to a
 * value that a remote reader read since the last write waits D before its swap. For data read far more often than
 * written.
 * <p>
 * Handles are reference counted like {@link DArc}: a task that captures one shares it; the cell and its value
 * are freed when the last handle closes.
 * <p>
 * <b>Note:</b> threadsafe. Values are immutable once stored: functions given to {@link #read(View)} and
 * {@link #update(UnaryOperator)} may run more than once and must not have side effects that matter.
 *
 * @param <T> the type of the value.
 */
public interface DCell<T> extends AutoCloseable
{
    /**
     * Reads a value's encoded bytes in place, without decoding the whole value.
     *
     * @param <R> what the view returns.
     */
    @FunctionalInterface
    interface View<R>
    {
        /**
         * Read the value.
         *
         * @param buffer holding the encoded value at [offset, offset + length), among other bytes (a value on the
         *               reader's node is read in the heap where it lies): read only that range, and only during
         *               the call.
         * @param offset of the value in {@code buffer}.
         * @param length of the encoded value.
         * @return the result.
         */
        R apply(DirectBuffer buffer, int offset, int length);
    }

    /**
     * Reads a value's encoded bytes in place with two arguments passed by the read: a view that needs a key or a
     * sink can then be a constant (a non-capturing lambda or a static field) and the read allocates nothing, where a
     * {@link View} capturing them is a new object per read whenever the JIT cannot prove it does not escape (as at
     * any read call site that sees several views).
     *
     * @param <A> type of the first argument.
     * @param <B> type of the second argument.
     * @param <R> what the view returns.
     */
    @FunctionalInterface
    interface ArgumentView<A, B, R>
    {
        /**
         * Read the value.
         *
         * @param buffer holding the encoded value at [offset, offset + length), among other bytes (a value on the
         *               reader's node is read in the heap where it lies): read only that range, and only during
         *               the call.
         * @param offset of the value in {@code buffer}.
         * @param length of the encoded value.
         * @param first  argument given to {@link DCell#read(ArgumentView, Object, Object)}.
         * @param second argument given to {@link DCell#read(ArgumentView, Object, Object)}.
         * @return the result.
         */
        R apply(DirectBuffer buffer, int offset, int length, A first, B second);
    }

    /**
     * The current value.
     *
     * @return the value, decoded.
     */
    T get();

    /**
     * Read the current value's bytes in place.
     *
     * @param view applied to the encoded bytes; may run more than once.
     * @param <R>  what it returns.
     * @return what the view returned for the value the read is linearized at.
     */
    <R> R read(View<R> view);

    /**
     * Read the current value's bytes in place, passing two arguments to the view: the same read as
     * {@link #read(View)}, for views that would otherwise capture their arguments.
     *
     * @param view   applied to the encoded bytes and the arguments; may run more than once.
     * @param first  argument passed to the view.
     * @param second argument passed to the view.
     * @param <A>    type of the first argument.
     * @param <B>    type of the second argument.
     * @param <R>    what it returns.
     * @return what the view returned for the value the read is linearized at.
     */
    <A, B, R> R read(ArgumentView<A, B, R> view, A first, B second);

    /**
     * Replace the value.
     *
     * @param value the new value.
     */
    void set(T value);

    /**
     * Replace the value if its encoded bytes equal those of {@code expected}.
     *
     * @param expected value.
     * @param update   new value.
     * @return whether the value was replaced.
     */
    boolean compareAndSet(T expected, T update);

    /**
     * Replace the value by a function of it, atomically: read, apply, compare-and-swap, retried while another
     * writer got in between.
     *
     * @param function of the current value; may run more than once; returning the very instance it was given
     *                 writes nothing (the update is then a read).
     * @return the new value.
     */
    T update(UnaryOperator<T> function);

    /**
     * Another handle on the same cell, adding one to its count.
     *
     * @return the new handle.
     */
    DCell<T> share();

    /**
     * The cell's global address.
     *
     * @return the global address.
     */
    long address();

    /**
     * Drop this handle's count; the cell and its value are freed when the count reaches zero.
     */
    void close();
}
