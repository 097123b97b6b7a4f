package org.jdsm.coherence;

import org.agrona.MutableDirectBuffer;
import org.jdsm.Codecs;
import org.jdsm.DCell;
import org.jdsm.DsmConfig;
import org.jdsm.NodeCounters;
import org.jdsm.NodeCounters.Counter;
import org.jdsm.linearizability.CheckResult;
import org.jdsm.linearizability.HistoryRecorder;
import org.jdsm.linearizability.LinearizabilityChecker;
import org.jdsm.linearizability.Model;
import org.jdsm.linearizability.Models;
import org.jdsm.linearizability.OpKind;
import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;
import org.jdsm.spi.TransportProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DCell}: a read costs one round trip of the cell's word when the node's copy is current (read from
 * {@link NodeCounters}), a fetch only when the value changed, none within a read lease; reads, writes and
 * compare-and-sets from three nodes under delays and reordering are linearizable (checked against a register model),
 * with read leases too.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CellTest
{
    /** Long enough that no heartbeat is sent while counting (the first goes at start), short enough to close fast. */
    private static final long HEARTBEAT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final ConcurrentHashMap<Long, HistoryRecorder> RECORDERS = new ConcurrentHashMap<>();

    @Test
    void shouldReadWithOneRoundTripWhenCurrentAndFetchOnlyWhenChanged()
    {
        try (SimulatedCluster cluster = startCounting())
        {
            final DCell<String> cell = cluster.node(1).cell(Codecs.STRING, "first");
            final DCell<String> reader = handleOn(cluster.node(0), cell);
            final DCell<String> writer = handleOn(cluster.node(2), cell);
            final Node readerNode = cluster.node(0);

            assertEquals("first", reader.get());            // a miss: the value is fetched once
            NodeCounters before = readerNode.counters();
            for (int i = 0; i < 10; i++)
            {
                assertEquals("first", reader.get());
            }
            NodeCounters after = readerNode.counters();
            assertEquals(10, after.roundTrips() - before.roundTrips(), "one round trip per read when current");
            assertEquals(10, delta(before, after, Counter.REMOTE_READS), "the 8-byte word, by an indirect read");
            assertEquals(0, delta(before, after, Counter.BYTES_FETCHED), "the word alone when current");
            assertEquals(10, delta(before, after, Counter.CACHE_HITS));

            writer.set("second, longer");
            before = readerNode.counters();
            assertEquals("second, longer", reader.get());
            after = readerNode.counters();
            assertEquals(1, delta(before, after, Counter.CACHE_MISSES));
            assertEquals("second, longer".length(), delta(before, after, Counter.BYTES_FETCHED));
            assertEquals(0, delta(before, after, Counter.REMOTE_FETCH_ADDS),
                "the fetch is checked by the value's home, no second read of the word");
            assertEquals(3, delta(before, after, Counter.REMOTE_READS), "the word, alone (the value is not at the " +
                "cell's home), the fetch with the old length, then the new");

            before = cluster.node(2).counters();
            writer.set("third");
            after = cluster.node(2).counters();
            assertEquals(1, delta(before, after, Counter.REMOTE_COMPARE_AND_SWAPS), "a write is one swap");
            assertEquals(0, delta(before, after, Counter.MESSAGES_SENT), "the old value was this node's: freed here");
            assertEquals(1, after.roundTrips() - before.roundTrips());

            assertTrue(reader.compareAndSet("third", "fourth"));
            assertFalse(reader.compareAndSet("third", "fifth"));
            assertEquals("fourth!", writer.update((value) -> value + "!"));
            assertEquals("fourth!", cell.get());

            reader.close();
            writer.close();
            final long freeBefore = cluster.node(1).freeHeapBytes();
            cell.close();
            assertTrue(cluster.node(1).freeHeapBytes() > freeBefore, "the cell is freed with its last handle");
        }
    }

    @Test
    void shouldFetchAValueWithoutReadingItsHeaderFirstWhenTheHandleKnowsItsLength()
    {
        try (SimulatedCluster cluster = startCounting())
        {
            final Node readerNode = cluster.node(0);
            final DCell<String> cell = cluster.node(1).cell(Codecs.STRING, "first");
            final DCell<String> writer = handleOn(cluster.node(2), cell);
            final DCell<String> reader = handleOn(readerNode, cell);

            NodeCounters before = readerNode.counters();
            assertEquals("first", reader.get());
            NodeCounters after = readerNode.counters();
            assertEquals(3, after.roundTrips() - before.roundTrips(), "a new handle of a variable-length value: " +
                "the word, the block's header for its length, then the block");
            assertEquals(2, delta(before, after, Counter.REMOTE_READS));

            final DCell<String> shared = reader.share();
            writer.set("other");
            before = readerNode.counters();
            assertEquals("other", shared.get());
            after = readerNode.counters();
            assertEquals(1, delta(before, after, Counter.CACHE_MISSES));
            assertEquals(2, after.roundTrips() - before.roundTrips(),
                "a shared handle guesses the length its source saw: the word, then the block");
            assertEquals(2, delta(before, after, Counter.REMOTE_READS), "no read of the header alone");

            writer.set("third"); // a block on node 2, remote to the cell's home
            before = cluster.node(1).counters();
            assertEquals("third", readerNode.callOn(1, (n) -> shared.get()));
            after = cluster.node(1).counters();
            assertEquals(1, delta(before, after, Counter.REMOTE_READS),
                "a handle sent in a task carries the length its sender saw: the block alone, no header first");

            final DCell<Long> counter = cluster.node(1).cell(Codecs.LONG, 7L);
            final DCell<Long> counterReader = handleOn(readerNode, counter);
            final DCell<Long> counterWriter = handleOn(cluster.node(2), counter);
            counterWriter.set(8L);
            before = readerNode.counters();
            assertEquals(8L, counterReader.get());
            after = readerNode.counters();
            assertEquals(2, after.roundTrips() - before.roundTrips(),
                "a fixed-length codec's length is known: the word, then the block");
            assertEquals(2, delta(before, after, Counter.REMOTE_READS), "no read of the header alone");

            final DCell<String> created = cluster.node(1).cell(Codecs.STRING, "made on node 1");
            before = readerNode.counters();
            assertEquals("made on node 1", cluster.node(1).callOn(0, (n) -> created.get()));
            after = readerNode.counters();
            assertEquals(1, delta(before, after, Counter.REMOTE_READS), "the creator's handle knows its value's " +
                "length, and so does the one it sends: the word, and with it the block at the cell's home");
            assertEquals(1, delta(before, after, Counter.CACHE_MISSES));
            assertEquals("made on node 1".length(), delta(before, after, Counter.BYTES_FETCHED));

            created.close();
            shared.close();
            reader.close();
            writer.close();
            cell.close();
            counterReader.close();
            counterWriter.close();
            counter.close();
        }
    }

    @Test
    void shouldReadAValueWrittenAtTheCellsHomeWithItsWordInOneRoundTrip()
    {
        try (SimulatedCluster cluster = startCounting())
        {
            final DCell<String> cell = cluster.node(1).cell(Codecs.STRING, "first");
            final DCell<String> reader = handleOn(cluster.node(0), cell);
            final Node readerNode = cluster.node(0);
            assertEquals("first", reader.get());

            final String[] values = { "other", "a little longer", "x".repeat(1000), "short again" };
            final int[] roundTrips = { 1, 1, 2, 1 };
            for (int i = 0; i < values.length; i++)
            {
                cell.set(values[i]); // on the cell's home: the value's block is there too
                final NodeCounters before = readerNode.counters();
                assertEquals(values[i], reader.get());
                final NodeCounters after = readerNode.counters();
                assertEquals(roundTrips[i], after.roundTrips() - before.roundTrips(), values[i].length() +
                    " bytes: the word, and with it the value it names (a value far longer than the last comes in " +
                    "part, its header giving its length for one fetch more)");
                assertEquals(1, delta(before, after, Counter.CACHE_MISSES));
                assertEquals(values[i].length(), delta(before, after, Counter.BYTES_FETCHED));
            }

            final NodeCounters before = readerNode.counters();
            for (int i = 0; i < 10; i++)
            {
                assertEquals("short again", reader.get());
            }
            final NodeCounters after = readerNode.counters();
            assertEquals(10, after.roundTrips() - before.roundTrips(), "the word alone while current");
            assertEquals(10, delta(before, after, Counter.CACHE_HITS));
            assertEquals(0, delta(before, after, Counter.BYTES_FETCHED));
            reader.close();
            cell.close();
        }
    }

    @Test
    void shouldReadTheWordAgainAfterAFetchWhenTheTransportCanNotCheckTheBlockAtItsHome()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config
            .transportProvider(withoutValidatedReads(config.transportProvider()))))
        {
            final DCell<String> cell = cluster.node(1).cell(Codecs.STRING, "first");
            final DCell<String> reader = handleOn(cluster.node(0), cell);
            final DCell<String> writer = handleOn(cluster.node(2), cell);
            final Node readerNode = cluster.node(0);
            assertEquals("first", reader.get());

            writer.set("other");
            NodeCounters before = readerNode.counters();
            assertEquals("other", reader.get());
            NodeCounters after = readerNode.counters();
            assertEquals(1, delta(before, after, Counter.CACHE_MISSES));
            assertEquals(2, delta(before, after, Counter.REMOTE_READS),
                "the word (an indirect read that reads the word alone), the fetch, whose length was guessed right");
            assertEquals(1, delta(before, after, Counter.REMOTE_FETCH_ADDS),
                "the word again: the proof the block was not freed while it was copied");

            before = readerNode.counters();
            assertEquals("other", reader.get());
            after = readerNode.counters();
            assertEquals(1, after.roundTrips() - before.roundTrips(), "a hit after that: the word only");
            reader.close();
            writer.close();
            cell.close();
        }
    }

    /**
     * Each node's transport with the default {@link Transport#readValidated} (a plain read, unchecked) and
     * {@link Transport#readIndirect} (the word alone), as RDMA's.
     */
    private static TransportProvider withoutValidatedReads(final TransportProvider inner)
    {
        return new TransportProvider()
        {
            public String name()
            {
                return inner.name();
            }

            public Transport newTransport(final TransportContext context)
            {
                final Transport transport = inner.newTransport(context);
                return (Transport)Proxy.newProxyInstance(
                    Transport.class.getClassLoader(),
                    new Class<?>[]{ Transport.class },
                    (proxy, method, args) ->
                    {
                        if ("readIndirect".equals(method.getName()))
                        {
                            ((MutableDirectBuffer)args[3]).putLong(
                                (int)args[4], transport.fetchAdd((int)args[0], (long)args[1], 0));
                            return false;
                        }
                        if ("readValidated".equals(method.getName()))
                        {
                            transport.read(
                                (int)args[0], (long)args[1], (MutableDirectBuffer)args[2], (int)args[3], (int)args[4]);
                            return false;
                        }
                        try
                        {
                            return method.invoke(transport, args);
                        }
                        catch (final InvocationTargetException ex)
                        {
                            throw ex.getCause();
                        }
                    });
            }
        };
    }

    @Test
    void shouldKeepHittingTheCacheAfterManyReadsWhoseLengthGuessWasWrong()
    {
        // a 1 MiB cache; a value that grows by 1 KiB before each read makes the reader's length guess wrong each
        // time: its failed fetch must give the copy's block back (until 2026-12-07 each leaked one, 8 KiB on
        // average here, and after ~100 of them no copy was cached again)
        try (SimulatedCluster cluster = SimulatedCluster.start(2, (config) -> config.cacheSize(1 << 20).maxObjectSize(64 * 1024)))
        {
            final DCell<byte[]> cell = cluster.node(1).cell(Codecs.BYTES, new byte[1]);
            final DCell<byte[]> reader = handleOn(cluster.node(0), cell);
            for (int i = 1; i <= 300; i++)
            {
                cell.set(new byte[1 + (i % 16) * 1024]);
                assertEquals(1 + (i % 16) * 1024, reader.get().length);
            }
            final Node readerNode = cluster.node(0);
            final NodeCounters before = readerNode.counters();
            for (int i = 0; i < 10; i++)
            {
                assertEquals(1 + (300 % 16) * 1024, reader.get().length);
            }
            final NodeCounters after = readerNode.counters();
            assertEquals(10, delta(before, after, Counter.CACHE_HITS), "the current value's copy is cached");
            assertEquals(0, delta(before, after, Counter.CACHE_MISSES));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { 5, 17, 41 })
    void shouldBeLinearizableUnderReadsWritesAndCompareAndSetsFromThreeNodes(final long seed) throws Exception
    {
        checkReadsWritesAndCompareAndSets(seed, 0);
    }

    @ParameterizedTest
    @ValueSource(longs = { 7, 23 })
    void shouldBeLinearizableUnderReadsWritesAndCompareAndSetsFromThreeNodesWithReadLeases(final long seed)
        throws Exception
    {
        checkReadsWritesAndCompareAndSets(seed, TimeUnit.MILLISECONDS.toNanos(2));
    }

    private static void checkReadsWritesAndCompareAndSets(final long seed, final long leaseNs) throws Exception
    {
        checkFromThreeNodes(seed, 120, leaseNs, Models.register(0), (shared, log, random, clientId, i) ->
        {
            final int choice = random.nextInt(6);
            if (choice == 0)
            {
                final long value = clientId * 1_000L + i + 1;
                final int slot = log.invoke("cell", OpKind.WRITE, value);
                shared.set(encode(value));
                log.ok(slot);
            }
            else if (choice == 1)
            {
                final long expected = random.nextInt(3) == 0 ? 0 : clientId * 1_000L + i;
                final long value = clientId * 1_000L + i + 1;
                final int slot = log.invoke("cell", OpKind.COMPARE_AND_SET, expected, value);
                log.ok(slot, shared.compareAndSet(encode(expected), encode(value)) ? 1 : 0);
            }
            else
            {
                read(shared, log);
            }
        });
    }

    @Test
    void shouldReadWithoutARoundTripWithinTheLeaseAndSeeAWriteOnceTheWriteReturns()
    {
        // the longest lease: the reads counted within it must not outlast it on a loaded machine
        final long leaseNs = DsmConfig.MAX_CELL_LEASE_NS;
        // only the cell's home makes leased cells: the reader and the writer follow the cell's lease, not their own
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config
            .operationTimeoutNs(4 * HEARTBEAT_NS).peerTimeoutNs(8 * HEARTBEAT_NS).heartbeatIntervalNs(HEARTBEAT_NS)
            .cellLeaseNs(1 == config.nodeId() ? leaseNs : 0)))
        {
            final DCell<String> cell = cluster.node(1).cell(Codecs.STRING, "first");
            final DCell<String> reader = handleOn(cluster.node(0), cell);
            final DCell<String> writer = handleOn(cluster.node(2), cell);
            final Node readerNode = cluster.node(0);
            final Node writerNode = cluster.node(2);

            assertEquals("first", reader.get());            // a plain read of the word: the cell has a lease
            assertEquals("first", reader.get());            // the lease is taken, and the cell's lease read once
            NodeCounters before = readerNode.counters();
            for (int i = 0; i < 10; i++)
            {
                assertEquals("first", reader.get());
            }
            NodeCounters after = readerNode.counters();
            assertEquals(0, after.roundTrips() - before.roundTrips(), "no round trip within the lease");
            assertEquals(10, delta(before, after, Counter.LEASED_READS));
            assertEquals(10, delta(before, after, Counter.CACHE_HITS));

            before = writerNode.counters();
            final long startNs = System.nanoTime();
            writer.set("second");
            final long writeNs = System.nanoTime() - startNs;
            after = writerNode.counters();
            assertTrue(writeNs >= leaseNs, "the write waited the lease: " + writeNs + " ns");
            assertEquals(1, delta(before, after, Counter.LEASE_WAITS));
            // the write returned: every lease on the old value has ended, so the reader asks and sees the new value
            before = readerNode.counters();
            assertEquals("second", reader.get());
            after = readerNode.counters();
            assertEquals(0, delta(before, after, Counter.LEASED_READS));

            // a value no remote reader read since it was written is swapped at once, and an update's own read takes
            // no lease for its swap to wait for
            writer.set("third");
            before = writerNode.counters();
            writer.set("fourth");
            assertEquals("fourth!", writer.update((value) -> value + "!"));
            assertEquals("fourth!!", writer.update((value) -> value + "!"));
            assertTrue(writer.compareAndSet("fourth!!", "fourth"));
            assertEquals(0, delta(before, writerNode.counters(), Counter.LEASE_WAITS));
            assertEquals("fourth", cell.get());             // the home reads its own word, no lease
            assertEquals("fourth", reader.get());

            reader.close();
            writer.close();
            cell.close();
        }
    }

    @Test
    void shouldLeaseExactlyTheCellsMadeWithALeaseWhateverTheCreatingNodesSetting()
    {
        // the longest lease: the reads counted within it must not outlast it on a loaded machine
        final long leaseNs = DsmConfig.MAX_CELL_LEASE_NS;
        final long operationTimeoutNs = 4 * HEARTBEAT_NS;
        // node 1 leases the cells it makes by default, node 0 does not: a lease given to cell() wins on both
        try (SimulatedCluster cluster = SimulatedCluster.start(2, (config) -> config
            .operationTimeoutNs(operationTimeoutNs).peerTimeoutNs(8 * HEARTBEAT_NS).heartbeatIntervalNs(HEARTBEAT_NS)
            .cellLeaseNs(1 == config.nodeId() ? leaseNs : 0)))
        {
            final Node node0 = cluster.node(0);
            final Node node1 = cluster.node(1);
            final DCell<String> byDefault = node1.cell(Codecs.STRING, "by default");
            final DCell<String> unleased = node1.cell(Codecs.STRING, "unleased", 0);
            final DCell<String> leased = node0.cell(Codecs.STRING, "leased", leaseNs);
            final DCell<String> byDefaultOn0 = handleOn(node0, byDefault);
            final DCell<String> unleasedOn0 = handleOn(node0, unleased);
            final DCell<String> leasedOn1 = handleOn(node1, leased);

            assertEquals(0, remoteReadsAfterWarmUp(node0, byDefaultOn0, "by default"), "node 1's setting leases");
            assertEquals(5, remoteReadsAfterWarmUp(node0, unleasedOn0, "unleased"), "a lease of 0 leases nothing");
            assertEquals(0, remoteReadsAfterWarmUp(node1, leasedOn1, "leased"), "a lease without the setting");

            // only the leased cells' writers wait
            NodeCounters before = node0.counters();
            unleasedOn0.set("unleased, written");
            assertEquals(0, delta(before, node0.counters(), Counter.LEASE_WAITS));
            before = node0.counters();
            final long startNs = System.nanoTime();
            leased.set("leased, written");
            assertTrue(System.nanoTime() - startNs >= leaseNs, "the write waited the lease");
            assertEquals(1, delta(before, node0.counters(), Counter.LEASE_WAITS));
            assertEquals("leased, written", leasedOn1.get());

            for (final long wrong : new long[]{ -1, DsmConfig.MAX_CELL_LEASE_NS + 1 })
            {
                final IllegalArgumentException ex = assertThrows(
                    IllegalArgumentException.class, () -> node0.cell(Codecs.STRING, "wrong", wrong));
                assertEquals("cell leaseNs=" + wrong + " must be >= 0, <= " + DsmConfig.MAX_CELL_LEASE_NS +
                    " and < operationTimeoutNs=" + operationTimeoutNs + " of node 0", ex.getMessage());
            }

            for (final DCell<String> handle : List.of(byDefaultOn0, unleasedOn0, leasedOn1, byDefault, unleased, leased))
            {
                handle.close();
            }
        }
    }

    @Test
    void shouldRefuseACellLeaseNotBelowTheNodesOperationTimeout()
    {
        final long operationTimeoutNs = TimeUnit.MILLISECONDS.toNanos(500);
        try (SimulatedCluster cluster = SimulatedCluster.start(1, (config) -> config.operationTimeoutNs(operationTimeoutNs)))
        {
            final Node node = cluster.node(0);
            final IllegalArgumentException ex = assertThrows(
                IllegalArgumentException.class, () -> node.cell(Codecs.LONG, 1L, operationTimeoutNs));
            assertTrue(ex.getMessage().contains("< operationTimeoutNs=" + operationTimeoutNs), ex.getMessage());
            try (DCell<Long> cell = node.cell(Codecs.LONG, 1L, operationTimeoutNs - 1))
            {
                assertEquals(1L, cell.get());
            }
        }
    }

    /**
     * Read a remote cell twice (the second read takes a lease when the cell has one), then 5 times more.
     *
     * @return the round trips of the 5 reads.
     */
    private static long remoteReadsAfterWarmUp(final Node reader, final DCell<String> cell, final String expected)
    {
        assertEquals(expected, cell.get());
        assertEquals(expected, cell.get());
        final NodeCounters before = reader.counters();
        for (int i = 0; i < 5; i++)
        {
            assertEquals(expected, cell.get());
        }
        final NodeCounters after = reader.counters();
        assertEquals(5, delta(before, after, Counter.CACHE_HITS));

        return after.roundTrips() - before.roundTrips();
    }

    @Test
    void shouldUpdateWithOneSwapWhenTheLastSeenValueIsCurrentAndTwoWhenAnotherNodeWroteSince()
    {
        try (SimulatedCluster cluster = startCounting())
        {
            final DCell<String> cell = cluster.node(1).cell(Codecs.STRING, "a");
            final DCell<String> updater = handleOn(cluster.node(0), cell);
            final DCell<String> writer = handleOn(cluster.node(2), cell);
            final Node updaterNode = cluster.node(0);

            assertEquals("a", updater.get());                 // the value is cached and its word seen
            NodeCounters before = updaterNode.counters();
            assertEquals("ab", updater.update((value) -> value + "b"));
            NodeCounters after = updaterNode.counters();
            assertEquals(1, delta(before, after, Counter.REMOTE_COMPARE_AND_SWAPS), "the swap only");
            assertEquals(1, after.roundTrips() - before.roundTrips(), "no read of the word before the swap");

            before = updaterNode.counters();
            assertEquals("abc", updater.update((value) -> value + "c"));   // its own new value is on its node
            after = updaterNode.counters();
            assertEquals(1, after.roundTrips() - before.roundTrips());

            // the value the updater saw last is another node's and cached here, so its copy outlives its free: the
            // update computes from it, its swap fails and returns the current word, the retry swaps from that
            writer.set("x");
            assertEquals("x", updater.get());
            cell.set("y");
            before = updaterNode.counters();
            assertEquals("yd", updater.update((value) -> value + "d"));
            after = updaterNode.counters();
            assertEquals(2, delta(before, after, Counter.REMOTE_COMPARE_AND_SWAPS),
                "the swap from the stale word fails and returns the current one, the second succeeds");
            assertEquals("yd", writer.get());

            writer.set("z");
            before = updaterNode.counters();
            assertEquals("z", updater.update((value) -> value), "an update that writes nothing reads the word");
            after = updaterNode.counters();
            assertEquals(0, delta(before, after, Counter.REMOTE_COMPARE_AND_SWAPS));
            assertEquals("z", writer.update((value) -> value));

            updater.close();
            writer.close();
            cell.close();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { 3, 29 })
    void shouldBeLinearizableUnderUpdatesAndReadsFromThreeNodes(final long seed) throws Exception
    {
        checkUpdatesAndReads(seed, 0);
    }

    @ParameterizedTest
    @ValueSource(longs = { 11 })
    void shouldBeLinearizableUnderUpdatesAndReadsFromThreeNodesWithReadLeases(final long seed) throws Exception
    {
        checkUpdatesAndReads(seed, TimeUnit.MILLISECONDS.toNanos(1));
    }

    private static void checkUpdatesAndReads(final long seed, final long leaseNs) throws Exception
    {
        checkFromThreeNodes(seed, 100, leaseNs, Models.counter(0), (shared, log, random, clientId, i) ->
        {
            final int choice = random.nextInt(4);
            if (choice < 2)
            {
                // an update that writes nothing (delta 0) returns the value it read
                final long delta = choice == 0 ? 1 + random.nextInt(5) : 0;
                final int slot = log.invoke("cell", OpKind.GET_AND_ADD, delta);
                final long[] previous = new long[1];
                shared.update((value) ->
                {
                    previous[0] = ByteBuffer.wrap(value).getLong(0);
                    return 0 == delta ? value : encode(previous[0] + delta);
                });
                log.ok(slot, previous[0]);
            }
            else
            {
                read(shared, log);
            }
        });
    }

    /**
     * One client's operation on the cell, recorded in its log.
     */
    @FunctionalInterface
    interface ClientOperation extends java.io.Serializable
    {
        void run(DCell<byte[]> cell, HistoryRecorder.Client log, SplittableRandom random, int clientId, int i);
    }

    /**
     * Six clients, two on each of three nodes under delays and reordering, run {@code opsPerClient} operations each on
     * one cell homed on node 1; the history must be linearizable against the model.
     */
    private static void checkFromThreeNodes(
        final long seed, final int opsPerClient, final long leaseNs, final Model model,
        final ClientOperation operation) throws Exception
    {
        final int clients = 6;
        try (SimulatedCluster cluster = SimulatedCluster.start(3, seed, 8, true, (config) -> config.cellLeaseNs(leaseNs)))
        {
            final Node driver = cluster.node(0);
            final DCell<byte[]> cell = cluster.node(1).cell(Codecs.BYTES, encode(0));
            final HistoryRecorder recorder = HistoryRecorder.withNanoClock();
            RECORDERS.put(seed, recorder);

            final List<CompletableFuture<Integer>> tasks = new ArrayList<>();
            for (int c = 0; c < clients; c++)
            {
                final int clientId = c;
                final DCell<byte[]> shared = cell.share();
                tasks.add(driver.spawnOn(c % 3, (n) ->
                {
                    final HistoryRecorder.Client log = RECORDERS.get(seed).client(clientId);
                    final SplittableRandom random = new SplittableRandom(seed * 31 + clientId);
                    for (int i = 0; i < opsPerClient; i++)
                    {
                        operation.run(shared, log, random, clientId, i);
                    }
                    shared.close();
                    return clientId;
                }));
            }
            for (final CompletableFuture<Integer> task : tasks)
            {
                task.get(50, TimeUnit.SECONDS);
            }

            final CheckResult result = new LinearizabilityChecker(model).check(recorder.history());
            assertTrue(result.isLinearizable(), result.toString());
            assertEquals(clients * opsPerClient, result.operations());
            if (leaseNs > 0)
            {
                long leasedReads = 0;
                long leaseWaits = 0;
                for (int n = 0; n < 3; n++)
                {
                    leasedReads += cluster.node(n).counters().get(Counter.LEASED_READS);
                    leaseWaits += cluster.node(n).counters().get(Counter.LEASE_WAITS);
                }
                assertTrue(leasedReads > 0 && leaseWaits > 0,
                    "the history holds leased reads and writes that waited: " + leasedReads + ", " + leaseWaits);
            }
            RECORDERS.remove(seed);
            cell.close();
        }
    }

    /**
     * Three nodes that send no heartbeat while a test counts (the first goes at start): every operation counted is
     * the test's.
     */
    private static SimulatedCluster startCounting()
    {
        return SimulatedCluster.start(3, (config) -> config
            .operationTimeoutNs(4 * HEARTBEAT_NS).peerTimeoutNs(8 * HEARTBEAT_NS).heartbeatIntervalNs(HEARTBEAT_NS));
    }

    private static void read(final DCell<byte[]> cell, final HistoryRecorder.Client log)
    {
        final int slot = log.invoke("cell", OpKind.READ, 0);
        log.ok(slot, cell.read((buffer, offset, length) -> buffer.getLong(offset, ByteOrder.BIG_ENDIAN)));
    }

    @Test
    void shouldReadAValueHeldOnTheReadersOwnNode()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            final DCell<byte[]> cell = cluster.node(1).cell(Codecs.BYTES, encode(7));
            final DCell<byte[]> local = handleOn(cluster.node(0), cell);
            local.set(encode(8));                                   // the value block is now on node 0
            final NodeCounters before = cluster.node(0).counters();
            assertArrayEquals(encode(8), local.get());
            assertEquals(1, cluster.node(0).counters().roundTrips() - before.roundTrips(), "the word only");
            assertArrayEquals(encode(8), cell.get());
            local.close();
            cell.close();
        }
    }

    /**
     * A value of 8 to 27 bytes, so writes change the length the readers guess.
     */
    private static byte[] encode(final long value)
    {
        return ByteBuffer.allocate(8 + (int)(value % 20)).putLong(0, value).array();
    }

    private static long delta(final NodeCounters before, final NodeCounters after, final Counter counter)
    {
        return after.get(counter) - before.get(counter);
    }

    @SuppressWarnings("unchecked")
    private static <T> DCell<T> handleOn(final Node node, final DCell<T> cell)
    {
        final CellHandle<T> handle = (CellHandle<T>)cell;
        handle.addReference();
        return new CellHandle<>(node.heap(), handle.codec, handle.address);
    }
}
