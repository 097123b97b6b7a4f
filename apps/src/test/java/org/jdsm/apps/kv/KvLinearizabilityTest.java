package org.jdsm.apps.kv;

import org.jdsm.DsmNode;
import org.jdsm.linearizability.CheckResult;
import org.jdsm.linearizability.HistoryRecorder;
import org.jdsm.linearizability.LinearizabilityChecker;
import org.jdsm.linearizability.Models;
import org.jdsm.linearizability.OpKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrent gets and puts from clients on three nodes, recorded per key and checked for linearizability against
 * a map model (a register per key).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KvLinearizabilityTest
{
    private static final ConcurrentHashMap<Long, HistoryRecorder> RECORDERS = new ConcurrentHashMap<>();

    @Test
    void shouldBeLinearizablePerKeyUnderConcurrentGetsAndPutsFromThreeNodes() throws Exception
    {
        final int keys = 4;
        final int opsPerClient = 150;
        try (KvTestCluster cluster = new KvTestCluster(3, 5, 3);
            DistributedKvStore store = DistributedKvStore.create(cluster.nodes[0], 2))
        {
            final HistoryRecorder recorder = HistoryRecorder.withNanoClock();
            final long mapId = store.mapId();
            RECORDERS.put(mapId, recorder);
            final DsmNode driver = cluster.nodes[0];
            final List<CompletableFuture<Integer>> clients = new ArrayList<>();
            for (int c = 0; c < 6; c++)
            {
                final int clientId = c;
                clients.add(driver.spawnOn(c % 3, (n) ->
                {
                    final KvStore attached = DistributedKvStore.attached(n, mapId);
                    final HistoryRecorder.Client log = RECORDERS.get(mapId).client(clientId);
                    final SplittableRandom random = new SplittableRandom(clientId);
                    for (int i = 0; i < opsPerClient; i++)
                    {
                        final String key = "k" + random.nextInt(keys);
                        if (random.nextInt(3) == 0)
                        {
                            final long value = clientId * 1_000_000L + i;
                            final int slot = log.invoke(key, OpKind.WRITE, value);
                            attached.put(key, ByteBuffer.allocate(8 + (int)(value % 40)).putLong(0, value).array());
                            log.ok(slot);
                        }
                        else
                        {
                            final int slot = log.invoke(key, OpKind.READ, 0);
                            final byte[] read = attached.get(key);
                            log.ok(slot, null == read ? Models.ABSENT : ByteBuffer.wrap(read).getLong(0));
                        }
                    }
                    return clientId;
                }));
            }
            for (final CompletableFuture<Integer> client : clients)
            {
                client.get(50, TimeUnit.SECONDS);
            }

            final CheckResult result = new LinearizabilityChecker(Models.map()).check(recorder.history());
            assertTrue(result.isLinearizable(), result.toString());
            assertEquals(6 * opsPerClient, result.operations());
            assertEquals(keys, result.partitions());
            RECORDERS.remove(mapId);
        }
    }
}
