package org.jdsm.apps.kv;

import org.jdsm.DsmNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DistributedKvStoreTest
{
    private static KvTestCluster cluster;

    @BeforeAll
    static void start() throws Exception
    {
        cluster = new KvTestCluster(3, 7, 2);
    }

    @AfterAll
    static void stop()
    {
        if (null != cluster)
        {
            cluster.close();
        }
    }

    @Test
    void shouldPutGetUpdateDeleteAndScanOnOneNode()
    {
        try (DistributedKvStore store = DistributedKvStore.create(cluster.nodes[0], 4))
        {
            assertNull(store.get("a"));
            assertTrue(store.put("a", bytes("one")));
            assertTrue(store.put("b", bytes("two")));
            assertTrue(store.put("c", new byte[3000]));
            assertFalse(store.put("a", bytes("uno")));
            assertFalse(store.put("b", bytes("a longer two")));
            assertArrayEquals(bytes("uno"), store.get("a"));
            assertArrayEquals(bytes("a longer two"), store.get("b"));
            assertTrue(store.update("a", (old) -> bytes(new String(old, StandardCharsets.UTF_8) + "!")));
            assertFalse(store.update("zz", (old) -> old));
            assertArrayEquals(bytes("uno!"), store.get("a"));
            assertEquals("uno!", store.read("a", (buffer, offset, length) ->
                buffer.getStringWithoutLengthUtf8(offset, length)));
            assertNull(store.read("zz", (buffer, offset, length) -> length));
            assertEquals(3000, store.get("c").length);
            assertEquals(3, store.size());

            final List<Map.Entry<String, byte[]>> scanned = store.scan("b", 5);
            assertEquals(2, scanned.size());
            assertEquals("b", scanned.get(0).getKey());
            assertEquals("c", scanned.get(1).getKey());

            assertTrue(store.delete("a"));
            assertFalse(store.delete("a"));
            assertNull(store.get("a"));
            assertTrue(store.delete("b"));
            assertTrue(store.delete("c"));
            assertEquals(0, store.size());
            assertTrue(store.put("a", bytes("again")));
            assertArrayEquals(bytes("again"), store.get("a"));
        }
    }

    @Test
    void shouldTellApartKeysOfOneBucketWithEqualHashCodesOrCharCounts()
    {
        // "Aa", "BB", "AaBB" and "BBAa" share hash codes pairwise; "é" and "e" are one char, "é" two UTF-8 bytes
        final String[] keys = { "Aa", "BB", "AaBB", "BBAa", "AaAa", "é", "e", "\u00e9\u00e9", "ée" };
        assertEquals("Aa".hashCode(), "BB".hashCode());
        assertEquals("AaBB".hashCode(), "BBAa".hashCode());
        try (DistributedKvStore store = DistributedKvStore.create(cluster.nodes[0], 1))
        {
            for (int i = 0; i < keys.length; i++)
            {
                assertTrue(store.put(keys[i], bytes("v" + i)), keys[i]);
            }
            for (int i = 0; i < keys.length; i++)
            {
                assertArrayEquals(bytes("v" + i), store.get(keys[i]), keys[i]);
            }
            assertNull(store.get("AaBBAa"));
            assertNull(store.get("\u00e8"));
            assertNull(store.get("A"));

            assertTrue(store.update("BB", (old) -> bytes("updated")));
            assertTrue(store.delete("Aa"));
            assertTrue(store.delete("é"));
            assertNull(store.get("Aa"));
            assertNull(store.get("é"));
            assertArrayEquals(bytes("updated"), store.get("BB"));
            assertArrayEquals(bytes("v6"), store.get("e"));
            assertArrayEquals(bytes("v7"), store.get("éé"));
            assertArrayEquals(bytes("v3"), store.get("BBAa"));
            assertEquals(keys.length - 2, store.size());
            assertEquals("AaAa", store.scan("A", 1).get(0).getKey());
        }
    }

    @Test
    void shouldSeeWritesOfEveryNodeOnEveryNode() throws Exception
    {
        final DsmNode driver = cluster.nodes[0];
        try (DistributedKvStore store = DistributedKvStore.create(driver, 8))
        {
            final long mapId = store.mapId();
            for (int i = 0; i < 3; i++)
            {
                final int writer = i;
                driver.spawnOn(i, (n) ->
                {
                    final KvStore attached = DistributedKvStore.attached(n, mapId);
                    for (int k = 0; k < 20; k++)
                    {
                        attached.put("key" + k, bytes("node" + writer + "-" + k + "-" + "x".repeat(writer * 10)));
                    }
                    return null;
                }).get(30, TimeUnit.SECONDS);
                for (int reader = 0; reader < 3; reader++)
                {
                    final String expected = "node" + writer + "-7-" + "x".repeat(writer * 10);
                    final String seen = driver.spawnOn(reader, (n) ->
                        new String(DistributedKvStore.attached(n, mapId).get("key7"), StandardCharsets.UTF_8))
                        .get(30, TimeUnit.SECONDS);
                    assertEquals(expected, seen);
                }
            }
            assertEquals(20, store.size());
        }
    }

    @Test
    void shouldRejectUseAfterClose()
    {
        final DistributedKvStore store = DistributedKvStore.create(cluster.nodes[0], 2);
        store.close();
        final KvException ex = assertThrows(KvException.class, () -> store.get("a"));
        assertEquals("map " + store.mapId() + " is closed on node 0", ex.getMessage());
        final KvException attach = assertThrows(
            KvException.class, () -> DistributedKvStore.attached(cluster.nodes[1], store.mapId()));
        assertEquals("map " + store.mapId() + " is not attached on node 1", attach.getMessage());
    }

    @Test
    void shouldRejectBadBucketCount()
    {
        final KvException ex = assertThrows(KvException.class, () -> DistributedKvStore.create(cluster.nodes[0], 0));
        assertEquals("bucketCount=0 must be in [1, 16777216]", ex.getMessage());
        final KvException homes = assertThrows(
            KvException.class, () -> DistributedKvStore.create(cluster.nodes[0], 4, cluster.nodes.length + 1));
        assertEquals("homeNodes=" + (cluster.nodes.length + 1) + " must be in [1, " + cluster.nodes.length + "]",
            homes.getMessage());
    }

    static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
