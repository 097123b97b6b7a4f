package org.jdsm.coherence;

import org.jdsm.ConfigurationException;
import org.jdsm.DriverLostException;
import org.jdsm.Dsm;
import org.jdsm.DsmConfig;
import org.jdsm.NodeCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterLifecycleTest
{
    @Test
    void shouldFinishTasksInFlightThenStopServersWhichReturnAfterTheDriverLeft() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3))
        {
            final List<CompletableFuture<Void>> serving = new ArrayList<>();
            for (int i = 1; i < 3; i++)
            {
                final Node server = cluster.node(i);
                serving.add(CompletableFuture.runAsync(server::serve));
            }

            final Node driver = cluster.node(0);
            final List<CompletableFuture<Integer>> inFlight = new ArrayList<>();
            for (int i = 0; i < 12; i++)
            {
                final int value = i;
                inFlight.add(driver.spawnOn(i % 3, (n) ->
                {
                    Thread.sleep(200);
                    return value * n.nodeId();
                }));
            }
            assertFalse(serving.get(0).isDone());

            driver.close(); // nobody awaited the tasks: close must, before it stops the servers

            for (int i = 0; i < 12; i++)
            {
                assertEquals(i * (i % 3), inFlight.get(i).get(1, TimeUnit.SECONDS), "task " + i);
            }
            for (final CompletableFuture<Void> server : serving)
            {
                server.get(20, TimeUnit.SECONDS); // returned normally: stopped by the driver
            }
            assertEquals(8, cluster.node(1).counters().get(NodeCounters.Counter.TASKS_RUN) +
                cluster.node(2).counters().get(NodeCounters.Counter.TASKS_RUN), "servers ran their 8 tasks");
        }
    }

    @Test
    void shouldKeepServingUntilTheDriverHasLeft() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            final CompletableFuture<Void> serving = CompletableFuture.runAsync(cluster.node(1)::serve);
            // a stop request alone, before the driver leaves: the server acknowledges and goes on serving
            assertTrue(cluster.node(0).sendLifecycleMessage(1, ControlMessageDescriptor.STOP_REQUEST_TYPE));
            Thread.sleep(300);
            assertFalse(serving.isDone());
            assertEquals(42, cluster.node(0).spawnOn(1, (n) -> 42).get(10, TimeUnit.SECONDS));

            cluster.node(0).close();
            serving.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldThrowDriverLostWhenTheDriverDiesWithoutClosingTheCluster() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config
            .operationTimeoutNs(TimeUnit.SECONDS.toNanos(2))))
        {
            final CompletableFuture<Void> serving = CompletableFuture.runAsync(cluster.node(1)::serve);
            Thread.sleep(100);
            cluster.network.crash(0);

            final ExecutionException failed = assertThrows(ExecutionException.class,
                () -> serving.get(20, TimeUnit.SECONDS));
            final DriverLostException lost = assertInstanceOf(DriverLostException.class, failed.getCause());
            assertEquals(0, lost.nodeId());
            assertTrue(lost.getMessage().contains("node 1 lost the driver"), lost.getMessage());
        }
    }

    @Test
    void shouldRejectServingOnTheDriverNamingTheSetting()
    {
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> Dsm.serve(new DsmConfig().nodeId(0).nodeCount(2).transport("simulated")));
        assertTrue(ex.getMessage().startsWith("jdsm.node.id=0 is the driver"), ex.getMessage());
    }
}
