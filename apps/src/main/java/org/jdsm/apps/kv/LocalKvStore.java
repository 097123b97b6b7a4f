package org.jdsm.apps.kv;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The single-machine baseline: the KV store a program would use without jdsm, a {@link ConcurrentHashMap} of keys
 * to values. Values are copied in and out, like {@link DistributedKvStore}'s, so both do the same work per byte;
 * {@link #read(String, ValueReader)} reads the stored array in place, as the jdsm store reads its bucket's bytes.
 * <p>
 * <b>Note:</b> threadsafe, as {@link KvStore} requires.
 */
public final class LocalKvStore implements KvStore
{
    private final ConcurrentHashMap<String, byte[]> map;

    /**
     * An empty store.
     *
     * @param expectedSize keys expected, to size the table.
     */
    public LocalKvStore(final int expectedSize)
    {
        map = new ConcurrentHashMap<>(Math.max(16, expectedSize));
    }

    /**
     * {@inheritDoc}
     */
    public byte[] get(final String key)
    {
        final byte[] value = map.get(key);
        return null == value ? null : value.clone();
    }

    /**
     * {@inheritDoc}
     */
    public <R> R read(final String key, final ValueReader<R> reader)
    {
        final byte[] value = map.get(key); // never written after it is stored: a write stores a new array
        return null == value ? null : reader.read(new UnsafeBuffer(value), 0, value.length);
    }

    /**
     * {@inheritDoc}
     */
    public boolean put(final String key, final byte[] value)
    {
        return null == map.put(key, value.clone());
    }

    /**
     * {@inheritDoc}
     */
    public boolean update(final String key, final UnaryOperator<byte[]> function)
    {
        return null != map.computeIfPresent(key, (k, old) -> function.apply(old.clone()).clone());
    }

    /**
     * {@inheritDoc}
     */
    public boolean delete(final String key)
    {
        return null != map.remove(key);
    }

    /**
     * {@inheritDoc}
     */
    public List<Map.Entry<String, byte[]>> scan(final String startKey, final int count)
    {
        final TreeMap<String, byte[]> smallest = new TreeMap<>();
        for (final Map.Entry<String, byte[]> entry : map.entrySet())
        {
            ScanCollector.offer(smallest, count, startKey, entry.getKey(), entry.getValue());
        }

        final List<Map.Entry<String, byte[]>> result = new ArrayList<>(smallest.size());
        for (final Map.Entry<String, byte[]> entry : smallest.entrySet())
        {
            result.add(Map.entry(entry.getKey(), entry.getValue().clone()));
        }

        return result;
    }

    /**
     * {@inheritDoc}
     */
    public long size()
    {
        return map.size();
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        map.clear();
    }
}
