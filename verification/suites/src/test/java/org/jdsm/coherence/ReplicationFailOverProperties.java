package org.jdsm.coherence;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import org.jdsm.Codecs;
import org.jdsm.DArc;
import org.jdsm.DBox;
import org.jdsm.DCell;
import org.jdsm.DsmConfig;
import org.jdsm.NodeCounters;
import org.jdsm.Ref;
import org.jdsm.linearizability.CheckResult;
import org.jdsm.linearizability.History;
import org.jdsm.linearizability.HistoryRecorder;
import org.jdsm.linearizability.LinearizabilityChecker;
import org.jdsm.linearizability.Models;
import org.jdsm.linearizability.OpKind;
import org.jdsm.linearizability.Verdict;
import org.jdsm.simulator.SimulatedCluster;
import org.jdsm.simulator.SimulatedNetwork;
import org.jdsm.simulator.fault.SenderPauseTransportProvider;
import org.jdsm.spi.TransportProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code jdsm.replicas=1}, a random workload of boxes, cells and arcs on 3 to 5 simulated nodes loses nothing
 * when one random node (never node 0, the driver) crashes at a random step: every acknowledged write reads back,
 * every object's value equals the model's after the fail-over, the history is linearizable, and objects homed on
 * the crashed node were among those read back after the crash (so the property fails without backups).
 */
class ReplicationFailOverProperties
{
    static final int OPS_PER_CLIENT = 120;
    static final int CLIENTS = 2;
    static final int HOT_BOXES = 6;
    static final long TIMEOUT_S = 60;
    static final long ARC_VALUE = 42;

    @Property(tries = 12)
    void noAcknowledgedWriteIsLostAndTheHistoryIsLinearizableWhenANonDriverNodeCrashes(
        @ForAll @IntRange(min = 3, max = 5) final int nodes,
        @ForAll @IntRange(min = 1, max = 4) final int victimDraw,
        @ForAll @IntRange(min = 0, max = OPS_PER_CLIENT - 1) final int crashStep,
        @ForAll final long seed,
        @ForAll @IntRange(min = 0, max = 4) final int maxDelaySteps) throws Exception
    {
        final int victim = 1 + (victimDraw - 1) % (nodes - 1);
        check(nodes, victim, crashStep, seed, maxDelaySteps);
    }

    @Example
    void crashOfNodeZerosBackupAtTheFirstStepLosesNothing() throws Exception
    {
        check(3, 1, 0, 7, 2);
    }

    @Example
    void crashOfTheLastOfFiveNodesMidwayLosesNothing() throws Exception
    {
        check(5, 4, OPS_PER_CLIENT / 2, 11, 3);
    }

    @Example
    void aSwapInFlightAtTheDyingBackupsHomeIsNotFreedTwice() throws Exception
    {
        // found by the property: node 1 died holding node 0's backup while both clients swapped cells; the mirror
        // of a swap then overwrote the backup and a swap in flight was reported failed although it had landed
        check(4, 1, 102, -24, 2);
    }

    @Example
    void aFollowerWhoseEveryLaterHolderDiedDecidesItsAdditionAgain() throws Exception
    {
        // found by the property (failed once in CI, about 1 run in 20 of this schedule): node 3, the last holder of
        // node 2's slice, died after deciding two drops of an arc's count by node 0's clients; one client's answer
        // was lost and it decided its drop again at node 2, so node 2 never reached the value the other's swap
        // waited for, and that fetch-add failed as in doubt. The schedule's timing varies: it is run 40 times.
        for (int i = 0; i < 40; i++)
        {
            check(5, 3, 1, -19219, 1);
        }
    }

    @Example
    void aSwapDecidedOnlyAtTheDeadTailIsDecidedAgainAndTheHandOverDrains() throws Exception
    {
        // found by the property (failed once in CI; 3 times in 2,138 runs of this schedule): a client of node 0
        // swapped a cell of node 1's slice at its tail, node 2, whose own earlier swap had not reached node 1 when
        // node 2 died. The client waited at node 1 for that swap until the decision timeout while admitted at the
        // slice's gate, so node 1's hand-over could not drain the slice and the operations waiting at the gate
        // timed out (5 s). The schedule's timing varies: it is run 1,000 times (~40 s), which caught it about 3
        // times in 4.
        for (int i = 0; i < 1000; i++)
        {
            check(3, 2, 74, -12, 1);
        }
    }

