package org.jdsm.simulator.contract;

import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.NodeUnavailableException;
import org.jdsm.RemoteAccessException;
import org.jdsm.spi.HeapRegion;
import org.jdsm.spi.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The behaviour every {@link Transport} must show, as JUnit 5 tests. A transport's test extends this class and
 * implements {@link #startCluster(ContractSpec)}; it may override {@link #spec()} to change the settings.
 * <p>
 * Each test starts one cluster, drives it from node 0 (which lives in the test's JVM) and closes it after. Tests
 * that need more than node 0 in this JVM, or a node killed, are skipped (through assumptions) by clusters that do not
 * support it. The tests cover: completion ordering (a write then a read by the same thread sees the write, from many
 * threads at once), bounds rejection (the heap's message reaches the caller as {@link RemoteAccessException}, and
 * the node keeps serving), atomics under contention (exact fetch-and-add totals, compare-and-swap mutual
 * exclusion), large transfers (4 MiB and 16 MiB + 8 bytes, byte-exact), validated reads (the bytes written; never a
 * copy torn by the owner's seqlock writer while its sequence word held one even value), indirect reads (the word
 * alone while it holds the expected value or points nowhere; else, where the transport copies the range, as
 * {@link ContractSpec#copiesIndirectRanges()} requires of some, that range, never torn), control messages (right
 * source and bytes, including a {@code send} from inside a handler), self-addressed operations and peer death
 * ({@link NodeUnavailableException} naming the dead node within the timeout; the others keep working).
 * <p>
 * <b>Note:</b> an instance runs one test at a time, as JUnit does by default.
 */
public abstract class TransportContract
{
    /** Nodes in a contract cluster: a driver and two peers. */
    protected static final int NODE_COUNT = 3;
    /** Heap of each node: room for a 16 MiB + 8 byte transfer at a non-zero offset. */
    protected static final int HEAP_CAPACITY = 32 * 1024 * 1024;
    /** Operation timeout: long enough for a loaded 2-core machine, short enough for peer-death tests. */
    protected static final long OPERATION_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(3);
    /** Heartbeat interval. */
    protected static final long HEARTBEAT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Slack allowed beyond the operation timeout for a peer death to surface, for scheduling on a slow machine. */
    protected static final long DEATH_SLACK_NS = TimeUnit.SECONDS.toNanos(3);

    private static final int DRIVER = 0;
    private static final int THREADS = 4;
    private static final byte MARKER = (byte)0x5A;
    /** Reads of a range while its owner's seqlock writer writes it, at least. */
    private static final int SEQLOCK_READS = 3000;

    private ContractCluster cluster;

    /**
     * Start a cluster of the transport under test, past its join barrier, as {@link ContractCluster} describes.
     *
     * @param spec of the cluster.
     * @return the started cluster; the contract closes it after the test.
     * @throws Exception if it can not be started.
     */
    protected abstract ContractCluster startCluster(ContractSpec spec) throws Exception;

    /**
     * The settings of the clusters this contract starts.
     *
     * @return the spec.
     */
    protected ContractSpec spec()
    {
        return new ContractSpec(NODE_COUNT, HEAP_CAPACITY, OPERATION_TIMEOUT_NS, HEARTBEAT_INTERVAL_NS);
    }

    /**
     * Close the cluster the test started.
     */
    @AfterEach
    void closeCluster()
    {
        if (null != cluster)
        {
            final ContractCluster toClose = cluster;
            cluster = null;
            toClose.close();
        }
    }

    /**
     * The cluster of this test, started on first use.
     *
     * @return the cluster.
     * @throws Exception if it can not be started.
     */
    protected final ContractCluster cluster() throws Exception
    {
        if (null == cluster)
        {
            cluster = startCluster(spec());
            assertEquals(spec().nodeCount(), cluster.nodeCount(), "nodeCount of the started cluster");
            assertNotNull(cluster.transport(DRIVER), "node 0 must live in the test's JVM");
        }

        return cluster;
    }

    private Transport driver() throws Exception
    {
        return cluster().transport(DRIVER);
    }

    @Test
    @Timeout(60)
    void shouldReportNodeIdAndEveryNodeAvailableAfterStart() throws Exception
    {
        final Transport driver = driver();

        assertEquals(DRIVER, driver.nodeId());
        for (int nodeId = 0; nodeId < NODE_COUNT; nodeId++)
        {
            assertTrue(driver.isAvailable(nodeId), "node " + nodeId + " available");
        }
        assertTrue(driver.maxMessageLength() >= 64 * 1024, "maxMessageLength=" + driver.maxMessageLength());
    }

    @Test
    @Timeout(60)
    void shouldReadWhatTheSameThreadWroteOnEveryPeer() throws Exception
    {
        final Transport driver = driver();
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        final UnsafeBuffer in = new UnsafeBuffer(new byte[64]);

        for (int nodeId = 0; nodeId < NODE_COUNT; nodeId++)
        {
            for (int i = 0; i < 50; i++)
            {
                fill(out, nodeId * 1000 + i);
                driver.write(nodeId, 128 + 64 * i, out, 0, 64);
                driver.read(nodeId, 128 + 64 * i, in, 0, 64);
                assertArrayEquals(out.byteArray(), in.byteArray(), "node " + nodeId + " slot " + i);
            }
        }
    }

    @Test
    @Timeout(120)
    void shouldSeeOwnWritesFromManyThreadsWithOperationsInFlightAtOnce() throws Exception
    {
        final Transport driver = driver();
        final int iterations = 100;

        runConcurrently(THREADS, (thread) ->
        {
            final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
            final UnsafeBuffer in = new UnsafeBuffer(new byte[256]);
            for (int i = 0; i < iterations; i++)
            {
                final int nodeId = (thread + i) % NODE_COUNT;
                final long offset = 4096L + thread * 256L;
                fill(out, thread * 100_000 + i);
                driver.write(nodeId, offset, out, 0, 256);
                driver.read(nodeId, offset, in, 0, 256);
                assertArrayEquals(out.byteArray(), in.byteArray(), "thread " + thread + " op " + i);
            }
        });

        final UnsafeBuffer expected = new UnsafeBuffer(new byte[256]);
        final UnsafeBuffer in = new UnsafeBuffer(new byte[256]);
        for (int thread = 0; thread < THREADS; thread++)
        {
            for (int nodeId = 0; nodeId < NODE_COUNT; nodeId++)
            {
                int last = -1;
                for (int i = 0; i < iterations; i++)
                {
                    if ((thread + i) % NODE_COUNT == nodeId)
                    {
                        last = i;
                    }
                }
                fill(expected, thread * 100_000 + last);
                driver.read(nodeId, 4096L + thread * 256L, in, 0, 256);
                assertArrayEquals(expected.byteArray(), in.byteArray(), "final thread " + thread + " node " + nodeId);
            }
        }
    }

    @Test
    @Timeout(60)
    void shouldRejectOutOfRangeAccessWithHeapMessageAndKeepServing() throws Exception
    {
        final Transport driver = driver();
        final int peer = 1;
        final long capacity = spec().heapCapacity();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);

        final RemoteAccessException readPastEnd = assertThrows(RemoteAccessException.class,
            () -> driver.read(peer, capacity - 4, buffer, 0, 8));
        assertEquals(BufferHeapRegion.outOfRangeMessage("read", capacity - 4, 8, capacity), readPastEnd.getMessage());

        final RemoteAccessException writeNegative = assertThrows(RemoteAccessException.class,
            () -> driver.write(peer, -8, buffer, 0, 16));
        assertEquals(BufferHeapRegion.outOfRangeMessage("write", -8, 16, capacity), writeNegative.getMessage());

        final RemoteAccessException casPastEnd = assertThrows(RemoteAccessException.class,
            () -> driver.compareAndSwap(peer, capacity, 0, 1));
        assertEquals(BufferHeapRegion.outOfRangeMessage("compareAndSwap", capacity, 8, capacity),
            casPastEnd.getMessage());

        final RemoteAccessException addMisaligned = assertThrows(RemoteAccessException.class,
            () -> driver.fetchAdd(peer, 12, 1));
        assertEquals(BufferHeapRegion.misalignedMessage("fetchAdd", 12), addMisaligned.getMessage());

        final RemoteAccessException hugeOffset = assertThrows(RemoteAccessException.class,
            () -> driver.read(peer, Long.MAX_VALUE - 4, buffer, 0, 8));
        assertEquals(BufferHeapRegion.outOfRangeMessage("read", Long.MAX_VALUE - 4, 8, capacity),
            hugeOffset.getMessage());

        assertEquals(0, driver.fetchAdd(peer, 64, 5));
        assertEquals(5, driver.fetchAdd(peer, 64, 1));
        assertTrue(driver.isAvailable(peer));
    }

    @Test
    @Timeout(120)
    void shouldAddExactlyUnderContention() throws Exception
    {
        final Transport driver = driver();
        final int peer = 1;
        final int adds = 250;
        final long offset = 256;
        final boolean[] seen = new boolean[THREADS * adds];

        runConcurrently(THREADS, (thread) ->
        {
            for (int i = 0; i < adds; i++)
            {
                final long before = driver.fetchAdd(peer, offset, 1);
                synchronized (seen)
                {
                    assertFalse(seen[(int)before], "value " + before + " returned twice");
                    seen[(int)before] = true;
                }
            }
        });

        assertEquals(THREADS * adds, driver.fetchAdd(peer, offset, 0));
        for (int i = 0; i < seen.length; i++)
        {
            assertTrue(seen[i], "fetchAdd returned " + i);
        }
    }

    @Test
    @Timeout(120)
    void shouldExcludeMutuallyWithCompareAndSwapLock() throws Exception
    {
        final Transport driver = driver();
        final int lockNode = 1;
        final int dataNode = NODE_COUNT - 1;
        final long lockOffset = 512;
        final long counterOffset = 1024;
        final int increments = 30;

        runConcurrently(THREADS, (thread) ->
        {
            final UnsafeBuffer counter = new UnsafeBuffer(new byte[8]);
            final long owner = thread + 1;
            for (int i = 0; i < increments; i++)
            {
                while (0 != driver.compareAndSwap(lockNode, lockOffset, 0, owner))
                {
                    Thread.yield();
                }
                driver.read(dataNode, counterOffset, counter, 0, 8);
                counter.putLong(0, counter.getLong(0) + 1);
                driver.write(dataNode, counterOffset, counter, 0, 8);
                assertEquals(owner, driver.compareAndSwap(lockNode, lockOffset, owner, 0), "lock owner on release");
            }
        });

        final UnsafeBuffer counter = new UnsafeBuffer(new byte[8]);
        driver.read(dataNode, counterOffset, counter, 0, 8);
        assertEquals(THREADS * increments, counter.getLong(0));
        assertEquals(0, driver.fetchAdd(lockNode, lockOffset, 0));
    }

    @Test
    @Timeout(60)
    void shouldReturnCurrentValueFromFailedCompareAndSwap() throws Exception
    {
        final Transport driver = driver();
        final int peer = NODE_COUNT - 1;

        assertEquals(0, driver.compareAndSwap(peer, 2048, 0, 42));
        assertEquals(42, driver.compareAndSwap(peer, 2048, 7, 9));
        assertEquals(42, driver.compareAndSwap(peer, 2048, 42, -1));
        assertEquals(-1, driver.fetchAdd(peer, 2048, Long.MIN_VALUE));
        assertEquals(Long.MAX_VALUE, driver.fetchAdd(peer, 2048, 0));
    }

    @Test
    @Timeout(120)
    void shouldTransferLargeObjectsByteExact() throws Exception
    {
        final Transport driver = driver();
        final int peer = 1;

        for (final int length : new int[]{ 4 * 1024 * 1024, 16 * 1024 * 1024 + 8 })
        {
            final UnsafeBuffer out = new UnsafeBuffer(new byte[length]);
            final UnsafeBuffer in = new UnsafeBuffer(new byte[length + 16]);
            final byte[] bytes = out.byteArray();
            new Random(length).nextBytes(bytes);

            driver.write(peer, 8, out, 0, length);
            driver.read(peer, 8, in, 16, length);
            assertArrayEquals(bytes, Arrays.copyOfRange(in.byteArray(), 16, 16 + length), "length " + length);
        }

        final UnsafeBuffer slice = new UnsafeBuffer(new byte[100_003]);
        driver.read(peer, 8 + 1_000_001, slice, 0, slice.capacity());
        final byte[] expected = new byte[16 * 1024 * 1024 + 8];
        new Random(expected.length).nextBytes(expected);
        assertArrayEquals(Arrays.copyOfRange(expected, 1_000_001, 1_000_001 + 100_003), slice.byteArray());
    }

    @Test
    @Timeout(60)
    void shouldDeliverMessagesWithSourceAndBytes() throws Exception
    {
        final Transport driver = driver();
        final ContractMessageHandler messages = cluster().messages(DRIVER);

        for (int peer = 1; peer < NODE_COUNT; peer++)
        {
            for (final int length : new int[]{ 1, 100, 64 * 1024 })
            {
                final UnsafeBuffer message = new UnsafeBuffer(new byte[length]);
                new Random(peer * 31L + length).nextBytes(message.byteArray());
                driver.send(peer, message, 0, length);

                final ContractMessageHandler.Received echo = messages.poll(OPERATION_TIMEOUT_NS);
                assertNotNull(echo, "echo of " + length + " bytes from node " + peer);
                assertEquals(peer, echo.sourceNodeId());
                assertArrayEquals(message.byteArray(), echo.bytes(), "echo of " + length + " bytes from " + peer);
            }
        }
        assertEquals(0, messages.size());
    }

    @Test
    @Timeout(60)
    void shouldReadValidatedTheBytesWrittenAndRejectARangeWithoutAnAlignedSequenceWord() throws Exception
    {
        final Transport driver = driver();
        final int peer = 1;
        final UnsafeBuffer out = new UnsafeBuffer(new byte[200]);
        final UnsafeBuffer in = new UnsafeBuffer(new byte[216]);
        fill(out, 11);
        out.putLong(0, 0x0001_0100_0000_00C8L);
        driver.write(peer, 4096, out, 0, out.capacity());

        driver.readValidated(peer, 4096, in, 16, out.capacity());
        assertArrayEquals(out.byteArray(), Arrays.copyOfRange(in.byteArray(), 16, 216),
            "a range nobody changes reads the same, its sequence word included, validated or not");

        final int large = 256 * 1024;
        final UnsafeBuffer bigOut = new UnsafeBuffer(new byte[large]);
        final UnsafeBuffer bigIn = new UnsafeBuffer(new byte[large]);
        fill(bigOut, 12);
        driver.write(peer, 65536, bigOut, 0, large);
        driver.readValidated(peer, 65536, bigIn, 0, large);
        assertArrayEquals(bigOut.byteArray(), bigIn.byteArray(), "a range larger than one frame");

        final RemoteAccessException misaligned =
            assertThrows(RemoteAccessException.class, () -> driver.readValidated(peer, 4100, in, 0, 16));
        assertTrue(misaligned.getMessage().contains("offset=4100"), misaligned.getMessage());
        final RemoteAccessException short_ =
            assertThrows(RemoteAccessException.class, () -> driver.readValidated(peer, 4096, in, 0, 4));
        assertTrue(short_.getMessage().contains("length=4"), short_.getMessage());
        final RemoteAccessException outOfRange = assertThrows(RemoteAccessException.class,
            () -> driver.readValidated(peer, HEAP_CAPACITY - 8, in, 0, 16));
        assertTrue(outOfRange.getMessage().contains("offset=" + (HEAP_CAPACITY - 8)), outOfRange.getMessage());
        driver.fetchAdd(peer, 4096 + 200, 7);
        assertEquals(7, driver.fetchAdd(peer, 4096 + 200, 0), "the peer keeps serving");
    }

    @Test
    @Timeout(60)
    void shouldNeverReturnAValidatedCopyTornByTheOwnersWriterWhileItsSequenceWordHeldOneEvenValue() throws Exception
    {
        final ContractCluster cluster = cluster();
        final HeapRegion heap = cluster.heap(DRIVER);
        assumeTrue(null != heap, "this cluster does not expose node 0's heap");
        final Transport driver = driver();
        final long base = 16384;
        final int length = 4096;
        final UnsafeBuffer in = new UnsafeBuffer(new byte[length]);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int validated = 0;
        int stable = 0;
        try (SeqlockWriter writer = new SeqlockWriter(heap, base, length))
        {
            for (int i = 0; i < SEQLOCK_READS || (stable < 10 && validated > 0 && System.nanoTime() < deadlineNs); i++)
            {
                if (driver.readValidated(DRIVER, base, in, 0, length))
                {
                    validated++;
                    stable += writer.checkCopy(in, 0, "read " + i + ": a validated copy") ? 1 : 0;
                }
            }
        }

        assumeTrue(validated > 0, "this transport does not validate reads");
        assertTrue(stable > 0, "none of " + validated + " validated reads saw a stable copy");
    }

    @Test
    @Timeout(60)
    void shouldReadIndirectTheWordAloneWhileItHoldsTheExpectedValueAndTheRangeItPointsToOnceItChanged()
        throws Exception
    {
        final Transport driver = driver();
        final int peer = 1;
        final long wordOffset = 4096;
        final long rangeOffset = 8192;
        final long movedOffset = 12288;
        final int length = 200;
        final UnsafeBuffer range = new UnsafeBuffer(new byte[length]);
        final UnsafeBuffer moved = new UnsafeBuffer(new byte[length]);
        fill(range, 13);
        range.putLong(0, 2);
        fill(moved, 14);
        moved.putLong(0, 4);
        driver.write(peer, rangeOffset, range, 0, length);
        driver.write(peer, movedOffset, moved, 0, length);
        assertEquals(0, driver.compareAndSwap(peer, wordOffset, 0, rangeOffset));

        final UnsafeBuffer in = new UnsafeBuffer(new byte[16 + Long.BYTES + length + 16]);
        in.setMemory(0, in.capacity(), MARKER);
        assertFalse(driver.readIndirect(peer, wordOffset, rangeOffset, in, 16, length),
            "a word that holds the expected value is read alone");
        assertEquals(rangeOffset, in.getLong(16));
        assertUntouchedBut(in, 16, Long.BYTES, "after a word read alone");

        in.setMemory(0, in.capacity(), MARKER);
        final boolean followed = driver.readIndirect(peer, wordOffset, 0, in, 16, length);
        assertEquals(rangeOffset, in.getLong(16));
        assertFollowedAsRequired(followed, "a word that is not the expected value");
        if (followed)
        {
            assertArrayEquals(range.byteArray(), Arrays.copyOfRange(in.byteArray(), 24, 24 + length),
                "the range the word points to, its sequence word included");
        }
        assertUntouchedBut(in, 16, followed ? Long.BYTES + length : Long.BYTES, "after an indirect read");

        assertEquals(rangeOffset, driver.compareAndSwap(peer, wordOffset, rangeOffset, movedOffset));
        in.setMemory(0, in.capacity(), MARKER);
        final boolean followedMoved = driver.readIndirect(peer, wordOffset, rangeOffset, in, 16, length);
        assertEquals(movedOffset, in.getLong(16));
        assertFollowedAsRequired(followedMoved, "a word changed since the caller saw it");
        if (followedMoved)
        {
            assertArrayEquals(moved.byteArray(), Arrays.copyOfRange(in.byteArray(), 24, 24 + length),
                "the range the changed word points to");
        }

        final int large = 256 * 1024;
        final UnsafeBuffer bigOut = new UnsafeBuffer(new byte[large]);
        final UnsafeBuffer bigIn = new UnsafeBuffer(new byte[Long.BYTES + large]);
        fill(bigOut, 15);
        bigOut.putLong(0, 6);
        driver.write(peer, 65536, bigOut, 0, large);
        assertEquals(0, driver.compareAndSwap(peer, wordOffset + Long.BYTES, 0, 65536));
        if (driver.readIndirect(peer, wordOffset + Long.BYTES, 0, bigIn, 0, large))
        {
            assertArrayEquals(bigOut.byteArray(), Arrays.copyOfRange(bigIn.byteArray(), Long.BYTES, bigIn.capacity()),
                "a range larger than one frame: copied whole, or not at all");
        }
        assertEquals(65536, bigIn.getLong(0));
    }

    @Test
    @Timeout(60)
    void shouldReadIndirectTheWordAloneWhenItPointsNowhereAndRejectAMisalignedOrOutOfRangeWord() throws Exception
    {
        final Transport driver = driver();
        final int peer = 1;
        final long capacity = spec().heapCapacity();
        final long wordOffset = 4096;
        final int length = 200;
        final UnsafeBuffer word = new UnsafeBuffer(new byte[Long.BYTES]);
        final UnsafeBuffer in = new UnsafeBuffer(new byte[Long.BYTES + length]);

        // negative, past the heap, a range that runs past its end, misaligned: no range to copy, and no error
        for (final long nowhere : new long[]{ -8, capacity, capacity - Long.BYTES, 8192 + 4, Long.MIN_VALUE })
        {
            word.putLong(0, nowhere);
            driver.write(peer, wordOffset, word, 0, Long.BYTES);
            in.setMemory(0, in.capacity(), MARKER);
            assertFalse(driver.readIndirect(peer, wordOffset, 0, in, 0, length), "word " + nowhere);
            assertEquals(nowhere, in.getLong(0), "word " + nowhere);
            assertUntouchedBut(in, 0, Long.BYTES, "after word " + nowhere);
        }

        final RemoteAccessException misaligned = assertThrows(RemoteAccessException.class,
            () -> driver.readIndirect(peer, wordOffset + 4, 0, in, 0, length));
        assertTrue(misaligned.getMessage().contains("wordOffset=" + (wordOffset + 4)), misaligned.getMessage());
        final RemoteAccessException short_ = assertThrows(RemoteAccessException.class,
            () -> driver.readIndirect(peer, wordOffset, 0, in, 0, 4));
        assertTrue(short_.getMessage().contains("length=4"), short_.getMessage());
        for (final long outOfRange : new long[]{ capacity, -8, Long.MAX_VALUE - 7 })
        {
            final RemoteAccessException ex = assertThrows(RemoteAccessException.class,
                () -> driver.readIndirect(peer, outOfRange, 0, in, 0, length), "wordOffset " + outOfRange);
            assertTrue(ex.getMessage().contains("offset=" + outOfRange), ex.getMessage());
        }

        driver.fetchAdd(peer, wordOffset + Long.BYTES, 7);
        assertEquals(7, driver.fetchAdd(peer, wordOffset + Long.BYTES, 0), "the peer keeps serving");
    }

    @Test
    @Timeout(60)
    void shouldNeverReturnAnIndirectCopyTornByTheOwnersWriterWhileItsSequenceWordHeldOneEvenValue() throws Exception
    {
        final ContractCluster cluster = cluster();
        final HeapRegion heap = cluster.heap(DRIVER);
        assumeTrue(null != heap, "this cluster does not expose node 0's heap");
        final Transport driver = driver();
        final long wordOffset = 8192;
        final long base = 16384;
        final int length = 4096;
        heap.compareAndSwapLong(wordOffset, 0, base);
        final UnsafeBuffer in = new UnsafeBuffer(new byte[Long.BYTES + length]);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int followed = 0;
        int stable = 0;
        try (SeqlockWriter writer = new SeqlockWriter(heap, base, length))
        {
            for (int i = 0; i < SEQLOCK_READS || (stable < 10 && followed > 0 && System.nanoTime() < deadlineNs); i++)
            {
                // expected is never the word: every read follows it, where the transport copies ranges at all
                final boolean copied = driver.readIndirect(DRIVER, wordOffset, -1, in, 0, length);
                assertEquals(base, in.getLong(0), "read " + i + ": the word");
                assertFollowedAsRequired(copied, "read " + i);
                if (copied)
                {
                    followed++;
                    stable += writer.checkCopy(in, Long.BYTES, "read " + i + ": an indirect copy") ? 1 : 0;
                }
            }
        }

        assumeTrue(followed > 0, "this transport does not copy ranges indirectly");
        assertTrue(stable > 0, "none of " + followed + " indirect copies saw a stable range");
    }

    @Test
    @Timeout(60)
    void shouldServeSelfAddressedOperationsAndMessages() throws Exception
    {
        final Transport driver = driver();
        final UnsafeBuffer out = new UnsafeBuffer(new byte[32]);
        final UnsafeBuffer in = new UnsafeBuffer(new byte[32]);

        fill(out, 7);
        driver.write(DRIVER, 8192, out, 0, 32);
        driver.read(DRIVER, 8192, in, 0, 32);
        assertArrayEquals(out.byteArray(), in.byteArray());
        assertEquals(0, driver.compareAndSwap(DRIVER, 8320, 0, 3));
        assertEquals(3, driver.fetchAdd(DRIVER, 8320, 4));
        assertEquals(7, driver.fetchAdd(DRIVER, 8320, 0));

        final byte[] bytes = { 1, 2, 3, 4, 5 };
        driver.send(DRIVER, new UnsafeBuffer(bytes), 0, bytes.length);
        final ContractMessageHandler.Received received = cluster().messages(DRIVER).poll(OPERATION_TIMEOUT_NS);
        assertNotNull(received, "self-addressed message");
        assertEquals(DRIVER, received.sourceNodeId());
        assertArrayEquals(bytes, received.bytes());
    }

    @Test
    @Timeout(120)
    void shouldServeEveryPairWhenAllNodesDriveAtOnce() throws Exception
    {
        final ContractCluster cluster = cluster();
        for (int nodeId = 0; nodeId < NODE_COUNT; nodeId++)
        {
            assumeTrue(null != cluster.transport(nodeId), "node " + nodeId + " is not in this JVM");
        }
        final int adds = 100;

        runConcurrently(NODE_COUNT, (source) ->
        {
            final Transport transport = cluster.transport(source);
            for (int i = 0; i < adds; i++)
            {
                for (int target = 0; target < NODE_COUNT; target++)
                {
                    transport.fetchAdd(target, 3072, 1);
                }
            }
        });

        for (int target = 0; target < NODE_COUNT; target++)
        {
            assertEquals((long)NODE_COUNT * adds, driver().fetchAdd(target, 3072, 0), "node " + target);
        }
    }

    @Test
    @Timeout(120)
    void shouldFailOperationsOnDeadPeerNamingItAndKeepServingOthers() throws Exception
    {
        final ContractCluster cluster = cluster();
        assumeTrue(cluster.canKill(), "this cluster can not kill a node");
        final Transport driver = driver();
        final int dead = NODE_COUNT - 1;
        final int alive = 1;
        assertEquals(0, driver.fetchAdd(dead, 64, 1));

        cluster.kill(dead);
        final long killedAtNs = System.nanoTime();

        NodeUnavailableException first = null;
        while (null == first)
        {
            try
            {
                driver.fetchAdd(dead, 64, 1);
                assertTrue(System.nanoTime() - killedAtNs < OPERATION_TIMEOUT_NS + DEATH_SLACK_NS,
                    "node " + dead + " still served " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAtNs) +
                    "ms after it was killed");
            }
            catch (final NodeUnavailableException ex)
            {
                first = ex;
            }
        }
        assertEquals(dead, first.nodeId(), first.getMessage());
        assertTrue(first.getMessage().startsWith("node " + dead + " unavailable: "), first.getMessage());
        assertTrue(System.nanoTime() - killedAtNs < OPERATION_TIMEOUT_NS + DEATH_SLACK_NS,
            "failed after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAtNs) + "ms");

        final long deadlineNs = System.nanoTime() + OPERATION_TIMEOUT_NS + DEATH_SLACK_NS;
        while (driver.isAvailable(dead))
        {
            assertTrue(System.nanoTime() < deadlineNs, "node " + dead + " still available");
            Thread.sleep(10);
        }

        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8]);
        final long startNs = System.nanoTime();
        final NodeUnavailableException read = assertThrows(NodeUnavailableException.class,
            () -> driver.read(dead, 0, buffer, 0, 8));
        assertEquals(dead, read.nodeId());
        final NodeUnavailableException cas = assertThrows(NodeUnavailableException.class,
            () -> driver.compareAndSwap(dead, 0, 0, 1));
        assertEquals(dead, cas.nodeId());
        assertTrue(System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(1), "known-dead node fails at once");

        assertEquals(0, driver.fetchAdd(alive, 64, 1));
        assertEquals(1, driver.fetchAdd(alive, 64, 1));
        assertTrue(driver.isAvailable(alive));
        assertTrue(driver.isAvailable(DRIVER));

        final byte[] bytes = { 9, 8, 7 };
        driver.send(alive, new UnsafeBuffer(bytes), 0, bytes.length);
        final ContractMessageHandler.Received echo = cluster.messages(DRIVER).poll(OPERATION_TIMEOUT_NS);
        assertNotNull(echo, "echo from a survivor");
        assertEquals(alive, echo.sourceNodeId());
        assertArrayEquals(bytes, echo.bytes());
    }

    private void assertFollowedAsRequired(final boolean followed, final String what)
    {
        if (!followed && spec().copiesIndirectRanges())
        {
            fail(what + ": readIndirect read the word alone, but this transport serves reads on the peer's CPU " +
                "and must copy the range it points to (ContractSpec.copiesIndirectRanges)");
        }
    }

    private static void assertUntouchedBut(
        final UnsafeBuffer buffer, final int offset, final int length, final String what)
    {
        for (int i = 0; i < buffer.capacity(); i++)
        {
            if ((i < offset || i >= offset + length) && MARKER != buffer.getByte(i))
            {
                fail(what + ": byte " + i + " of dst changed, outside [" + offset + ", " + (offset + length) + ")");
            }
        }
    }

    /**
     * Fill a buffer with bytes that depend on a seed.
     *
     * @param buffer to fill.
     * @param seed   of the bytes.
     */
    protected static void fill(final UnsafeBuffer buffer, final int seed)
    {
        for (int i = 0; i < buffer.capacity(); i++)
        {
            buffer.putByte(i, (byte)(seed * 31 + i * 7));
        }
    }

    /**
     * A body run by each of several threads, given the thread's index.
     */
    @FunctionalInterface
    protected interface ThreadBody
    {
        /**
         * @param thread index in [0, threads).
         * @throws Exception to fail the test.
         */
        void run(int thread) throws Exception;
    }

    /**
     * Run a body on several threads started together, and fail with the first failure of any of them.
     *
     * @param threads number of threads.
     * @param body    to run.
     * @throws Exception if a thread failed, with the others' failures suppressed.
     */
    protected static void runConcurrently(final int threads, final ThreadBody body) throws Exception
    {
        final CountDownLatch start = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++)
        {
            final int index = i;
            final Thread thread = new Thread(() ->
            {
                try
                {
                    start.await();
                    body.run(index);
                }
                catch (final Throwable ex)
                {
                    if (!failure.compareAndSet(null, ex))
                    {
                        failure.get().addSuppressed(ex);
                    }
                }
            }, "contract-" + i);
            thread.setDaemon(true);
            thread.start();
            started.add(thread);
        }

        start.countDown();
        for (final Thread thread : started)
        {
            thread.join();
        }

        final Throwable ex = failure.get();
        if (ex instanceof Exception)
        {
            throw (Exception)ex;
        }
        if (ex instanceof Error)
        {
            throw (Error)ex;
        }
        if (null != ex)
        {
            fail(ex);
        }
    }

    /**
     * A seqlock writer on a range of node 0's own heap, as the owner's allocator: the range's first word odd while
     * the bytes after it change, each byte then the word / 2. It writes in bursts of 256 with a 20 us pause between
     * them, so that reads meet both writes and a range that holds still (on 2 shared cores a writer without pauses
     * left no copy stable). It writes the range's second half first, so that a copy running from the start ahead of a
     * write still meets it, and spins about a copy's time (500 ns) after each write, so that copies often start while
     * the word is even and a write begins before they end: the copies a check at the range's home must refuse.
     */
    private static final class SeqlockWriter implements AutoCloseable
    {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong writes = new AtomicLong();
        private final int length;
        private final Thread thread;

        SeqlockWriter(final HeapRegion heap, final long base, final int length)
        {
            this.length = length;
            heap.compareAndSwapLong(base, 0, 2);
            final UnsafeBuffer next = new UnsafeBuffer(new byte[length - Long.BYTES]);
            next.setMemory(0, next.capacity(), (byte)1);
            heap.putBytes(base + Long.BYTES, next, 0, next.capacity());
            thread = new Thread(() -> write(heap, base, next), "contract-seqlock-writer");
            thread.setDaemon(true);
            thread.start();
        }

        private void write(final HeapRegion heap, final long base, final UnsafeBuffer next)
        {
            final int half = next.capacity() / 2;
            long sequence = 2;
            while (!stop.get())
            {
                next.setMemory(0, next.capacity(), (byte)((sequence + 2) >>> 1));
                heap.compareAndSwapLong(base, sequence, sequence + 1);
                VarHandle.storeStoreFence();
                sequence += 2;
                heap.putBytes(base + Long.BYTES + half, next, half, next.capacity() - half);
                heap.putBytes(base + Long.BYTES, next, 0, half);
                heap.compareAndSwapLong(base, sequence - 1, sequence);
                writes.lazySet(sequence >>> 1);
                if (0 == (sequence & 511))
                {
                    LockSupport.parkNanos(20_000);
                }
                else
                {
                    final long evenUntilNs = System.nanoTime() + 500;
                    while (System.nanoTime() < evenUntilNs)
                    {
                        Thread.onSpinWait();
                    }
                }
            }
        }

        /**
         * Check a copy of the range the home validated: if its sequence word is even (held throughout the copy),
         * every byte after it must be the value written with that word.
         *
         * @param copy   holding the range.
         * @param offset of the range in {@code copy}.
         * @param what   the copy, for the failure's message.
         * @return true if the copy was stable and checked; false if changed during the copy (0) or mid-write (odd).
         */
        boolean checkCopy(final UnsafeBuffer copy, final int offset, final String what)
        {
            final long word = copy.getLong(offset);
            if (0 == word || 1 == (word & 1))
            {
                return false; // a reader retries
            }
            final byte expected = (byte)(word >>> 1);
            for (int j = Long.BYTES; j < length; j++)
            {
                if (copy.getByte(offset + j) != expected)
                {
                    fail(what + " with sequence word " + word + " holds byte " + copy.getByte(offset + j) + " at " + j +
                        ", not " + expected + ", the value written with it (" + writes.get() + " writes so far)");
                }
            }

            return true;
        }

        public void close() throws InterruptedException
        {
            stop.set(true);
            thread.join();
        }
    }
}
