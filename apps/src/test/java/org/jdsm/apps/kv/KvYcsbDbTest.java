package org.jdsm.apps.kv;

import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.simulator.SimulatedCluster;
import org.jdsm.simulator.SimulatedNetwork;
import org.junit.jupiter.api.Test;
import site.ycsb.ByteIterator;
import site.ycsb.RandomByteIterator;
import site.ycsb.Status;
import site.ycsb.StringByteIterator;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link KvYcsbDb} over a store whose update runs its function again, as {@link DistributedKvStore} does when another
 * writer's compare-and-swap got in first.
 */
class KvYcsbDbTest
{
    @Test
    void shouldReadAllOrTheWantedFieldsOfARecordFromEitherStore()
    {
        final SimulatedCluster cluster = SimulatedCluster.start(new SimulatedNetwork.Context(), 1, (config) -> {});
        try (KvStore local = new LocalKvStore(4); KvStore jdsm = DistributedKvStore.create(cluster.node(0), 2))
        {
            for (final KvStore store : List.of(local, jdsm))
            {
                final KvYcsbDb db = new KvYcsbDb(store);
                final Map<String, ByteIterator> fields = new LinkedHashMap<>();
                fields.put("field0", new StringByteIterator("zero"));
                fields.put("field1", new StringByteIterator("one"));
                fields.put("field2", new StringByteIterator(""));
                assertEquals(Status.OK, db.insert("t", "k", fields));
                assertEquals(Status.OK, db.insert("t", "other", Map.of("field0", new StringByteIterator("x"))));

                final HashMap<String, ByteIterator> all = new HashMap<>();
                assertEquals(Status.OK, db.read("t", "k", null, all));
                assertEquals(
                    Map.of("field0", "zero", "field1", "one", "field2", ""), StringByteIterator.getStringMap(all));

                final HashMap<String, ByteIterator> some = new HashMap<>();
                assertEquals(Status.OK, db.read("t", "k", Set.of("field1", "field9"), some));
                assertEquals(Map.of("field1", "one"), StringByteIterator.getStringMap(some));

                assertEquals(Status.NOT_FOUND, db.read("t", "absent", null, new HashMap<>()));
                assertEquals(Status.OK, db.read("t", "k", null, null));
                assertEquals(Status.NOT_FOUND, db.read("t", "absent", null, null));
            }
        }
        finally
        {
            cluster.close();
        }
    }

    @Test
    void shouldRejectBytesThatAreNotARecordWithoutSizingAnArrayFromThem()
    {
        final UnsafeBuffer record = new UnsafeBuffer(KvFields.encode(Map.of("field0", new byte[10])));
        record.putInt(8, Integer.MAX_VALUE, java.nio.ByteOrder.LITTLE_ENDIAN); // the field's value length
        assertThrows(IndexOutOfBoundsException.class,
            () -> KvFields.decodeWanted(record, 0, record.capacity(), null));
        record.putInt(0, 1 << 30, java.nio.ByteOrder.LITTLE_ENDIAN); // the field count
        assertThrows(IndexOutOfBoundsException.class,
            () -> KvFields.decodeWanted(record, 0, record.capacity(), null));
    }

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