    @Example
    void aHandOverIsCountedBeforeItsHoldersAreSeenEvenWhenItsCoordinatorStallsAfterSendingThem() throws Exception
    {
        // the coordinator's thread pauses after each holder list it sends: every live node installs the new holders
        // meanwhile (until 2026-12-07 the hand-over was counted after the sends, and this read 0 of 2; the schedule
        // above without the pause read 1 of 2 about once in CI)
        final UnaryOperator<TransportProvider> pausing = (inner) -> new SenderPauseTransportProvider(
            inner,
            (from, to, buffer, offset, length) -> ControlMessageDescriptor.HANDED_OVER_TYPE ==
                new ControlMessageFlyweight().wrapForRead(buffer, offset).type(),
            200, TimeUnit.MILLISECONDS);
        check(3, 1, 0, 7, 2, pausing);
    }

    @Example
    void withoutReplicasTheSameCrashLosesTheCrashedNodesObjects() throws Exception
    {
        // the negative control: the workload and its checks fail when there are no backups
        final Outcome outcome = run(3, 2, 10, 5, 2, 0, true);
        assertTrue(outcome.errors.get() > 0, "operations on node 2's objects fail without a backup");
        Throwable cause = outcome.firstError;
        while (null != cause && !(cause instanceof org.jdsm.NodeUnavailableException))
        {
            cause = cause.getCause();
        }
        assertTrue(null != cause && 2 == ((org.jdsm.NodeUnavailableException)cause).nodeId(),
            "the first failure names node 2: " + outcome.firstError);
    }

    @Example
    void backupsCostMessagesButNoFetchedBytesOnTheSameWorkloadWithoutACrash() throws Exception
    {
        // the measurement: the same seeded workload on 3 nodes, replicas=0 then 1, in one run
        final Outcome none = run(3, 2, 0, 3, 0, 0, false);
        final Outcome one = run(3, 2, 0, 3, 0, 1, false);
        assertEquals(0, none.errors.get(), String.valueOf(none.firstError));
        assertEquals(0, one.errors.get(), String.valueOf(one.firstError));
        assertEquals(0, none.mirrorOperations);
        assertTrue(one.mirrorOperations > 0, "replicas=1 mirrors");
        System.out.printf("replication cost, 3 nodes, %d client ops: replicas=0: %.2f messages/op (a one-sided op is 2: request, response), %.1f fetched " +
            "bytes/op; replicas=1: %.2f messages/op (%.2f mirror operations/op, 2 messages each), %.1f fetched bytes/op, %.1f mirrored " +
            "bytes/op; messages ratio %.2f%n",
            none.operations, (double)none.delivered / none.operations, (double)none.fetchedBytes / none.operations,
            (double)one.delivered / one.operations, (double)one.mirrorOperations / one.operations,
            (double)one.fetchedBytes / one.operations, (double)one.mirrorBytes / one.operations,
            (double)one.delivered / none.delivered);
    }

    static void check(
        final int nodes, final int victim, final int crashStep, final long seed, final int maxDelaySteps)
        throws Exception
    {
        check(nodes, victim, crashStep, seed, maxDelaySteps, UnaryOperator.identity());
    }

