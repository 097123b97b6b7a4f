package org.jdsm.coherence;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A task spawned on its own node ({@link LocalTaskRunner.LocalTask}) is claimed by one compare-and-set, by the worker
 * that takes it from the queue or by a thread that joins it before a worker started it, which then runs it inline.
 * Whatever the interleaving the task runs exactly once and every joiner gets its result: never twice (the node's
 * count of tasks queued or running would go below zero), never not at all (a joiner would wait for ever). The
 * runner is built over the shared jcstress heap with an executor that only keeps the queued task, which the worker
 * actor runs.
 */
public final class LocalTaskClaimTests
{
    private LocalTaskClaimTests()
    {
    }

    /**
     * A worker runs the queued task while the spawning thread joins it. r1: the joined result; r2: the tasks still
     * counted as queued or running at the end (0 when it ran once); r3: the worker's view of the future right after
     * its run: 1 done, 0 not yet (the joiner claimed it and is still running it).
     */
    @JCStressTest
    @Outcome(id = "42, 0, 1", expect = ACCEPTABLE, desc = "Run once; done when the worker returned")
    @Outcome(id = "42, 0, 0", expect = ACCEPTABLE, desc = "Run once, inline by the joiner, still running when the " +
        "worker found it claimed and dropped it")
    @Outcome(id = "42, -1, .*", expect = FORBIDDEN, desc = "Run twice: by the worker and by the joiner")
    @Outcome(expect = FORBIDDEN, desc = "Not run, or the joiner did not get the result")
    @State
    public static class JoinAgainstWorker
    {
        final AtomicInteger activeTasks = new AtomicInteger();
        Runnable queued;
        final LocalTaskRunner runner = new LocalTaskRunner(
            null, JcstressEngine.HEAP, (task) -> queued = task, activeTasks, new Counters());
        final CompletableFuture<Integer> future = runner.spawn((node) -> 42);

        @Actor
        public void worker(final III_Result r)
        {
            queued.run();
            r.r3 = future.isDone() ? 1 : 0;
        }

        @Actor
        public void joiner(final III_Result r)
        {
            r.r1 = future.join();
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            r.r2 = activeTasks.get();
        }
    }

    /**
     * Two threads join a task no worker takes (the workers are busy): one of them runs it, the other waits for it,
     * and both get its result. r1, r2: the results; r3: the tasks still counted as queued or running at the end.
     */
    @JCStressTest
    @Outcome(id = "42, 42, 0", expect = ACCEPTABLE, desc = "One joiner ran it, both got the result")
    @Outcome(id = "42, 42, -1", expect = FORBIDDEN, desc = "Both joiners ran it")
    @Outcome(expect = FORBIDDEN, desc = "A joiner did not get the result")
    @State
    public static class JoinAgainstJoin
    {
        final AtomicInteger activeTasks = new AtomicInteger();
        final LocalTaskRunner runner = new LocalTaskRunner(
            null, JcstressEngine.HEAP, (task) -> {}, activeTasks, new Counters());
        final CompletableFuture<Integer> future = runner.spawn((node) -> 42);

        @Actor
        public void joiner1(final III_Result r)
        {
            r.r1 = future.join();
        }

        @Actor
        public void joiner2(final III_Result r)
        {
            r.r2 = future.join();
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            r.r3 = activeTasks.get();
        }
    }
}
