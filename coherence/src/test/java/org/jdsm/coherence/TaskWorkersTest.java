package org.jdsm.coherence;

import org.jdsm.DsmNode;
import org.jdsm.DsmTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tasks that wait for tasks they spawned on their own node: with one worker thread, a fixed pool would starve
 * (the waiting task holds the only thread its child needs); the worker pool stands a spare thread in for a task
 * blocked on a future.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TaskWorkersTest
{
    @Test
    void shouldRunATaskThatWaitsForItsChildOnTheSameNodeWithOneWorker() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(1, (config) -> config.workerThreads(1)))
        {
            final Node node = cluster.node(0);

            assertEquals(42, node.spawnOn(0, (n) -> n.spawnOn(0, (m) -> 42).get(20, TimeUnit.SECONDS))
                .get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldRunAChainOfWaitingTasksAcrossTwoNodesWithOneWorkerEach() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2, (config) -> config.workerThreads(1)))
        {
            assertEquals(8, cluster.node(0).spawnOn(1, chain(8)).get(30, TimeUnit.SECONDS));
        }
    }

    /**
     * A task that spawns the next link on the other node and waits for it: every link but the last blocks a worker
     * while its child needs one on the node where the previous link is blocked.
     */
    private static DsmTask<Integer> chain(final int links)
    {
        return (node) -> 1 == links ? 1 :
            1 + node.spawnOn(1 - node.nodeId(), chain(links - 1)).get(20, TimeUnit.SECONDS);
    }
}