    static void check(
        final int nodes,
        final int victim,
        final int crashStep,
        final long seed,
        final int maxDelaySteps,
        final UnaryOperator<TransportProvider> transport)
        throws Exception
    {
        final String schedule = "nodes=" + nodes + " victim=" + victim + " crashStep=" + crashStep + " seed=" + seed +
            " maxDelaySteps=" + maxDelaySteps;
        final Outcome outcome = run(
            nodes, new int[]{victim}, new int[]{crashStep}, seed, maxDelaySteps, 1, transport);
        System.out.println("replication " + schedule + ": homed on victim at crash=" + outcome.homedOnVictimAtCrash +
            " read back=" + outcome.homedOnVictimReadBack + " objects=" + outcome.objects + " ops=" +
            outcome.history.size() + " mirrorOps=" + outcome.mirrorOperations + " delivered=" + outcome.delivered +
            " hand-overs=" + outcome.handOvers + " hand-over ms mean=" +
            String.format("%.2f", outcome.handOverNanos / 1e6 / Math.max(1, outcome.handOvers)) + " max=" +
            String.format("%.2f", outcome.maxHandOverNanos / 1e6) + " hand-over messages=" + outcome.handOverMessages +
            " re-replicated=" + outcome.slicesReReplicated + " bytes copied=" + outcome.bytesCopied);

        assertEquals(0, outcome.errors.get(), "operations that failed, " + schedule + ": " + outcome.firstError);
        assertTrue(outcome.homedOnVictimAtCrash > 0, "objects homed on node " + victim + " at the crash, " + schedule);
        assertEquals(outcome.homedOnVictimAtCrash, outcome.homedOnVictimReadBack,
            "objects homed on the crashed node read back equal to the model, " + schedule);
        assertEquals(outcome.objects, outcome.objectsEqualToModel, "objects equal to the model, " + schedule);
        assertEquals(1, outcome.failOversAtDriver, "node 0 declared node " + victim + " dead, " + schedule);
        assertEquals(2, outcome.handOvers, "the victim's slice and the one it backed up were handed over, " + schedule);
        assertEquals(2, outcome.slicesReReplicated, "both got a new copy in a spare slot, " + schedule);
        assertEquals(0, outcome.history.pendingCount(), "every op returned, " + schedule);
        assertEquals(Verdict.LINEARIZABLE, outcome.verdict.verdict(), schedule + ": " + outcome.verdict);
    }

    static final class Outcome
    {
        final AtomicInteger errors = new AtomicInteger();
        volatile Throwable firstError;
        int homedOnVictimAtCrash;
        int homedOnVictimReadBack;
        int objects;
        int objectsEqualToModel;
        long failOversAtDriver;
        History history;
        CheckResult verdict;
        long operations;
        long delivered;
        long mirrorOperations;
        long mirrorBytes;
        long fetchedBytes;
        int handOversCompletedBeforeNextCrash;
        long handOvers;
        long handOverNanos;
        long maxHandOverNanos;
        long handOverMessages;
        long slicesReReplicated;
        long bytesCopied;
        long underReplicated;
    }

    static Outcome run(
        final int nodes,
        final int victim,
        final int crashStep,
        final long seed,
        final int maxDelaySteps,
        final int replicas,
        final boolean crash) throws Exception
    {
        return run(
            nodes,
            crash ? new int[]{victim} : new int[0],
            new int[]{crashStep},
            seed,
            maxDelaySteps,
            replicas,
            UnaryOperator.identity());
    }

