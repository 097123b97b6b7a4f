package org.jdsm.coherence;

import org.jdsm.BorrowException;
import org.jdsm.Codecs;
import org.jdsm.DBox;
import org.jdsm.Mut;
import org.jdsm.NodeCounters.Counter;
import org.jdsm.Ref;
import org.jdsm.RemoteTaskException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A task spawned on its own node that no worker has started yet runs inline on the thread that joins it
 * ({@code get()} or {@code join()}), exactly once, and a {@code callOn} the own node runs on the calling thread without
 * being queued, with what it would see on a worker: moved and lent handles, the
 * lend ended on return, a failure as {@link RemoteTaskException}. To make "not started yet" certain, the node's two
 * workers are first held by gate tasks that sleep until the test opens the gate (a sleeping worker gets no spare
 * from the pool, as a managed block would); the tasks under test record the thread they ran on in static fields
 * (a task capturing only immutable values runs without serialization, so statics are how it reports). The gate
 * opens by itself after 5 s, so a join that waited for a worker fails on the thread it ran on rather than hanging.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalInlineJoinTest
{
    private static final int WORKERS = 2;

    static volatile boolean gateOpen;
    static final AtomicInteger GATES_STARTED = new AtomicInteger();
    static final AtomicInteger RUNS = new AtomicInteger();
    static volatile Thread ranOn;
    static volatile Thread childRanOn;

    private SimulatedCluster cluster;
    private Node node;
    private final List<CompletableFuture<Integer>> gates = new ArrayList<>();

    @BeforeEach
    void start()
    {
        gateOpen = false;
        GATES_STARTED.set(0);
        RUNS.set(0);
        ranOn = null;
        childRanOn = null;
        cluster = SimulatedCluster.start(1);
        node = cluster.node(0);
    }

    @AfterEach
    void stop()
    {
        gateOpen = true;
        cluster.close();
    }

    @Test
    void shouldRunAnUnstartedLocalTaskOnTheJoiningThreadExactlyOnce() throws Exception
    {
        final long tasksBefore = node.counters().get(Counter.TASKS_RUN);
        holdWorkers();
        final int two = 2;
        final CompletableFuture<Integer> future = node.spawnOn(0, (n) ->
        {
            RUNS.incrementAndGet();
            ranOn = Thread.currentThread();
            return 40 + two;
        });

        assertEquals(42, future.join());
        assertSame(Thread.currentThread(), ranOn, "run inline by the joining thread");
        assertEquals(42, future.get(), "a second join waits for nothing and runs nothing");

        releaseWorkers();
        Thread.sleep(100);
        assertEquals(1, RUNS.get(), "the worker that dequeued the claimed task dropped it");
        assertEquals(tasksBefore + WORKERS + 1, node.counters().get(Counter.TASKS_RUN));
        assertEquals(0, activeTasks(), "no task counted as queued or running");
    }

    @Test
    void shouldNotRunALocalTaskInlineForATimedGet() throws Exception
    {
        holdWorkers();
        final CompletableFuture<Integer> future = node.spawnOn(0, (n) ->
        {
            ranOn = Thread.currentThread();
            return 7;
        });

        assertThrows(TimeoutException.class, () -> future.get(50, TimeUnit.MILLISECONDS));
        assertNull(ranOn, "a timed get waits for a worker");
        releaseWorkers();
        assertEquals(7, future.get(10, TimeUnit.SECONDS));
        assertNotSame(Thread.currentThread(), ranOn);
    }

    @Test
    void shouldCarryAnInlineFailureAsRemoteTaskExceptionFromJoinAndGet()
    {
        holdWorkers();
        final CompletableFuture<Object> joined = node.spawnOn(0, (n) ->
        {
            ranOn = Thread.currentThread();
            throw new IllegalStateException("boom");
        });
        final CompletionException completion = assertThrows(CompletionException.class, joined::join);
        assertSame(Thread.currentThread(), ranOn);
        final RemoteTaskException remote = assertInstanceOf(RemoteTaskException.class, completion.getCause());
        assertEquals(0, remote.nodeId());
        assertTrue(remote.getMessage().startsWith("task failed on node 0: java.lang.IllegalStateException: boom"),
            remote.getMessage());
        assertEquals("boom", assertInstanceOf(IllegalStateException.class, remote.getCause()).getMessage());

        ranOn = null;
        final CompletableFuture<Object> got = node.spawnOn(0, (n) ->
        {
            ranOn = Thread.currentThread();
            throw new IllegalArgumentException("bad");
        });
        final ExecutionException execution = assertThrows(ExecutionException.class, got::get);
        assertSame(Thread.currentThread(), ranOn);
        assertEquals("bad", assertInstanceOf(IllegalArgumentException.class,
            assertInstanceOf(RemoteTaskException.class, execution.getCause()).getCause()).getMessage());
    }

    @Test
    void shouldMoveABoxIntoAnInlineTaskAndFreeItOnReturn() throws Exception
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 5L);
        final String name = box.toString();
        final long freesBefore = node.counters().get(Counter.FREES);
        holdWorkers();
        final CompletableFuture<Long> future = node.spawnOn(0, (n) ->
        {
            ranOn = Thread.currentThread();
            try (Ref<Long> ref = box.read())
            {
                return ref.getLong();
            }
        });
        assertEquals("read() on " + name + " after it was moved to a task on node 0: this handle is consumed",
            assertThrows(BorrowException.class, box::read).getMessage(), "moved at spawn, before the join");

        assertEquals(5L, future.get());
        assertSame(Thread.currentThread(), ranOn);
        assertEquals(freesBefore + 1, node.counters().get(Counter.FREES), "the task did not move it on: freed");
    }

    @Test
    void shouldLendARefToAnInlineTaskUntilItReturns() throws Exception
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 11L);
        holdWorkers();
        final CompletableFuture<Long> future;
        try (Ref<Long> ref = box.read())
        {
            future = node.spawnOn(0, (n) ->
            {
                ranOn = Thread.currentThread();
                BorrowMisuseTest.LeakedRef.last = ref;
                return ref.getLong();
            });
        }
        assertThrows(BorrowException.class, box::write, "the unstarted task holds a shared borrow");

        assertEquals(11L, future.join());
        assertSame(Thread.currentThread(), ranOn);
        final Ref<Long> stale = BorrowMisuseTest.LeakedRef.last;
        assertEquals("Ref of " + box + " used after the task it was lent to returned",
            assertThrows(BorrowException.class, stale::getLong).getMessage());
        try (Mut<Long> mut = box.write())
        {
            mut.setLong(12L);
        }
    }

    @Test
    void shouldLendAMutToAnInlineTaskAndTakeItsWriteBack() throws Exception
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 1L);
        holdWorkers();
        try (Mut<Long> mut = box.write())
        {
            final CompletableFuture<Object> future = node.spawnOn(0, (n) ->
            {
                ranOn = Thread.currentThread();
                mut.setLong(mut.getLong() + 1);
                return null;
            });
            final BorrowException ex = assertThrows(BorrowException.class, mut::getLong);
            assertTrue(ex.getMessage().endsWith(" is lent to a task on node 0 until the task returns"), ex.getMessage());

            future.join();
            assertSame(Thread.currentThread(), ranOn);
            assertEquals(2L, mut.getLong(), "the lend ended when the inline task returned");
        }
        try (Ref<Long> ref = box.read())
        {
            assertEquals(2L, ref.getLong());
        }
    }

    @Test
    void shouldRunANestedSpawnAndJoinInlineWithItsOwnMovesAndLends() throws Exception
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 20L);
        holdWorkers();
        final CompletableFuture<Long> parent = node.spawnOn(0, (n) ->
        {
            ranOn = Thread.currentThread();
            final long child;
            try (Ref<Long> ref = box.read())
            {
                // the box is the parent's own (moved in); it lends a Ref of it to a child it joins
                child = n.spawnOn(0, (m) ->
                {
                    childRanOn = Thread.currentThread();
                    return ref.getLong() + 1;
                }).join();
            }
            try (Mut<Long> mut = box.write())
            {
                mut.setLong(child * 2);
                return mut.getLong();
            }
        });

        assertEquals(42L, parent.join());
        assertSame(Thread.currentThread(), ranOn);
        assertSame(Thread.currentThread(), childRanOn, "the child, joined before any worker started it, ran inline");
        assertThrows(BorrowException.class, box::read, "moved into the parent");
    }

    @Test
    void shouldRunNestedJoinsDeeperThanThePoolOnWorkers() throws Exception
    {
        final int depth = 16;
        assertEquals((long)depth, node.spawnOn(0, nested(depth)).get(20, TimeUnit.SECONDS));
    }

    @Test
    void shouldRunEachTaskExactlyOnceWhenJoinersRaceWorkers() throws Exception
    {
        final long tasksBefore = node.counters().get(Counter.TASKS_RUN);
        final int tasks = 2_000;
        int inline = 0;
        for (int i = 0; i < tasks; i++)
        {
            final Integer value = i;
            final CompletableFuture<Integer> future = node.spawnOn(0, (n) ->
            {
                RUNS.incrementAndGet();
                ranOn = Thread.currentThread();
                return value * 3;
            });
            if (0 == (i & 1))
            {
                Thread.onSpinWait();
            }
            assertEquals(i * 3, (int)future.join());
            inline += Thread.currentThread() == ranOn ? 1 : 0;
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (0 != activeTasks() && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        Thread.sleep(50);
        assertEquals(tasks, RUNS.get(), "every task ran, none twice (" + inline + " inline)");
        assertEquals(tasksBefore + tasks, node.counters().get(Counter.TASKS_RUN));
    }

    @Test
    void shouldRunACallOnTheOwnNodeOnTheCallingThreadNeverQueued() throws Exception
    {
        final long tasksBefore = node.counters().get(Counter.TASKS_RUN);
        for (int i = 0; i < 200; i++)
        {
            final Integer value = i;
            ranOn = null;
            assertEquals(i + 1, (int)node.callOn(0, (n) ->
            {
                RUNS.incrementAndGet();
                ranOn = Thread.currentThread();
                return value + 1;
            }));
            assertSame(Thread.currentThread(), ranOn, "call " + i + " ran on the calling thread");
        }
        Thread.sleep(50);
        assertEquals(200, RUNS.get());
        assertEquals(tasksBefore + 200, node.counters().get(Counter.TASKS_RUN));
        assertEquals(0, activeTasks());
    }

    @Test
    void shouldMoveAndLendToACallAndCarryItsFailure() throws Exception
    {
        final DBox<Long> moved = node.alloc(Codecs.LONG, 5L);
        final DBox<Long> lent = node.alloc(Codecs.LONG, 1L);
        final long freesBefore = node.counters().get(Counter.FREES);
        assertEquals(5L, (long)node.callOn(0, (n) ->
        {
            try (Ref<Long> ref = moved.read())
            {
                return ref.getLong();
            }
        }));
        assertThrows(BorrowException.class, moved::read, "moved into the call");
        assertEquals(freesBefore + 1, node.counters().get(Counter.FREES), "the call did not move it on: freed");
        try (Mut<Long> mut = lent.write())
        {
            assertEquals(1L, (long)node.callOn(0, (n) ->
            {
                final long before = mut.getLong();
                mut.setLong(before + 1);
                return before;
            }));
            assertEquals(2L, mut.getLong(), "the lent Mut is back with the call's write");
        }

        final CompletionException ex = assertThrows(CompletionException.class, () -> node.callOn(0, (n) ->
        {
            throw new IllegalStateException("boom");
        }));
        assertEquals("boom", assertInstanceOf(IllegalStateException.class,
            assertInstanceOf(RemoteTaskException.class, ex.getCause()).getCause()).getMessage());
    }

    @Test
    void shouldRunACallThatNeedsSerializationOnTheCallingThreadOnItsOwnCopy()
    {
        final ArrayList<Long> notPassable = new ArrayList<>(List.of(7L));
        assertEquals(7L, (long)node.callOn(0, (n) ->
        {
            ranOn = Thread.currentThread();
            notPassable.add(8L);
            return notPassable.get(0);
        }));
        assertSame(Thread.currentThread(), ranOn, "serialized in memory and run at once, not sent to the node itself");
        assertEquals(List.of(7L), notPassable, "the call ran on its deserialized copy of the list");
    }

    private static org.jdsm.DsmTask<Long> nested(final int depth)
    {
        return (n) -> 0 == depth ? 0L : 1L + n.spawnOn(0, nested(depth - 1)).join();
    }

    private int activeTasks() throws ReflectiveOperationException
    {
        final java.lang.reflect.Field field = Node.class.getDeclaredField("scheduler");
        field.setAccessible(true);
        return ((Scheduler)field.get(node)).activeTasks().get();
    }

    private void holdWorkers()
    {
        // the gate also opens by itself after 5 s, so a join that waits for a worker instead of running the task
        // fails its assertion on the thread instead of hanging
        final long opensAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (int i = 0; i < WORKERS; i++)
        {
            gates.add(node.spawnOn(0, (n) ->
            {
                GATES_STARTED.incrementAndGet();
                while (!gateOpen && System.nanoTime() - opensAt < 0)
                {
                    Thread.sleep(1);
                }
                return 0;
            }));
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (GATES_STARTED.get() < WORKERS)
        {
            assertTrue(System.nanoTime() < deadline, "the workers did not take the gate tasks");
            Thread.onSpinWait();
        }
    }

    private void releaseWorkers() throws Exception
    {
        gateOpen = true;
        for (final CompletableFuture<Integer> gate : gates)
        {
            assertEquals(0, gate.get(10, TimeUnit.SECONDS));
        }
    }
}
