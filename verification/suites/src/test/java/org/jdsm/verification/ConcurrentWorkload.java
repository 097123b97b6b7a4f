package org.jdsm.verification;

import org.jdsm.Codecs;
import org.jdsm.DArc;
import org.jdsm.DBox;
import org.jdsm.DMutex;
import org.jdsm.DsmNode;
import org.jdsm.Mut;
import org.jdsm.Ref;
import org.jdsm.coherence.Node;
import org.jdsm.linearizability.CheckResult;
import org.jdsm.linearizability.History;
import org.jdsm.linearizability.HistoryRecorder;
import org.jdsm.linearizability.LinearizabilityChecker;
import org.jdsm.linearizability.Models;
import org.jdsm.linearizability.Op;
import org.jdsm.linearizability.OpKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Many clients on many nodes on a few hot objects, every operation recorded with {@link System#nanoTime()} and the
 * history checked for linearizability, key by key:
 * <ul>
 * <li>{@code counter0} (home node 0) and {@code counter1} (home on the last node): {@link DMutex}-protected
 * counters that every node's client increments (get-and-add under the lock), reads under the lock, or reads after
 * a {@code tryLock} (a refused {@code tryLock} had no effect and is dropped); checked as counters;</li>
 * <li>{@code arc}: a {@link DArc} every client reads; checked as a register that is never written;</li>
 * <li>{@code reg}: a {@link DBox} on node 0 written only by its owner (the test thread), which after each write
 * lends a {@link Ref} to a reader task on every other node and reads it itself; checked as a register. A copy
 * cached on a reader node under an old colour must never be read again: this is what the cache-ignores-colour
 * fault breaks.</li>
 * </ul>
 * The clients run as spawned tasks, one per node, concurrently with the owner's rounds. The workload is independent
 * of the transport but for {@link SimulatedCluster}: with another transport each process would record its own
 * history and the text of all of them ({@link History#toText()}) would be merged before checking.
 */
final class ConcurrentWorkload
{
    static final long ARC_VALUE = 7;
    private static final long TIMEOUT_S = 60;

    private ConcurrentWorkload()
    {
    }

    /**
     * What one run recorded and what the checker said of it.
     */
    static final class Outcome
    {
        final History history;
        final CheckResult counters;
        final CheckResult arc;
        final CheckResult register;
        final int expectedOps;
        final long checkNs;

        Outcome(
            final History history,
            final CheckResult counters,
            final CheckResult arc,
            final CheckResult register,
            final int expectedOps,
            final long checkNs)
        {
            this.history = history;
            this.counters = counters;
            this.arc = arc;
            this.register = register;
            this.expectedOps = expectedOps;
            this.checkNs = checkNs;
        }

        public String toString()
        {
            return history.size() + " ops (" + history.byKey().size() + " keys) checked in " +
                TimeUnit.NANOSECONDS.toMillis(checkNs) + " ms\n  counters: " + counters + "\n  arc: " + arc +
                "\n  reg: " + register;
        }
    }

    static Outcome run(
        final int nodeCount,
        final long seed,
        final int maxDelaySteps,
        final boolean reorder,
        final boolean fault,
        final int opsPerClient,
        final int rounds) throws Exception
    {
        final HistoryRecorder recorder = HistoryRecorder.withNanoClock();
        final int recorderId = Recorders.register(recorder);
        int dropped = 0;
        try (SimulatedCluster cluster = SimulatedCluster.start(nodeCount, seed, maxDelaySteps, reorder, fault))
        {
            final Node program = cluster.node(0);
            final DMutex<Long> counter0 = program.mutex(Codecs.LONG, 0L);
            final DMutex<Long> counter1 = program.spawnOn(nodeCount - 1, (n) -> n.mutex(Codecs.LONG, 0L))
                .get(TIMEOUT_S, TimeUnit.SECONDS);
            final DArc<Long> arc = program.arc(Codecs.LONG, ARC_VALUE);
            final DBox<Long> reg = program.alloc(Codecs.LONG, 0L);

            final List<CompletableFuture<Integer>> clients = new ArrayList<>();
            for (int node = 0; node < nodeCount; node++)
            {
                final int clientId = node;
                final long clientSeed = seed * 31 + node;
                clients.add(program.spawnOn(node, (n) ->
                    clientLoop(n, recorderId, clientId, clientSeed, opsPerClient, counter0, counter1, arc)));
            }

            ownerRounds(program, recorder.client(nodeCount), recorderId, reg, rounds);

            for (final CompletableFuture<Integer> client : clients)
            {
                dropped += client.get(TIMEOUT_S, TimeUnit.SECONDS);
            }
            counter0.close();
            counter1.close();
            arc.close();
            reg.close();
        }
        finally
        {
            Recorders.unregister(recorderId);
        }

        final History history = recorder.history();
        final long start = System.nanoTime();
        final CheckResult counters =
            new LinearizabilityChecker(Models.counter(0)).check(history.withKeysStartingWith("counter"));
        final CheckResult arcResult =
            new LinearizabilityChecker(Models.register(ARC_VALUE)).check(history.withKeysStartingWith("arc"));
        final CheckResult register =
            new LinearizabilityChecker(Models.register(0)).check(history.withKeysStartingWith("reg"));
        final long checkNs = System.nanoTime() - start;
        final int expectedOps = nodeCount * opsPerClient - dropped + rounds * (1 + 1 + 2 * (nodeCount - 1));

        return new Outcome(history, counters, arcResult, register, expectedOps, checkNs);
    }

    /**
     * One client: a loop of operations on the hot objects, on the node it was spawned on.
     *
     * @return how many operations it dropped (refused tryLocks).
     */
    static int clientLoop(
        final DsmNode node,
        final int recorderId,
        final int clientId,
        final long seed,
        final int ops,
        final DMutex<Long> counter0,
        final DMutex<Long> counter1,
        final DArc<Long> arc)
    {
        final HistoryRecorder.Client log = Recorders.get(recorderId).client(clientId);
        final Random random = new Random(seed);
        int dropped = 0;
        for (int i = 0; i < ops; i++)
        {
            final int which = random.nextInt(2);
            final DMutex<Long> counter = 0 == which ? counter0 : counter1;
            final String key = "counter" + which;
            switch (random.nextInt(5))
            {
                case 0:
                case 1:
                {
                    final int slot = log.invoke(key, OpKind.GET_AND_ADD, 1);
                    final long before;
                    try (Mut<Long> mut = counter.lock())
                    {
                        before = mut.getLong();
                        mut.setLong(before + 1);
                    }
                    log.ok(slot, before);
                    break;
                }

                case 2:
                {
                    final int slot = log.invoke(key, OpKind.READ, 0);
                    final long value;
                    try (Mut<Long> mut = counter.lock())
                    {
                        value = mut.getLong();
                    }
                    log.ok(slot, value);
                    break;
                }

                case 3:
                {
                    final int slot = log.invoke(key, OpKind.READ, 0);
                    final Mut<Long> mut = counter.tryLock();
                    if (null == mut)
                    {
                        log.fail(slot);
                        dropped++;
                    }
                    else
                    {
                        final long value = mut.getLong();
                        mut.close();
                        log.ok(slot, value);
                    }
                    break;
                }

                default:
                {
                    final int slot = log.invoke("arc", OpKind.READ, 0);
                    log.ok(slot, arc.get());
                    break;
                }
            }
        }

        return dropped;
    }

    /**
     * The owner of {@code reg}: write the round number, then lend a Ref to a reader task on every other node (two
     * reads each) and read it itself, all while the Ref is open.
     */
    private static void ownerRounds(
        final Node program,
        final HistoryRecorder.Client owner,
        final int recorderId,
        final DBox<Long> reg,
        final int rounds) throws Exception
    {
        for (int round = 1; round <= rounds; round++)
        {
            final long value = round;
            owner.write("reg", reg, value);

            try (Ref<Long> ref = reg.read())
            {
                final List<CompletableFuture<Long>> readers = new ArrayList<>();
                for (int node = 1; node < program.nodeCount(); node++)
                {
                    final int clientId = 1000 + round * 64 + node;
                    readers.add(program.spawnOn(node, (n) ->
                    {
                        final HistoryRecorder.Client log = Recorders.get(recorderId).client(clientId);
                        long last = 0;
                        for (int i = 0; i < 2; i++)
                        {
                            final int slot = log.invoke("reg", OpKind.READ, 0);
                            last = ref.getLong();
                            log.ok(slot, last);
                        }
                        return last;
                    }));
                }
                final int read = owner.invoke("reg", OpKind.READ, 0);
                owner.ok(read, ref.getLong());
                for (final CompletableFuture<Long> reader : readers)
                {
                    reader.get(TIMEOUT_S, TimeUnit.SECONDS);
                }
            }
        }
    }

    /**
     * The register's operations of a counter-example, for messages.
     *
     * @param ops of the counter-example.
     * @return one line each.
     */
    static String describe(final List<Op> ops)
    {
        return ops.stream().map(Op::toString).collect(Collectors.joining("\n"));
    }
}
