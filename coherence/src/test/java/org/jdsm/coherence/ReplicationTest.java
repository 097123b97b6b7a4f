package org.jdsm.coherence;

import org.jdsm.Codecs;
import org.jdsm.ConfigurationException;
import org.jdsm.DArc;
import org.jdsm.DBox;
import org.jdsm.DMutex;
import org.jdsm.DVec;
import org.jdsm.DsmConfig;
import org.jdsm.Mut;
import org.jdsm.NodeUnavailableException;
import org.jdsm.Ref;
import org.jdsm.spi.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.jdsm.coherence.BlockDescriptor.HEADER_LENGTH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplicationTest
{
    @Test
    void backupSlotKOfNodeYHoldsSliceYMinusKMinusOneAndIsItsHolderKPlusOne()
    {
        for (int nodeCount = 2; nodeCount <= 6; nodeCount++)
        {
            for (int node = 0; node < nodeCount; node++)
            {
                for (int slot = 0; slot < Math.min(2, nodeCount - 1); slot++)
                {
                    final int slice = Replication.sliceInSlot(node, slot, nodeCount);
                    assertEquals(Math.floorMod(node - slot - 1, nodeCount), slice);
                    assertEquals(node, Replication.holderNode(slice, slot + 1, nodeCount),
                        "nodeCount=" + nodeCount + " node=" + node + " slot=" + slot);
                    assertTrue(slice != node, "a node never backs up its own slice");
                }
            }
        }
    }

    @Test
    void strideKeepsEverySlotInsideWholeSegments()
    {
        assertEquals(64 * 1024, DsmConfig.slotStride(64 * 1024, HeapSlice.MAX_SEGMENT_LENGTH));
        assertEquals(256 * 1024, DsmConfig.slotStride(200 * 1024, HeapSlice.MAX_SEGMENT_LENGTH));
        assertEquals(2L << 30, DsmConfig.slotStride((1L << 30) + 8, HeapSlice.MAX_SEGMENT_LENGTH));
        // the region a node reserves, which DsmConfig checks against the direct memory the JVM may reserve
        assertEquals(3L << 30, DsmConfig.regionSize(600L << 20, 1), "three slots of 1 GiB for a 600 MiB slice");
        assertEquals(600L << 20, DsmConfig.regionSize(600L << 20, 0));
        assertEquals(5 * (256L << 10), DsmConfig.regionSize((200L << 10) + 3, 2));
        // a slot's blocks never cross a segment: segment boundaries are multiples of the stride or vice versa
        for (final long slice : new long[]{ 72 * 1024, 1L << 20, 3L << 20 })
        {
            final long stride = DsmConfig.slotStride(slice, 1 << 20);
            assertTrue(stride >= slice);
            assertTrue(stride % (1 << 20) == 0 || (1 << 20) % stride == 0, "stride=" + stride);
        }
    }

    @Test
    void servingHolderIsTheFirstHolderNotDeclaredDeadAndStaysSo()
    {
        final boolean[] declaredDead = new boolean[4];
        final HeapSlice region = new HeapSlice(5 * 64 * 1024);
        final Replication replication = new Replication(0, 4, 2, 64 * 1024, region, (Transport)null,
            (node) -> declaredDead[node], TimeUnit.MILLISECONDS.toNanos(20), TimeUnit.SECONDS.toNanos(1));

        assertEquals(2, replication.servingNode(2));
        declaredDead[2] = true;
        replication.onUnavailable(2, new NodeUnavailableException(2, "test"));
        assertEquals(3, replication.servingNode(2));
        assertEquals(1, replication.servingHolder(2));
        assertEquals(64 * 1024, replication.base(replication.servingHolder(2)));
        declaredDead[3] = true;
        replication.onUnavailable(3, new NodeUnavailableException(3, "test"));
        assertEquals(0, replication.servingNode(2), "node 0 holds slice 2 as its holder 2");
        assertEquals(2 * 64 * 1024, replication.base(replication.servingHolder(2)));
        declaredDead[2] = false;
        assertEquals(0, replication.servingNode(2), "a death is sticky");
        assertEquals(2, replication.failOvers());

        final NodeUnavailableException notDead = new NodeUnavailableException(1, "transient");
        assertTrue(notDead == assertThrows(NodeUnavailableException.class,
            () -> replication.onUnavailable(1, notDead)), "a node not declared dead is not routed around");
        assertEquals(1, replication.servingNode(1));
    }

    @Test
    void replicasMustBeBelowNodeCountAndAtMostTwoNamingTheSetting()
    {
        final ConfigurationException tooMany = assertThrows(ConfigurationException.class,
            () -> new DsmConfig().nodeCount(2).transport("simulated").replicas(2).conclude());
        assertTrue(tooMany.getMessage().contains("jdsm.replicas=2"), tooMany.getMessage());
        final ConfigurationException negative = assertThrows(ConfigurationException.class,
            () -> new DsmConfig().nodeCount(4).transport("simulated").replicas(-1).conclude());
        assertTrue(negative.getMessage().contains("jdsm.replicas=-1"), negative.getMessage());
        final ConfigurationException three = assertThrows(ConfigurationException.class,
            () -> new DsmConfig().nodeCount(5).transport("simulated").replicas(3).conclude());
        assertTrue(three.getMessage().contains("jdsm.replicas=3"), three.getMessage());
        assertEquals(0, new DsmConfig().conclude().replicas());
    }

    @Test
    void aMembershipNamedWithoutReplicasIsNeverLoadedAndAnUnknownOneWithReplicasFailsTheStartNamingIt()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2, (config) -> config.membership("agreed")))
        {
            assertNull(((EngineHeap)cluster.node(0).heap()).replication(), "replicas=0: nothing asked, nothing loaded");
        }
        Throwable failure = assertThrows(RuntimeException.class,
            () -> SimulatedCluster.start(3, (config) -> config.replicas(1).membership("agreed")).close());
        while (!(failure instanceof ConfigurationException) && null != failure.getCause())
        {
            failure = failure.getCause(); // the simulator wraps a node's start failure
        }
        final ConfigurationException unknown = assertInstanceOf(ConfigurationException.class, failure);
        assertTrue(unknown.getMessage().startsWith("jdsm.membership=agreed: no membership view of that name on the " +
            "class path (found: transport); for agreed add the artifact jdsm-membership"), unknown.getMessage());
        final ConfigurationException blank = assertThrows(ConfigurationException.class,
            () -> new DsmConfig().membership(" ").conclude());
        assertTrue(blank.getMessage().startsWith("jdsm.membership=  must name a membership view"), blank.getMessage());
        assertEquals("transport", new DsmConfig().conclude().membership());
    }

    @Test
    void withoutReplicasTheNodeHasNoBackupRoomAndItsRegionIsItsSlice()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            final EngineHeap heap = (EngineHeap)cluster.node(0).heap();
            assertNull(heap.replication());
            assertEquals((cluster.node(0).config().heapSize() + 7) & ~7L, heap.region().capacity());
        }
    }

    @Test
    void backupSlotHoldsTheHomesBytesAfterAWriteIsReleased()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config.replicas(1)))
        {
            final Node node = cluster.node(1);
            final DBox<Long> box = node.alloc(Codecs.LONG, 7L);
            try (Mut<Long> mut = box.write())
            {
                mut.setLong(0x1122334455667788L);
            }
            assertEquals(1, GlobalAddress.nodeId(box.address()));
            final long offset = GlobalAddress.offset(box.address());
            final EngineHeap home = (EngineHeap)node.heap();
            final EngineHeap backup = (EngineHeap)cluster.node(2).heap();
            final long base = backup.replication().base(1);

            final byte[] atHome = new byte[HEADER_LENGTH + 8];
            final byte[] atBackup = new byte[HEADER_LENGTH + 8];
            home.region().getBytes(offset, new org.agrona.concurrent.UnsafeBuffer(atHome), 0, atHome.length);
            backup.region().getBytes(base + offset, new org.agrona.concurrent.UnsafeBuffer(atBackup), 0,
                atBackup.length);
            assertArrayEquals(atHome, atBackup, "header and payload at the same offset in node 2's slot 0");
            assertEquals(0x1122334455667788L, backup.region().getLongAcquire(base + offset + HEADER_LENGTH));
            assertTrue(home.replication().mirrorOperations() > 0);
        }
    }

    @Test
    void aDeadNodesObjectsAreServedByItsBackupAndItsTasksFailNamingIt() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config
            .replicas(1)
            .operationTimeoutNs(TimeUnit.SECONDS.toNanos(2))
            .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(20))))
        {
            final Node node = cluster.node(0);
            final DBox<Long> readOnly = node.allocOn(2, Codecs.LONG, 1L);
            final DBox<Long> toWrite = node.allocOn(2, Codecs.LONG, 2L);
            final DArc<Long> arc = cluster.node(2).arc(Codecs.LONG, 9L);
            arc.share(); // count 2, written at node 2 and mirrored to node 0
            assertEquals(2, GlobalAddress.nodeId(readOnly.address()));
            assertEquals(2, GlobalAddress.nodeId(arc.address()));
            final long arcAddress = arc.address();
            final CompletableFuture<Long> stuck = node.spawnOn(2, (n) ->
            {
                Thread.sleep(60_000);
                return 0L;
            });

            cluster.network.crash(2);

            final ExecutionException failed = assertThrows(ExecutionException.class,
                () -> stuck.get(10, TimeUnit.SECONDS));
            assertEquals(2, assertInstanceOf(NodeUnavailableException.class, failed.getCause()).nodeId());

            try (Ref<Long> ref = readOnly.read())
            {
                assertEquals(1L, ref.getLong(), "read at node 0, node 2's backup");
            }
            try (Mut<Long> mut = toWrite.write())
            {
                assertEquals(2L, mut.getLong());
                mut.setLong(3L);
            }
            try (Ref<Long> ref = toWrite.read())
            {
                assertEquals(3L, ref.getLong());
            }
            final EngineHeap heap = (EngineHeap)node.heap();
            assertEquals(2L, heap.fetchAdd(arcAddress, 0, 0), "the arc's count, read at the backup");
            assertEquals(2L, heap.fetchAdd(arcAddress, 0, 1));
            assertEquals(3L, CountWord.count(((EngineHeap)cluster.node(0).heap()).region()
                .getLongAcquire(heap.replication().base(1) + GlobalAddress.offset(arcAddress) + HEADER_LENGTH)));
            assertEquals(1, heap.replication().failOvers());
            assertTrue(heap.replication().takenOverOperations() > 0, "node 0 served slice 2 from its slot");
            assertEquals(1, heap.replication().deferredFrees(), "the moved box's old block at node 2");
            assertEquals(0, heap.replication().servingNode(2));
        }
    }

    @Test
    void aVectorWrittenOnANodeThatDiesReadsBackFromItsBackup() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config.replicas(1)))
        {
            final Node node = cluster.node(0);
            final DVec<Long> vec = node.spawnOn(1, (n) ->
            {
                final DVec<Long> v = n.newVec(Codecs.LONG, 4);
                for (long i = 0; i < 10; i++)
                {
                    v.push(i);
                }
                v.setLong(3, 33L);
                try (Mut<Long> mut = v.write(5))
                {
                    mut.setLong(55L);
                }
                return v;
            }).get(10, TimeUnit.SECONDS);
            assertEquals(1, vec.chunkHome(0), "the chunks live on node 1");

            cluster.network.crash(1);

            for (long i = 0; i < 10; i++)
            {
                assertEquals(3 == i ? 33L : 5 == i ? 55L : i, vec.get(i), "element " + i);
            }
            vec.setLong(7, 77L);
            assertEquals(77L, vec.get(7));
        }
    }

    @Test
    void aMutexWhoseHomeDiesWhileItsLeaseIsElsewhereKeepsItsValueAndLocksFromEveryLiveNode()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config.replicas(1)))
        {
            final DMutex<Long> onHome = cluster.node(2).mutex(Codecs.LONG, 5L);
            final MutexHandle<Long> handle = (MutexHandle<Long>)onHome;
            handle.addReference();
            final DMutex<Long> onZero = new MutexHandle<>(cluster.node(0).heap(), Codecs.LONG, handle.address,
                handle.length);
            handle.addReference();
            final DMutex<Long> onOne = new MutexHandle<>(cluster.node(1).heap(), Codecs.LONG, handle.address,
                handle.length);
            try (Mut<Long> mut = onZero.lock())
            {
                assertEquals(5L, mut.getLong());
                mut.setLong(6L);
            }

            cluster.network.crash(2);

            try (Mut<Long> mut = onOne.lock())
            {
                assertEquals(6L, mut.getLong(), "the lease came from node 0; the tail word from node 2's backup");
                mut.setLong(7L);
            }
            try (Mut<Long> mut = onZero.lock())
            {
                assertEquals(7L, mut.getLong());
            }
            assertEquals(1, ((EngineHeap)cluster.node(1).heap()).replication().failOvers());
        }
    }

    @Test
    void theConfiguredMembershipViewDecidesAndAViewThatDeclaresNoDeathKeepsTheFailure()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config
            .replicas(1)
            .membershipView((node) -> false)
            .peerTimeoutNs(TimeUnit.MILLISECONDS.toNanos(200))
            .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(20))))
        {
            final Node node = cluster.node(0);
            final DBox<Long> onDoomed = node.allocOn(2, Codecs.LONG, 1L);

            cluster.network.crash(2);

            final NodeUnavailableException failure = assertThrows(NodeUnavailableException.class, () ->
            {
                try (Ref<Long> ref = onDoomed.read())
                {
                    ref.getLong();
                }
            });
            assertEquals(2, failure.nodeId());
            assertEquals(0, ((EngineHeap)node.heap()).replication().failOvers(), "the view declared no death");
            assertEquals(2, ((EngineHeap)node.heap()).replication().servingNode(2));
        }
    }

    @Test
    void shouldMirrorANewBlockWithItsHeaderAndAMutsColourBumpWithItsReleaseInOneRoundTripEach()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config.replicas(1)))
        {
            final Node node = cluster.node(0);
            final Replication replication = ((EngineHeap)node.heap()).replication();
            final long before = replication.mirrorOperations();

            final DBox<Long> box = node.alloc(Codecs.LONG, 1L);
            assertEquals(before + 1, replication.mirrorOperations(), "the new block's header and payload: one range");
            assertBackupHoldsTheBlock(cluster, box.address(), 1L);

            try (Mut<Long> mut = box.write())
            {
                assertEquals(before + 1, replication.mirrorOperations(), "the colour bump is not mirrored apart");
                mut.setLong(2L);
            }
            assertEquals(before + 2, replication.mirrorOperations(), "the release: header and payload, one range");
            assertBackupHoldsTheBlock(cluster, box.address(), 2L);
        }
    }

    @Test
    void aFetchAddCostsOneRoundTripPerRemoteHolderAndLeavesEveryHolderWithTheSameCount()
    {
        for (int replicas = 1; replicas <= 2; replicas++)
        {
            final CountingTransports counting = new CountingTransports();
            final int r = replicas;
            try (SimulatedCluster cluster = SimulatedCluster.start(4, (config) ->
            {
                config.replicas(r);
                if (config.nodeId() == 0)
                {
                    config.transportProvider(counting.around(config.transportProvider()));
                }
            }))
            {
                final Node node = cluster.node(0);
                final DArc<Long> remote = node.spawnOn(1, (x) -> x.arc(Codecs.LONG, 0L)).join();
                final long remoteAddress = ((SharedObjectHandle<Long>)remote).address;
                final long ownAddress = ((SharedObjectHandle<Long>)node.arc(Codecs.LONG, 0L)).address;
                final HeapAccess heap = node.heap();

                final long atStart = counting.operations.get();
                assertEquals(1L, heap.fetchAdd(remoteAddress, 0, 5), "replicas=" + r);
                assertEquals(1 + r, counting.operations.get() - atStart,
                    "a peer's fetch-add: the tail decides, then every holder before it down to the home, replicas=" + r);
                final long afterRemote = counting.operations.get();
                assertEquals(1L, heap.fetchAdd(ownAddress, 0, 5), "replicas=" + r);
                assertEquals(r, counting.operations.get() - afterRemote,
                    "a fetch-add of the own slice: the tail decides, then every backup before it, replicas=" + r);
                final long afterOwn = counting.operations.get();
                assertEquals(6L, heap.fetchAdd(remoteAddress, 0, 0), "replicas=" + r);
                assertEquals(6L, heap.fetchAdd(ownAddress, 0, 0), "replicas=" + r);
                assertEquals(1, counting.operations.get() - afterOwn,
                    "a fetch-add of 0 reads at the serving holder only, replicas=" + r);

                assertEveryHolderHolds(cluster, remoteAddress, 6L);
                assertEveryHolderHolds(cluster, ownAddress, 6L);
            }
        }
    }

    private static void assertEveryHolderHolds(final SimulatedCluster cluster, final long address, final long count)
    {
        final int slice = GlobalAddress.nodeId(address);
        final Replication replication = ((EngineHeap)cluster.node(0).heap()).replication();
        final Replication.Holders holders = replication.holders(slice);
        final long offset = GlobalAddress.offset(address) + HEADER_LENGTH;
        final long atServing = ((EngineHeap)cluster.node(holders.nodes[0]).heap()).region()
            .getLongVolatile(replication.base(holders.slots[0]) + offset);
        for (int j = 0; j < holders.nodes.length; j++)
        {
            final long word = ((EngineHeap)cluster.node(holders.nodes[j]).heap()).region()
                .getLongVolatile(replication.base(holders.slots[j]) + offset);
            assertEquals(count, CountWord.count(word), "the count at holder " + j + " of " + holders);
            assertEquals(atServing, word, "the whole word, its position too, at holder " + j + " of " + holders);
        }
    }

    /**
     * Counts the one-sided operations (round trips) of the transports it wraps.
     */
    static final class CountingTransports
    {
        final java.util.concurrent.atomic.AtomicLong operations = new java.util.concurrent.atomic.AtomicLong();

        org.jdsm.spi.TransportProvider around(final org.jdsm.spi.TransportProvider inner)
        {
            return new org.jdsm.spi.TransportProvider()
            {
                public String name()
                {
                    return inner.name();
                }

                public Transport newTransport(final org.jdsm.spi.TransportContext context)
                {
                    return new Counted(inner.newTransport(context));
                }
            };
        }

        final class Counted implements Transport
        {
            private final Transport inner;

            Counted(final Transport inner)
            {
                this.inner = inner;
            }

            public void start()
            {
                inner.start();
            }

            public int nodeId()
            {
                return inner.nodeId();
            }

            public boolean isAvailable(final int nodeId)
            {
                return inner.isAvailable(nodeId);
            }

            public void read(
                final int nodeId,
                final long offset,
                final org.agrona.MutableDirectBuffer dst,
                final int dstOffset,
                final int length)
            {
                operations.incrementAndGet();
                inner.read(nodeId, offset, dst, dstOffset, length);
            }

            public void write(
                final int nodeId,
                final long offset,
                final org.agrona.DirectBuffer src,
                final int srcOffset,
                final int length)
            {
                operations.incrementAndGet();
                inner.write(nodeId, offset, src, srcOffset, length);
            }

            public long compareAndSwap(final int nodeId, final long offset, final long expected, final long update)
            {
                operations.incrementAndGet();
                return inner.compareAndSwap(nodeId, offset, expected, update);
            }

            public long fetchAdd(final int nodeId, final long offset, final long delta)
            {
                operations.incrementAndGet();
                return inner.fetchAdd(nodeId, offset, delta);
            }

            public void send(final int nodeId, final org.agrona.DirectBuffer buffer, final int offset, final int length)
            {
                inner.send(nodeId, buffer, offset, length);
            }

            public int maxMessageLength()
            {
                return inner.maxMessageLength();
            }

            public void close()
            {
                inner.close();
            }
        }
    }

    // slice 0's backup is node 1, in its backup slot 1: the block's header (with the address's colour) and payload
    private static void assertBackupHoldsTheBlock(final SimulatedCluster cluster, final long address, final long value)
    {
        final HeapSlice home = ((EngineHeap)cluster.node(0).heap()).region();
        final EngineHeap backup = (EngineHeap)cluster.node(1).heap();
        final long offset = GlobalAddress.offset(address);
        final long atBackup = backup.replication().base(1) + offset;
        final long header = backup.region().getLongAcquire(atBackup);
        assertEquals(home.getLongAcquire(offset), header, "the header at the backup");
        assertEquals(GlobalAddress.colour(address), BlockDescriptor.colour(header), "the colour at the backup");
        assertEquals(BlockDescriptor.STATE_LIVE, BlockDescriptor.state(header));
        assertEquals(value, backup.region().getLongAcquire(atBackup + HEADER_LENGTH), "the payload at the backup");
    }
}