    /**
     * The workload, crashing {@code victims[k]} at client 0's step {@code crashSteps[k]}; before each crash but the
     * first, client 0 waits until every live node has installed the hand-overs of the crashes before it. Each node's
     * transport is made by {@code transport} applied to the simulated network's provider.
     */
    static Outcome run(
        final int nodes,
        final int[] victims,
        final int[] crashSteps,
        final long seed,
        final int maxDelaySteps,
        final int replicas,
        final UnaryOperator<TransportProvider> transport) throws Exception
    {
        final boolean crash = victims.length > 0;
        final Outcome outcome = new Outcome();
        final HistoryRecorder recorder = HistoryRecorder.withNanoClock();
        final Consumer<DsmConfig> config = (c) -> c
            .replicas(replicas)
            .heapSize(1024 * 1024)
            .cacheSize(512 * 1024)
            .maxObjectSize(16 * 1024)
            .workerThreads(2)
            .operationTimeoutNs(TimeUnit.SECONDS.toNanos(5))
            .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(20))
            .transportProvider(transport.apply(c.transportProvider()));
        try (SimulatedCluster cluster = SimulatedCluster.start(
            new SimulatedNetwork.Context().seed(seed).maxDelaySteps(maxDelaySteps).reorder(maxDelaySteps > 0),
            nodes, config, Node::new))
        {
            final Node driver = (Node)cluster.node(0);
            final Random random = new Random(seed);

            // objects on every node: a box never written, a cell, an arc; hot boxes anywhere
            final List<DBox<Long>> boxes = new ArrayList<>();
            final List<Long> boxModel = new ArrayList<>();
            final List<Boolean> hot = new ArrayList<>();
            final List<DCell<Long>> cells = new ArrayList<>();
            final List<DArc<Long>> arcs = new ArrayList<>();
            for (int n = 0; n < nodes; n++)
            {
                boxes.add(driver.allocOn(n, Codecs.LONG, 1000L + n));
                boxModel.add(1000L + n);
                hot.add(false);
                final int home = n;
                cells.add(driver.spawnOn(home, (x) -> x.cell(Codecs.LONG, 0L)).get(TIMEOUT_S, TimeUnit.SECONDS));
                arcs.add(driver.spawnOn(home, (x) -> x.arc(Codecs.LONG, ARC_VALUE)).get(TIMEOUT_S, TimeUnit.SECONDS));
            }
            for (int i = 0; i < HOT_BOXES; i++)
            {
                boxes.add(driver.allocOn(random.nextInt(nodes), Codecs.LONG, (long)i));
                boxModel.add((long)i);
                hot.add(true);
            }

            // boxes start at their allocation values: the history says so with a write before everything else
            final HistoryRecorder.Client initialLog = recorder.client(CLIENTS + 1);
            for (int i = 0; i < boxes.size(); i++)
            {
                initialLog.ok(initialLog.invoke("box-" + i, OpKind.WRITE, boxModel.get(i)));
            }

            final long deliveredBefore = cluster.network().deliveredCount();
            final long fetchedBefore = fetchedBytes(cluster, nodes, victims);
            final CountDownLatch crashed = new CountDownLatch(1);
            final int[] homedAtCrash = new int[1];
            final List<Integer> victimObjects = new ArrayList<>();
            final List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++)
            {
                final int clientId = c;
                final HistoryRecorder.Client log = recorder.client(c);
                final Random clientRandom = new Random(seed * 31 + c);
                final Thread thread = new Thread(() ->
                {
                    for (int step = 0; step < OPS_PER_CLIENT; step++)
                    {
                        for (int k = 0; 0 == clientId && k < victims.length; k++)
                        {
                            if (step != crashSteps[k])
                            {
                                continue;
                            }
                            if (k > 0)
                            {
                                awaitHandedOver(cluster, nodes);
                                outcome.handOversCompletedBeforeNextCrash++;
                            }
                            synchronized (victimObjects)
                            {
                                for (int i = 0; i < boxes.size(); i++)
                                {
                                    if (GlobalAddress.nodeId(boxes.get(i).address()) == victims[k] &&
                                        !victimObjects.contains(i))
                                    {
                                        victimObjects.add(i);
                                    }
                                }
                                homedAtCrash[0] = victimObjects.size() + 2 * (k + 1); // + victims' cells, arcs
                            }
                            cluster.network().crash(victims[k]);
                            crashed.countDown();
                        }
                        try
                        {
                            if (0 == clientId && clientRandom.nextInt(8) == 0)
                            {
                                writeOnPeer(driver, nodes, cluster.network(), clientRandom, log, boxes, boxModel);
                            }
                            else
                            {
                                step(clientId, clientRandom, log, boxes, boxModel, hot, cells, arcs);
                            }
                        }
                        catch (final Throwable ex)
                        {
                            recordError(outcome, ex);
                        }
                    }
                }, "replication-client-" + c);
                clients.add(thread);
                thread.start();
            }
            for (final Thread client : clients)
            {
                client.join(TimeUnit.SECONDS.toMillis(TIMEOUT_S));
                assertTrue(!client.isAlive(), client.getName() + " did not finish");
            }
            outcome.operations = (long)CLIENTS * OPS_PER_CLIENT;
            outcome.delivered = cluster.network().deliveredCount() - deliveredBefore;
            outcome.fetchedBytes = fetchedBytes(cluster, nodes, victims) - fetchedBefore;
            if (crash && replicas > 0)
            {
                awaitHandedOver(cluster, nodes); // a crash near the end: its hand-overs may still run
            }
            for (int n = 0; n < nodes; n++)
            {
                final Replication replication = ((EngineHeap)((Node)cluster.node(n)).heap()).replication();
                if (null != replication)
                {
                    // a victim coordinated hand-overs before it crashed in turn: its counts are read in-process
                    final SliceHandover handover = replication.handover();
                    outcome.handOvers += handover.handOvers();
                    outcome.handOverNanos += handover.handOverNanos();
                    outcome.maxHandOverNanos = Math.max(outcome.maxHandOverNanos, handover.maxHandOverNanos());
                    outcome.handOverMessages += handover.messagesSent();
                    outcome.slicesReReplicated += handover.slicesReReplicated();
                    outcome.bytesCopied += handover.bytesCopied();
                    outcome.underReplicated += handover.underReplicated();
                }
                if (!isVictim(victims, n))
                {
                    if (null != replication)
                    {
                        outcome.mirrorOperations += replication.mirrorOperations();
                        outcome.mirrorBytes += replication.mirrorBytes();
                    }
                }
            }

