package org.jdsm.coherence;

import org.jdsm.BorrowException;
import org.jdsm.Codecs;
import org.jdsm.DMutex;
import org.jdsm.DsmException;
import org.jdsm.Mut;
import org.jdsm.NodeCounters;
import org.jdsm.NodeCounters.Counter;
import org.jdsm.NodeUnavailableException;
import org.jdsm.RemoteTaskException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The migrating {@link DMutex}: the lease stays on the node that locked last (re-locking there costs no network
 * operation, read from {@link NodeCounters}), another node takes it with one compare-and-swap at the home, one
 * request and one grant that carries the value, increments from several nodes and threads are linearizable under
 * delays and reordering, and a dead lease holder is named instead of hanging the nodes that wait for it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MutexLeaseTest
{
    /** Few heartbeats (they are counted apart from the mutex's messages), short enough to close fast. */
    private static final long HEARTBEAT_NS = TimeUnit.SECONDS.toNanos(5);

    @ParameterizedTest
    @ValueSource(ints = { 0, 1 })
    void shouldRefuseALockByTheThreadThatHoldsItInsteadOfWaitingForItself(final int replicas) throws Exception
    {
        // without the refusal the second lock() waits for its own thread: the class's timeout fails the test
        try (SimulatedCluster cluster = SimulatedCluster.start(2, (config) -> config.replicas(replicas)))
        {
            final DMutex<Long> mutex = cluster.node(1).mutex(Codecs.LONG, 0L);
            long expected = 0;
            for (final DMutex<Long> handle : List.of(mutex, handleOn(cluster.node(0), mutex)))
            {
                final CompletableFuture<Long> otherThread;
                try (Mut<Long> held = handle.lock())
                {
                    final BorrowException ex = assertThrows(BorrowException.class, handle::lock);
                    assertTrue(ex.getMessage().startsWith("DMutex"), ex.getMessage());
                    assertTrue(ex.getMessage().endsWith(" lock() on thread " + Thread.currentThread().getName() +
                        ", which holds it already: a DMutex is not re-entrant, use the Mut that thread holds"),
                        ex.getMessage());
                    otherThread = CompletableFuture.supplyAsync(() ->
                    {
                        try (Mut<Long> mut = handle.lock())
                        {
                            mut.setLong(mut.getLong() + 1);
                            return mut.getLong();
                        }
                    });
                    held.setLong(held.getLong() + 10);
                }
                expected += 10 + 1;
                assertEquals(expected, otherThread.get(10, TimeUnit.SECONDS),
                    "another thread of the node waited for the lock and took it after the release");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 1 })
    void shouldReleaseTheLockATaskLeftHeldAndFailTheTaskInsteadOfBlockingEveryLaterLock(final int replicas)
        throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2, (config) -> config.replicas(replicas)))
        {
            final DMutex<Long> mutex = cluster.node(0).mutex(Codecs.LONG, 1L);
            final java.util.concurrent.ExecutionException ex = assertThrows(
                java.util.concurrent.ExecutionException.class, () -> cluster.node(0).spawnOn(1, (n) ->
                {
                    final Mut<Long> left = mutex.lock(); // never closed
                    left.setLong(2);
                    return 0;
                }).get(10, TimeUnit.SECONDS));
            final RemoteTaskException cause = assertInstanceOf(RemoteTaskException.class, ex.getCause());
            assertTrue(cause.getMessage().contains("BorrowException: a task returned with a Mut of DMutex(") &&
                cause.getMessage().contains(" still open: its lock was released with the value the task left"),
                cause.getMessage());
            final CompletableFuture<Long> later = CompletableFuture.supplyAsync(() ->
            {
                try (Mut<Long> mut = mutex.lock())
                {
                    return mut.getLong();
                }
            });
            assertEquals(2L, later.get(10, TimeUnit.SECONDS), "locked again, with the value the task left");
        }
    }

    @Test
    void shouldNameAHolderThreadThatEndedWithoutClosingAndAnInterruptedWaiter() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(1))
        {
            final DMutex<Long> mutex = cluster.node(0).mutex(Codecs.LONG, 1L);
            final Thread leaver = new Thread(mutex::lock, "leaver"); // locks, never closes, ends
            leaver.start();
            leaver.join(10_000);
            final BorrowException ex = assertThrows(BorrowException.class, mutex::lock);
            assertTrue(ex.getMessage().endsWith(" is held by thread leaver, which ended without closing its Mut: " +
                "the lock is never released (close every Mut, e.g. with try-with-resources)"), ex.getMessage());

            final DMutex<Long> other = cluster.node(0).mutex(Codecs.LONG, 1L);
            try (Mut<Long> held = other.lock())
            {
                final CompletableFuture<Throwable> waiter = new CompletableFuture<>();
                final Thread thread = new Thread(() ->
                {
                    Thread.currentThread().interrupt();
                    try
                    {
                        other.lock().close();
                        waiter.complete(null);
                    }
                    catch (final Throwable t)
                    {
                        waiter.complete(t);
                    }
                }, "interrupted");
                thread.start();
                final Throwable failure = waiter.get(10, TimeUnit.SECONDS);
                assertInstanceOf(DsmException.class, failure);
                assertTrue(failure.getMessage().endsWith(" lock() on thread interrupted interrupted while waiting " +
                    "for the lock (the interrupt is kept)"), failure.getMessage());
                assertEquals(1L, held.getLong());
            }
        }
    }

    @Test
    void shouldReLockWithNoNetworkOperationAndHandOverWithOneRequestAndOneGrant() throws Exception
    {
        // heartbeats are counted apart (HEARTBEATS_SENT): every message counted is the mutex's
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config
            .operationTimeoutNs(4 * HEARTBEAT_NS).peerTimeoutNs(8 * HEARTBEAT_NS).heartbeatIntervalNs(HEARTBEAT_NS)))
        {
            final Node home = cluster.node(1);
            final Node first = cluster.node(0);
            final Node second = cluster.node(2);
            final DMutex<Long> mutex = home.mutex(Codecs.LONG, 10L);
            final DMutex<Long> onFirst = handleOn(first, mutex);
            final DMutex<Long> onSecond = handleOn(second, mutex);

            increment(onFirst);                     // lease home -> node 0
            NodeCounters before = first.counters();
            for (int i = 0; i < 100; i++)
            {
                increment(onFirst);
            }
            final NodeCounters reLocked = first.counters();
            assertEquals(0, reLocked.roundTrips() - before.roundTrips(),
                "re-locks on the lease holder: before " + before + ", after " + reLocked);
            assertEquals(0, delta(before, first.counters(), Counter.MESSAGES_SENT), "re-locks on the lease holder");

            increment(onSecond);                    // lease node 0 -> node 2: node 2 learns the tail the first time
            increment(onFirst);                     // and back: node 0's guess of the tail (node 2) is right
            before = first.counters();
            final NodeCounters secondBefore = second.counters();
            increment(onSecond);
            final NodeCounters secondAfter = second.counters();
            final NodeCounters firstAfter = first.counters();
            assertEquals(1, delta(secondBefore, secondAfter, Counter.REMOTE_COMPARE_AND_SWAPS), "swap into the tail");
            assertEquals(1, delta(secondBefore, secondAfter, Counter.MESSAGES_SENT), "request to the holder");
            assertEquals(0, delta(secondBefore, secondAfter, Counter.REMOTE_READS), "the value came with the lease");
            assertEquals(0, delta(secondBefore, secondAfter, Counter.REMOTE_WRITES));
            assertEquals(1, secondAfter.roundTrips() - secondBefore.roundTrips());
            assertEquals(1, delta(before, firstAfter, Counter.MESSAGES_SENT), "the grant with the value");
            assertEquals(0, firstAfter.roundTrips() - before.roundTrips());

            try (Mut<Long> mut = mutex.lock())
            {
                assertEquals(10L + 1 + 100 + 1 + 1 + 1, mut.getLong());
            }
            onFirst.close();
            onSecond.close();
            mutex.close();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { 3, 11, 29 })
    void shouldLinearizeIncrementsFromThreeNodesUnderDelaysAndReordering(final long seed) throws Exception
    {
        final int increments = 150;
        final int threads = 2;
        try (SimulatedCluster cluster = SimulatedCluster.start(3, seed, 8, true, (config) -> {}))
        {
            final DMutex<Long> counter = incrementFromEveryNode(cluster, threads, increments);
            counter.close();
        }
    }

    /**
     * Threads on each of a cluster's three nodes increment one mutex homed on node 1; every value one thread saw is
     * higher than its last, no value is seen twice (mutual exclusion), and the mutex ends at the total.
     *
     * @return the mutex, still open.
     */
    static DMutex<Long> incrementFromEveryNode(final SimulatedCluster cluster, final int threads, final int increments)
        throws Exception
    {
        final Node driver = cluster.node(0);
        final DMutex<Long> counter = cluster.node(1).mutex(Codecs.LONG, 0L);

        final List<CompletableFuture<long[]>> tasks = new ArrayList<>();
        for (int node = 0; node < 3; node++)
        {
            for (int t = 0; t < threads; t++)
            {
                final DMutex<Long> shared = counter.share();
                tasks.add(driver.spawnOn(node, (n) ->
                {
                    final long[] seen = new long[increments];
                    for (int i = 0; i < increments; i++)
                    {
                        try (Mut<Long> mut = shared.lock())
                        {
                            seen[i] = mut.getLong();
                            mut.setLong(seen[i] + 1);
                        }
                    }
                    shared.close();
                    return seen;
                }));
            }
        }

        final int total = 3 * threads * increments;
        final BitSet values = new BitSet(total);
        for (final CompletableFuture<long[]> task : tasks)
        {
            long last = -1;
            for (final long value : task.get(50, TimeUnit.SECONDS))
            {
                assertTrue(value > last, "one thread's locks are ordered: " + value + " after " + last);
                assertFalse(values.get((int)value), "two holders saw value " + value + ": mutual exclusion broken");
                values.set((int)value);
                last = value;
            }
        }
        assertEquals(total, values.cardinality());
        try (Mut<Long> mut = counter.lock())
        {
            assertEquals(total, mut.getLong());
        }

        return counter;
    }

    @Test
    void shouldNameTheDeadLeaseHolderInsteadOfHanging() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config
            .operationTimeoutNs(TimeUnit.SECONDS.toNanos(2))))
        {
            final Node home = cluster.node(1);
            final DMutex<Long> mutex = home.mutex(Codecs.LONG, 5L);
            final DMutex<Long> onDoomed = handleOn(cluster.node(2), mutex);
            final DMutex<Long> onSurvivor = handleOn(cluster.node(0), mutex);
            increment(onDoomed);                    // the lease is on node 2

            cluster.network.crash(2);

            final NodeUnavailableException asked = assertThrows(NodeUnavailableException.class, onSurvivor::lock);
            assertEquals(2, asked.nodeId(), asked.getMessage());
            assertTrue(asked.getMessage().contains("lease was lost with it"), asked.getMessage());

            // the home queued behind node 0, which passes the loss on
            final NodeUnavailableException queued = assertThrows(NodeUnavailableException.class, mutex::lock);
            assertEquals(2, queued.nodeId(), queued.getMessage());
        }
    }

    static void increment(final DMutex<Long> mutex)
    {
        try (Mut<Long> mut = mutex.lock())
        {
            mut.setLong(mut.getLong() + 1);
        }
    }

    static long delta(final NodeCounters before, final NodeCounters after, final Counter counter)
    {
        return after.get(counter) - before.get(counter);
    }

    /**
     * A handle of the mutex on another node, as a task that shares it would have.
     */
    static DMutex<Long> handleOn(final Node node, final DMutex<Long> mutex)
    {
        final MutexHandle<Long> handle = (MutexHandle<Long>)mutex;
        handle.addReference();
        return new MutexHandle<>(node.heap(), Codecs.LONG, handle.address, handle.length);
    }
}
