package org.jdsm.apps.kv;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A map from string keys to byte-array values of any size, with ordered scans. Implemented on jdsm by
 * {@link DistributedKvStore} and on plain Java collections by {@link LocalKvStore}, so one workload measures both.
 * <p>
 * Every operation on one key is linearizable. {@link #scan(String, int)} is not atomic across keys: each key it
 * returns had that value at some instant during the scan.
 * <p>
 * <b>Note:</b> threadsafe: any number of threads may call every method. The creator owns the store and closes it.
 */
public interface KvStore extends AutoCloseable
{
    /**
     * The value of a key.
     *
     * @param key to look up.
     * @return a copy of its value, or {@code null} if the key is absent.
     */
    byte[] get(String key);

    /**
     * Reads a stored value's bytes in place.
     *
     * @param <R> what the reader returns.
     */
    @FunctionalInterface
    interface ValueReader<R>
    {
        /**
         * Read a value.
         *
         * @param buffer holding the value; valid only during the call.
         * @param offset of the value in {@code buffer}.
         * @param length of the value in bytes.
         * @return the result, not null.
         */
        R read(DirectBuffer buffer, int offset, int length);
    }

    /**
     * Apply a reader to a key's value in place, without copying the value out first: linearizable like
     * {@link #get(String)}, which it is with a reader that copies the bytes.
     *
     * @param key    to look up.
     * @param reader of the value's bytes; it may run more than once, also on the bytes of a value being replaced
     *               (that result is then discarded and the reader may throw on such bytes), so it must not have
     *               side effects that matter.
     * @param <R>    what the reader returns.
     * @return what the reader returned for the value the read is linearized at, or {@code null} if the key is absent.
     */
    default <R> R read(final String key, final ValueReader<R> reader)
    {
        final byte[] value = get(key);
        return null == value ? null : reader.read(new UnsafeBuffer(value), 0, value.length);
    }

    /**
     * Set the value of a key, inserting it if absent.
     *
     * @param key   to set.
     * @param value the new value; the store keeps a copy.
     * @return true if the key was absent and is now inserted, false if an existing value was replaced.
     */
    boolean put(String key, byte[] value);

    /**
     * Replace the value of a present key with a function of its old value, atomically for that key.
     *
     * @param key      to update.
     * @param function from the old value (a copy) to the new one; runs on the caller's thread under the key's lock,
     *                 so it must be quick and must not use the store.
     * @return true if the key was present and updated, false if it was absent (the function was not called).
     */
    boolean update(String key, UnaryOperator<byte[]> function);

    /**
     * Remove a key.
     *
     * @param key to remove.
     * @return true if it was present.
     */
    boolean delete(String key);

    /**
     * The entries whose keys are the smallest ones at or after a start key, in key order (by {@link String#compareTo}).
     * Both stores are hash maps, so a scan visits every entry: it costs O(size), as in any hash KV store.
     *
     * @param startKey the least key to return.
     * @param count    most entries to return, at least 1.
     * @return up to {@code count} entries in ascending key order, values copied.
     */
    List<Map.Entry<String, byte[]>> scan(String startKey, int count);

    /**
     * Number of keys, counted now; not atomic with concurrent writes.
     *
     * @return the number of keys.
     */
    long size();

    /**
     * Release the store's resources; it is unusable afterwards.
     */
    void close();
}
