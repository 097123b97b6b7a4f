package org.jdsm.coherence;

import org.agrona.ErrorHandler;
import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;
import org.jdsm.DsmTask;
import org.jdsm.HeapExhaustedException;
import org.jdsm.NodeUnavailableException;
import org.jdsm.ObjectSizeException;
import org.jdsm.spi.Transport;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.jdsm.coherence.ControlMessageDescriptor.RESULT_FAILED;
import static org.jdsm.coherence.ControlMessageDescriptor.RESULT_OK;
import static org.jdsm.coherence.ControlMessageDescriptor.RESULT_STAGED_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.RESULT_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.SPAWN_STAGED_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.SPAWN_TYPE;

/**
 * A node's task runtime: sends spawned tasks (in one message, or staged in a heap block when too large), runs the
 * tasks its peers send on the workers, sends their results back, completes the futures of the tasks it sent, and
 * fails those sent to nodes that became unavailable. Tasks spawned on this node go to its {@link LocalTaskRunner}:
 * no message.
 * <p>
 * <b>Note:</b> threadsafe: any thread spawns; task bodies run on the workers; a result is completed by the thread
 * waiting for it in {@link #callOn} or its future's {@code get()}/{@code join()} (driving the transport meanwhile),
 * else on the completion thread, so a worker waiting for a result never waits for itself; the node agent fails tasks
 * of dead nodes. One per node, owned by it; {@link #close} ends the workers.
 */
final class TaskRuntime
{
    /**
     * Longest single wait of {@link Transport#awaitResponse} in {@link #callOn} and a future's {@code get()}: a task
     * may run on, then it waits again.
     */
    private static final long CALL_WAIT_SLICE_NS = TimeUnit.SECONDS.toNanos(1);

    private final int nodeId;
    private final DsmConfig config;
    private final DsmNode face;
    private final EngineHeap heap;
    private final Placement placement;
    private final ControlProxy proxy;
    private final Scheduler scheduler;
    private final Rejections rejections;
    private final Counters counters;
    private final ErrorHandler errorHandler;
    private final Transport transport;
    private final ExecutorService workers;
    private final ExecutorService completer;
    private final AtomicInteger activeTasks;
    private final LocalTaskRunner localTasks;
    private final TaskStaging staging;
    private final TaskFailures failures;
    private final AtomicLong correlationIds = new AtomicLong();
    private final Map<Long, PendingTask> pendingTasks = new ConcurrentHashMap<>();

    /**
     * @param face         the node tasks run on, passed to {@link DsmTask#run}.
     * @param heap         of the node.
     * @param placement    stages large tasks and results.
     * @param proxy        sends tasks and results.
     * @param scheduler    counts tasks in flight and this node's load.
     * @param rejections   of malformed results.
     * @param transport    asked which peers are available.
     * @param workers      run task bodies, owned by this runtime.
     * @param completer    completes futures, owned by this runtime.
     * @param errorHandler of the node, counting.
     */
    TaskRuntime(
        final DsmNode face,
        final EngineHeap heap,
        final Placement placement,
        final ControlProxy proxy,
        final Scheduler scheduler,
        final Rejections rejections,
        final Transport transport,
        final ExecutorService workers,
        final ExecutorService completer,
        final ErrorHandler errorHandler)
    {
        this.nodeId = heap.nodeId();
        this.config = heap.config();
        this.face = face;
        this.heap = heap;
        this.placement = placement;
        this.proxy = proxy;
        this.scheduler = scheduler;
        this.rejections = rejections;
        this.counters = heap.liveCounters();
        this.errorHandler = errorHandler;
        this.transport = transport;
        this.workers = workers;
        this.completer = completer;
        this.activeTasks = scheduler.activeTasks();
        this.localTasks = new LocalTaskRunner(face, heap, workers, activeTasks, counters);
        this.staging = new TaskStaging(heap, placement, proxy, errorHandler);
        this.failures = new TaskFailures(heap, rejections);
    }

