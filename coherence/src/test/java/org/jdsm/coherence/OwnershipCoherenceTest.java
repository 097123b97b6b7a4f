package org.jdsm.coherence;

import org.jdsm.Codecs;
import org.jdsm.DArc;
import org.jdsm.DBox;
import org.jdsm.DMutex;
import org.jdsm.Mut;
import org.jdsm.NodeCounters.Counter;
import org.jdsm.Ref;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OwnershipCoherenceTest
{
    @Test
    void shouldFetchRemoteObjectOnceThenHitTheCache() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            final Node reader = cluster.node(0);
            final DBox<Long> box = reader.allocOn(1, Codecs.LONG, 42L);
            assertEquals(1, box.homeNode());

            for (int i = 0; i < 5; i++)
            {
                try (Ref<Long> ref = box.read())
                {
                    assertEquals(42L, ref.getLong());
                    assertEquals(42L, ref.get());
                }
            }

            assertEquals(1, reader.counters().get(Counter.CACHE_MISSES));
            assertEquals(4, reader.counters().get(Counter.CACHE_HITS));

            final DBox<Long> untouched = reader.allocOn(1, Codecs.LONG, 7L);
            try (Ref<Long> ref = untouched.read())
            {
                assertEquals(1, reader.counters().get(Counter.CACHE_MISSES), "a Ref fetches on first access only");
                assertEquals(7L, reader.spawnNear(untouched, (n) -> ref.getLong()).get(10, TimeUnit.SECONDS));
            }
            assertEquals(1, reader.counters().get(Counter.CACHE_MISSES), "the task near the data read it in place");
            assertEquals(0, cluster.node(1).counters().get(Counter.CACHE_MISSES));
            assertEquals(8, reader.counters().get(Counter.BYTES_FETCHED));
            assertTrue(reader.isCached(box.address()));
            assertEquals(1, box.homeNode());

            try (Ref<Long> ref = untouched.read())
            {
                assertEquals(7L, ref.getLong());
            }
            final long freed = untouched.address();
            assertTrue(reader.isCached(freed));
            untouched.close();
            assertFalse(reader.isCached(freed), "the owner freed it: its copy's slot is given back");
            assertEquals(0, reader.counters().get(Counter.CACHE_EVICTIONS));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 2, 4 })
    void shouldMoveRemoteObjectOnWriteAndShowNewValueOnEveryNode(final int nodeCount) throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(nodeCount))
        {
            final Node writer = cluster.node(0);
            final DBox<String> box = writer.allocOn(nodeCount - 1, Codecs.STRING, "before");
            final long oldAddress = box.address();

            readOnEveryNode(cluster, box, "before");

            try (Mut<String> mut = box.write())
            {
                mut.set("after the move");
            }

            assertEquals(0, box.homeNode());
            assertNotEquals(oldAddress, box.address());
            assertEquals(1, writer.counters().get(Counter.OBJECTS_MOVED_IN));
            assertEquals(6, writer.counters().get(Counter.BYTES_MOVED_IN));
            awaitFree(cluster.node(nodeCount - 1), 1);

            readOnEveryNode(cluster, box, "after the move");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 4 })
    void shouldBumpColourOnLocalWriteSoStaleCopyIsNeverReturned(final int nodeCount) throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(nodeCount))
        {
            final Node owner = cluster.node(0);
            final DBox<Long> box = owner.alloc(Codecs.LONG, 1L);
            final long firstAddress = box.address();

            readOnEveryNode(cluster, box, 1L);

            for (long value = 2; value <= 5; value++)
            {
                try (Mut<Long> mut = box.write())
                {
                    mut.setLong(value);
                }
                assertEquals(0, box.homeNode());
                assertEquals(GlobalAddress.colour(firstAddress) + value - 1, GlobalAddress.colour(box.address()));
                readOnEveryNode(cluster, box, value);
            }

            assertEquals(4, owner.counters().get(Counter.COLOUR_BUMPS));
            if (nodeCount > 1)
            {
                final Node peer = cluster.node(nodeCount - 1);
                assertTrue(peer.isCached(firstAddress), "stale copy is evicted lazily, not invalidated");
                assertEquals(5, peer.counters().get(Counter.CACHE_MISSES));
            }
        }
    }

    @Test
    void shouldFetchARemoteArcOnceThenHitItsCopyAndFetchAgainOnlyOnceTheCopyIsEvicted() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            final Node reader = cluster.node(0);
            final DArc<String> arc = reader.spawnOn(1, (n) -> n.arc(Codecs.STRING, "shared")).get(10, TimeUnit.SECONDS);
            final long missesBefore = reader.counters().get(Counter.CACHE_MISSES);
            final long hitsBefore = reader.counters().get(Counter.CACHE_HITS);

            for (int i = 0; i < 5; i++)
            {
                assertEquals("shared", arc.get());
            }
            assertEquals(missesBefore + 1, reader.counters().get(Counter.CACHE_MISSES));
            assertEquals(hitsBefore + 4, reader.counters().get(Counter.CACHE_HITS));

            final CopyCache cache = ((EngineHeap)reader.heap()).copyCache();
            final CacheEntry copy = cache.lookup(arc.address());
            copy.unpin();
            assertTrue(cache.drop(copy), "no Ref pins the copy");
            assertEquals("shared", arc.get(), "an evicted copy is never read again: the read fetches");
            assertEquals(missesBefore + 2, reader.counters().get(Counter.CACHE_MISSES));
            assertEquals("shared", arc.get());
            assertEquals(hitsBefore + 5, reader.counters().get(Counter.CACHE_HITS));
            arc.close();
        }
    }

    @Test
    void shouldFreeArcWhenLastCountIsDropped() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(4))
        {
            final Node home = cluster.node(0);
            final DArc<String> arc = home.arc(Codecs.STRING, "shared");
            final long freesBefore = home.counters().get(Counter.FREES);

            final List<CompletableFuture<String>> reads = new ArrayList<>();
            for (int node = 1; node < 4; node++)
            {
                reads.add(home.spawnOn(node, (n) -> arc.get() + "@" + n.nodeId()));
            }
            for (int node = 1; node < 4; node++)
            {
                assertEquals("shared@" + node, reads.get(node - 1).get(10, TimeUnit.SECONDS));
            }
            assertEquals(1, arc.referenceCount());

            final DArc<String> second = arc.share();
            assertEquals(2, arc.referenceCount());
            final DArc<String> kept = cluster.node(2).spawnOn(3, (n) -> second.share()).get(10, TimeUnit.SECONDS);
            assertEquals(3, arc.referenceCount());
            assertEquals("shared", kept.get());

            second.close();
            kept.close();
            assertEquals(1, arc.referenceCount());
            assertEquals(freesBefore, home.counters().get(Counter.FREES));

            arc.close();
            assertEquals(freesBefore + 1, home.counters().get(Counter.FREES));
        }
    }

    @Test
    void shouldLoseNoUpdateWhenNodesIncrementThroughMutex() throws Exception
    {
        final int increments = 300;
        try (SimulatedCluster cluster = SimulatedCluster.start(3, 7, 4, true, (config) -> {}))
        {
            final Node home = cluster.node(0);
            final DMutex<Long> counter = home.mutex(Codecs.LONG, 0L);

            final List<CompletableFuture<Integer>> tasks = new ArrayList<>();
            for (int node = 1; node < 3; node++)
            {
                tasks.add(home.spawnOn(node, (n) ->
                {
                    for (int i = 0; i < increments; i++)
                    {
                        try (Mut<Long> mut = counter.lock())
                        {
                            mut.setLong(mut.getLong() + 1);
                        }
                    }
                    return n.nodeId();
                }));
            }
            for (int i = 0; i < increments; i++)
            {
                try (Mut<Long> mut = counter.lock())
                {
                    mut.set(mut.get() + 1);
                }
            }
            for (final CompletableFuture<Integer> task : tasks)
            {
                task.get(30, TimeUnit.SECONDS);
            }

            try (Mut<Long> mut = counter.lock())
            {
                assertEquals(3L * increments, mut.getLong());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 2, 4 })
    void shouldRunTaskSpawnedNearBoxOnBoxHomeNode(final int nodeCount) throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(nodeCount))
        {
            final Node node = cluster.node(0);
            for (int home = 0; home < nodeCount; home++)
            {
                final DBox<Long> box = node.allocOn(home, Codecs.LONG, (long)home);
                final long tasksBefore = cluster.node(home).counters().get(Counter.TASKS_RUN);
                final int ranOn = node.spawnNear(box, (n) -> n.nodeId()).get(10, TimeUnit.SECONDS);
                assertEquals(home, ranOn);
                assertEquals(tasksBefore + 1, cluster.node(home).counters().get(Counter.TASKS_RUN));
            }
        }
    }

    @Test
    void shouldAllocateOnPeerWhenLocalSliceIsFull()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config
            .heapSize(256 * 1024)
            .maxObjectSize(16 * 1024)))
        {
            final Node node = cluster.node(0);
            final List<DBox<byte[]>> boxes = new ArrayList<>();
            DBox<byte[]> last = null;
            for (int i = 0; i < 64 && (null == last || last.homeNode() == 0); i++)
            {
                final byte[] bytes = new byte[8 * 1024];
                bytes[0] = (byte)i;
                last = node.alloc(Codecs.BYTES, bytes);
                boxes.add(last);
            }

            assertNotEquals(0, last.homeNode());
            assertEquals(1, node.counters().get(Counter.ALLOCATIONS_ON_PEER));
            try (Ref<byte[]> ref = last.read())
            {
                assertEquals(8 * 1024, ref.length());
                assertEquals((byte)(boxes.size() - 1), ref.buffer().getByte(0));
            }
            assertFalse(boxes.isEmpty());
        }
    }

    @Test
    void shouldReturnMovedBoxFromTaskWithValueWrittenThere() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3))
        {
            final Node node = cluster.node(0);
            final DBox<Long> box = node.alloc(Codecs.LONG, 10L);
            final DBox<Long> back = node.spawnOn(2, (n) ->
            {
                try (Mut<Long> mut = box.write())
                {
                    mut.setLong(mut.getLong() * 3);
                }
                return box;
            }).get(10, TimeUnit.SECONDS);

            assertEquals(2, back.homeNode());
            try (Ref<Long> ref = back.read())
            {
                assertEquals(30L, ref.getLong());
            }
        }
    }

    @Test
    void shouldWriteThroughMutLentToTaskAndTakeObjectBack() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            final Node node = cluster.node(0);
            final DBox<Long> box = node.alloc(Codecs.LONG, 5L);
            try (Mut<Long> mut = box.write())
            {
                node.spawnOn(1, (n) ->
                {
                    mut.setLong(mut.getLong() + 100);
                    return null;
                }).get(10, TimeUnit.SECONDS);

                assertEquals(105L, mut.getLong());
                assertEquals(0, box.homeNode());
                mut.setLong(106);
            }

            try (Ref<Long> ref = box.read())
            {
                assertEquals(106L, ref.getLong());
            }
            assertEquals(1, cluster.node(1).counters().get(Counter.OBJECTS_MOVED_IN));
            assertEquals(1, node.counters().get(Counter.OBJECTS_MOVED_IN));
        }
    }

    @Test
    void shouldKeepCoherenceUnderReorderedDelayedDelivery() throws Exception
    {
        for (long seed = 1; seed <= 3; seed++)
        {
            try (SimulatedCluster cluster = SimulatedCluster.start(4, seed, 16, true, (config) -> {}))
            {
                final Node node = cluster.node(0);
                final DBox<Long> box = node.allocOn(3, Codecs.LONG, 0L);
                for (long value = 1; value <= 10; value++)
                {
                    try (Mut<Long> mut = box.write())
                    {
                        assertEquals(value - 1, mut.getLong(), "seed " + seed);
                        mut.setLong(value);
                    }
                    final int target = (int)(value % 4);
                    try (Ref<Long> ref = box.read())
                    {
                        assertEquals(value, node.spawnOn(target, (n) -> ref.getLong()).get(10, TimeUnit.SECONDS),
                            "seed " + seed + " value read on node " + target);
                    }
                }
            }
        }
    }

    @Test
    void shouldReturnStaleCopyWhenCacheIgnoresColourFaultIsInjected() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.startWithCopyKeys(2, SimulatedCluster.CACHE_IGNORES_COLOUR))
        {
            final Node owner = cluster.node(0);
            final DBox<Long> box = owner.alloc(Codecs.LONG, 1L);
            try (Ref<Long> ref = box.read())
            {
                assertEquals(1L, owner.spawnOn(1, (n) -> ref.getLong()).get(10, TimeUnit.SECONDS));
            }
            try (Mut<Long> mut = box.write())
            {
                mut.setLong(2);
            }
            try (Ref<Long> ref = box.read())
            {
                assertEquals(1L, owner.spawnOn(1, (n) -> ref.getLong()).get(10, TimeUnit.SECONDS),
                    "the injected fault must make node 1 read its stale copy");
            }
        }
    }

    private static <T> void readOnEveryNode(final SimulatedCluster cluster, final DBox<T> box, final T expected)
        throws Exception
    {
        final Node origin = cluster.node(0);
        try (Ref<T> ref = box.read())
        {
            assertEquals(expected, ref.get());
            for (int node = 0; node < cluster.nodes.length; node++)
            {
                final T seen = origin.spawnOn(node, (n) -> ref.get()).get(10, TimeUnit.SECONDS);
                assertEquals(expected, seen, "value seen on node " + node);
            }
        }
    }

    private static void awaitFree(final Node home, final long frees) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (home.counters().get(Counter.FREES) < frees && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertEquals(frees, home.counters().get(Counter.FREES), "old copy freed at its home asynchronously");
    }
}
