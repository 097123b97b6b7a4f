package org.jdsm.coherence;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import org.jdsm.Codecs;
import org.jdsm.DArc;
import org.jdsm.linearizability.CheckResult;
import org.jdsm.linearizability.HistoryRecorder;
import org.jdsm.linearizability.LinearizabilityChecker;
import org.jdsm.linearizability.Models;
import org.jdsm.linearizability.OpKind;
import org.jdsm.linearizability.Verdict;
import org.jdsm.simulator.SimulatedCluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fetch-adds under replication, on the simulator: a count the slice's home shows is at every live backup, so when
 * the home dies (or is cut off) after a reader saw the count there, the backup that takes over serves it too, and
 * concurrent additions from several nodes never show a sum that did not exist in one order of them.
 * <p>
 * The counter is a {@link DArc}'s count word, homed on a node other than the driver, updated with
 * {@link HeapAccess#fetchAdd} (additions 1, 2, 3 or 5, so it only grows; an addition of 0 is a read) from every node
 * at once. Then a writer on another node adds {@link #IN_DOUBT_DELTA} and is crashed by its own transport right after
 * its first one-sided atomic on the word that changed a holder (with the serving-first order of before: the addition
 * at the home, before its mirror to the backups was sent). The live nodes declare it dead, may add and read at once
 * again (with the order of the last holder, the home lacks the writer's addition and catches up), and read the
 * count at the home (in place there, one-sided elsewhere); the home crashes; every live node adds and reads again at the
 * backup that took the slice over. Checked: after the writer died, no live backup holds less than the home; no read
 * after the take-over is smaller than one before it; the history (the writer's addition in doubt) is linearizable as
 * a counter; the final count is the initial one plus every acknowledged addition once, plus the one in doubt
 * at most once; and the count word's position ({@link CountWord}) moved by exactly the number of additions that took
 * effect, each decided once at the last holder of a holder table (at {@code 2aff8ad} an addition decided again while
 * the table's last holder was dead was decided at the holder before it with no position, and
 * {@link #anAdditionWhoseEveryLaterHolderDiedIsDecidedAgainNotFailedInDoubt} failed on it).
 * With the serving-first order of before (at {@code db1c02c}) the examples fail: the home shows the writer's
 * addition, its backup does not, the readers see the larger count at the home and the smaller one at the backup.
 */
class FetchAddFailOverProperties
{
    static final long TIMEOUT_S = 60;
    static final long IN_DOUBT_DELTA = 1000;
    static final String KEY = "count";
    static final long[] DELTAS = {1, 2, 3, 5};

    @Property(tries = 6)
    void aCountVisibleAtTheHomeIsAtEveryBackupWhenTheHomeDies(
        @ForAll @IntRange(min = 3, max = 5) final int nodes,
        @ForAll @IntRange(min = 1, max = 2) final int replicas,
        @ForAll @IntRange(min = 1, max = 4) final int homeDraw,
        @ForAll @IntRange(min = 1, max = 3) final int writerDraw,
        @ForAll @IntRange(min = 1, max = 6) final int opsPerNode,
        @ForAll final boolean addWhileHomeLags,
        @ForAll final long seed,
        @ForAll @IntRange(min = 0, max = 3) final int maxDelaySteps) throws Exception
    {
        // node 0, the driver, never crashes: the home and the writer are two other nodes
        final int home = CrashAfterChange.home(nodes, homeDraw);
        final int writer = CrashAfterChange.writer(nodes, home, writerDraw);
        check(nodes, replicas, home, writer, opsPerNode, addWhileHomeLags, seed, maxDelaySteps);
    }

    @Example
    void anAdditionFromAWriterThatDiesBeforeItsMirror() throws Exception
    {
        // slice 2 is held by node 2 (home) and node 0 (backup); node 1 adds and dies half-way
        check(3, 1, 2, 1, 4, true, 7, 0);
    }

    @Example
    void anAdditionFromTheMiddleBackupOfTwo() throws Exception
    {
        // slice 1 is held by nodes 1 (home), 2 and 3; node 2, its first backup, adds and dies half-way; its
        // hand-over copies the home, which lacks the addition, to a spare slot: listed after node 3, which has it,
        // the copy would decide the additions after the home's death and lose the one read at node 3
        check(4, 2, 1, 2, 5, false, -41, 2);
    }

    @Example
    void anAdditionWhoseEveryLaterHolderDiedIsDecidedAgainNotFailedInDoubt() throws Exception
    {
        // slice 1 is held by node 1 (home) and node 2 (tail); node 3 adds at the tail and dies before its swap at
        // the home, so the home lacks that addition; node 0 then adds (decided at the tail, after node 3's) and
        // waits at the home for node 3's; the tail dies meanwhile. Node 0's addition is on no live holder: decided
        // again at the home, it succeeds. Before, it failed as in doubt once its patience ran out.
        final int nodes = 4;
        final int home = 1;
        final int tail = 2;
        final int writer = 3;
        final HistoryRecorder recorder = HistoryRecorder.withNanoClock();
        final CrashAfterChange trap = new CrashAfterChange(CrashAfterChange.Kind.ATOMIC);
        final long initial;
        final long last;
        final int positionsMoved;
        final AtomicReference<Object> outcome = new AtomicReference<>();
        try (SimulatedCluster cluster = trap.startCluster(nodes, 1, writer, 5, 0))
        {
            final Node driver = (Node)cluster.node(0);
            final DArc<Long> arc = driver.spawnOn(home, (x) -> x.arc(Codecs.LONG, 0L))
                .get(TIMEOUT_S, TimeUnit.SECONDS);
            final long address = ((SharedObjectHandle<Long>)arc).address;
            final long wordOffset = GlobalAddress.offset(address) + BlockDescriptor.HEADER_LENGTH +
                SharedObjectHandle.COUNT_OFFSET;
            final Replication replication = ((EngineHeap)driver.heap()).replication();
            final Replication.Holders holders = replication.holders(home);
            assertEquals(List.of(home, tail), List.of(holders.nodes[0], holders.nodes[1]), "the holders of slice 1");
            initial = read(recorder.client(0), heap(cluster, 0), address);
            final long initialWord = rawWordAtServing(cluster, replication, home, wordOffset);

            final HistoryRecorder.Client writerLog = recorder.client(writer);
            writerLog.invoke(KEY, OpKind.GET_AND_ADD, IN_DOUBT_DELTA); // never completes: in doubt
            trap.arm(replication.stride(), wordOffset);
            try
            {
                heap(cluster, writer).fetchAdd(address, SharedObjectHandle.COUNT_OFFSET, IN_DOUBT_DELTA);
            }
            catch (final RuntimeException expected)
            {
                // crashed right after its addition reached the tail
            }
            assertTrue(cluster.network().isCrashed(writer), "the writer crashed after its addition at the tail");
            assertEquals(initial + IN_DOUBT_DELTA, wordAt(cluster, holders, 1, replication, wordOffset), "at the tail");
            assertEquals(initial, wordAt(cluster, holders, 0, replication, wordOffset), "at the home");

            final HistoryRecorder.Client log = recorder.client(1);
            final int slot = log.invoke(KEY, OpKind.GET_AND_ADD, 1);
            final Thread add = new Thread(() ->
            {
                try
                {
                    final long before = heap(cluster, 0).fetchAdd(address, SharedObjectHandle.COUNT_OFFSET, 1);
                    log.ok(slot, before);
                    outcome.set(before);
                }
                catch (final RuntimeException ex)
                {
                    outcome.set(ex);
                }
            }, "adder-behind-the-dead-writer");
            add.start();
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
            while (wordAt(cluster, holders, 1, replication, wordOffset) != initial + IN_DOUBT_DELTA + 1)
            {
                assertTrue(System.nanoTime() - deadlineNs < 0, "node 0's addition was decided at the tail");
                Thread.onSpinWait();
            }
            cluster.network().crash(tail); // within node 0's patience at the home: nothing copied the tail's count
            add.join(TimeUnit.SECONDS.toMillis(TIMEOUT_S));
            assertTrue(outcome.get() instanceof Long, "node 0's addition succeeded: " + outcome.get());
            ReplicationFailOverProperties.awaitHandedOver(cluster, nodes);
            last = read(recorder.client(2), heap(cluster, 0), address);
            positionsMoved = positionsMoved(cluster, replication, home, wordOffset, initialWord);
        }

        assertTrue(last == initial + 1 || last == initial + 1 + IN_DOUBT_DELTA, "the final count " + last +
            " is the initial " + initial + " plus node 0's addition once, and the writer's at most once");
        assertEquals(last == initial + 1 ? 1 : 2, positionsMoved, "each addition that took effect was decided at " +
            "the last holder of a holder table, once: node 0's, decided again after the tail died, waited for the " +
            "hand-over instead of being decided at the home without a position");
        final CheckResult result = new LinearizabilityChecker(Models.counter(initial)).check(recorder.history());
        assertEquals(Verdict.LINEARIZABLE, result.verdict(), String.valueOf(result));
    }

    @Example
    void aLateWriterDoesNotAddAgainAtAHolderThatCaughtUpWithIt() throws Exception
    {
        // slice 1 is held by node 1 (home) and node 2 (tail). Node 3 adds 1 at the tail and is held there, late,
        // before its swap at the home. Node 4 dies. Node 0 subtracts 1 (decided at the tail after node 3's addition)
        // and waits at the home for node 3's; with a death declared, it catches the home up to the tail's word. The
        // count there is the home's count again (+1 -1), so node 3's swap, released, found its count before at the
        // home and added 1 a second time while the tail did not: the home served a count one too large. With the
        // position in the word, the home's word is not node 3's word before, and shows node 3 it has the addition.
        final long atHome;
        final long atTail;
        final long last;
        try (HeldLateWriter schedule = new HeldLateWriter(11))
        {
            schedule.crashAndAwaitDeclaredDead(4, 0);
            schedule.addAtDriver(-1);
            schedule.releaseLateWriter();
            atHome = schedule.countAt(0);
            atTail = schedule.countAt(1);
            last = schedule.readAtDriver();
        }

        assertEquals(HeldLateWriter.INITIAL, atTail, "the tail's count: +1 -1");
        assertEquals(atTail, atHome, "the home's count, after node 3's late swap");
        assertEquals(HeldLateWriter.INITIAL, last, "the count read at the home");
    }

    @Example
    void aWriterWhoseLaterHoldersDiedAfterACatchUpCopiedItsAdditionDoesNotAddAgain() throws Exception
    {
        // slice 1 is held by node 1 (home) and node 2 (tail). Node 3 adds 1 at the tail and is held there, late,
        // before its swap at the home. Node 4 dies. Node 0 adds 5 (decided at the tail after node 3's addition) and
        // waits at the home for node 3's; with a death declared, it catches the home up to the tail's word, which has
        // both. Then the tail dies, and node 3 is released: no holder after the home lives. Taken as void, node 3's
        // addition was decided again at the home, which already had it: the count went up by 7, not 6. The home's
        // later position tells node 3 that it has the addition.
        final long last;
        try (HeldLateWriter schedule = new HeldLateWriter(13))
        {
            schedule.crashAndAwaitDeclaredDead(4, 0);
            schedule.addAtDriver(5);
            assertEquals(HeldLateWriter.INITIAL + 6, schedule.countAt(0), "the home caught up");
            schedule.crashAndAwaitDeclaredDead(2, 3);
            schedule.releaseLateWriter();
            ReplicationFailOverProperties.awaitHandedOver(schedule.cluster, HeldLateWriter.NODES);
            last = schedule.readAtDriver();
        }

        assertEquals(HeldLateWriter.INITIAL + 6, last, "node 3's addition and node 0's, each once");
    }

    /**
     * Five nodes with one backup each; a {@code DArc}'s count on node 1, so slice 1's holders are node 1 (home) and
     * node 2 (tail). Node 3 adds 1, decided at the tail, and its transport holds it there, late, before its swap at
     * the home. Closing checks the history (node 0's additions and reads, node 3's addition) is linearizable as a
     * counter.
     */
    private static final class HeldLateWriter implements AutoCloseable
    {
        static final int NODES = 5;
        static final int HOME = 1;
        static final int LATE = 3;
        static final long INITIAL = 1;

        final SimulatedCluster cluster;
        private final HistoryRecorder recorder = HistoryRecorder.withNanoClock();
        private final CountDownLatch release = new CountDownLatch(1);
        private final AtomicReference<Object> lateOutcome = new AtomicReference<>();
        private final Replication replication;
        private final Replication.Holders holders;
        private final long address;
        private final long wordOffset;
        private final Thread lateAdder;
        private int nextClient = 10;

        HeldLateWriter(final long seed) throws Exception
        {
            final CrashAfterChange trap = new CrashAfterChange(CrashAfterChange.Kind.ATOMIC);
            trap.holdInstead(release);
            cluster = trap.startCluster(NODES, 1, LATE, seed, 0);
            final Node driver = (Node)cluster.node(0);
            final DArc<Long> arc = driver.spawnOn(HOME, (x) -> x.arc(Codecs.LONG, 0L))
                .get(TIMEOUT_S, TimeUnit.SECONDS);
            address = ((SharedObjectHandle<Long>)arc).address;
            wordOffset = GlobalAddress.offset(address) + BlockDescriptor.HEADER_LENGTH + SharedObjectHandle.COUNT_OFFSET;
            replication = ((EngineHeap)driver.heap()).replication();
            holders = replication.holders(HOME);
            assertEquals(List.of(HOME, 2), List.of(holders.nodes[0], holders.nodes[1]), "the holders of slice 1");
            assertEquals(INITIAL, readAtDriver());

            final HistoryRecorder.Client lateLog = recorder.client(LATE);
            final int lateSlot = lateLog.invoke(KEY, OpKind.GET_AND_ADD, 1);
            trap.arm(replication.stride(), wordOffset);
            lateAdder = new Thread(() ->
            {
                try
                {
                    final long before = heap(cluster, LATE).fetchAdd(address, SharedObjectHandle.COUNT_OFFSET, 1);
                    lateLog.ok(lateSlot, before);
                    lateOutcome.set(before);
                }
                catch (final RuntimeException ex)
                {
                    lateOutcome.set(ex);
                }
            }, "late-adder");
            lateAdder.start();
            assertTrue(trap.awaitHeld(TIMEOUT_S, TimeUnit.SECONDS), "node 3's addition reached the tail");
            assertEquals(INITIAL + 1, countAt(1), "at the tail");
            assertEquals(INITIAL, countAt(0), "at the home");
        }

        void crashAndAwaitDeclaredDead(final int node, final int observer) throws InterruptedException
        {
            cluster.network().crash(node);
            awaitDeclaredDead(cluster, observer, node);
        }

        void addAtDriver(final long delta)
        {
            final HistoryRecorder.Client log = recorder.client(nextClient++);
            final int slot = log.invoke(KEY, OpKind.GET_AND_ADD, delta);
            log.ok(slot, heap(cluster, 0).fetchAdd(address, SharedObjectHandle.COUNT_OFFSET, delta));
        }

        long readAtDriver()
        {
            return read(recorder.client(nextClient++), heap(cluster, 0), address);
        }

        void releaseLateWriter() throws InterruptedException
        {
            release.countDown();
            lateAdder.join(TimeUnit.SECONDS.toMillis(TIMEOUT_S));
            assertTrue(lateOutcome.get() instanceof Long, "node 3's addition succeeded: " + lateOutcome.get());
        }

        // the count at holder `index` of slice 1, in its heap
        long countAt(final int index)
        {
            return wordAt(cluster, holders, index, replication, wordOffset);
        }

        public void close()
        {
            release.countDown();
            cluster.close();
            final CheckResult result = new LinearizabilityChecker(Models.counter(INITIAL)).check(recorder.history());
            assertEquals(Verdict.LINEARIZABLE, result.verdict(), String.valueOf(result));
        }
    }

    private static void awaitDeclaredDead(final SimulatedCluster cluster, final int observer, final int node)
        throws InterruptedException
    {
        final Replication replication = ((EngineHeap)heap(cluster, observer)).replication();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (!replication.checkDead(node))
        {
            assertTrue(System.nanoTime() - deadlineNs < 0, "node " + observer + " declared node " + node + " dead");
            Thread.sleep(1);
        }
    }

    static void check(
        final int nodes,
        final int replicas,
        final int home,
        final int writer,
        final int opsPerNode,
        final boolean addWhileHomeLags,
        final long seed,
        final int maxDelaySteps) throws Exception
    {
        final String schedule = "nodes=" + nodes + " replicas=" + replicas + " home=" + home + " writer=" + writer +
            " opsPerNode=" + opsPerNode + " addWhileHomeLags=" + addWhileHomeLags + " seed=" + seed +
            " maxDelaySteps=" + maxDelaySteps;
        assertTrue(home != writer && home > 0 && writer > 0, schedule);
        final HistoryRecorder recorder = HistoryRecorder.withNanoClock();
        final CrashAfterChange trap = new CrashAfterChange(CrashAfterChange.Kind.ATOMIC);
        final List<Long> readBeforeHomeDied = Collections.synchronizedList(new ArrayList<>());
        final List<Long> readAfterHomeDied = Collections.synchronizedList(new ArrayList<>());
        final List<String> homeAheadOfBackup = new ArrayList<>();
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong additions = new AtomicLong();
        final long initial;
        final long last;
        final int positionsMoved;
        try (SimulatedCluster cluster = trap.startCluster(nodes, replicas, writer, seed, maxDelaySteps))
        {
            final Node driver = (Node)cluster.node(0);
            final DArc<Long> arc = driver.spawnOn(home, (x) -> x.arc(Codecs.LONG, 0L))
                .get(TIMEOUT_S, TimeUnit.SECONDS);
            final long address = ((SharedObjectHandle<Long>)arc).address;
            assertEquals(home, GlobalAddress.nodeId(address), schedule);
            final long wordOffset = GlobalAddress.offset(address) + BlockDescriptor.HEADER_LENGTH +
                SharedObjectHandle.COUNT_OFFSET;
            final Replication replication = ((EngineHeap)driver.heap()).replication();
            initial = heap(cluster, 0).fetchAdd(address, SharedObjectHandle.COUNT_OFFSET, 0);
            final long initialWord = rawWordAtServing(cluster, replication, home, wordOffset);

            // every node adds and reads at once, the home in place, the others one-sided
            concurrently(cluster, nodes, recorder, 0, opsPerNode, seed, address, acknowledged, additions, null);

            // the writer adds and dies right after its first atomic on the word changed a holder
            final HistoryRecorder.Client writerLog = recorder.client(100 + writer);
            writerLog.invoke(KEY, OpKind.GET_AND_ADD, IN_DOUBT_DELTA); // never completes: in doubt
            trap.arm(replication.stride(), wordOffset);
            final HeapAccess atWriter = heap(cluster, writer);
            final Thread add = new Thread(() ->
            {
                try
                {
                    atWriter.fetchAdd(address, SharedObjectHandle.COUNT_OFFSET, IN_DOUBT_DELTA);
                }
                catch (final RuntimeException expected)
                {
                    // the writer is crashed: its addition fails, or is in doubt either way
                }
            }, "crashing-writer-add");
            add.setDaemon(true);
            add.start();
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
            while (!cluster.network().isCrashed(writer) && add.isAlive() && System.nanoTime() - deadlineNs < 0)
            {
                Thread.sleep(1);
            }
            assertTrue(cluster.network().isCrashed(writer), "the writer crashed after its first atomic, " + schedule);
            ReplicationFailOverProperties.awaitHandedOver(cluster, nodes);

            // the invariant itself, in the heaps: no live backup holds a smaller count than the home shows
            final Replication.Holders holders = replication.holders(home);
            final long atHome = wordAt(cluster, holders, 0, replication, wordOffset);
            for (int j = 1; j < holders.nodes.length; j++)
            {
                final long atBackup = wordAt(cluster, holders, j, replication, wordOffset);
                if (!cluster.network().isCrashed(holders.nodes[j]) && atBackup < atHome)
                {
                    homeAheadOfBackup.add("the home shows " + atHome + ", backup node " + holders.nodes[j] +
                        " holds " + atBackup);
                }
            }

            // the live nodes add and read while the home lacks the writer's addition (their swaps at the home wait
            // for it, then catch up to the holder after it), readers read at the home, then the home dies, then every
            // live node adds and reads at the backup
            if (addWhileHomeLags)
            {
                concurrently(cluster, nodes, recorder, 500, opsPerNode, seed + 2, address, acknowledged, additions,
                    readBeforeHomeDied);
            }
            for (int n = 0; n < nodes; n++)
            {
                if (n != writer)
                {
                    readBeforeHomeDied.add(read(recorder.client(200 + n), heap(cluster, n), address));
                }
            }
            cluster.network().crash(home);
            ReplicationFailOverProperties.awaitHandedOver(cluster, nodes);
            concurrently(cluster, nodes, recorder, 300, opsPerNode, seed + 1, address, acknowledged, additions,
                readAfterHomeDied);
            last = read(recorder.client(400), heap(cluster, 0), address);
            readAfterHomeDied.add(last);
            positionsMoved = positionsMoved(cluster, replication, home, wordOffset, initialWord);
            assertEquals(2, replication.failOvers(), "node 0 declared the writer and the home dead, " + schedule);
        }

        final CheckResult result = new LinearizabilityChecker(Models.counter(initial)).check(recorder.history());
        System.out.println("fetch-add fail-over " + schedule + ": read before the home died " + readBeforeHomeDied +
            ", after " + readAfterHomeDied + ", history " + result.verdict());
        final long largestBefore = Collections.max(readBeforeHomeDied);
        for (final long value : readAfterHomeDied)
        {
            assertTrue(value >= largestBefore, "a read at the backup that took over (" + value + ") is older than " +
                "one at the home before it died (" + largestBefore + "), " + schedule);
        }
        final long expected = initial + acknowledged.get();
        assertTrue(last == expected || last == expected + IN_DOUBT_DELTA, "the final count " + last +
            " is the initial " + initial + " plus every acknowledged addition once (" + acknowledged.get() +
            ") and the one in doubt at most once, " + schedule);
        assertEquals(List.of(), homeAheadOfBackup, "after the writer died, " + schedule);
        assertEquals(additions.get() + (last == expected ? 0 : 1), positionsMoved, "every addition that took " +
            "effect was decided at the last holder of a holder table, once (its position moved by one), " + schedule);
        assertEquals(Verdict.LINEARIZABLE, result.verdict(), schedule + ": " + result);
    }

    // one thread per live node, each adding or reading opsPerNode times; reads are collected into `reads` if given
    private static void concurrently(
        final SimulatedCluster cluster,
        final int nodes,
        final HistoryRecorder recorder,
        final int clientBase,
        final int opsPerNode,
        final long seed,
        final long address,
        final AtomicLong acknowledged,
        final AtomicLong additions,
        final List<Long> reads) throws InterruptedException
    {
        final List<Thread> threads = new ArrayList<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int n = 0; n < nodes; n++)
        {
            if (cluster.network().isCrashed(n))
            {
                continue;
            }
            final HeapAccess heap = heap(cluster, n);
            final HistoryRecorder.Client log = recorder.client(clientBase + n);
            final Random random = new Random(seed * 31 + n);
            final Thread thread = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < opsPerNode; i++)
                    {
                        if (random.nextInt(3) == 0)
                        {
                            final long value = read(log, heap, address);
                            if (null != reads)
                            {
                                reads.add(value);
                            }
                            continue;
                        }
                        final long delta = DELTAS[random.nextInt(DELTAS.length)];
                        final int slot = log.invoke(KEY, OpKind.GET_AND_ADD, delta);
                        final long before = heap.fetchAdd(address, SharedObjectHandle.COUNT_OFFSET, delta);
                        log.ok(slot, before);
                        acknowledged.addAndGet(delta);
                        additions.incrementAndGet();
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            }, "adder-" + n);
            threads.add(thread);
            thread.start();
        }
        for (final Thread thread : threads)
        {
            thread.join(TimeUnit.SECONDS.toMillis(TIMEOUT_S));
            assertTrue(!thread.isAlive(), thread.getName() + " finished");
        }
        if (null != failure.get())
        {
            throw new AssertionError("an addition or read failed", failure.get());
        }
    }

    private static long read(final HistoryRecorder.Client log, final HeapAccess heap, final long address)
    {
        final int slot = log.invoke(KEY, OpKind.READ, 0);
        final long value = heap.fetchAdd(address, SharedObjectHandle.COUNT_OFFSET, 0);
        log.ok(slot, value);
        return value;
    }

    private static HeapAccess heap(final SimulatedCluster cluster, final int node)
    {
        return ((Node)cluster.node(node)).heap();
    }

    // the whole count word at the holder now serving the slice, position included
    private static long rawWordAtServing(
        final SimulatedCluster cluster, final Replication replication, final int slice, final long wordOffset)
    {
        final Replication.Holders holders = replication.holders(slice);
        final int index = replication.servingHolder(slice);
        return ((EngineHeap)((Node)cluster.node(holders.nodes[index])).heap()).region()
            .getLongVolatile(replication.base(holders.slots[index]) + wordOffset);
    }

    // how far the position of the serving holder's count word moved since `initialWord`: the additions it has
    private static int positionsMoved(
        final SimulatedCluster cluster,
        final Replication replication,
        final int slice,
        final long wordOffset,
        final long initialWord)
    {
        final long word = rawWordAtServing(cluster, replication, slice, wordOffset);
        return (int)((word >>> CountWord.COUNT_BITS) - (initialWord >>> CountWord.COUNT_BITS));
    }

    private static long wordAt(
        final SimulatedCluster cluster,
        final Replication.Holders holders,
        final int index,
        final Replication replication,
        final long wordOffset)
    {
        return CountWord.count(CrashAfterChange.rawWordAt(cluster, holders, index, replication, wordOffset));
    }
}
