package org.jdsm.coherence;

import org.jdsm.BorrowException;
import org.jdsm.Codecs;
import org.jdsm.DArc;
import org.jdsm.DBox;
import org.jdsm.DVec;
import org.jdsm.DsmException;
import org.jdsm.Mut;
import org.jdsm.NodeCounters.Counter;
import org.jdsm.Ref;
import org.jdsm.RemoteTaskException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A task spawned on its own node runs on the local workers with no message (the simulated network delivers nothing:
 * a one-node cluster sends no heartbeats) and no serialization, with the borrow and move semantics of a task sent to
 * a peer: a captured box moved in and freed on return, a Ref or Mut lent until it returns, a DArc shared with one
 * more count dropped on return, a failure carried as a {@link RemoteTaskException} with the task's exception as
 * cause.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalSpawnTest
{
    private SimulatedCluster cluster;
    private Node node;

    @BeforeEach
    void start()
    {
        cluster = SimulatedCluster.start(1);
        node = cluster.node(0);
    }

    @AfterEach
    void stop()
    {
        cluster.close();
    }

    @Test
    void shouldRunSpawnSpawnOnAndSpawnNearOnTheOwnNodeWithoutAMessage() throws Exception
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 40L);
        final long tasksBefore = node.counters().get(Counter.TASKS_RUN);
        final long deliveredBefore = cluster.network.deliveredCount();
        final int two = 2;
        final long[] array = {1, 2, 3};
        try (Ref<Long> ref = box.read())
        {
            assertEquals(42L, node.spawnOn(0, (n) -> ref.getLong() + two).get(10, TimeUnit.SECONDS));
            assertEquals(42L, node.spawnNear(box, (n) -> ref.getLong() + 2).get(10, TimeUnit.SECONDS));
            assertEquals(6L, node.spawn((n) -> array[0] + array[1] + array[2]).get(10, TimeUnit.SECONDS));
        }
        assertEquals(deliveredBefore, cluster.network.deliveredCount(), "no envelope for a task on the own node");
        assertEquals(tasksBefore + 3, node.counters().get(Counter.TASKS_RUN));

        final ArrayList<Long> notPassable = new ArrayList<>(java.util.List.of(7L));
        assertEquals(7L, node.spawnOn(0, (n) ->
        {
            notPassable.add(8L);
            return notPassable.get(0);
        }).get(10, TimeUnit.SECONDS));
        assertEquals(java.util.List.of(7L), notPassable, "the task ran on its own copy of the list");
        assertEquals(deliveredBefore, cluster.network.deliveredCount(),
            "a task capturing an object that may hold handles is not sent to the node itself");
        assertEquals(tasksBefore + 4, node.counters().get(Counter.TASKS_RUN));
    }

    record Job(Ref<Long> ref, long add) implements java.io.Serializable
    {
    }

    @Test
    void shouldLendARefInsideACapturedRecordToALocalTaskAsOnTheWire() throws Exception
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 40L);
        final long deliveredBefore = cluster.network.deliveredCount();
        try (Ref<Long> ref = box.read())
        {
            final Job job = new Job(ref, 2);
            final Ref<?>[] refs = { ref, ref };
            assertEquals(42L, node.spawnOn(0, (n) -> job.ref().getLong() + job.add()).get(10, TimeUnit.SECONDS));
            assertEquals(80L, node.spawnOn(0, (n) -> ((Ref<Long>)refs[0]).getLong() + ((Ref<Long>)refs[1]).getLong())
                .get(10, TimeUnit.SECONDS));
        }
        try (Mut<Long> mut = box.write())
        {
            mut.setLong(41L);
        }
        assertEquals(deliveredBefore, cluster.network.deliveredCount(), "no envelope for a task on the own node");
    }

    record Slice(String name, java.util.List<String> keys, Ref<Long>[] refs) implements java.io.Serializable
    {
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldHandARecordListsAndArraysOfRefsToALocalTaskWithoutAStream() throws Exception
    {
        final DBox<Long> first = node.alloc(Codecs.LONG, 40L);
        final DBox<Long> second = node.alloc(Codecs.LONG, 2L);
        final String name = new String("slice 7");
        try (Ref<Long> a = first.read(); Ref<Long> b = second.read())
        {
            final Slice slice = new Slice(name, java.util.List.of("id1", "id2"), new Ref[]{ a, b });
            final Ref<Long>[][] grid = new Ref[][]{ { a }, { b, a } };
            final ArrayList<Slice> slices = new ArrayList<>(java.util.List.of(slice, slice));

            assertEquals(124L, node.spawnOn(0, (n) -> slice.refs()[0].getLong() + slice.refs()[1].getLong() +
                grid[0][0].getLong() + grid[1][0].getLong() + grid[1][1].getLong()).get(10, TimeUnit.SECONDS));
            assertTrue(node.spawnOn(0, (n) -> grid instanceof Ref[][] && slice.refs() instanceof Ref[] &&
                slice.keys().equals(java.util.List.of("id1", "id2")) && slices.get(0) == slices.get(1) &&
                slices.get(0) == slice && slice.refs()[0] == grid[0][0]).get(10, TimeUnit.SECONDS),
                "arrays keep their component type; an object met twice in the captured graph stays one, as in a stream");
            assertSame(name, node.spawnOn(0, (n) -> slice.name()).get(10, TimeUnit.SECONDS),
                "the record's string is the spawner's own instance: handed over without a stream, which would copy it");
        }
        try (Mut<Long> mut = first.write())
        {
            assertEquals(40L, mut.getLong(), "every lent Ref ended with its task");
        }
    }

    @Test
    void shouldRefuseALocalTaskCapturingWhatCanNotBeSerializedAndUndoItsHandOver()
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 5L);
        final Object notSerializable = new Object();
        final DsmException ex = assertThrows(DsmException.class,
            () -> node.spawnOn(0, (n) -> box.address() + notSerializable.hashCode()));
        assertTrue(ex.getMessage().contains("can not be serialized"), ex.getMessage());
        try (Mut<Long> mut = box.write())
        {
            assertEquals(5L, mut.getLong(), "the box stays the spawner's, unmoved");
        }
    }

    @Test
    void shouldGiveALocalTaskCopiesOfCapturedArraysAsSerializationDid() throws Exception
    {
        final long[] array = {1, 2, 3};
        final long[] seen = node.spawnOn(0, (n) ->
        {
            array[0] = 99;
            return array;
        }).get(10, TimeUnit.SECONDS);
        assertArrayEquals(new long[]{1, 2, 3}, array, "the spawner's array is not the task's");
        assertEquals(99L, seen[0]);
    }

    @Test
    void shouldMoveACapturedBoxIntoALocalTaskAndFreeItOnReturn() throws Exception
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 5L);
        final String name = box.toString();
        final long freesBefore = node.counters().get(Counter.FREES);
        assertEquals(5L, node.spawnOn(0, (n) ->
        {
            try (Ref<Long> ref = box.read())
            {
                return ref.getLong();
            }
        }).get(10, TimeUnit.SECONDS));

        assertEquals("read() on " + name + " after it was moved to a task on node 0: this handle is consumed",
            assertThrows(BorrowException.class, box::read).getMessage());
        assertEquals(freesBefore + 1, node.counters().get(Counter.FREES), "the task did not move it on: freed");
    }

    @Test
    void shouldMoveACapturedVecIntoALocalTaskWithItsSpine() throws Exception
    {
        final DVec<Long> vec = node.newVec(Codecs.LONG, 4);
        for (long i = 1; i <= 10; i++)
        {
            vec.push(i);
        }
        final long deliveredBefore = cluster.network.deliveredCount();
        assertEquals(55L, node.spawnOn(0, (n) ->
        {
            long sum = 0;
            for (long i = 0; i < vec.size(); i++)
            {
                sum += vec.get(i);
            }
            return sum;
        }).get(10, TimeUnit.SECONDS));
        assertEquals(deliveredBefore, cluster.network.deliveredCount(), "no envelope for a task on the own node");
        assertThrows(BorrowException.class, vec::size, "the vector was moved into the task");
    }

    @Test
    void shouldHandABoxReturnedByALocalTaskToTheCaller() throws Exception
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 5L);
        final DBox<Long> back = node.spawnOn(0, (n) ->
        {
            try (Mut<Long> mut = box.write())
            {
                mut.setLong(6L);
            }
            return box;
        }).get(10, TimeUnit.SECONDS);
        try (Ref<Long> ref = back.read())
        {
            assertEquals(6L, ref.getLong(), "moved out in the result, not freed when the task returned");
        }
        back.close();
    }

    record Result(String label, DBox<Long>[] boxes) implements java.io.Serializable
    {
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldHandARecordOfBoxesReturnedByALocalTaskToTheCallerWithoutAStream() throws Exception
    {
        final String label = new String("made by the task");
        final Result result = node.spawnOn(0, (n) ->
            new Result(label, new DBox[]{ n.alloc(Codecs.LONG, 1L), n.alloc(Codecs.LONG, 2L) }))
            .get(10, TimeUnit.SECONDS);
        assertSame(label, result.label(), "the record's string is the task's own instance: no stream copied it");
        long sum = 0;
        for (final DBox<Long> box : result.boxes())
        {
            try (Ref<Long> ref = box.read())
            {
                sum += ref.getLong();
            }
            box.close();
        }
        assertEquals(3L, sum, "the boxes were moved out in the result, not freed when the task returned");
    }

    @Test
    void shouldLendARefToALocalTaskUntilItReturns() throws Exception
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 11L);
        final Ref<Long> ref = box.read();
        BorrowMisuseTest.TaskGate.close();
        final var future = node.spawnOn(0, (n) ->
        {
            BorrowMisuseTest.TaskGate.await();
            BorrowMisuseTest.LeakedRef.last = ref;
            return ref.getLong();
        });
        ref.close();
        assertThrows(BorrowException.class, box::write, "the task still holds a shared borrow");
        BorrowMisuseTest.TaskGate.open();
        assertEquals(11L, future.get(10, TimeUnit.SECONDS));

        final Ref<Long> stale = BorrowMisuseTest.LeakedRef.last;
        assertEquals("Ref of " + box + " used after the task it was lent to returned",
            assertThrows(BorrowException.class, stale::getLong).getMessage());
        try (Mut<Long> mut = box.write())
        {
            mut.setLong(12L);
        }
    }

    @Test
    void shouldLendAMutToALocalTaskAndTakeItsWriteBack() throws Exception
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 1L);
        try (Mut<Long> mut = box.write())
        {
            BorrowMisuseTest.TaskGate.close();
            final var future = node.spawnOn(0, (n) ->
            {
                BorrowMisuseTest.TaskGate.await();
                mut.setLong(2L);
                return null;
            });
            final BorrowException ex = assertThrows(BorrowException.class, mut::getLong);
            assertTrue(ex.getMessage().endsWith(" is lent to a task on node 0 until the task returns"), ex.getMessage());
            BorrowMisuseTest.TaskGate.open();
            future.get(10, TimeUnit.SECONDS);
            assertEquals(2L, mut.getLong());
        }
        try (Ref<Long> ref = box.read())
        {
            assertEquals(2L, ref.getLong());
        }
    }

    @Test
    void shouldShareADArcWithALocalTaskAndDropItsCountOnReturn() throws Exception
    {
        final DArc<String> arc = node.arc(Codecs.STRING, "shared");
        assertEquals("shared!", node.spawnOn(0, (n) -> arc.get() + "!").get(10, TimeUnit.SECONDS));
        assertEquals(1L, ((ArcHandle<String>)arc).referenceCount(), "the task's count was dropped when it returned");
        arc.close();
    }

    @Test
    void shouldCarryALocalTaskFailureAsRemoteTaskExceptionWithTheTasksException()
    {
        final ExecutionException ex = assertThrows(ExecutionException.class, () -> node.spawnOn(0, (n) ->
        {
            throw new IllegalStateException("boom");
        }).get(10, TimeUnit.SECONDS));
        final RemoteTaskException remote = assertInstanceOf(RemoteTaskException.class, ex.getCause());
        assertEquals(0, remote.nodeId());
        assertTrue(remote.getMessage().startsWith("task failed on node 0: java.lang.IllegalStateException: boom"),
            remote.getMessage());
        assertInstanceOf(IllegalStateException.class, remote.getCause());
        assertEquals("boom", remote.getCause().getMessage());
    }

    @Test
    void shouldRefuseToMoveABorrowedBoxIntoALocalTaskAndUndoNothing()
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 3L);
        try (Ref<Long> ref = box.read())
        {
            assertThrows(BorrowException.class, () -> node.spawnOn(0, (n) -> box.address()));
            assertEquals(3L, ref.getLong());
        }
        try (Mut<Long> mut = box.write())
        {
            mut.setLong(4L);
        }
    }
}
