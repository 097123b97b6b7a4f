package org.jdsm.coherence;

import org.jdsm.Codecs;
import org.jdsm.DBox;
import org.jdsm.Mut;
import org.jdsm.NodeUnavailableException;
import org.jdsm.Ref;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerFailureTest
{
    @Test
    void shouldFailOperationsOnDeadPeerNamingItWhileOthersKeepWorking() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config
            .operationTimeoutNs(TimeUnit.SECONDS.toNanos(2))
            .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(20))))
        {
            final Node node = cluster.node(0);
            final DBox<Long> onDoomed = node.allocOn(2, Codecs.LONG, 1L);
            final DBox<Long> onSurvivor = node.allocOn(1, Codecs.LONG, 2L);
            final DBox<Long> local = node.alloc(Codecs.LONG, 3L);

            final Ref<Long> lent = local.read();
            final CompletableFuture<Long> stuck = node.spawnOn(2, (n) ->
            {
                Thread.sleep(60_000);
                return lent.getLong();
            });
            lent.close();

            cluster.network.crash(2);

            final ExecutionException failed = assertThrows(ExecutionException.class,
                () -> stuck.get(10, TimeUnit.SECONDS));
            final NodeUnavailableException cause = assertInstanceOf(NodeUnavailableException.class, failed.getCause());
            assertEquals(2, cause.nodeId());
            assertFalse(node.isNodeAvailable(2));

            final NodeUnavailableException read = assertThrows(NodeUnavailableException.class, () ->
            {
                try (Ref<Long> ref = onDoomed.read())
                {
                    ref.getLong();
                }
            });
            assertEquals(2, read.nodeId());
            assertTrue(read.getMessage().startsWith("node 2 unavailable: "), read.getMessage());

            try (Mut<Long> mut = local.write())
            {
                mut.setLong(4L);
            }
            try (Ref<Long> ref = onSurvivor.read())
            {
                assertEquals(2L, ref.getLong());
            }
            assertEquals(1, node.spawnOn(1, (n) -> n.nodeId()).get(10, TimeUnit.SECONDS));
        }
    }
}