    /**
     * Spawn a task on a node: handed over in this JVM when it is this node, else serialized and sent.
     *
     * @param targetNodeId node to run it on, checked.
     * @param task         to run.
     * @param <R>          type of its result.
     * @return the future of its result.
     */
    <R> CompletableFuture<R> spawnOn(final int targetNodeId, final DsmTask<R> task)
    {
        if (targetNodeId == nodeId)
        {
            return localTasks.spawn(task);
        }

        return (CompletableFuture<R>)spawnRemote(targetNodeId, task, false).future;
    }

    /**
     * Wait for a remote task's result on the calling thread, driving the transport where it lets callers (Aeron), as
     * {@link #callOn} does: a result that arrives in its message meanwhile is handed to this thread, which completes
     * the future itself. Not on a task's worker (it joins in the pool's managed block, which gives the pool a spare
     * worker), nor while another thread waits so, nor once the completion thread took the result: then the future is
     * waited for as it is. A result that arrived before anybody waited, not yet taken by the completion thread, is
     * completed at once on this thread.
     *
     * @param pending   the task.
     * @param timeoutNs longest wait.
     */
    private void awaitDriving(final PendingTask pending, final long timeoutNs)
    {
        if (pending.future.isDone() || Thread.currentThread() instanceof ForkJoinWorkerThread)
        {
            return;
        }
        final int start = pending.startWaiting();
        if (PendingTask.TAKEN == start)
        {
            // the result arrived before anybody waited and the completion thread has not completed it yet
            completeTask(pending.targetNodeId, pending.correlationId, pending.handedStatus, pending.handedBody);
            return;
        }
        if (PendingTask.WAITING == start)
        {
            awaitArrival(pending, timeoutNs);
        }
    }

