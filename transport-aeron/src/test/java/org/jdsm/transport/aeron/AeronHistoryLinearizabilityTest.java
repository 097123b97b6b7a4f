package org.jdsm.transport.aeron;

import org.agrona.CloseHelper;
import org.jdsm.Codecs;
import org.jdsm.DArc;
import org.jdsm.DBox;
import org.jdsm.DMutex;
import org.jdsm.Dsm;
import org.jdsm.DsmNode;
import org.jdsm.Mut;
import org.jdsm.Ref;
import org.jdsm.simulator.linearizability.CheckResult;
import org.jdsm.simulator.linearizability.History;
import org.jdsm.simulator.linearizability.HistoryRecorder;
import org.jdsm.simulator.linearizability.LinearizabilityChecker;
import org.jdsm.simulator.linearizability.Models;
import org.jdsm.simulator.linearizability.OpKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrent histories over real Aeron across processes: the engine in three JVMs on loopback, a client task on
 * every node doing get-and-adds and reads on two {@code DMutex} counters and reads of a {@code DArc}, while the
 * owner of a {@code DBox} register writes it and lends a {@code Ref} to readers on the other nodes. Each process
 * records its own operations with {@link System#nanoTime()} (one monotonic clock per host) and ships them back as
 * {@link History#toText()}; the merged history must be linearizable key by key.
 */
class AeronHistoryLinearizabilityTest
{
    private static final String SECRET = "history-cluster-secret";
    private static final int NODES = 3;
    private static final int OPS_PER_CLIENT = 60;
    private static final int ROUNDS = 6;
    private static final long ARC_VALUE = 7;

    private ForkedNodes children;
    private DsmNode node;

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(node, children);
    }

    @Test
    @Timeout(180)
    void shouldRecordLinearizableHistoryAcrossThreeProcesses() throws Exception
    {
        final List<String> members = ForkedNodes.loopbackMembers(NODES);
        children = new ForkedNodes();
        for (int nodeId = 1; nodeId < NODES; nodeId++)
        {
            children.start(EngineNodeMain.class, String.valueOf(nodeId), String.valueOf(NODES),
                String.join(",", members), SECRET);
        }
        children.awaitStarting(TimeUnit.SECONDS.toMillis(60));
        node = Dsm.start(EngineNodeMain.config(0, NODES, String.join(",", members), SECRET)
            .operationTimeoutNs(TimeUnit.SECONDS.toNanos(10)));
        for (int nodeId = 1; nodeId < NODES; nodeId++)
        {
            children.awaitReady(nodeId - 1, TimeUnit.SECONDS.toMillis(30));
        }

        final DMutex<Long> counter0 = node.mutex(Codecs.LONG, 0L);
        final DMutex<Long> counter1 = node.spawnOn(NODES - 1, (n) -> n.mutex(Codecs.LONG, 0L)).get(30, TimeUnit.SECONDS);
        final DArc<Long> arc = node.arc(Codecs.LONG, ARC_VALUE);
        final DBox<Long> reg = node.alloc(Codecs.LONG, 0L);

        final List<CompletableFuture<String>> clients = new ArrayList<>();
        for (int nodeId = 0; nodeId < NODES; nodeId++)
        {
            final int clientId = nodeId;
            clients.add(node.spawnOn(nodeId, (n) -> clientLoop(clientId, counter0, counter1, arc)));
        }

        final HistoryRecorder ownerRecorder = HistoryRecorder.withNanoClock();
        final HistoryRecorder.Client owner = ownerRecorder.client(NODES);
        final List<History> histories = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++)
        {
            final long value = round;
            final int write = owner.invoke("reg", OpKind.WRITE, value);
            try (Mut<Long> mut = reg.write())
            {
                mut.setLong(value);
            }
            owner.ok(write);

            try (Ref<Long> ref = reg.read())
            {
                final List<CompletableFuture<String>> readers = new ArrayList<>();
                for (int nodeId = 1; nodeId < NODES; nodeId++)
                {
                    final int clientId = 100 + round * NODES + nodeId;
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
        final long registerOps = ROUNDS * (2 + 2L * (NODES - 1));
        assertEquals(NODES * OPS_PER_CLIENT + registerOps, history.ops().size(), "every operation recorded once");

        final CheckResult counters = new LinearizabilityChecker(Models.counter(0)).check(select(history, "counter"));
        final CheckResult arcReads = new LinearizabilityChecker(Models.register(ARC_VALUE)).check(select(history, "arc"));
        final CheckResult register = new LinearizabilityChecker(Models.register(0)).check(select(history, "reg"));
        System.out.println("aeron history: " + history.ops().size() + " ops over " + NODES + " processes; counters " +
            counters + "; arc " + arcReads + "; reg " + register);
        assertTrue(counters.isLinearizable(), counters.toString());
        assertTrue(arcReads.isLinearizable(), arcReads.toString());
        assertTrue(register.isLinearizable(), register.toString());
    }

    private static History select(final History history, final String keyPrefix)
    {
        return new History(history.ops().stream()
            .filter((op) -> op.key().startsWith(keyPrefix))
            .collect(Collectors.toList()));
    }

    /**
     * One client on the node it was spawned on: its operations recorded in that process, returned as text.
     */
    private static String clientLoop(
        final int clientId, final DMutex<Long> counter0, final DMutex<Long> counter1, final DArc<Long> arc)
    {
        final HistoryRecorder recorder = HistoryRecorder.withNanoClock();
        final HistoryRecorder.Client log = recorder.client(clientId);
        final Random random = new Random(31L * clientId + 7);
        for (int i = 0; i < OPS_PER_CLIENT; i++)
        {
            final int which = random.nextInt(2);
            final DMutex<Long> counter = 0 == which ? counter0 : counter1;
            final String key = "counter" + which;
            final int kind = random.nextInt(4);
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
