package org.jdsm.coherence;

import org.jdsm.BorrowException;
import org.jdsm.Codecs;
import org.jdsm.DBox;
import org.jdsm.Mut;
import org.jdsm.NodeCounters.Counter;
import org.jdsm.Ref;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The leased cache hit of a remote box (see {@link ReaderLeases}): a Ref opened without atomics is still counted, so
 * a write, free or move on the same thread, or on another thread ordered after it, is refused; a write moves or
 * recolours the object, so the leased copy is never read again; a thread's leases are bounded, so the cache still
 * evicts. That every leased hit is counted is asserted by {@link HotPathAllocationTest}, which this class must not
 * run many hits before: a hot loop of borrows here changes how the JIT compiles the borrow path there.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeasedReadTest
{
    private SimulatedCluster cluster;
    private Node node;
    private ExecutorService other;

    @BeforeEach
    void start()
    {
        other = Executors.newSingleThreadExecutor();
        cluster = SimulatedCluster.start(2, (config) -> config.cacheSize(512 * 1024).maxObjectSize(64 * 1024));
        node = cluster.node(0);
    }

    @AfterEach
    void stop()
    {
        other.shutdownNow();
        cluster.close();
    }

    @Test
    void shouldRefuseWriteFreeAndMoveOnTheSameThreadWhileALeasedRefIsOpen()
    {
        final BoxHandle<Long> box = leasedBox(5L);
        final String name = box.toString();
        try (Ref<Long> ref = box.read())
        {
            assertEquals(5L, ref.getLong());
            assertEquals("write() on " + name + " while 1 Ref(s) of it are open",
                assertThrows(BorrowException.class, box::write).getMessage());
            assertEquals("close() on " + name + " while 1 Ref(s) of it are open",
                assertThrows(BorrowException.class, box::close).getMessage());
            assertEquals("move on " + name + " while 1 Ref(s) of it are open",
                assertThrows(BorrowException.class, () -> box.moveOut("a test")).getMessage());
            assertEquals(5L, ref.getLong());
        }

        try (Mut<Long> mut = box.write())
        {
            mut.setLong(6L);
        }
        assertFalse(box.isLeased(), "a write on the lessee's thread drops the lease of the old value");
        try (Ref<Long> ref = box.read())
        {
            assertEquals(6L, ref.getLong());
        }
    }

    @Test
    void shouldRefuseWriteOnAnotherThreadOrderedAfterALeasedRead() throws Exception
    {
        final BoxHandle<Long> box = leasedBox(7L);
        final String name = box.toString();
        try (Ref<Long> ref = box.read())
        {
            final ExecutionException ex = assertThrows(ExecutionException.class, () -> other.submit(() ->
            {
                box.write().close();
                return null;
            }).get());
            assertInstanceOf(BorrowException.class, ex.getCause());
            assertEquals("write() on " + name + " while 1 Ref(s) of it are open", ex.getCause().getMessage());
            assertEquals(7L, ref.getLong());
        }

        other.submit(() ->
        {
            try (Mut<Long> mut = box.write())
            {
                mut.setLong(8L);
            }
        }).get();
        try (Ref<Long> ref = box.read())
        {
            assertEquals(8L, ref.getLong(), "the copy leased before another thread's write is never read again");
        }
    }

    @Test
    void shouldCountALeasedRefClosedOnAnotherThread() throws Exception
    {
        final BoxHandle<Long> box = leasedBox(9L);
        final Ref<Long> ref = box.read();
        assertThrows(BorrowException.class, box::write);
        other.submit(ref::close).get();
        try (Mut<Long> mut = box.write())
        {
            mut.setLong(10L);
        }
        try (Ref<Long> again = box.read())
        {
            assertEquals(10L, again.getLong());
        }
    }

    /**
     * Few misses on purpose (one per box): many lazy fetches through {@code Ref} accessors make the JIT compile that
     * path into every accessor, and a later {@link HotPathAllocationTest} in this JVM would see its borrows escape.
     */
    @Test
    void shouldEvictCopiesBeyondAThreadsLeasesAndKeepTheLeasedCopyOfAnOpenRef()
    {
        final int objectLength = 24 * 1024;
        final int boxes = ReaderLeases.RING_LENGTH + 8;
        final List<DBox<byte[]>> remote = new ArrayList<>();
        for (int i = 0; i < boxes; i++)
        {
            final byte[] value = new byte[objectLength];
            Arrays.fill(value, (byte)i);
            remote.add(node.allocOn(1, Codecs.BYTES, value));
        }

        final BoxHandle<byte[]> first = (BoxHandle<byte[]>)remote.get(0);
        readTwice(first);
        assertTrue(first.isLeased());
        try (Ref<byte[]> held = first.read())
        {
            for (int i = 1; i < boxes; i++)
            {
                readTwice(remote.get(i));
            }
            assertEquals(0, held.buffer().getByte(objectLength - 1), "the copy under an open leased Ref is never evicted");
            assertEquals(0, held.buffer().getByte(0));
        }

        assertTrue(node.counters().get(Counter.CACHE_EVICTIONS) > 0,
            "leases (" + ReaderLeases.RING_LENGTH + " per thread) keep few copies from eviction");
        assertEquals((byte)(boxes - 1), remote.get(boxes - 1).read().buffer().getByte(objectLength - 1));
    }

    @Test
    void shouldLetAClosedNodeBeCollectedWhileTheThreadThatLeasedItsCopiesLives() throws InterruptedException
    {
        // this thread outlives the cluster; its ThreadLocal map keeps its lessee, whose ring named the leased boxes
        final WeakReference<HeapAccess> heap = leaseOnAClusterThenCloseIt();
        for (int i = 0; i < 100 && null != heap.get(); i++)
        {
            System.gc();
            Thread.sleep(50);
        }
        assertNull(heap.get(), "a closed node's heap (its off-heap slice and cache) is collected");
    }

    private static WeakReference<HeapAccess> leaseOnAClusterThenCloseIt()
    {
        try (SimulatedCluster closed =
            SimulatedCluster.start(2, (config) -> config.cacheSize(512 * 1024).maxObjectSize(64 * 1024)))
        {
            final BoxHandle<Long> box = (BoxHandle<Long>)closed.node(0).allocOn(1, Codecs.LONG, 7L);
            readTwice(box);
            assertTrue(box.isLeased());
            return new WeakReference<>(closed.node(0).heap());
        }
    }

    /**
     * A remote box whose copy is cached and leased to this thread: a miss, then a counted hit that takes the lease.
     */
    private BoxHandle<Long> leasedBox(final long value)
    {
        final BoxHandle<Long> box = (BoxHandle<Long>)node.allocOn(1, Codecs.LONG, value);
        readTwice(box);
        assertTrue(box.isLeased());
        return box;
    }

    private static <T> void readTwice(final DBox<T> box)
    {
        for (int i = 0; i < 2; i++)
        {
            try (Ref<T> ref = box.read())
            {
                ref.length();
            }
        }
    }
}
