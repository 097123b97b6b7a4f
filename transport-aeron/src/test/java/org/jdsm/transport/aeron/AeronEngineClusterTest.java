package org.jdsm.transport.aeron;

import org.agrona.CloseHelper;
import org.jdsm.Codecs;
import org.jdsm.DBox;
import org.jdsm.DMutex;
import org.jdsm.Dsm;
import org.jdsm.DsmNode;
import org.jdsm.Mut;
import org.jdsm.NodeCounters;
import org.jdsm.NodeUnavailableException;
import org.jdsm.Ref;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real engine over the Aeron transport in three JVMs on loopback: this test's JVM is node 0, nodes 1 and 2 are
 * child processes.
 */
class AeronEngineClusterTest
{
    private static final String SECRET = "engine-cluster-secret";
    private static final int NODES = 3;

    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private ForkedNodes children;
    private DsmNode node;

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(node, children);
    }

    private DsmNode startCluster() throws Exception
    {
        final List<String> members = ForkedNodes.loopbackMembers(NODES);
        children = new ForkedNodes();
        for (int nodeId = 1; nodeId < NODES; nodeId++)
        {
            children.start(EngineNodeMain.class, String.valueOf(nodeId), String.valueOf(NODES),
                String.join(",", members), SECRET);
        }
        children.awaitStarting(TimeUnit.SECONDS.toMillis(60));
        node = Dsm.start(EngineNodeMain.config(0, NODES, String.join(",", members), SECRET).errorHandler(errors::add));
        for (int nodeId = 1; nodeId < NODES; nodeId++)
        {
            children.awaitReady(nodeId - 1, TimeUnit.SECONDS.toMillis(30));
        }

        return node;
    }

    @Test
    @Timeout(120)
    void shouldShareMoveLockAndSpawnAcrossProcessesAndSurviveAKilledPeer() throws Exception
    {
        final DsmNode node = startCluster();
        assertEquals(0, node.nodeId());
        assertEquals(NODES, node.nodeCount());

        final DBox<Long> shared = node.allocOn(1, Codecs.LONG, 42L);
        assertEquals(1, shared.homeNode());
        for (int i = 0; i < 5; i++)
        {
            try (Ref<Long> ref = shared.read())
            {
                assertEquals(42L, ref.getLong());
            }
        }
        assertEquals(1, node.counters().get(NodeCounters.Counter.CACHE_MISSES));
        assertEquals(4, node.counters().get(NodeCounters.Counter.CACHE_HITS));

        final DBox<String> moved = node.allocOn(2, Codecs.STRING, "before");
        final long oldAddress = moved.address();
        try (Mut<String> mut = moved.write())
        {
            assertEquals("before", mut.get());
            mut.set("after the move");
        }
        assertEquals(0, moved.homeNode());
        assertNotEquals(oldAddress, moved.address());
        assertEquals(1, node.counters().get(NodeCounters.Counter.OBJECTS_MOVED_IN));
        try (Ref<String> ref = moved.read())
        {
            assertEquals("after the move", ref.get());
        }

        final int increments = 50;
        final DMutex<Long> counter = node.mutex(Codecs.LONG, 0L);
        final List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        for (int peer = 1; peer < NODES; peer++)
        {
            final DMutex<Long> lent = counter.share();
            tasks.add(node.spawnOn(peer, (n) ->
            {
                for (int i = 0; i < increments; i++)
                {
                    try (Mut<Long> mut = lent.lock())
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
                mut.setLong(mut.getLong() + 1);
            }
        }
        for (int peer = 1; peer < NODES; peer++)
        {
            assertEquals(peer, tasks.get(peer - 1).get(60, TimeUnit.SECONDS));
        }
        try (Mut<Long> mut = counter.lock())
        {
            assertEquals((long)NODES * increments, mut.getLong());
        }

        assertEquals(20, node.spawnOn(2, (n) -> n.nodeId() * 10).get(30, TimeUnit.SECONDS));

        // a task and a result over the largest Aeron message (term length / 8) travel staged in the heap
        final int[] large = new int[200_000];
        java.util.Arrays.setAll(large, (i) -> i);
        final int[] echoed = node.spawnOn(1, (n) ->
        {
            final int[] copy = large.clone();
            copy[0] = -n.nodeId();
            return copy;
        }).get(30, TimeUnit.SECONDS);
        assertEquals(-1, echoed[0]);
        assertEquals(199_999, echoed[199_999]);
        assertEquals(1, node.counters().get(NodeCounters.Counter.MESSAGES_STAGED), "the task was staged");

        final DBox<Long> onDoomed = node.allocOn(2, Codecs.LONG, 7L);
        final DBox<Long> onSurvivor = node.allocOn(1, Codecs.LONG, 8L);
        children.kill(1);
        final long killedAtNs = System.nanoTime();

        final NodeUnavailableException failed = assertThrows(NodeUnavailableException.class, () ->
        {
            try (Ref<Long> ref = onDoomed.read())
            {
                ref.getLong();
            }
        });
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAtNs);
        assertEquals(2, failed.nodeId(), failed.getMessage());
        assertTrue(failed.getMessage().startsWith("node 2 unavailable: "), failed.getMessage());
        assertTrue(elapsedMs < 6000, "failed after " + elapsedMs + " ms");

        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
        while (node.isNodeAvailable(2))
        {
            assertTrue(System.nanoTime() < deadlineNs, "node 2 still available");
            Thread.sleep(10);
        }
        assertTrue(node.isNodeAvailable(1));

        try (Ref<Long> ref = onSurvivor.read())
        {
            assertEquals(8L, ref.getLong());
        }
        assertEquals(10, node.spawnOn(1, (n) -> n.nodeId() * 10).get(30, TimeUnit.SECONDS));
        final boolean peerSeesDeath = node.spawnOn(1, (n) ->
        {
            final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
            while (n.isNodeAvailable(2) && System.nanoTime() < until)
            {
                Thread.sleep(10);
            }
            return !n.isNodeAvailable(2);
        }).get(30, TimeUnit.SECONDS);
        assertTrue(peerSeesDeath, "node 1 sees node 2 dead");

        final ExecutionException spawnOnDead = assertThrows(ExecutionException.class,
            () -> node.spawnOn(2, (n) -> 1).get(30, TimeUnit.SECONDS));
        final NodeUnavailableException cause = assertInstanceOf(NodeUnavailableException.class, spawnOnDead.getCause());
        assertEquals(2, cause.nodeId());
        assertFalse(node.isNodeAvailable(2));
        assertEquals(List.of(), errorsOtherThanRejected());
    }

    private List<String> errorsOtherThanRejected()
    {
        final List<String> unexpected = new ArrayList<>();
        for (final Throwable error : errors)
        {
            if (!(error instanceof RejectedFrameException))
            {
                unexpected.add(String.valueOf(error));
            }
        }

        return unexpected;
    }
}
