package org.jdsm.transport.aeron;

import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.agrona.CloseHelper;
import org.jdsm.Codecs;
import org.jdsm.DArc;
import org.jdsm.DBox;
import org.jdsm.DMutex;
import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;
import org.jdsm.Mut;
import org.jdsm.Ref;
import org.jdsm.simulator.fault.FaultControl;
import org.jdsm.simulator.fault.FaultSchedule;
import org.jdsm.linearizability.CheckResult;
import org.jdsm.linearizability.History;
import org.jdsm.linearizability.HistoryRecorder;
import org.jdsm.linearizability.LinearizabilityChecker;
import org.jdsm.linearizability.Models;
import org.jdsm.linearizability.OpKind;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrent histories over real Aeron across processes, as a jqwik property: the engine in three JVMs on loopback
 * (started once for the container); in each try, client tasks on every node do get-and-adds and reads on two
 * {@code DMutex} counters and reads of a {@code DArc}, while the owner of a {@code DBox} register writes it and lends
 * a {@code Ref} to readers on the other nodes. jqwik draws the clients per node, their operation counts and mix, and
 * the register rounds, and a {@link FaultSchedule}: every node's Aeron transport is wrapped in a
 * {@code FaultInjectingTransport} that holds back a drawn share of control messages for a drawn time (so later ones
 * overtake them) and delays a drawn share of one-sided operations, within what the transport contract allows. The
 * schedule goes to the node processes on their command line at start (none) and on their standard input for each
 * try; jqwik shrinks it toward no faults. Each process records its own operations with
 * {@link System#nanoTime()} (one monotonic clock per host) and ships them back as {@link History#toText()}; the
 * merged history must be linearizable key by key.
 */
class AeronHistoryProperties
{
    private static final String SECRET = "history-cluster-secret";
    private static final int NODES = 3;
    private static final long ARC_VALUE = 7;

    private static ForkedNodes children;
    private static DsmNode node;
    private static FaultControl faults;

    @BeforeContainer
    static void startCluster() throws Exception
    {
        children = new ForkedNodes();
        faults = new FaultControl(FaultSchedule.NONE);
        node = startCluster(children, null, faults);
    }

    static DsmNode startCluster(final ForkedNodes children, final String fault) throws Exception
    {
        return startCluster(children, fault, null);
    }

    /**
     * Three node JVMs on loopback: nodes 1 and 2 as children, node 0 in this JVM.
     *
     * @param children to start the node processes with.
     * @param fault    a test fault of the engine ({@link EngineNodeMain#CACHE_IGNORES_COLOUR}) every node runs with, or null.
     * @param faults   the fault schedule node 0 follows, the children starting with its schedule and taking
     *                 later ones on their standard input ({@link #scheduleFaults}); null for the plain transport.
     * @return node 0.
     */
    static DsmNode startCluster(final ForkedNodes children, final String fault, final FaultControl faults)
        throws Exception
    {
        final List<String> members = ForkedNodes.loopbackMembers(NODES);
        for (int nodeId = 1; nodeId < NODES; nodeId++)
        {
            final List<String> args = new ArrayList<>(List.of(String.valueOf(nodeId), String.valueOf(NODES),
                String.join(",", members), SECRET));
            if (null != fault)
            {
                args.add(fault);
            }
            if (null != faults)
            {
                args.add("faults=" + faults.schedule());
            }
            children.start(EngineNodeMain.class, args.toArray(new String[0]));
        }
        children.awaitStarting(TimeUnit.SECONDS.toMillis(60));
        final DsmConfig config = EngineNodeMain.config(0, NODES, String.join(",", members), SECRET)
            .operationTimeoutNs(TimeUnit.SECONDS.toNanos(10));
        if (null != faults)
        {
            config.transportProvider(
                new org.jdsm.simulator.fault.FaultInjectingTransportProvider(new AeronTransportProvider(), faults));
        }
        final DsmNode driver = EngineNodeMain.start(config, fault);
        for (int nodeId = 1; nodeId < NODES; nodeId++)
        {
            children.awaitReady(nodeId - 1, TimeUnit.SECONDS.toMillis(30));
        }

        return driver;
    }

    /**
     * Fault schedules: up to half the control messages held back up to 2 ms, up to a third of the one-sided
     * operations delayed up to 0.5 ms; shrinking goes toward none.
     *
     * @return the arbitrary.
     */
    @Provide
    Arbitrary<FaultSchedule> faultSchedules()
    {
        return Combinators.combine(
            Arbitraries.longs(),
            Arbitraries.integers().between(0, 50),
            Arbitraries.integers().between(0, 2_000),
            Arbitraries.integers().between(0, 33),
            Arbitraries.integers().between(0, 500))
            .as(FaultSchedule::new);
    }

    /**
     * Make every node follow a schedule: node 0 at once, the children when they read it on standard input.
     */
    private static void scheduleFaults(final FaultSchedule schedule) throws Exception
    {
        faults.schedule(schedule);
        for (int child = 0; child < NODES - 1; child++)
        {
            final OutputStream input = children.process(child).getOutputStream();
            input.write(("faults " + schedule + "\n").getBytes(StandardCharsets.UTF_8));
            input.flush();
        }
        for (int child = 0; child < NODES - 1; child++)
        {
            final String ack = "FAULTS " + (child + 1) + " " + schedule;
            final long deadlineMs = System.currentTimeMillis() + 10_000;
            while (!children.output(child).contains(ack))
            {
                if (System.currentTimeMillis() > deadlineMs)
                {
                    throw new IllegalStateException("node " + (child + 1) + " did not take the fault schedule " +
                        schedule + ": " + children.output(child));
                }
                Thread.sleep(5);
            }
        }
        System.out.println("aeron history: fault schedule " + schedule);
    }


    @AfterContainer
    static void stopCluster()
    {
        CloseHelper.closeAll(node, children);
    }

    @Property(tries = 8, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void historiesOfClientsOnThreeProcessesAreLinearizablePerKey(
        @ForAll @IntRange(min = 1, max = 2) final int clientsPerNode,
        @ForAll @IntRange(min = 10, max = 60) final int opsPerClient,
        @ForAll @IntRange(min = 0, max = 3) final int readsInFour,
        @ForAll @IntRange(min = 1, max = 5) final int rounds,
        @ForAll final long mixSeed,
        @ForAll("faultSchedules") final FaultSchedule schedule) throws Exception
    {
        scheduleFaults(schedule);
        final Checked checked = runAndCheck(node, clientsPerNode, opsPerClient, readsInFour, rounds, mixSeed);

        assertTrue(checked.counters().isLinearizable(), checked.counters().toString());
        assertTrue(checked.arcReads().isLinearizable(), checked.arcReads().toString());
        assertTrue(checked.register().isLinearizable(), checked.register().toString());
    }

    /**
     * The checker's verdicts on one merged history.
     */
    record Checked(History history, CheckResult counters, CheckResult arcReads, CheckResult register)
    {
    }

    /**
     * Run one workload on the cluster of {@code node} and check its merged history per key.
     */
    static Checked runAndCheck(
        final DsmNode node,
        final int clientsPerNode,
        final int opsPerClient,
        final int readsInFour,
        final int rounds,
        final long mixSeed) throws Exception
    {
        final DMutex<Long> counter0 = node.mutex(Codecs.LONG, 0L);
        final DMutex<Long> counter1 = node.spawnOn(NODES - 1, (n) -> n.mutex(Codecs.LONG, 0L)).get(30, TimeUnit.SECONDS);
        final DArc<Long> arc = node.arc(Codecs.LONG, ARC_VALUE);
        final DBox<Long> reg = node.alloc(Codecs.LONG, 0L);

        final List<CompletableFuture<String>> clients = new ArrayList<>();
        for (int nodeId = 0; nodeId < NODES; nodeId++)
        {
            for (int c = 0; c < clientsPerNode; c++)
            {
                final int clientId = nodeId * clientsPerNode + c;
                final long seed = mixSeed + clientId;
                clients.add(node.spawnOn(nodeId, (n) ->
                    clientLoop(clientId, seed, opsPerClient, readsInFour, counter0, counter1, arc)));
            }
        }

        final HistoryRecorder ownerRecorder = HistoryRecorder.withNanoClock();
        final HistoryRecorder.Client owner = ownerRecorder.client(999);
        final List<History> histories = new ArrayList<>();
        for (int round = 1; round <= rounds; round++)
        {
            final long value = round;
            owner.write("reg", reg, value);

            try (Ref<Long> ref = reg.read())
            {
                final List<CompletableFuture<String>> readers = new ArrayList<>();
                for (int nodeId = 1; nodeId < NODES; nodeId++)
                {
                    final int clientId = 1000 + round * NODES + nodeId;
                    readers.add(node.spawnOn(nodeId, (n) ->
                    {
                        final HistoryRecorder recorder = HistoryRecorder.withNanoClock();
                        final HistoryRecorder.Client log = recorder.client(clientId);
                        for (int i = 0; i < 2; i++)
                        {
                            final int slot = log.invoke("reg", OpKind.READ, 0);
                            log.ok(slot, ref.getLong());
                        }
                        return recorder.history().toText();
                    }));
                }
                final int read = owner.invoke("reg", OpKind.READ, 0);
                owner.ok(read, ref.getLong());
                for (final CompletableFuture<String> reader : readers)
                {
                    histories.add(History.parse(reader.get(30, TimeUnit.SECONDS)));
                }
            }
        }
        for (final CompletableFuture<String> client : clients)
        {
            histories.add(History.parse(client.get(120, TimeUnit.SECONDS)));
        }
        histories.add(ownerRecorder.history());
        counter0.close();
        counter1.close();
        arc.close();
        reg.close();

        final History history = History.merge(histories);
        final long registerOps = rounds * (2 + 2L * (NODES - 1));
        assertEquals((long)NODES * clientsPerNode * opsPerClient + registerOps, history.ops().size(),
            "every operation recorded once");

        final CheckResult counters =
            new LinearizabilityChecker(Models.counter(0)).check(history.withKeysStartingWith("counter"));
        final CheckResult arcReads =
            new LinearizabilityChecker(Models.register(ARC_VALUE)).check(history.withKeysStartingWith("arc"));
        final CheckResult register =
            new LinearizabilityChecker(Models.register(0)).check(history.withKeysStartingWith("reg"));
        System.out.println("aeron history: " + history.ops().size() + " ops over " + NODES + " processes; counters " +
            counters + "; arc " + arcReads + "; reg " + register);

        return new Checked(history, counters, arcReads, register);
    }

    /**
     * One client on the node it was spawned on: its operations recorded in that process, returned as text.
     */
    private static String clientLoop(
        final int clientId,
        final long seed,
        final int ops,
        final int readsInFour,
        final DMutex<Long> counter0,
        final DMutex<Long> counter1,
        final DArc<Long> arc)
    {
        final HistoryRecorder recorder = HistoryRecorder.withNanoClock();
        final HistoryRecorder.Client log = recorder.client(clientId);
        final Random random = new Random(seed);
        for (int i = 0; i < ops; i++)
        {
            final int which = random.nextInt(2);
            final DMutex<Long> counter = 0 == which ? counter0 : counter1;
            final String key = "counter" + which;
            final int kind = random.nextInt(4) < readsInFour ? 2 + random.nextInt(2) : random.nextInt(2);
            if (kind < 2)
            {
                final int slot = log.invoke(key, OpKind.GET_AND_ADD, 1);
                final long before;
                try (Mut<Long> mut = counter.lock())
                {
                    before = mut.getLong();
                    mut.setLong(before + 1);
                }
                log.ok(slot, before);
            }
            else if (kind == 2)
            {
                final int slot = log.invoke(key, OpKind.READ, 0);
                final long value;
                try (Mut<Long> mut = counter.lock())
                {
                    value = mut.getLong();
                }
                log.ok(slot, value);
            }
            else
            {
                final int slot = log.invoke("arc", OpKind.READ, 0);
                log.ok(slot, arc.get());
            }
        }

        return recorder.history().toText();
    }
}
