package org.jdsm.apps.kv;

import java.util.TreeMap;

/**
 * Keeps the {@code count} smallest keys at or after a start key seen in a pass over a hash map.
 */
final class ScanCollector
{
    private ScanCollector()
    {
    }

    /**
     * Offer one entry to the collection of the smallest keys.
     *
     * @param smallest the keys kept so far, at most {@code count}.
     * @param count    most keys to keep.
     * @param startKey least key to keep.
     * @param key      offered.
     * @param value    of the key; kept as given.
     */
    static void offer(
        final TreeMap<String, byte[]> smallest,
        final int count,
        final String startKey,
        final String key,
        final byte[] value)
    {
        if (key.compareTo(startKey) < 0)
        {
            return;
        }
        if (smallest.size() < count)
        {
            smallest.put(key, value);
        }
        else if (key.compareTo(smallest.lastKey()) < 0)
        {
            smallest.pollLastEntry();
            smallest.put(key, value);
        }
    }
}
