package org.jdsm.coherence;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import org.jdsm.Codecs;
import org.jdsm.DMutex;
import org.jdsm.DsmConfig;
import org.jdsm.Mut;
import org.jdsm.linearizability.CheckResult;
import org.jdsm.linearizability.HistoryRecorder;
import org.jdsm.linearizability.LinearizabilityChecker;
import org.jdsm.linearizability.Models;
import org.jdsm.linearizability.OpKind;
import org.jdsm.linearizability.Verdict;
import org.jdsm.simulator.SimulatedCluster;
import org.jdsm.simulator.SimulatedNetwork;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code jdsm.replicas=1}, clients on every node of 3 to 5 simulated nodes increment counters under
 * {@link DMutex}es homed on every node while one random node (never node 0, the driver) crashes at a random step,
 * sometimes inside a critical section of its own: every increment whose unlock completed is in the final value (the
 * values the completed increments saw are distinct and the final value counts them all), no two live holders were
 * ever inside one mutex at once (critical sections recorded; the crashed node's end at its crash), every client on a
 * live node finishes without an error, and the history of increments and final reads is linearizable as a counter.
 */
class DMutexFailOverProperties
{
    static final int OPS_PER_CLIENT = 40;
    static final long TIMEOUT_S = 60;

    @Property(tries = 8)
    void everyCompletedUnlockSurvivesAndNoTwoNodesHoldAMutexAtOnceWhenANonDriverNodeCrashes(
        @ForAll @IntRange(min = 3, max = 5) final int nodes,
        @ForAll @IntRange(min = 1, max = 4) final int victimDraw,
        @ForAll @IntRange(min = 0, max = OPS_PER_CLIENT - 1) final int crashStep,
        @ForAll final boolean crashWhileHolding,
        @ForAll final long seed,
        @ForAll @IntRange(min = 0, max = 3) final int maxDelaySteps) throws Exception
    {
        final int victim = 1 + (victimDraw - 1) % (nodes - 1);
        check(nodes, victim, crashStep, crashWhileHolding, seed, maxDelaySteps);
    }

    @Example
    void aNodeCrashingInsideItsCriticalSectionLosesNoCompletedIncrement() throws Exception
    {
        check(3, 1, OPS_PER_CLIENT / 2, true, 5, 2);
    }

    @Example
    void aCrashDuringTheVictimsUnlockLeavesItsIncrementInDoubt() throws Exception
    {
        // found by the property: node 1 published an increment and was crashed before its unlock returned; its
        // thread was still waiting when the final values were read
        check(3, 1, 2, false, -1, 2);
    }

    @Example
    void aNodeCrashingAtItsFirstLockOfTheBackupsHomeLosesNothing() throws Exception
    {
        // found by the property: node 1 (node 0's backup) crashed holding node 0's mutex; its thread, cut off, then
        // took node 0's slice over in its own backup slot and "completed" the unlock there: not an acknowledged one
        check(3, 1, 0, true, 0, 0);
    }

    @Example
    void theCrashOfTheLastOfFiveNodesAtARandomStepLosesNoCompletedIncrement() throws Exception
    {
        check(5, 4, 7, false, 13, 3);
    }

    @Example
    void withoutReplicasTheSameCrashFailsLiveClients() throws Exception
    {
        // the negative control: with the migrating lease a mutex held or homed on the crashed node is lost
        final Outcome outcome = run(3, 1, OPS_PER_CLIENT / 2, true, 5, 2, 0);
        assertTrue(outcome.errors.get() > 0, "live clients fail on the mutexes lost with node 1");
    }

    @Example
    void backupsCostRoundTripsPerIncrementOnTheSameWorkloadWithoutACrash() throws Exception
    {
        // the measurement: the same seeded contended workload on 3 nodes, replicas=0 (migrating lease) then 1
        final Outcome none = run(3, -1, 0, false, 3, 0, 0);
        final Outcome one = run(3, -1, 0, false, 3, 0, 1);
        for (final Outcome outcome : new Outcome[]{ none, one })
        {
            assertEquals(0, outcome.errors.get(), String.valueOf(outcome.firstError));
            assertEquals("", outcome.overlaps);
            assertEquals("", outcome.lostIncrements);
            assertEquals(outcome.completed, outcome.finalTotal);
        }
        assertEquals(0, none.mirrorOperations);
        assertTrue(one.mirrorOperations > 0, "replicas=1 mirrors");
        System.out.printf("dmutex cost, 3 nodes, a client per node, %d contended increments: replicas=0 " +
            "(migrating lease): %.2f round trips/increment, %.2f messages/increment (a round trip is 2, a lease " +
            "request or grant 1); replicas=1 (home-locked): %.2f round trips/increment + %.2f mirror operations/increment, %.2f " +
            "messages/increment; messages ratio %.2f%n",
            none.completed, (double)none.roundTrips / none.completed, (double)none.delivered / none.completed,
            (double)one.roundTrips / one.completed, (double)one.mirrorOperations / one.completed,
            (double)one.delivered / one.completed, (double)one.delivered / none.delivered);
    }

    static void check(
        final int nodes,
        final int victim,
        final int crashStep,
        final boolean crashWhileHolding,
        final long seed,
        final int maxDelaySteps) throws Exception
    {
        final String schedule = "nodes=" + nodes + " victim=" + victim + " crashStep=" + crashStep +
            " crashWhileHolding=" + crashWhileHolding + " seed=" + seed + " maxDelaySteps=" + maxDelaySteps;
        final Outcome outcome = run(nodes, victim, crashStep, crashWhileHolding, seed, maxDelaySteps, 1);
        System.out.println("dmutex fail-over " + schedule + ": completed=" + outcome.completed + " final=" +
            outcome.finalTotal + " victim held a lock at the crash=" + outcome.victimHeldAtCrash +
            " critical sections=" + outcome.sections);

        assertTrue(outcome.crashed, "node " + victim + " crashed, " + schedule);
        assertEquals(0, outcome.hungClients, "clients on live nodes that did not finish, " + schedule);
        assertEquals("", outcome.overlaps, "two holders inside one mutex at once, " + schedule);
        assertEquals("", outcome.lostIncrements, "completed increments lost, " + schedule);
        assertEquals(0, outcome.errors.get(), "operations on live nodes that failed, " + schedule + ": " +
            outcome.firstError);
        assertEquals(Verdict.LINEARIZABLE, outcome.verdict.verdict(), schedule + ": " + outcome.verdict);
    }

    static final class Outcome
    {
        final AtomicInteger errors = new AtomicInteger();
        volatile Throwable firstError;
        volatile boolean victimHeldAtCrash;
        volatile boolean crashed;
        volatile long crashNs = Long.MAX_VALUE;
        int hungClients;
        int sections;
        long completed;
        long finalTotal;
        long roundTrips;
        long mirrorOperations;
        long delivered;
        String overlaps = "";
        String lostIncrements = "";
        CheckResult verdict;
    }

    /** A critical section: the node inside, from the lock's return to the unlock's call. */
    record Section(int node, long enterNs, long exitNs)
    {
    }

    static Outcome run(
        final int nodes,
        final int victim,
        final int crashStep,
        final boolean crashWhileHolding,
        final long seed,
        final int maxDelaySteps,
        final int replicas) throws Exception
    {
        final Outcome outcome = new Outcome();
        final HistoryRecorder recorder = HistoryRecorder.withNanoClock();
        final Consumer<DsmConfig> config = (c) ->
        {
            c.replicas(replicas)
                .heapSize(256 * 1024)
                .cacheSize(128 * 1024)
                .maxObjectSize(16 * 1024)
                .workerThreads(1)
                .operationTimeoutNs(TimeUnit.SECONDS.toNanos(5))
                .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(20));
            if (victim < 0)
            {
                // the cost measurement, without a crash: no heartbeat after the first, so every message is the mutexes'
                c.heartbeatIntervalNs(TimeUnit.SECONDS.toNanos(5))
                    .operationTimeoutNs(TimeUnit.SECONDS.toNanos(20))
                    .peerTimeoutNs(TimeUnit.SECONDS.toNanos(40));
            }
        };
        final int mutexCount = nodes;
        final List<List<Section>> sections = new ArrayList<>();
        final List<Set<Long>> seenByCompleted = new ArrayList<>();
        final long[] completedPerMutex = new long[mutexCount];
        final long[] inDoubtPerMutex = new long[mutexCount];
        try (SimulatedCluster cluster = SimulatedCluster.start(
            new SimulatedNetwork.Context().seed(seed).maxDelaySteps(maxDelaySteps).reorder(maxDelaySteps > 0),
            nodes, config, Node::new))
        {
            final Node driver = (Node)cluster.node(0);

            // one mutex homed on every node, each with a handle on every node
            final List<DMutex<Long>> mutexes = new ArrayList<>();
            for (int home = 0; home < mutexCount; home++)
            {
                mutexes.add(driver.spawnOn(home, (x) -> x.mutex(Codecs.LONG, 0L)).get(TIMEOUT_S, TimeUnit.SECONDS));
                sections.add(new ArrayList<>());
                seenByCompleted.add(new HashSet<>());
            }

            final long deliveredBefore = cluster.network().deliveredCount();
            final long roundTripsBefore = roundTrips(cluster, nodes, victim);
            final Runnable crash = () ->
            {
                outcome.crashNs = System.nanoTime();
                cluster.network().crash(victim);
                outcome.crashed = true;
            };
            final List<Thread> clients = new ArrayList<>();
            for (int n = 0; n < nodes; n++)
            {
                final int clientNode = n;
                final Node node = (Node)cluster.node(n);
                final List<DMutex<Long>> handles = new ArrayList<>();
                for (final DMutex<Long> mutex : mutexes)
                {
                    handles.add(handleOn(node, mutex));
                }
                final HistoryRecorder.Client log = recorder.client(n);
                final Random random = new Random(seed * 31 + n);
                final Thread thread = new Thread(() ->
                {
                    for (int step = 0; step < OPS_PER_CLIENT; step++)
                    {
                        if (0 == clientNode && step == crashStep && !crashWhileHolding && victim > 0)
                        {
                            crash.run();
                        }
                        if (clientNode == victim && outcome.crashed)
                        {
                            return;
                        }
                        final int m = random.nextInt(mutexCount);
                        synchronized (sections)
                        {
                            inDoubtPerMutex[m]++; // until it completes: the crashed node's may never return
                        }
                        final int slot = log.invoke("mutex-" + m, OpKind.GET_AND_ADD, 1);
                        try
                        {
                            final long seen;
                            final long enterNs;
                            final long exitNs;
                            try (Mut<Long> mut = handles.get(m).lock())
                            {
                                enterNs = System.nanoTime();
                                seen = mut.getLong();
                                mut.setLong(seen + 1);
                                Thread.yield();
                                if (clientNode == victim && step == crashStep && crashWhileHolding)
                                {
                                    outcome.victimHeldAtCrash = true;
                                    crash.run();
                                }
                                exitNs = System.nanoTime();
                                synchronized (sections)
                                {
                                    sections.get(m).add(new Section(clientNode, enterNs, exitNs));
                                }
                            }
                            if (clientNode == victim && outcome.crashed)
                            {
                                // the crashed node's thread runs on, cut off: what it sees is its own view alone
                                // (its transport's membership declares every peer dead), so its op stays pending
                                return;
                            }
                            log.ok(slot, seen);
                            synchronized (sections)
                            {
                                inDoubtPerMutex[m]--;
                                completedPerMutex[m]++;
                                if (!seenByCompleted.get(m).add(seen) && outcome.lostIncrements.length() < 400)
                                {
                                    outcome.lostIncrements += "mutex-" + m + " value " + seen + " seen by two " +
                                        "completed increments (the second by node " + clientNode + " at step " + step +
                                        "); ";
                                }
                            }
                        }
                        catch (final Throwable ex)
                        {
                            if (clientNode == victim)
                            {
                                return; // left pending and in doubt: it may or may not have been published
                            }
                            if (outcome.errors.getAndIncrement() == 0)
                            {
                                outcome.firstError = ex;
                            }
                        }
                    }
                }, "dmutex-client-" + n);
                thread.setDaemon(true);
                clients.add(thread);
                thread.start();
            }
            for (int n = 0; n < nodes; n++)
            {
                final Thread client = clients.get(n);
                client.join(TimeUnit.SECONDS.toMillis(n == victim ? 1 : TIMEOUT_S));
                if (client.isAlive() && n != victim)
                {
                    outcome.hungClients++;
                }
            }

            outcome.delivered = cluster.network().deliveredCount() - deliveredBefore;
            outcome.roundTrips = roundTrips(cluster, nodes, victim) - roundTripsBefore;
            for (int n = 0; n < nodes; n++)
            {
                if (n != victim)
                {
                    final Replication replication = ((EngineHeap)((Node)cluster.node(n)).heap()).replication();
                    outcome.mirrorOperations += null == replication ? 0 : replication.mirrorOperations();
                }
            }

            // after the clients: every mutex read under its lock from the driver
            final HistoryRecorder.Client finalLog = recorder.client(nodes);
            for (int m = 0; m < mutexCount; m++)
            {
                final int slot = finalLog.invoke("mutex-" + m, OpKind.READ, 0);
                try (Mut<Long> mut = mutexes.get(m).lock())
                {
                    final long value = mut.getLong();
                    finalLog.ok(slot, value);
                    outcome.finalTotal += value;
                    if (value < completedPerMutex[m] || value > completedPerMutex[m] + inDoubtPerMutex[m])
                    {
                        outcome.lostIncrements += "mutex-" + m + " final " + value + " with " +
                            completedPerMutex[m] + " completed and " + inDoubtPerMutex[m] + " in doubt; ";
                    }
                }
                catch (final RuntimeException ex)
                {
                    if (outcome.errors.getAndIncrement() == 0)
                    {
                        outcome.firstError = ex;
                    }
                }
            }
        }

        synchronized (sections)
        {
            for (int m = 0; m < mutexCount; m++)
            {
                outcome.completed += completedPerMutex[m];
                outcome.sections += sections.get(m).size();
                outcome.overlaps += overlaps("mutex-" + m, sections.get(m), victim, outcome.crashNs);
            }
        }
        outcome.verdict = new LinearizabilityChecker(Models.counter(0)).check(recorder.history());

        return outcome;
    }

    // the crashed node's sections end at its crash (its threads run on in the simulation, cut off from everything)
    private static String overlaps(final String key, final List<Section> recorded, final int victim, final long crashNs)
    {
        final List<Section> live = new ArrayList<>();
        for (final Section section : recorded)
        {
            if (section.node() != victim)
            {
                live.add(section);
            }
            else if (section.enterNs() < crashNs)
            {
                live.add(new Section(victim, section.enterNs(), Math.min(section.exitNs(), crashNs)));
            }
        }
        live.sort(Comparator.comparingLong(Section::enterNs));
        final StringBuilder found = new StringBuilder();
        Section latest = null;
        for (final Section section : live)
        {
            if (null != latest && section.enterNs() < latest.exitNs())
            {
                found.append(key).append(": node ").append(section.node()).append(" entered while node ")
                    .append(latest.node()).append(" was inside; ");
            }
            if (null == latest || section.exitNs() > latest.exitNs())
            {
                latest = section;
            }
        }

        return found.toString();
    }

    // one-sided operations the engine started on peers (mirrors not included), summed over the nodes but the victim
    private static long roundTrips(final SimulatedCluster cluster, final int nodes, final int victim)
    {
        long sum = 0;
        for (int n = 0; n < nodes; n++)
        {
            if (n != victim)
            {
                sum += cluster.node(n).counters().roundTrips();
            }
        }
        return sum;
    }

    /**
     * A handle of the mutex on another node, as a task that shares it would have.
     */
    private static DMutex<Long> handleOn(final Node node, final DMutex<Long> mutex)
    {
        final MutexHandle<Long> handle = (MutexHandle<Long>)mutex;
        handle.addReference();
        return new MutexHandle<>(node.heap(), Codecs.LONG, handle.address, handle.length);
    }
}
