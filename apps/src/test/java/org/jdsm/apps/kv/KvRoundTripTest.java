package org.jdsm.apps.kv;

import org.jdsm.DsmNode;
import org.jdsm.NodeCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The KV store's round-trip budget, read from {@link NodeCounters} (not the clock): a get of a key whose bucket is
 * homed on another node costs one round trip on a warm cache; an update or put one when nobody wrote the bucket
 * since the node last saw it, two when somebody did.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KvRoundTripTest
{
    @Test
    void shouldGetInOneRoundTripWarmAndUpdateInOneUnlessAnotherNodeWroteTheBucket()
    {
        try (KvTestCluster cluster = new KvTestCluster(2, 3, 2);
            DistributedKvStore store = DistributedKvStore.create(cluster.nodes[0], 1, 1))
        {
            final DsmNode client = cluster.nodes[1];
            final DistributedKvStore remote = DistributedKvStore.attached(client, store.mapId());
            store.put("key", bytes("v0"));
            store.put("other", bytes("o0"));
            assertArrayEquals(bytes("v0"), remote.get("key"));      // the bucket's entries are now cached

            NodeCounters before = client.counters();
            for (int i = 0; i < 20; i++)
            {
                assertArrayEquals(bytes("v0"), remote.get("key"));
                assertArrayEquals(bytes("o0"), remote.get("other"));
            }
            NodeCounters after = client.counters();
            assertEquals(40, after.roundTrips() - before.roundTrips(), "one round trip per warm get: " + after);
            assertEquals(0, after.get(NodeCounters.Counter.BYTES_FETCHED) -
                before.get(NodeCounters.Counter.BYTES_FETCHED), "no fetch while the bucket is unchanged: " + after);

            for (int i = 1; i <= 10; i++)
            {
                before = client.counters();
                assertTrue(remote.update("key", (old) -> bytes("v" + (old.length + 1))));
                after = client.counters();
                assertEquals(1, after.roundTrips() - before.roundTrips(), "update " + i + ": " + after);

                before = client.counters();
                assertTrue(!remote.put("other", bytes("o" + i)));
                after = client.counters();
                assertEquals(1, after.roundTrips() - before.roundTrips(), "put " + i + ": " + after);

                before = client.counters();
                assertArrayEquals(bytes("o" + i), remote.get("other"));
                after = client.counters();
                assertEquals(1, after.roundTrips() - before.roundTrips(), "get after own write " + i + ": " + after);
            }
            assertArrayEquals(bytes("v3"), store.get("key"));
            assertArrayEquals(bytes("o10"), store.get("other"));

            // the bucket the client last saw is then the home's, cached here, whose copy outlives its free (its own
            // old block, freed by a message, could be found freed before the update: then a word read, one swap)
            store.put("other", bytes("home0"));
            before = client.counters();
            assertArrayEquals(bytes("home0"), remote.get("other"));
            after = client.counters();
            assertEquals(1, after.roundTrips() - before.roundTrips(),
                "a get of a bucket its home wrote: the bucket comes with its word: " + after);
            store.put("other", bytes("home"));                      // the bucket the client last saw is stale
            before = client.counters();
            assertTrue(remote.update("key", (old) -> bytes("v" + (old.length + 1))));
            after = client.counters();
            assertEquals(2, after.get(NodeCounters.Counter.REMOTE_COMPARE_AND_SWAPS) -
                before.get(NodeCounters.Counter.REMOTE_COMPARE_AND_SWAPS), "the stale swap, then the swap: " + after);
            assertArrayEquals(bytes("home"), store.get("other"));
            assertArrayEquals(bytes("v3"), store.get("key"));
        }
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