            // after the fail-over: every object reads back as the model says, from node 0
            final HistoryRecorder.Client finalLog = recorder.client(CLIENTS);
            for (int i = 0; i < boxes.size(); i++)
            {
                outcome.objects++;
                final int slot = finalLog.invoke("box-" + i, OpKind.READ, 0);
                try (Ref<Long> ref = boxes.get(i).read())
                {
                    final long value = ref.getLong();
                    finalLog.ok(slot, value);
                    if (value == boxModel.get(i))
                    {
                        outcome.objectsEqualToModel++;
                        if (victimObjects.contains(i))
                        {
                            outcome.homedOnVictimReadBack++;
                        }
                    }
                }
                catch (final RuntimeException ex)
                {
                    finalLog.fail(slot);
                    recordError(outcome, ex);
                }
            }
            for (int n = 0; n < nodes; n++)
            {
                outcome.objects++;
                final int slot = finalLog.invoke("cell-" + n, OpKind.READ, 0);
                try
                {
                    finalLog.ok(slot, cells.get(n).get());
                    final long arcValue = arcs.get(n).get();
                    final long count = arcs.get(n).referenceCount();
                    if (ARC_VALUE == arcValue && 1 == count)
                    {
                        outcome.objectsEqualToModel++;
                        if (isVictim(victims, n))
                        {
                            outcome.homedOnVictimReadBack += 2; // its cell's read is checked by the history
                        }
                    }
                }
                catch (final RuntimeException ex)
                {
                    finalLog.fail(slot);
                    recordError(outcome, ex);
                }
            }
            outcome.homedOnVictimAtCrash = crash ? homedAtCrash[0] : 0;
            final Replication atDriver = ((EngineHeap)driver.heap()).replication();
            outcome.failOversAtDriver = null == atDriver ? 0 : atDriver.failOvers();
        }

        outcome.history = recorder.history();
        final History boxHistory = outcome.history.withKeysStartingWith("box-");
        final History cellHistory = outcome.history.withKeysStartingWith("cell-");
        final CheckResult boxes = new LinearizabilityChecker(Models.register(0)).check(boxHistory);
        final CheckResult cells = new LinearizabilityChecker(Models.register(0)).check(cellHistory);
        outcome.verdict = Verdict.LINEARIZABLE == boxes.verdict() ? cells : boxes;

        return outcome;
    }

    private static boolean isVictim(final int[] victims, final int node)
    {
        for (final int victim : victims)
        {
            if (victim == node)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Wait until every live node has installed a holder list without a crashed node for every slice.
     */
    static void awaitHandedOver(final SimulatedCluster cluster, final int nodes)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (!isHandedOver(cluster, nodes))
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("the hand-overs did not complete within " + TIMEOUT_S + " s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
        }
    }

    static boolean isHandedOver(final SimulatedCluster cluster, final int nodes)
    {
        for (int n = 0; n < nodes; n++)
        {
            if (cluster.network().isCrashed(n))
            {
                continue;
            }
            final Replication replication = ((EngineHeap)((Node)cluster.node(n)).heap()).replication();
            for (int slice = 0; slice < nodes; slice++)
            {
                for (final int holder : replication.holders(slice).nodes)
                {
                    if (cluster.network().isCrashed(holder))
                    {
                        return false;
                    }
                }
                if (replication.gate().isClosed(slice))
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static void recordError(final Outcome outcome, final Throwable ex)
    {
        if (outcome.errors.getAndIncrement() == 0)
        {
            outcome.firstError = ex;
        }
    }

    /**
     * Client 0 writes one of its hot boxes in a task on a peer (before the crash, perhaps the one that will crash),
     * which moves the box there: the value is then only at that peer and its backup, and it must survive the peer.
     */
    private static void writeOnPeer(
        final Node driver,
        final int nodes,
        final SimulatedNetwork network,
        final Random random,
        final HistoryRecorder.Client log,
        final List<DBox<Long>> boxes,
        final List<Long> boxModel) throws Exception
    {
        // hot boxes follow one cold box per node; client 0 owns the even indices
        final int firstOwned = nodes % CLIENTS == 0 ? nodes : nodes + 1;
        final int index = firstOwned + CLIENTS * random.nextInt(HOT_BOXES / CLIENTS);
        int peer = 1 + random.nextInt(nodes - 1);
        if (network.isCrashed(peer))
        {
            peer = 1 + peer % (nodes - 1);
            if (network.isCrashed(peer))
            {
                return;
            }
        }
        final long value = 2_000_000 + random.nextInt(1_000_000);
        final DBox<Long> box = boxes.get(index);
        final int slot = log.invoke("box-" + index, OpKind.WRITE, value);
        final DBox<Long> moved = driver.spawnOn(peer, (n) ->
        {
            try (org.jdsm.Mut<Long> mut = box.write())
            {
                mut.setLong(value);
            }
            return box;
        }).get(TIMEOUT_S, TimeUnit.SECONDS);
        log.ok(slot);
        synchronized (boxModel)
        {
            boxes.set(index, moved);
            boxModel.set(index, value);
        }
    }

    private static void step(
        final int clientId,
        final Random random,
        final HistoryRecorder.Client log,
        final List<DBox<Long>> boxes,
        final List<Long> boxModel,
        final List<Boolean> hot,
        final List<DCell<Long>> cells,
        final List<DArc<Long>> arcs)
    {
        final int choice = random.nextInt(10);
        if (choice < 4)
        {
            // a box: hot boxes are read and written only by the client owning them, cold ones read by all
            final int i = random.nextInt(boxes.size());
            if (hot.get(i) && i % CLIENTS != clientId)
            {
                return;
            }
            if (hot.get(i) && random.nextBoolean())
            {
                final long value = random.nextInt(1_000_000);
                log.write("box-" + i, boxes.get(i), value);
                synchronized (boxModel)
                {
                    boxModel.set(i, value);
                }
                return;
            }
            final int slot = log.invoke("box-" + i, OpKind.READ, 0);
            try (Ref<Long> ref = boxes.get(i).read())
            {
                log.ok(slot, ref.getLong());
            }
        }
        else if (choice < 8)
        {
            final int n = random.nextInt(cells.size());
            final DCell<Long> cell = cells.get(n);
            final int op = random.nextInt(3);
            if (0 == op)
            {
                final int slot = log.invoke("cell-" + n, OpKind.READ, 0);
                log.ok(slot, cell.get());
            }
            else if (1 == op)
            {
                final long value = random.nextInt(1000);
                final int slot = log.invoke("cell-" + n, OpKind.WRITE, value);
                cell.set(value);
                log.ok(slot);
            }
            else
            {
                final long expected = random.nextInt(4) == 0 ? random.nextInt(1000) : cell.get();
                final long update = random.nextInt(1000);
                final int slot = log.invoke("cell-" + n, OpKind.COMPARE_AND_SET, expected, update);
                log.ok(slot, cell.compareAndSet(expected, update) ? 1 : 0);
            }
        }
        else
        {
            // an arc's count goes up and down again (fetch-adds at its home, mirrored); its value never changes
            final DArc<Long> arc = arcs.get(random.nextInt(arcs.size()));
            try (DArc<Long> share = arc.share())
            {
                assertEquals(ARC_VALUE, share.get());
            }
        }
    }

    // bytes read from peers (copies fetched, objects moved in), summed over the nodes but a crashed one
    private static long fetchedBytes(final SimulatedCluster cluster, final int nodes, final int[] skip)
    {
        long sum = 0;
        for (int n = 0; n < nodes; n++)
        {
            if (!isVictim(skip, n))
            {
                final NodeCounters counters = cluster.node(n).counters();
                sum += counters.get(NodeCounters.Counter.BYTES_FETCHED) +
                    counters.get(NodeCounters.Counter.BYTES_MOVED_IN);
            }
        }
        return sum;
    }
}
