package org.jdsm.coherence;

import org.jdsm.BorrowException;
import org.jdsm.Codecs;
import org.jdsm.DArc;
import org.jdsm.DBox;
import org.jdsm.Mut;
import org.jdsm.Ref;
import org.jdsm.RemoteTaskException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BorrowMisuseTest
{
    private static SimulatedCluster cluster;
    private static Node node;

    @BeforeAll
    static void startCluster()
    {
        cluster = SimulatedCluster.start(2);
        node = cluster.node(0);
    }

    @AfterAll
    static void closeCluster()
    {
        cluster.close();
    }

    @Test
    void shouldRejectWriteWhileRefIsOpen()
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 1L);
        final String name = box.toString();
        try (Ref<Long> ignore = box.read(); Ref<Long> ignoreToo = box.read())
        {
            final BorrowException ex = assertThrows(BorrowException.class, box::write);
            assertEquals("write() on " + name + " while 2 Ref(s) of it are open", ex.getMessage());
        }

        try (Mut<Long> mut = box.write())
        {
            mut.setLong(2);
        }
    }

    @Test
    void shouldRejectReadAndSecondWriteWhileMutIsOpen()
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 1L);
        try (Mut<Long> ignore = box.write())
        {
            final String name = box.toString();
            assertEquals("read() on " + name + " while a Mut of it is open",
                assertThrows(BorrowException.class, box::read).getMessage());
            assertEquals("write() on " + name + " while a Mut of it is open",
                assertThrows(BorrowException.class, box::write).getMessage());
        }
    }

    @Test
    void shouldRejectUseAfterMove() throws Exception
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 7L);
        final String name = box.toString();
        final long seen = node.spawnOn(1, (n) ->
        {
            try (Ref<Long> ref = box.read())
            {
                return ref.getLong();
            }
        }).get(10, TimeUnit.SECONDS);
        assertEquals(7L, seen);

        final BorrowException ex = assertThrows(BorrowException.class, box::read);
        assertEquals("read() on " + name + " after it was moved to a task on node 1: this handle is consumed",
            ex.getMessage());
        assertThrows(BorrowException.class, box::close);
        assertEquals("homeNode() on " + name + " after it was moved to a task on node 1: this handle is consumed",
            assertThrows(BorrowException.class, box::homeNode).getMessage());
    }

    @Test
    void shouldRejectUseAfterFree()
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 7L);
        final String name = box.toString();
        box.close();

        assertEquals("read() on " + name + " after it was freed",
            assertThrows(BorrowException.class, box::read).getMessage());
        assertEquals("write() on " + name + " after it was freed",
            assertThrows(BorrowException.class, box::write).getMessage());
        assertEquals("close() on " + name + " after it was freed",
            assertThrows(BorrowException.class, box::close).getMessage());
        // its old address names no object: a task sent near it would run on the node it was freed on
        assertEquals("homeNode() on " + name + " after it was freed",
            assertThrows(BorrowException.class, box::homeNode).getMessage());
        assertEquals("address() on " + name + " after it was freed",
            assertThrows(BorrowException.class, box::address).getMessage());
        assertEquals("homeNode() on " + name + " after it was freed", assertThrows(BorrowException.class,
            () -> node.spawnNear(box, (n) -> 1)).getMessage());
    }

    @Test
    void shouldRejectFreeWhileBorrowed()
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 7L);
        try (Ref<Long> ignore = box.read())
        {
            assertEquals("close() on " + box + " while 1 Ref(s) of it are open",
                assertThrows(BorrowException.class, box::close).getMessage());
        }
        box.close();
    }

    @Test
    void shouldRejectDoubleClose()
    {
        final DBox<Long> box = node.allocOn(1, Codecs.LONG, 7L);
        final Ref<Long> ref = box.read();
        ref.close();
        assertEquals("Ref of " + box + " used after close",
            assertThrows(BorrowException.class, ref::close).getMessage());
        assertEquals("Ref of " + box + " used after close",
            assertThrows(BorrowException.class, ref::getLong).getMessage());

        final Mut<Long> mut = box.write();
        mut.close();
        assertEquals("Mut of " + box + " closed twice", assertThrows(BorrowException.class, mut::close).getMessage());
        assertEquals("Mut of " + box + " used after close",
            assertThrows(BorrowException.class, () -> mut.setLong(1)).getMessage());

        final DArc<Long> arc = node.arc(Codecs.LONG, 3L);
        arc.close();
        assertEquals("DArc(" + GlobalAddress.toString(arc.address()) + ") closed twice",
            assertThrows(BorrowException.class, arc::close).getMessage());
    }

    @Test
    void shouldRejectRefUsedAfterItsTaskReturned() throws Exception
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 11L);
        final LeakedRef leaked = new LeakedRef();
        try (Ref<Long> ref = box.read())
        {
            assertEquals(11L, node.spawnOn(1, (n) ->
            {
                leaked.set(ref);
                return ref.getLong();
            }).get(10, TimeUnit.SECONDS));
        }

        final Ref<Long> stale = LeakedRef.last;
        assertEquals("Ref of " + box + " used after the task it was lent to returned",
            assertThrows(BorrowException.class, stale::getLong).getMessage());

        try (Mut<Long> mut = box.write())
        {
            mut.setLong(12);
        }
    }

    @Test
    void shouldKeepLentRefCountedUntilTaskReturns() throws Exception
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 1L);
        final Ref<Long> ref = box.read();
        TaskGate.close();
        final var future = node.spawnOn(1, (n) ->
        {
            TaskGate.await();
            return ref.getLong();
        });
        ref.close();
        assertThrows(BorrowException.class, box::write, "the task still holds a shared borrow");
        TaskGate.open();
        assertEquals(1L, future.get(10, TimeUnit.SECONDS));
        try (Mut<Long> mut = box.write())
        {
            mut.setLong(2);
        }
    }

    @Test
    void shouldRejectMutUseWhileLentToTask() throws Exception
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 1L);
        try (Mut<Long> mut = box.write())
        {
            TaskGate.close();
            final var future = node.spawnOn(1, (n) ->
            {
                TaskGate.await();
                mut.setLong(2);
                return null;
            });
            final BorrowException ex = assertThrows(BorrowException.class, mut::getLong);
            assertTrue(ex.getMessage().endsWith(" is lent to a task on node 1 until the task returns"), ex.getMessage());
            TaskGate.open();
            future.get(10, TimeUnit.SECONDS);
            assertEquals(2L, mut.getLong());
        }
    }

    @Test
    void shouldRejectMovingBorrowedBoxIntoTaskAndUndoNothing()
    {
        final DBox<Long> box = node.alloc(Codecs.LONG, 1L);
        try (Ref<Long> ignore = box.read())
        {
            final BorrowException ex = assertThrows(BorrowException.class, () -> node.spawnOn(1, (n) -> box.address()));
            assertEquals("move on " + box + " while 1 Ref(s) of it are open", ex.getMessage());
        }
        try (Ref<Long> ref = box.read())
        {
            assertEquals(1L, ref.getLong());
        }
    }

    @Test
    void shouldCarryTaskFailureBackAsRemoteTaskException()
    {
        final ExecutionException ex = assertThrows(ExecutionException.class, () -> node.spawnOn(1, (n) ->
        {
            throw new IllegalStateException("boom on " + n.nodeId());
        }).get(10, TimeUnit.SECONDS));
        final RemoteTaskException cause = assertInstanceOf(RemoteTaskException.class, ex.getCause());
        assertEquals(1, cause.nodeId());
        assertTrue(cause.getMessage().startsWith(
            "task failed on node 1: java.lang.IllegalStateException: boom on 1"), cause.getMessage());
        final IllegalStateException remote = assertInstanceOf(IllegalStateException.class, cause.getCause());
        assertEquals("boom on 1", remote.getMessage());
    }

    @Test
    void shouldFailTaskWhoseResultIsTooLargeForAMessageInsteadOfHanging()
    {
        try (SimulatedCluster small = SimulatedCluster.start(2))
        {
            final ExecutionException ex = assertThrows(ExecutionException.class,
                () -> small.node(0).spawnOn(1, (n) -> new byte[17 * 1024 * 1024]).get(20, TimeUnit.SECONDS));
            final RemoteTaskException cause = assertInstanceOf(RemoteTaskException.class, ex.getCause());
            assertInstanceOf(org.jdsm.ObjectSizeException.class, cause.getCause());
            assertTrue(cause.getMessage().contains("result of the task is too large to send"), cause.getMessage());
        }
    }

    @Test
    void shouldRejectNestedBoxWriteThroughSharedBorrow()
    {
        final DBox<Long> inner = node.alloc(Codecs.LONG, 5L);
        final DBox<Holder> outer = node.alloc(Codecs.record(Holder.class), new Holder(1, inner));
        assertEquals("read() on " + inner + " after it was moved to another object: this handle is consumed",
            assertThrows(BorrowException.class, inner::read).getMessage());

        try (Ref<Holder> ref = outer.read())
        {
            final DBox<Long> nested = ref.get().box();
            try (Ref<Long> nestedRef = nested.read())
            {
                assertEquals(5L, nestedRef.getLong());
            }
            final BorrowException ex = assertThrows(BorrowException.class, nested::write);
            assertTrue(ex.getMessage().endsWith(
                " was reached through a Ref: borrow the enclosing object with write() to write or free it"),
                ex.getMessage());
        }

        try (Mut<Holder> mut = outer.write())
        {
            final DBox<Long> nested = mut.get().box();
            try (Mut<Long> nestedMut = nested.write())
            {
                nestedMut.setLong(6);
            }
        }

        final Ref<Holder> ref = outer.read();
        final DBox<Long> nested = ref.get().box();
        try (Ref<Long> nestedRef = nested.read())
        {
            assertEquals(6L, nestedRef.getLong());
        }
        ref.close();
        assertEquals(nested + " was reached through a Ref that is closed",
            assertThrows(BorrowException.class, nested::read).getMessage());
    }

    record Holder(long id, DBox<Long> box)
    {
    }

    /**
     * Holds a test's task until the test has checked what must hold while the task runs (a static, not a capture:
     * tasks on other nodes travel serialized), whatever the machine's load.
     */
    static final class TaskGate
    {
        private static volatile CountDownLatch latch = new CountDownLatch(0);

        static void close()
        {
            latch = new CountDownLatch(1);
        }

        static void open()
        {
            latch.countDown();
        }

        static void await() throws InterruptedException
        {
            if (!latch.await(10, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("the test did not open the task's gate within 10 s");
            }
        }
    }

    static final class LeakedRef implements java.io.Serializable
    {
        private static final long serialVersionUID = 1L;
        static volatile Ref<Long> last;

        void set(final Ref<Long> ref)
        {
            last = ref;
        }
    }
}
