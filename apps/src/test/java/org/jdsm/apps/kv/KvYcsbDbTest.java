package org.jdsm.apps.kv;

import org.junit.jupiter.api.Test;
import site.ycsb.RandomByteIterator;
import site.ycsb.Status;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link KvYcsbDb} over a store whose update runs its function again, as {@link DistributedKvStore} does when another
 * writer's compare-and-swap got in first.
 */
class KvYcsbDbTest
{
    @Test
    void shouldWriteAnUpdatesValuesWhenTheStoreRunsItsFunctionAgain()
    {
        try (LocalKvStore local = new LocalKvStore(4))
        {
            final KvStore retrying = new RetryingStore(local);
            final KvYcsbDb db = new KvYcsbDb(retrying);
            assertEquals(Status.OK, db.insert("t", "k", Map.of("field0", new RandomByteIterator(20))));
            assertEquals(Status.OK, db.update("t", "k", Map.of("field0", new RandomByteIterator(20))));

            // a YCSB ByteIterator reads once: the function's second run must not write an empty field
            assertEquals(20, KvFields.decode(local.get("k")).get("field0").length);
        }
    }

    @Test
    void shouldNumberACheckedUpdateByTheRunTheStoreApplied()
    {
        try (LocalKvStore local = new LocalKvStore(4))
        {
            final KvUpdateModel model = new KvUpdateModel(Map.of("k", 0), "field", 2);
            final KvYcsbDb db = new KvYcsbDb(new RetryingStore(local), model);
            db.insert("t", "k", Map.of("field0", new RandomByteIterator(8), "field1", new RandomByteIterator(8)));
            db.update("t", "k", Map.of("field1", new RandomByteIterator(8)));

            final Map<String, byte[]> record = KvFields.decode(local.get("k"));
            assertEquals(1, KvUpdateModel.version(record));
            assertArrayEquals(KvUpdateModel.value("k", 0, 0, 8), record.get("field0"));
            assertArrayEquals(KvUpdateModel.value("k", 1, 1, 8), record.get("field1"));
            final int[] lastVersions = new int[2];
            final int[] acknowledged = new int[1];
            model.merge(lastVersions, acknowledged);
            assertArrayEquals(new int[] { 0, 1 }, lastVersions);
            assertArrayEquals(new int[] { 1 }, acknowledged);
        }
    }

    /**
     * Runs every update's function twice on the old value and keeps the second result.
     */
    private static final class RetryingStore implements KvStore
    {
        private final KvStore store;

        RetryingStore(final KvStore store)
        {
            this.store = store;
        }

        public byte[] get(final String key)
        {
            return store.get(key);
        }

        public boolean put(final String key, final byte[] value)
        {
            return store.put(key, value);
        }

        public boolean update(final String key, final UnaryOperator<byte[]> function)
        {
            return store.update(key, (old) ->
            {
                function.apply(old.clone());
                return function.apply(old);
            });
        }

        public boolean delete(final String key)
        {
            return store.delete(key);
        }

        public List<Map.Entry<String, byte[]>> scan(final String startKey, final int count)
        {
            return store.scan(startKey, count);
        }

        public long size()
        {
            return store.size();
        }

        public void close()
        {
            store.close();
        }
    }
}
