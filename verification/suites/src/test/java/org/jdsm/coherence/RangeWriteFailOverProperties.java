package org.jdsm.coherence;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import org.jdsm.Codecs;
import org.jdsm.DMutex;
import org.jdsm.Mut;
import org.jdsm.linearizability.CheckResult;
import org.jdsm.linearizability.HistoryRecorder;
import org.jdsm.linearizability.LinearizabilityChecker;
import org.jdsm.linearizability.Models;
import org.jdsm.linearizability.OpKind;
import org.jdsm.linearizability.Verdict;
import org.jdsm.simulator.SimulatedCluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.jdsm.coherence.BlockDescriptor.HEADER_LENGTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Byte ranges under replication, on the simulator: a range a peer writes into a slice is visible at the slice's
 * home only once every backup has it, so when the home dies (or is cut off) after a reader saw the range there, the
 * backup that takes over serves it too.
 * <p>
 * The range is a {@link DMutex}'s value, written back at the home by a holder on another node (the writer) when it
 * unlocks. The writer is crashed by its own transport right after its first one-sided write of the value reached a
 * holder of the slice (with the home-first order of before: the home, before the mirror to the backups was sent).
 * The live nodes declare it dead; a reader on the home and readers on the other nodes then take the lock over from
 * the dead writer and read the value at the home (in place there, by a one-sided read from elsewhere); then the home
 * crashes, and every live node locks and reads the value at the backup that took the slice over. Checked: if the home
 * showed the writer's value, every live backup held it before the home died; no read after the take-over returns a
 * value older than one read before it; the history (the writer's write in doubt) is linearizable as a register.
 * With the home-first order of before (at {@code 96a8d5b}) both examples fail: the home shows the writer's 999, its
 * backup 101 (102), the readers read 999 at the home and then 101 (102) at the backup, and the checker finds the
 * history not linearizable.
 */
class RangeWriteFailOverProperties
{
    static final long TIMEOUT_S = 60;
    static final long IN_DOUBT_VALUE = 999;
    static final String KEY = "mutex";

    @Property(tries = 6)
    void aRangeVisibleAtTheHomeIsAtEveryBackupWhenTheHomeDies(
        @ForAll @IntRange(min = 3, max = 5) final int nodes,
        @ForAll @IntRange(min = 1, max = 2) final int replicas,
        @ForAll @IntRange(min = 1, max = 4) final int homeDraw,
        @ForAll @IntRange(min = 1, max = 3) final int writerDraw,
        @ForAll @IntRange(min = 0, max = 4) final int writesBefore,
        @ForAll final boolean homeReadsFirst,
        @ForAll final long seed,
        @ForAll @IntRange(min = 0, max = 3) final int maxDelaySteps) throws Exception
    {
        // node 0, the driver, never crashes: the home and the writer are two other nodes
        final int home = CrashAfterChange.home(nodes, homeDraw);
        final int writer = CrashAfterChange.writer(nodes, home, writerDraw);
        check(nodes, replicas, home, writer, writesBefore, homeReadsFirst, seed, maxDelaySteps);
    }

    @Example
    void aMutexValueWrittenBackByAWriterThatDiesHalfWay() throws Exception
    {
        // slice 2 is held by node 2 (home) and node 0 (backup); node 1 writes the value back and dies half-way
        check(3, 1, 2, 1, 2, true, 7, 0);
    }

    @Example
    void aMutexValueReadByOneSidedReadsAtTheHomeWithTwoBackups() throws Exception
    {
        check(4, 2, 1, 3, 3, false, -41, 2);
    }

    static void check(
        final int nodes,
        final int replicas,
        final int home,
        final int writer,
        final int writesBefore,
        final boolean homeReadsFirst,
        final long seed,
        final int maxDelaySteps) throws Exception
    {
        final String schedule = "nodes=" + nodes + " replicas=" + replicas + " home=" + home + " writer=" + writer +
            " writesBefore=" + writesBefore + " homeReadsFirst=" + homeReadsFirst + " seed=" + seed +
            " maxDelaySteps=" + maxDelaySteps;
        assertTrue(home != writer && home > 0 && writer > 0, schedule);
        final HistoryRecorder recorder = HistoryRecorder.withNanoClock();
        final CrashAfterChange trap = new CrashAfterChange(CrashAfterChange.Kind.WRITE);
        final List<Long> readBeforeHomeDied = new ArrayList<>();
        final List<Long> readAfterHomeDied = new ArrayList<>();
        final List<String> homeWithoutBackup = new ArrayList<>();
        long lastCompleted = 0;
        try (SimulatedCluster cluster = trap.startCluster(nodes, replicas, writer, seed, maxDelaySteps))
        {
            final Node driver = (Node)cluster.node(0);
            final DMutex<Long> mutex = driver.spawnOn(home, (x) -> x.mutex(Codecs.LONG, 0L))
                .get(TIMEOUT_S, TimeUnit.SECONDS);
            final MutexHandle<Long> atDriver = (MutexHandle<Long>)mutex;
            assertEquals(home, GlobalAddress.nodeId(atDriver.address), schedule);
            // the write-back is one range from the value's length word on; the value follows the length
            final long rangeOffset = GlobalAddress.offset(atDriver.address) + HEADER_LENGTH +
                MutexHandle.VALUE_LENGTH_OFFSET;
            final long valueOffset = GlobalAddress.offset(atDriver.address) + HEADER_LENGTH + MutexHandle.VALUE_OFFSET;
            final Replication replication = ((EngineHeap)driver.heap()).replication();
            final List<DMutex<Long>> handles = new ArrayList<>();
            for (int n = 0; n < nodes; n++)
            {
                handles.add(handleOn((Node)cluster.node(n), mutex));
            }
            final HistoryRecorder.Client initialLog = recorder.client(nodes);
            initialLog.ok(initialLog.invoke(KEY, OpKind.WRITE, 0L));

            // completed writes from random nodes, so the value in doubt follows a history
            final Random random = new Random(seed);
            for (int i = 0; i < writesBefore; i++)
            {
                final int n = random.nextInt(nodes);
                final long value = 100 + i;
                final HistoryRecorder.Client log = recorder.client(n);
                final int slot = log.invoke(KEY, OpKind.WRITE, value);
                try (Mut<Long> mut = handles.get(n).lock())
                {
                    mut.setLong(value);
                }
                log.ok(slot);
                lastCompleted = value;
            }

            // the writer locks, writes, and dies right after its first write of the value reached a holder
            final HistoryRecorder.Client writerLog = recorder.client(writer);
            final Mut<Long> held = handles.get(writer).lock();
            writerLog.invoke(KEY, OpKind.WRITE, IN_DOUBT_VALUE); // never completes: in doubt
            held.setLong(IN_DOUBT_VALUE);
            trap.arm(replication.stride(), rangeOffset);
            // on a thread of the writer's own: once crashed, its unlock fails only after waiting out the operation
            // timeout at the gates it closed (the hand-overs it started never complete on a crashed node)
            final Thread unlock = new Thread(() ->
            {
                try
                {
                    held.close();
                }
                catch (final RuntimeException expected)
                {
                    // the writer is crashed: its unlock fails, or is in doubt either way
                }
            }, "crashing-writer-unlock");
            unlock.setDaemon(true);
            unlock.start();
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
            while (!cluster.network().isCrashed(writer) && unlock.isAlive() && System.nanoTime() - deadlineNs < 0)
            {
                Thread.sleep(1);
            }
            assertTrue(cluster.network().isCrashed(writer), "the writer crashed after its first range write, " +
                schedule);
            ReplicationFailOverProperties.awaitHandedOver(cluster, nodes);

            // the invariant itself, in the heaps: bytes the home shows are at every live backup
            final Replication.Holders holders = replication.holders(home);
            final long atHome = valueAt(cluster, holders, 0, replication, valueOffset);
            for (int j = 1; j < holders.nodes.length; j++)
            {
                final long atBackup = valueAt(cluster, holders, j, replication, valueOffset);
                if (!cluster.network().isCrashed(holders.nodes[j]) && IN_DOUBT_VALUE == atHome &&
                    IN_DOUBT_VALUE != atBackup)
                {
                    homeWithoutBackup.add("the home shows the writer's value " + IN_DOUBT_VALUE + ", backup node " +
                        holders.nodes[j] + " holds " + atBackup);
                }
            }

            // readers take the lock over from the dead writer and read at the home: in place there, one-sided
            // from the others
            for (final int n : readers(nodes, home, writer, homeReadsFirst))
            {
                readBeforeHomeDied.add(read(recorder, n, handles.get(n)));
            }

            cluster.network().crash(home);
            ReplicationFailOverProperties.awaitHandedOver(cluster, nodes);
            for (int n = 0; n < nodes; n++)
            {
                if (!cluster.network().isCrashed(n))
                {
                    readAfterHomeDied.add(read(recorder, n, handles.get(n)));
                }
            }
            assertEquals(2, replication.failOvers(), "node 0 declared the writer and the home dead, " + schedule);
        }

        final CheckResult result = new LinearizabilityChecker(Models.register(0)).check(recorder.history());
        System.out.println("range write fail-over " + schedule + ": read before the home died " +
            readBeforeHomeDied + ", after " + readAfterHomeDied + ", history " + result.verdict());
        final long before = readBeforeHomeDied.get(0);
        for (final long value : readBeforeHomeDied)
        {
            assertEquals(before, value, "every read at the home saw one value, " + schedule);
            assertTrue(value == lastCompleted || value == IN_DOUBT_VALUE, "a written value, " + schedule);
        }
        for (final long value : readAfterHomeDied)
        {
            assertTrue(value == IN_DOUBT_VALUE || before != IN_DOUBT_VALUE,
                "the writer's value, read at the home before it died, was lost at the backup that took over (read " +
                value + "), " + schedule);
        }
        assertEquals(Verdict.LINEARIZABLE, result.verdict(), schedule + ": " + result);
        assertEquals(List.of(), homeWithoutBackup, "before the home died, " + schedule);
    }

    private static List<Integer> readers(
        final int nodes, final int home, final int writer, final boolean homeReadsFirst)
    {
        final List<Integer> readers = new ArrayList<>();
        for (int n = 0; n < nodes; n++)
        {
            if (n != home && n != writer)
            {
                readers.add(n);
            }
        }
        readers.add(homeReadsFirst ? 0 : readers.size(), home);
        return readers;
    }

    private static long read(final HistoryRecorder recorder, final int node, final DMutex<Long> handle)
    {
        final HistoryRecorder.Client log = recorder.client(node);
        final int slot = log.invoke(KEY, OpKind.READ, 0);
        final long value;
        try (Mut<Long> mut = handle.lock())
        {
            value = mut.getLong();
        }
        log.ok(slot, value);
        return value;
    }

    private static long valueAt(
        final SimulatedCluster cluster,
        final Replication.Holders holders,
        final int index,
        final Replication replication,
        final long valueOffset)
    {
        return CrashAfterChange.rawWordAt(cluster, holders, index, replication, valueOffset);
    }

    private static DMutex<Long> handleOn(final Node node, final DMutex<Long> mutex)
    {
        final MutexHandle<Long> handle = (MutexHandle<Long>)mutex;
        handle.addReference();
        return new MutexHandle<>(node.heap(), Codecs.LONG, handle.address, handle.length);
    }
}
