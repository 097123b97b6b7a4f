package org.jdsm.coherence;

import org.jdsm.RemoteTaskException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code callOn} of another node, and the {@code get()} or {@code join()} of a {@code spawnOn} future, is completed
 * by its caller, which receives the result while it waits: it does not need the node's completion thread, which
 * completes the {@code spawnOn} futures nobody waits on and runs what a program chains to them.
 * To show it, the completion thread is held by a callback chained to another task's future until the call returned.
 * The tasks capture nothing and report through static fields (the simulator runs every node in this JVM).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RemoteCallOnTest
{
    static volatile boolean go;
    static volatile boolean release;

    private SimulatedCluster cluster;
    private Node node;
    private final CountDownLatch completerHeld = new CountDownLatch(1);
    private final CountDownLatch releaseCompleter = new CountDownLatch(1);

    @BeforeEach
    void start()
    {
        go = false;
        cluster = SimulatedCluster.start(2);
        node = cluster.node(0);
    }

    @AfterEach
    void stop()
    {
        releaseCompleter.countDown();
        cluster.close();
    }

    @Test
    void shouldReturnARemoteCallWhileTheCompletionThreadIsHeldByAProgramsCallback() throws Exception
    {
        holdCompletionThread();

        final int result = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> node.callOn(1, (n) -> 40 + 2));

        assertEquals(42, result);
    }

    @Test
    void shouldFailARemoteCallWithTheTasksExceptionWhileTheCompletionThreadIsHeld() throws Exception
    {
        holdCompletionThread();

        final CompletionException ex = assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
            assertThrows(CompletionException.class, () -> node.callOn(1, (n) ->
            {
                throw new IllegalStateException("refused by node " + n.nodeId());
            })));

        final RemoteTaskException cause = assertInstanceOf(RemoteTaskException.class, ex.getCause());
        assertTrue(cause.getMessage().contains("refused by node 1"), cause.getMessage());
    }

    @Test
    void shouldCallAfterASpawnedTasksGet() throws Exception
    {
        final CompletableFuture<Integer> spawned = node.spawnOn(1, (n) -> n.nodeId());

        assertEquals(1, spawned.get(10, TimeUnit.SECONDS));
        final int called = node.callOn(1, (n) -> 7);
        assertEquals(7, called, "a call after a spawn");
    }

    @Test
    void shouldReturnASpawnedTasksGetAndJoinWhileTheCompletionThreadIsHeld() throws Exception
    {
        holdCompletionThread();

        final CompletableFuture<Integer> got = node.spawnOn(1, (n) -> 40 + 2);
        assertEquals(42, assertTimeoutPreemptively(Duration.ofSeconds(10), () -> got.get()));
        final CompletableFuture<Integer> timed = node.spawnOn(1, (n) -> 43);
        assertEquals(43, assertTimeoutPreemptively(Duration.ofSeconds(10), () -> timed.get(9, TimeUnit.SECONDS)));
        final CompletableFuture<Integer> joined = node.spawnOn(1, (n) -> 44);
        assertEquals(44, assertTimeoutPreemptively(Duration.ofSeconds(10), joined::join));
        final CompletableFuture<Integer> failed = node.spawnOn(1, (n) ->
        {
            throw new IllegalStateException("refused by node " + n.nodeId());
        });
        final ExecutionException ex = assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
            assertThrows(ExecutionException.class, failed::get));
        assertInstanceOf(RemoteTaskException.class, ex.getCause());
    }

    @Test
    void shouldWaitForASpawnedTaskAgainAfterATimedGetTimedOut() throws Exception
    {
        release = false;
        final CompletableFuture<Integer> spawned = node.spawnOn(1, (n) ->
        {
            while (!release)
            {
                Thread.sleep(1);
            }
            return 5;
        });

        assertThrows(TimeoutException.class, () -> spawned.get(50, TimeUnit.MILLISECONDS));
        release = true;
        final CompletableFuture<Integer> second = CompletableFuture.supplyAsync(spawned::join);
        assertEquals(5, spawned.get(10, TimeUnit.SECONDS), "a second wait, on this thread");
        assertEquals(5, second.get(10, TimeUnit.SECONDS), "a concurrent wait, on another");
    }

    private void holdCompletionThread() throws InterruptedException
    {
        final CompletableFuture<Integer> first = node.spawnOn(1, (n) ->
        {
            while (!go)
            {
                Thread.sleep(1);
            }
            return 1;
        });
        first.thenRun(() ->
        {
            completerHeld.countDown();
            try
            {
                releaseCompleter.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        go = true;
        assertTrue(completerHeld.await(10, TimeUnit.SECONDS), "the callback runs on the completion thread");
    }
}
