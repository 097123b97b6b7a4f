package org.jdsm.coherence;

import org.jdsm.BorrowException;
import org.jdsm.CodecException;
import org.jdsm.Codecs;
import org.jdsm.DBox;
import org.jdsm.DVec;
import org.jdsm.Mut;
import org.jdsm.NodeCounters.Counter;
import org.jdsm.ObjectSizeException;
import org.jdsm.Ref;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DVecTest
{
    record Point(long x, double y)
    {
    }

    record Table(long id, DVec<Long> rows)
    {
    }

    record Chunk(DBox<byte[]> data)
    {
    }

    @Test
    void shouldKeepNestedBoxOfElementUsableWhileElementRefIsOpen() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3))
        {
            final Node driver = cluster.node(0);
            final DVec<Chunk> column = driver.newVec(Codecs.record(Chunk.class), 2);
            for (int g = 0; g < 6; g++)
            {
                column.push(new Chunk(driver.allocOn(g % 3, Codecs.BYTES, new byte[]{ (byte)g, (byte)(10 * g) })));
            }

            for (int g = 0; g < 6; g++)
            {
                final DBox<byte[]> data;
                try (Ref<Chunk> element = column.read(g))
                {
                    assertEquals(8, element.length());
                    data = element.get().data();
                    assertEquals(g % 3, data.homeNode());
                    assertThrows(BorrowException.class, () -> column.set(0, new Chunk(null)),
                        "the vector can not be written while an element is borrowed");
                    try (Ref<byte[]> bytes = data.read())
                    {
                        // the chunk's Ref is lent to a task near it, which reads it in place
                        final int expected = 10 * g;
                        final int home = data.homeNode();
                        final int seen = driver.spawnNear(data, (n) ->
                        {
                            if (n.nodeId() != home)
                            {
                                throw new AssertionError("ran on node " + n.nodeId());
                            }
                            return (int)bytes.buffer().getByte(1);
                        }).get(10, TimeUnit.SECONDS);
                        assertEquals(expected, seen);
                        assertEquals(g, bytes.buffer().getByte(0));
                    }
                }
                final BorrowException closed = assertThrows(BorrowException.class, data::read);
                assertTrue(closed.getMessage().endsWith(" was reached through a Ref that is closed"),
                    closed.getMessage());
            }

            final Ref<Chunk> element = column.read(5);
            element.close();
            assertEquals("Ref of element 5 of " + column + " closed twice",
                assertThrows(BorrowException.class, element::close).getMessage());
            assertEquals("Ref of element 5 of " + column + " used after close",
                assertThrows(BorrowException.class, element::get).getMessage());
            assertEquals("index=6 out of range [0, size=6)",
                assertThrows(IndexOutOfBoundsException.class, () -> column.read(6)).getMessage());
            try (Ref<Chunk> again = column.read(0))
            {
                final BorrowException sent = assertThrows(BorrowException.class,
                    () -> driver.spawnOn(1, (n) -> again.length()).get(10, TimeUnit.SECONDS));
                assertTrue(sent.getMessage().startsWith("Ref of element 0 of "), sent.getMessage());
            }
            column.set(0, new Chunk(null));
        }
    }

    @Test
    void shouldWriteAndFreeNestedBoxOfElementThroughElementMut() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            final Node driver = cluster.node(0);
            final DVec<Chunk> column = driver.newVec(Codecs.record(Chunk.class), 2);
            final long remoteFreesBefore = cluster.node(1).counters().get(Counter.FREES);
            for (int g = 0; g < 4; g++)
            {
                column.push(new Chunk(driver.allocOn(1, Codecs.BYTES, new byte[]{ (byte)g })));
            }

            try (Mut<Chunk> element = column.write(2))
            {
                assertThrows(BorrowException.class, () -> column.read(1), "the vector is borrowed exclusively");
                final DBox<byte[]> data = element.get().data();
                try (Mut<byte[]> bytes = data.write())
                {
                    bytes.set(new byte[]{ 42, 43 });
                }
                assertEquals(0, data.homeNode(), "the written box moved to the writer");
            }
            try (Ref<Chunk> element = column.read(2))
            {
                final DBox<byte[]> data = element.get().data();
                assertEquals(0, data.homeNode(), "the element holds the box's new address");
                try (Ref<byte[]> bytes = data.read())
                {
                    assertArrayEquals(new byte[]{ 42, 43 }, bytes.get());
                }
                assertThrows(BorrowException.class, data::close, "a box reached through a Ref can not be freed");
            }

            final long localFreesBefore = driver.counters().get(Counter.FREES);
            for (int g = 0; g < 4; g++)
            {
                try (Mut<Chunk> element = column.write(g))
                {
                    element.get().data().close();
                    assertEquals(null, element.get().data(), "freeing the box clears the element's field");
                }
            }
            assertEquals(localFreesBefore + 1, driver.counters().get(Counter.FREES), "the moved box, freed here");
            // the other three are freed at their home by a message
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (cluster.node(1).counters().get(Counter.FREES) < remoteFreesBefore + 3)
            {
                assertTrue(System.nanoTime() < deadlineNs, "three frees at node 1");
                Thread.sleep(1);
            }
            final Mut<Chunk> element = column.write(0);
            element.close();
            assertEquals("Mut of element 0 of " + column + " closed twice",
                assertThrows(BorrowException.class, element::close).getMessage());
            assertEquals("index=4 out of range [0, size=4)",
                assertThrows(IndexOutOfBoundsException.class, () -> column.write(4)).getMessage());
            column.close();
        }
    }

    @Test
    void shouldGrowAcrossChunksAndKeepEveryElement()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(1))
        {
            final DVec<Long> vec = cluster.node(0).newVec(Codecs.LONG, 16);
            for (long i = 0; i < 1000; i++)
            {
                vec.push(i * i);
            }
            assertEquals(1000, vec.size());
            assertEquals(63, vec.chunkCount());
            assertEquals(16, vec.chunkLength());
            for (long i = 0; i < 1000; i++)
            {
                assertEquals(i * i, vec.getLong(i));
            }
            vec.setLong(500, -1);
            assertEquals(-1L, vec.get(500));
            assertEquals("index=1000 out of range [0, size=1000)",
                assertThrows(IndexOutOfBoundsException.class, () -> vec.get(1000)).getMessage());
            vec.close();
        }
    }

    @Test
    void shouldReadRemoteChunksThroughCacheAndMoveThemOnWrite() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3))
        {
            final Node origin = cluster.node(0);
            final DVec<Point> vec = origin.newVec(Codecs.record(Point.class), 8);
            for (int i = 0; i < 40; i++)
            {
                vec.push(new Point(i, i / 2.0));
            }
            final int chunks = vec.chunkCount();

            final long sum = origin.spawnOn(2, (n) ->
            {
                long total = 0;
                for (int pass = 0; pass < 3; pass++)
                {
                    for (long i = 0; i < vec.size(); i++)
                    {
                        total += vec.get(i).x();
                    }
                }
                for (int c = 0; c < vec.chunkCount(); c++)
                {
                    if (vec.chunkHome(c) != 0)
                    {
                        throw new AssertionError("chunk " + c + " moved on a read");
                    }
                }
                vec.set(3, new Point(1000, 0));
                if (vec.chunkHome(0) != 2)
                {
                    throw new AssertionError("chunk 0 not moved to the writer");
                }
                return total;
            }).get(10, TimeUnit.SECONDS);

            assertEquals(3 * (39 * 40 / 2), sum);
            final Node reader = cluster.node(2);
            assertEquals(chunks + 1, reader.counters().get(Counter.CACHE_MISSES), "each chunk and the spine once");
            assertTrue(reader.counters().get(Counter.CACHE_HITS) >= 3 * 40 - chunks - 1);
            assertEquals(2, reader.counters().get(Counter.OBJECTS_MOVED_IN), "the spine and chunk 0 moved in");
        }
    }

    @Test
    void shouldFillItsSpineUpToTheLargestObjectThenNameTheLimit()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(1, (config) -> config.maxObjectSize(1024)))
        {
            // a spine of 24 bytes of header and 8 per chunk: (1024 - 24) / 8 = 125 chunks, grown 1, 2, ... 64, 125
            final DVec<Long> vec = cluster.node(0).newVec(Codecs.LONG, 1);
            for (long i = 0; i < 125; i++)
            {
                vec.push(i);
            }
            assertEquals(125, vec.chunkCount());
            final ObjectSizeException ex = assertThrows(ObjectSizeException.class, () -> vec.push(125L));
            assertEquals(vec + " is full at 125 chunks of chunkLength=1 (125 elements): its spine of chunk " +
                "addresses is at maxObjectSize=1024; make the vector with a larger chunkLength or raise " +
                "jdsm.object.max.size", ex.getMessage());
            assertEquals(125, vec.size(), "the refused push added nothing");
            assertEquals(124L, vec.getLong(124));
            vec.close();
        }
    }

    @Test
    void shouldRejectVariableLengthElementCodec()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(1))
        {
            final CodecException ex = assertThrows(CodecException.class,
                () -> cluster.node(0).newVec(Codecs.STRING, 16));
            assertTrue(ex.getMessage().startsWith("DVec needs a codec of fixed length"), ex.getMessage());
        }
    }

    @Test
    void shouldStoreVecInRecordAndWriteItThroughMut()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            final Node node = cluster.node(0);
            final DVec<Long> rows = node.newVec(Codecs.LONG, 4);
            rows.push(1L);
            final DBox<Table> table = node.allocOn(1, Codecs.record(Table.class), new Table(9, rows));
            assertThrows(BorrowException.class, rows::size, "the vector moved into the table");

            try (Ref<Table> ref = table.read())
            {
                final Table read = ref.get();
                assertEquals(9, read.id());
                assertEquals(1, read.rows().size());
                assertThrows(BorrowException.class, () -> read.rows().push(2L));
            }

            final long before = table.address();
            try (Mut<Table> mut = table.write())
            {
                final DVec<Long> writable = mut.get().rows();
                writable.push(2L);
                writable.push(3L);
            }
            assertNotEquals(before, table.address());

            try (Ref<Table> ref = table.read())
            {
                final DVec<Long> read = ref.get().rows();
                assertEquals(3, read.size());
                assertEquals(3L, read.getLong(2));
            }
        }
    }
}
