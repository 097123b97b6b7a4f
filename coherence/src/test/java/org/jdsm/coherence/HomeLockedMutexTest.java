package org.jdsm.coherence;

import org.jdsm.Codecs;
import org.jdsm.DMutex;
import org.jdsm.Mut;
import org.jdsm.NodeCounters;
import org.jdsm.NodeCounters.Counter;
import org.jdsm.NodeUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;


import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code jdsm.replicas > 0} a {@link DMutex} is home-locked: its lock word and value stay at the home, where
 * they are mirrored to the backups and fail over with the home's slice. A lock taken by a node that dies is taken
 * over by the next locker with the value of the last completed unlock; a dead home's mutex is served by its backup;
 * each costs the round trips counted here. With {@code jdsm.replicas=0} the lease migrates as before
 * ({@link MutexLeaseTest}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HomeLockedMutexTest
{
    /** Long enough that no heartbeat is sent while counting (the first goes at start), short enough to close fast. */
    private static final long HEARTBEAT_NS = TimeUnit.SECONDS.toNanos(5);

    @Test
    void shouldTakeOverTheLockOfADeadHolderWithTheValueOfItsLastUnlock() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config
            .replicas(1).operationTimeoutNs(TimeUnit.SECONDS.toNanos(2))))
        {
            final DMutex<Long> mutex = cluster.node(1).mutex(Codecs.LONG, 5L);
            final DMutex<Long> onDoomed = MutexLeaseTest.handleOn(cluster.node(2), mutex);
            final DMutex<Long> onSurvivor = MutexLeaseTest.handleOn(cluster.node(0), mutex);
            MutexLeaseTest.increment(onDoomed);                                    // 6, unlocked: acknowledged
            final Mut<Long> held = onDoomed.lock();                 // node 2 holds the lock
            held.setLong(1000);                                     // never unlocked: never published

            final CountDownLatch waiting = new CountDownLatch(1);
            final CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() ->
            {
                waiting.countDown();
                try (Mut<Long> mut = onSurvivor.lock())
                {
                    final long seen = mut.getLong();
                    mut.setLong(seen + 1);
                    return seen;
                }
            });
            waiting.await();
            Thread.sleep(50);
            assertFalse(waiter.isDone(), "node 0 waits while node 2 lives and holds the lock");

            cluster.network.crash(2);

            assertEquals(6L, waiter.get(20, TimeUnit.SECONDS), "the value of node 2's last unlock, not its 1000");
            try (Mut<Long> mut = mutex.lock())
            {
                assertEquals(7L, mut.getLong(), "the home locks after node 0's unlock");
            }
            assertEquals(1, ((EngineHeap)cluster.node(0).heap()).replication().failOvers(),
                "node 0 declared node 2 dead");
        }
    }

    @Test
    void shouldFailTheUnlockOfANodeThatCrashedHoldingTheLock() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config
            .replicas(1).operationTimeoutNs(TimeUnit.MILLISECONDS.toNanos(500))))
        {
            final DMutex<Long> mutex = cluster.node(0).mutex(Codecs.LONG, 5L);
            final DMutex<Long> onDoomed = MutexLeaseTest.handleOn(cluster.node(1), mutex);
            final Mut<Long> held = onDoomed.lock();
            held.setLong(6);
            cluster.network.crash(1);
            final NodeUnavailableException failed = assertThrows(NodeUnavailableException.class, held::close);
            assertEquals(1, failed.nodeId(), "the crashed node names itself: " + failed.getMessage());
            try (Mut<Long> mut = mutex.lock())
            {
                assertEquals(5L, mut.getLong(), "the crashed node's unlock never published");
            }
        }
    }

    @Test
    void shouldServeTheLockAndValueFromTheBackupWhenTheHomeDiesHoldingIt() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config
            .replicas(1).operationTimeoutNs(TimeUnit.SECONDS.toNanos(2))))
        {
            final DMutex<Long> mutex = cluster.node(1).mutex(Codecs.LONG, 0L);  // home 1, backup on node 2
            final DMutex<Long> onZero = MutexLeaseTest.handleOn(cluster.node(0), mutex);
            final DMutex<Long> onTwo = MutexLeaseTest.handleOn(cluster.node(2), mutex);
            for (int i = 0; i < 10; i++)
            {
                MutexLeaseTest.increment(onZero);
                MutexLeaseTest.increment(onTwo);
                MutexLeaseTest.increment(mutex);
            }
            final Mut<Long> held = mutex.lock();                    // the home holds its own lock, then dies
            held.setLong(-1);

            cluster.network.crash(1);

            try (Mut<Long> mut = onZero.lock())
            {
                assertEquals(30L, mut.getLong(), "every acknowledged increment, read from node 2's backup slot");
                mut.setLong(31);
            }
            try (Mut<Long> mut = onTwo.lock())
            {
                assertEquals(31L, mut.getLong(), "node 2 serves the dead home's slice itself");
            }
            assertTrue(((EngineHeap)cluster.node(2).heap()).replication().takenOverOperations() > 0,
                "node 2 served the lock word from its backup slot");
        }
    }

    @Test
    void shouldCountTheRoundTripsOfALockAndUnlockAtTheHomeAndFromAnotherNode() throws Exception
    {
        // no heartbeats during the test: every operation counted is the mutex's
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config.replicas(1)
            .operationTimeoutNs(4 * HEARTBEAT_NS).peerTimeoutNs(8 * HEARTBEAT_NS).heartbeatIntervalNs(HEARTBEAT_NS)))
        {
            final Node home = cluster.node(1);
            final Node other = cluster.node(0);
            final DMutex<Long> mutex = home.mutex(Codecs.LONG, 0L);
            final DMutex<Long> onOther = MutexLeaseTest.handleOn(other, mutex);
            final Replication atHome = ((EngineHeap)home.heap()).replication();
            final Replication atOther = ((EngineHeap)other.heap()).replication();
            MutexLeaseTest.increment(mutex);
            MutexLeaseTest.increment(onOther);

            // at the home: a local CAS mirrored (1), the value mirrored (1), the free mirrored (1)
            NodeCounters before = home.counters();
            long mirrorsBefore = atHome.mirrorOperations();
            MutexLeaseTest.increment(mutex);
            NodeCounters after = home.counters();
            assertEquals(0, after.roundTrips() - before.roundTrips() - MutexLeaseTest.delta(before, after, Counter.MIRROR_OPERATIONS),
                "the home's word is local");
            assertEquals(3, atHome.mirrorOperations() - mirrorsBefore, "CAS, value and free reach the backup");
            assertEquals(3, MutexLeaseTest.delta(before, after, Counter.MIRROR_OPERATIONS), "the node's counters count the mirrors");
            assertEquals(3, after.roundTrips() - before.roundTrips(), "round trips include the mirrors");

            // read only: the value is not written back
            mirrorsBefore = atHome.mirrorOperations();
            try (Mut<Long> mut = mutex.lock())
            {
                assertEquals(3L, mut.getLong());
            }
            assertEquals(2, atHome.mirrorOperations() - mirrorsBefore, "CAS and free only");

            // from another node: CAS + read at the home, write + CAS at the home, each write and CAS mirrored
            before = other.counters();
            mirrorsBefore = atOther.mirrorOperations();
            MutexLeaseTest.increment(onOther);
            after = other.counters();
            assertEquals(2, MutexLeaseTest.delta(before, after, Counter.REMOTE_COMPARE_AND_SWAPS), "lock and free");
            assertEquals(1, MutexLeaseTest.delta(before, after, Counter.REMOTE_READS), "the value after the lock");
            assertEquals(1, MutexLeaseTest.delta(before, after, Counter.REMOTE_WRITES), "the value before the free");
            assertEquals(0, MutexLeaseTest.delta(before, after, Counter.MESSAGES_SENT), "no lease message");
            assertEquals(3, atOther.mirrorOperations() - mirrorsBefore, "CAS, value and free reach the backup");
            assertEquals(3, MutexLeaseTest.delta(before, after, Counter.MIRROR_OPERATIONS));
            assertEquals(4 + 3, after.roundTrips() - before.roundTrips(), "4 at the home, 3 mirrors");

            try (Mut<Long> mut = onOther.lock())
            {
                assertEquals(4L, mut.getLong());
            }
            assertTrue(((MutexHandle<Long>)mutex).lease().isHomeLocked());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { 3, 29 })
    void shouldLinearizeIncrementsFromTwoThreadsOnEachOfThreeNodesUnderDelaysAndReordering(final long seed)
        throws Exception
    {
        final int increments = 60;
        final int threads = 2;
        try (SimulatedCluster cluster = SimulatedCluster.start(3, seed, 8, true, (config) -> config.replicas(1)))
        {
            final DMutex<Long> counter = MutexLeaseTest.incrementFromEveryNode(cluster, threads, increments);
            assertTrue(((MutexHandle<Long>)counter).lease().isHomeLocked());
            counter.close();
        }
    }

    @Test
    void shouldFreeTheLockWordWhenASwapIntoItIsInDoubtInsteadOfLeavingItToALiveNodeThatNeverLocked()
        throws Exception
    {
        // node 0's next compare-and-swap takes effect at the home, then fails as a timed-out one would
        final java.util.concurrent.atomic.AtomicBoolean loseNextSwap = new java.util.concurrent.atomic.AtomicBoolean();
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config.replicas(1)
            .transportProvider(losingOneSwapResponse(config.transportProvider(), loseNextSwap))))
        {
            final DMutex<Long> mutex = cluster.node(1).mutex(Codecs.LONG, 1L);
            final DMutex<Long> onZero = MutexLeaseTest.handleOn(cluster.node(0), mutex);
            final DMutex<Long> onTwo = MutexLeaseTest.handleOn(cluster.node(2), mutex);
            loseNextSwap.set(true);
            final NodeUnavailableException ex = assertThrows(NodeUnavailableException.class, onZero::lock);
            assertEquals("the swap's response was lost", ex.getMessage().substring(ex.getMessage().indexOf("the")));
            final CompletableFuture<Long> fromTwo = CompletableFuture.supplyAsync(() ->
            {
                try (Mut<Long> mut = onTwo.lock())
                {
                    return mut.getLong();
                }
            });
            assertEquals(1L, fromTwo.get(10, TimeUnit.SECONDS), "node 2 locks: the word no longer names node 0");
            MutexLeaseTest.increment(onZero);
            try (Mut<Long> mut = mutex.lock())
            {
                assertEquals(2L, mut.getLong());
            }
        }
    }

    private static org.jdsm.spi.TransportProvider losingOneSwapResponse(
        final org.jdsm.spi.TransportProvider inner, final java.util.concurrent.atomic.AtomicBoolean loseNextSwap)
    {
        return new org.jdsm.spi.TransportProvider()
        {
            public String name()
            {
                return inner.name();
            }

            public org.jdsm.spi.Transport newTransport(final org.jdsm.spi.TransportContext context)
            {
                final org.jdsm.spi.Transport transport = inner.newTransport(context);
                final int self = context.config().nodeId();
                return (org.jdsm.spi.Transport)java.lang.reflect.Proxy.newProxyInstance(
                    org.jdsm.spi.Transport.class.getClassLoader(), new Class<?>[]{ org.jdsm.spi.Transport.class },
                    (proxy, method, args) ->
                    {
                        final Object result;
                        try
                        {
                            result = method.invoke(transport, args);
                        }
                        catch (final java.lang.reflect.InvocationTargetException ex)
                        {
                            throw ex.getCause();
                        }
                        if (0 == self && "compareAndSwap".equals(method.getName()) && loseNextSwap.compareAndSet(true,
                            false))
                        {
                            throw new NodeUnavailableException((int)args[0], "the swap's response was lost");
                        }
                        return result;
                    });
            }
        };
    }

    @Test
    void shouldTryLockUnlessAThreadOfThisNodeHoldsIt() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config.replicas(1)))
        {
            final DMutex<Long> mutex = cluster.node(1).mutex(Codecs.LONG, 1L);
            final DMutex<Long> onZero = MutexLeaseTest.handleOn(cluster.node(0), mutex);
            final Mut<Long> held = onZero.lock();
            final DMutex<Long> sameNode = MutexLeaseTest.handleOn(cluster.node(0), mutex);
            assertEquals(null, CompletableFuture.supplyAsync(sameNode::tryLock).get(10, TimeUnit.SECONDS),
                "a thread of node 0 holds it");
            held.setLong(2);
            held.close();
            try (Mut<Long> mut = sameNode.tryLock())
            {
                assertEquals(2L, mut.getLong());
            }
            try (Mut<Long> mut = mutex.tryLock())
            {
                assertEquals(2L, mut.getLong(), "free at the home: taken at once");
            }
        }
    }

    @Test
    void shouldKeepTheMigratingLeaseWithoutReplicas()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            final DMutex<Long> mutex = cluster.node(1).mutex(Codecs.LONG, 0L);
            final DMutex<Long> onZero = MutexLeaseTest.handleOn(cluster.node(0), mutex);
            MutexLeaseTest.increment(onZero);
            assertFalse(((MutexHandle<Long>)onZero).lease().isHomeLocked());
            final NodeCounters before = cluster.node(0).counters();
            MutexLeaseTest.increment(onZero);
            assertEquals(0, cluster.node(0).counters().roundTrips() - before.roundTrips(),
                "the lease stayed on node 0");
            assertEquals(MutexLease.FREE, ((MutexHandle<Long>)onZero).lease().state());
        }
    }
}