    /**
     * Drive the transport until a waiting caller's result arrives (or its future completes otherwise) or the timeout
     * passes, then stop waiting, completing a result handed to this thread meanwhile.
     *
     * @param pending   the task, whose result this thread is registered to wait for.
     * @param timeoutNs longest wait; {@link Long#MAX_VALUE} for as long as the task runs.
     */
    private void awaitArrival(final PendingTask pending, final long timeoutNs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        try
        {
            long remainingNs = timeoutNs;
            while (!transport.awaitResponse(pending.arrival, Math.min(remainingNs, CALL_WAIT_SLICE_NS)))
            {
                remainingNs = deadlineNs - System.nanoTime();
                if (remainingNs <= 0)
                {
                    break;
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt(); // get() throws it, join() and callOn wait on as CompletableFuture's do
        }
        finally
        {
            if (pending.takeFromCaller())
            {
                completeTask(pending.targetNodeId, pending.correlationId, pending.handedStatus, pending.handedBody);
            }
        }
    }

    /**
     * Serialize a task and send it to a peer.
     *
     * @param callerCompletes true if the calling thread waits for the result and completes the future itself when
     *                        the result arrives in its message ({@link PendingTask#handOver}).
     */
    private PendingTask spawnRemote(final int targetNodeId, final DsmTask<?> task, final boolean callerCompletes)
    {
        final TaskScope scope = new TaskScope(heap, targetNodeId, false);
        final byte[] bytes = TaskCodec.serializeTask(scope, task);

        final long correlationId = correlationIds.incrementAndGet();
        final RemoteTaskFuture<Object> future = callerCompletes ? null : new RemoteTaskFuture<>(this);
        final PendingTask pending = new PendingTask(scope, null != future ? future : new CompletableFuture<>(),
            targetNodeId, correlationId, callerCompletes);
        if (null != future)
        {
            future.pending = pending;
        }
        pendingTasks.put(correlationId, pending);
        scheduler.onTaskSent(targetNodeId);
        final long staged;
        try
        {
            staged = staging.sendOrStage(targetNodeId, SPAWN_TYPE, SPAWN_STAGED_TYPE, correlationId, 0, bytes, "task");
        }
        catch (final RuntimeException ex)
        {
            pendingTasks.remove(correlationId);
            scheduler.onTaskEnded(targetNodeId);
            scope.abort();
            throw ex;
        }
        if (GlobalAddress.NULL != staged)
        {
            // the target read the task before it ran; if it died, nobody else will: freed before the future completes
            pending.stagedAt(staged, staging);
        }

        return pending;
    }

    /**
     * Run a task on a node and wait for its result: on this node at once on the calling thread without queueing it;
     * else spawned and joined.
     *
     * @param targetNodeId node to run it on, checked.
     * @param task         to run.
     * @param <R>          type of its result.
     * @return its result.
     */
    <R> R callOn(final int targetNodeId, final DsmTask<R> task)
    {
        if (targetNodeId == nodeId)
        {
            return localTasks.call(task).join();
        }

        if (Thread.currentThread() instanceof ForkJoinWorkerThread)
        {
            // a task's worker waits in the pool's managed block, which gives the pool a spare worker meanwhile: one
            // driving the transport would hold its place, and a task that calls back here could wait for ever
            return spawnOn(targetNodeId, task).join();
        }

        // drive the transport where it lets callers (Aeron): the result is received on this thread, and completed
        // on it, with no hand-off to the duty-cycle thread, the completion thread and back
        final PendingTask pending = spawnRemote(targetNodeId, task, true);
        awaitArrival(pending, Long.MAX_VALUE);

        return (R)pending.future.join();
    }

    /**
     * @return true if no task runs here and none sent from here is waited for.
     */
    boolean isIdle()
    {
        return 0 == activeTasks.get() && pendingTasks.isEmpty();
    }

    /**
     * @return tasks sent from here whose result is waited for.
     */
    int pendingTaskCount()
    {
        return pendingTasks.size();
    }

    /**
     * A task arrived in its message: run it on the workers.
     *
     * @param sourceNodeId  that sent it.
     * @param correlationId of the task.
     * @param body          the serialized task.
     */
    void onSpawn(final int sourceNodeId, final long correlationId, final byte[] body)
    {
        activeTasks.incrementAndGet();
        workers.execute(() -> runTask(sourceNodeId, correlationId, body));
    }

    /**
     * A staged task arrived: read it from the sender's heap and run it on the workers.
     *
     * @param sourceNodeId  that sent it.
     * @param correlationId of the task.
     * @param address       of the staged block, checked to be in the sender's heap.
     * @param length        of the staged bytes, checked.
     */
    void onSpawnStaged(final int sourceNodeId, final long correlationId, final long address, final int length)
    {
        activeTasks.incrementAndGet();
        workers.execute(() -> runStagedTask(sourceNodeId, correlationId, address, length));
    }

    /**
     * A task's result arrived in its message: handed to its caller when it waits in {@link #callOn}, else its
     * future is completed on the completion thread.
     *
     * @param sourceNodeId  that ran the task.
     * @param correlationId of the task.
     * @param status        {@link ControlMessageDescriptor#RESULT_OK} or {@link ControlMessageDescriptor#RESULT_FAILED}.
     * @param body          the serialized result or failure.
     */
    void onResult(final int sourceNodeId, final long correlationId, final long status, final byte[] body)
    {
        final PendingTask pending = pendingTasks.get(correlationId);
        if (null != pending && pending.targetNodeId == sourceNodeId)
        {
            final int handed = pending.handOver(status, body);
            if (PendingTask.TO_CALLER == handed)
            {
                return; // its caller waits for it (callOn, a future's get) and completes it on its own thread
            }
            if (PendingTask.TO_FIRST == handed)
            {
                // nobody waits for it yet: the completion thread completes it, unless a get() takes it first
                completer.execute(() ->
                {
                    if (pending.takeArrived())
                    {
                        completeTask(sourceNodeId, correlationId, status, body);
                    }
                });
                return;
            }
        }
        completer.execute(() -> completeTask(sourceNodeId, correlationId, status, body));
    }

    /**
     * A staged result arrived: read it, unless nobody waits for it, and complete its future.
     *
     * @param sourceNodeId  that ran the task.
     * @param correlationId of the task.
     * @param status        as {@link #onResult}.
     * @param address       of the staged block, checked to be in the sender's heap.
     * @param length        of the staged bytes, checked.
     */
    void onResultStaged(
        final int sourceNodeId, final long correlationId, final long status, final long address, final int length)
    {
        final PendingTask pending = pendingTasks.get(correlationId);
        if (null == pending || pending.targetNodeId != sourceNodeId)
        {
            // read nothing for a result nobody waits for
            rejections.reject("staged task result from node " + sourceNodeId + " for unknown correlationId=" +
                correlationId);
            return;
        }
        completer.execute(() -> completeStagedTask(sourceNodeId, correlationId, status, address, length));
    }

    private void runStagedTask(final int sourceNodeId, final long correlationId, final long address, final int length)
    {
        final byte[] body;
        try
        {
            body = staging.readStaged(address, length);
        }
        catch (final Throwable ex)
        {
            activeTasks.decrementAndGet();
            sendResultFailure(sourceNodeId, correlationId, ex);
            return;
        }
        runTask(sourceNodeId, correlationId, body);
    }

    private void completeStagedTask(
        final int sourceNodeId, final long correlationId, final long status, final long address, final int length)
    {
        final byte[] body;
        try
        {
            body = staging.readStaged(address, length);
        }
        catch (final Throwable ex)
        {
            completeTask(sourceNodeId, correlationId, RESULT_FAILED, TaskFailures.failureText(ex));
            return;
        }
        staging.freeStaged(address);
        completeTask(sourceNodeId, correlationId, status, body);
    }

    private void runTask(final int sourceNodeId, final long correlationId, final byte[] body)
    {
        final TaskScope scope = new TaskScope(heap, sourceNodeId, false);
        byte[] result;
        long status = RESULT_OK;
        try
        {
            final DsmTask<?> task;
            scope.enter();
            try
            {
                task = (DsmTask<?>)TaskCodec.deserialize(body, "task from node " + sourceNodeId);
            }
            finally
            {
                scope.exit();
            }

            final Object value = task.run(face);
            scope.beginResult();
            scope.enter();
            try
            {
                result = TaskCodec.serialize(value, "result of task " + task.getClass().getName());
            }
            finally
            {
                scope.exit();
            }
        }
        catch (final Throwable ex)
        {
            status = RESULT_FAILED;
            result = TaskFailures.failureText(ex);
        }

        final RuntimeException endFailure = scope.taskEnded();
        if (null != endFailure && RESULT_OK == status)
        {
            status = RESULT_FAILED;
            result = TaskFailures.failureText(endFailure);
        }

        counters.increment(Counters.TASKS_RUN);
        activeTasks.decrementAndGet();
        try
        {
            staging.sendOrStage(sourceNodeId, RESULT_TYPE, RESULT_STAGED_TYPE, correlationId, status, result, "task result");
        }
        catch (final ObjectSizeException ex)
        {
            // the caller must hear of it rather than wait for ever: a result too large to send fails the task
            sendResultFailure(sourceNodeId, correlationId, new ObjectSizeException("result of the task is too large " +
                "to send (" + ex.getMessage() + "): return large data in the heap, e.g. in a DBox, not in the result"));
        }
        catch (final HeapExhaustedException ex)
        {
            sendResultFailure(sourceNodeId, correlationId, ex);
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
    }

    private void sendResultFailure(final int sourceNodeId, final long correlationId, final Throwable failure)
    {
        try
        {
            proxy.send(sourceNodeId, RESULT_TYPE, correlationId, RESULT_FAILED, TaskFailures.failureText(failure));
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
    }

    @SuppressWarnings("unchecked")
    private void completeTask(final int sourceNodeId, final long correlationId, final long status, final byte[] body)
    {
        final PendingTask pending = pendingTasks.remove(correlationId);
        if (null == pending || pending.targetNodeId != sourceNodeId)
        {
            rejections.reject("task result from node " + sourceNodeId + " for unknown correlationId=" + correlationId);
            return;
        }
        scheduler.onTaskEnded(sourceNodeId);
        pending.end(staging);

        try
        {
            pending.scope.returned();
            if (RESULT_OK == status)
            {
                final TaskScope resultScope = new TaskScope(heap, sourceNodeId, true).enter();
                final Object value;
                try
                {
                    value = TaskCodec.deserialize(body, "result from node " + sourceNodeId);
                }
                finally
                {
                    resultScope.exit();
                }
                ((CompletableFuture<Object>)pending.future).complete(value);
            }
            else
            {
                pending.future.completeExceptionally(failures.remoteFailure(sourceNodeId, body));
            }
        }
        catch (final Throwable ex)
        {
            // whatever goes wrong decoding a result, the caller's future completes: it must never hang
            pending.future.completeExceptionally(ex);
        }
    }

    /**
     * Fail the futures of tasks sent to nodes the transport no longer has; called by the node agent.
     */
    void failTasksOnUnavailableNodes()
    {
        for (final Map.Entry<Long, PendingTask> entry : pendingTasks.entrySet())
        {
            final PendingTask pending = entry.getValue();
            if (!transport.isAvailable(pending.targetNodeId) && pendingTasks.remove(entry.getKey(), pending))
            {
                scheduler.onTaskEnded(pending.targetNodeId);
                pending.end(staging);
                endLends(pending);
                pending.future.completeExceptionally(new NodeUnavailableException(
                    pending.targetNodeId, "task sent to it can not complete"));
            }
        }
    }

    /**
     * The node closes: fail every task sent or queued here, then end the workers (waiting up to 2 s for them).
     */
    void close()
    {
        final String reason = "node " + nodeId + " closed";
        for (final Long correlationId : pendingTasks.keySet())
        {
            final PendingTask pending = pendingTasks.remove(correlationId);
            if (null != pending)
            {
                pending.end(staging);
                endLends(pending);
                pending.future.completeExceptionally(new NodeUnavailableException(nodeId, reason));
            }
        }
        placement.failPending(nodeId, reason);
        localTasks.failAll(new NodeUnavailableException(nodeId, reason));
        workers.shutdown();
        completer.shutdown();
        try
        {
            if (!workers.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS))
            {
                workers.shutdownNow();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
    }

    /**
     * A task that will never return still ends what it was lent: readers released, a lent Mut back to its owner
     * with the address last written to its owner cell (whose object may be lost with the dead node).
     */
    private void endLends(final PendingTask pending)
    {
        try
        {
            pending.scope.returned();
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
    }

    /**
     * The future of a task spawned on another node: its {@code get()} and {@code join()} wait for the result on the
     * calling thread, driving the transport, as {@code callOn} does ({@link #awaitDriving}); stages chained to it
     * complete on the completion thread, or on that waiting thread when it completed it.
     */
    private static final class RemoteTaskFuture<R> extends CompletableFuture<R>
    {
        private final TaskRuntime runtime;
        PendingTask pending; // set once, before the future leaves spawnRemote

        RemoteTaskFuture(final TaskRuntime runtime)
        {
            this.runtime = runtime;
        }

        public R get() throws InterruptedException, ExecutionException
        {
            runtime.awaitDriving(pending, Long.MAX_VALUE);
            return super.get();
        }

        public R get(final long timeout, final TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException
        {
            final long timeoutNs = unit.toNanos(timeout);
            final long startNs = System.nanoTime();
            runtime.awaitDriving(pending, timeoutNs);
            return super.get(Math.max(0, timeoutNs - (System.nanoTime() - startNs)), TimeUnit.NANOSECONDS);
        }

        public R join()
        {
            runtime.awaitDriving(pending, Long.MAX_VALUE);
            return super.join();
        }
    }

    private static final class PendingTask
    {
        /** {@link #handOver}: handed to the caller waiting for it. */
        static final int TO_CALLER = 0;
        /** {@link #handOver}: kept for the first of a waiting caller and the completion thread to take it. */
        static final int TO_FIRST = 1;
        /** {@link #handOver}: for the completion thread. */
        static final int TO_COMPLETER = 2;
        /** {@link #startWaiting}: the calling thread waits, and must {@link #takeFromCaller()} when it stops. */
        static final int WAITING = 0;
        /** {@link #startWaiting}: the result had arrived; the calling thread took it and must complete it. */
        static final int TAKEN = 1;
        /** {@link #startWaiting}: another thread waits, or the result went to the completion thread. */
        static final int NOT_WAITING = 2;

        private static final int CALLER_WAITS = 0;
        private static final int HANDED = 1;
        private static final int CALLER_GONE = 2;
        private static final int NOBODY_WAITS = 3;
        private static final int ARRIVED = 4;

        final TaskScope scope;
        final CompletableFuture<?> future;
        final int targetNodeId;
        final long correlationId;
        /** Completes when a result is handed to a waiting caller or the future completes. */
        final CompletableFuture<Void> arrival;
        long handedStatus; // guarded by this, read by the caller after takeFromCaller()
        byte[] handedBody; // guarded by this, as handedStatus
        private int handOver; // guarded by this
        private long staged = GlobalAddress.NULL; // guarded by this: the task's staged block until it is freed
        private boolean ended; // guarded by this

        PendingTask(
            final TaskScope scope,
            final CompletableFuture<?> future,
            final int targetNodeId,
            final long correlationId,
            final boolean callerCompletes)
        {
            this.scope = scope;
            this.future = future;
            this.targetNodeId = targetNodeId;
            this.correlationId = correlationId;
            arrival = new CompletableFuture<>();
            future.whenComplete((value, failure) -> arrival.complete(null)); // failed by a death, the close
            handOver = callerCompletes ? CALLER_WAITS : NOBODY_WAITS;
        }

        /**
         * A thread starts waiting for the result of a spawned task in its future's {@code get()} or {@code join()}.
         *
         * @return {@link #WAITING}, {@link #TAKEN} (the result in {@link #handedStatus} and {@link #handedBody}) or
         * {@link #NOT_WAITING}.
         */
        synchronized int startWaiting()
        {
            if (NOBODY_WAITS == handOver)
            {
                handOver = CALLER_WAITS;
                return WAITING;
            }
            if (ARRIVED == handOver)
            {
                handOver = CALLER_GONE;
                return TAKEN;
            }

            return NOT_WAITING;
        }

        /**
         * The completion thread's turn for a result kept by {@link #handOver} for the first to take it.
         *
         * @return true if it takes it; false if a waiting thread took it first.
         */
        synchronized boolean takeArrived()
        {
            if (ARRIVED == handOver)
            {
                handOver = CALLER_GONE;
                return true;
            }

            return false;
        }

        /**
         * A result arrived in its message: hand it to the caller that waits for it, if one does (on the thread that
         * received it, maybe that caller's own, which completes it once it stops driving the transport); if nobody
         * waits on a spawned task's future yet, keep it for the first of a thread that starts waiting and the
         * completion thread.
         *
         * @return {@link #TO_CALLER}, {@link #TO_FIRST} or {@link #TO_COMPLETER}.
         */
        int handOver(final long status, final byte[] body)
        {
            synchronized (this)
            {
                if (NOBODY_WAITS == handOver)
                {
                    handedStatus = status;
                    handedBody = body;
                    handOver = ARRIVED;
                    return TO_FIRST;
                }
                if (CALLER_WAITS != handOver)
                {
                    return TO_COMPLETER;
                }
                handedStatus = status;
                handedBody = body;
                handOver = HANDED;
            }
            arrival.complete(null);

            return TO_CALLER;
        }

        /**
         * The caller stops waiting: from then on a result goes to the completion thread (a {@code callOn}'s), or
         * again to a thread that starts waiting (a spawned task's).
         *
         * @return true if a result was handed to the caller before, which it must complete.
         */
        synchronized boolean takeFromCaller()
        {
            if (HANDED == handOver)
            {
                handOver = CALLER_GONE;
                return true;
            }
            handOver = future instanceof RemoteTaskFuture ? NOBODY_WAITS : CALLER_GONE;

            return false;
        }

        // the task was staged in a block of this node's heap: freed when the task ends, or now if it already did
        synchronized void stagedAt(final long address, final TaskStaging staging)
        {
            if (ended)
            {
                staging.freeStaged(address);
            }
            else
            {
                staged = address;
            }
        }

        // the task ended (a result, or its target gone): its staged block is freed before its future completes
        synchronized void end(final TaskStaging staging)
        {
            ended = true;
            if (GlobalAddress.NULL != staged)
            {
                final long address = staged;
                staged = GlobalAddress.NULL;
                staging.freeStaged(address);
            }
        }
    }
}
