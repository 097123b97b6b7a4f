package org.jdsm.simulator;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;
import org.jdsm.DsmException;
import org.jdsm.NodeUnavailableException;
import org.jdsm.spi.HeapRegion;
import org.jdsm.spi.MessageHandler;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A simulated network shared by the nodes of one cluster inside one JVM: it carries control messages and one-sided
 * operations between {@link SimulatedTransport}s with seeded delays and, optionally, seeded reordering, and it can
 * crash nodes. Delivery is reliable between live nodes: nothing is dropped unless its source or target crashed or
 * left.
 * <p>
 * Every envelope (a message, a one-sided request, or the completion of one) gets
 * {@code readyAtStep = step + random.nextInt(maxDelaySteps + 1)} when submitted. A single delivery agent
 * ({@link #ROLE_NAME}) delivers one envelope per step: among the ready ones the oldest, or, with
 * {@link Context#reorder(boolean)}, one chosen at random; when none is ready the step jumps to the earliest one.
 * Delivering a message calls the target's {@link MessageHandler}; delivering a request executes it against the
 * target's {@link HeapRegion} (the network thread plays the target's NIC) and sends a completion back, whose
 * delivery wakes the caller. All randomness comes from one {@link Random} seeded with {@link Context#seed(long)},
 * used only under the network's lock, so the delivery order is a function of the seed and of the order of
 * submissions: for a client that submits from one thread and waits for each operation (or submits a burst while
 * the network is paused) the whole schedule replays from the seed.
 * <p>
 * The network owns its {@link Context} and its delivery thread; whoever creates it closes it, after the transports
 * attached to it.
 * <p>
 * <b>Note:</b> threadsafe. Submissions, {@link #attach}, {@link #detach}, {@link #crash} and the queue are guarded
 * by one lock; the network thread is the single writer of {@link #deliveredCount()} and the only thread that calls
 * {@link MessageHandler}s and executes requests against {@link HeapRegion}s, always outside the lock. A delivery
 * already in progress when {@link #crash(int)} is called may finish; none to or from the node starts after it
 * returns. Not for production: it allocates per envelope.
 */
public final class SimulatedNetwork implements AutoCloseable
{
    /**
     * Name of the delivery agent and of its thread.
     */
    public static final String ROLE_NAME = "jdsm-simulated-network";

    private static final byte NEVER_ATTACHED = 0;
    private static final byte ATTACHED = 1;
    private static final byte DETACHED = 2;
    private static final byte CRASHED = 3;

    private final Context ctx;
    private final boolean reorder;
    private final int maxDelaySteps;
    private final Random random;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition membershipChanged = lock.newCondition();
    private final byte[] nodeStates = new byte[DsmConfig.MAX_NODE_COUNT];
    private final HeapRegion[] regions = new HeapRegion[DsmConfig.MAX_NODE_COUNT];
    private final MessageHandler[] handlers = new MessageHandler[DsmConfig.MAX_NODE_COUNT];
    private final PriorityQueue<Envelope> delayed = new PriorityQueue<>(Envelope::compareByReadyAt);
    private final ArrayList<Envelope> ready = new ArrayList<>();
    private final AtomicLong droppedCount = new AtomicLong();
    private final AtomicLong errorCount = new AtomicLong();
    private final ErrorHandler countedErrorHandler;
    private final AgentRunner runner;

    private long step;
    private long nextSequence;
    private boolean isClosed;
    private volatile boolean isPaused;
    private volatile long deliveredCount;
    private volatile Thread networkThread;

    /**
     * Conclude the context and start the delivery agent on its own thread.
     *
     * @param ctx settings; owned by the network from now on.
     * @throws ConfigurationException naming the first invalid setting.
     */
    public SimulatedNetwork(final Context ctx)
    {
        this.ctx = ctx.conclude();
        this.reorder = ctx.reorder();
        this.maxDelaySteps = ctx.maxDelaySteps();
        this.random = new Random(ctx.seed());
        this.isPaused = ctx.startPaused();

        final ErrorHandler errorHandler = ctx.errorHandler();
        this.countedErrorHandler = (throwable) ->
        {
            errorCount.getAndIncrement();
            errorHandler.onError(throwable);
        };

        this.runner = new AgentRunner(ctx.idleStrategy(), countedErrorHandler, null, new DeliveryAgent());
        AgentRunner.startOnThread(runner);
    }

    /**
     * @return the concluded settings.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * Register a node: from now on requests to it are served from {@code heap} and messages to it are given to
     * {@code messageHandler} on the network thread. Called by {@link SimulatedTransport#start()}.
     *
     * @param nodeId         of the node, in [0, {@link DsmConfig#MAX_NODE_COUNT}).
     * @param heap           served to peers.
     * @param messageHandler receives the messages sent to the node; must not block.
     * @throws ConfigurationException if the id is out of range or has already attached or crashed.
     */
    public void attach(final int nodeId, final HeapRegion heap, final MessageHandler messageHandler)
    {
        checkNodeId(nodeId);
        if (null == heap || null == messageHandler)
        {
            throw new ConfigurationException("nodeId=" + nodeId + " needs a heap and a messageHandler to attach");
        }

        lock.lock();
        try
        {
            if (isClosed)
            {
                throw new ConfigurationException("nodeId=" + nodeId + " can not attach: simulated network closed");
            }

            final byte state = nodeStates[nodeId];
            if (NEVER_ATTACHED != state)
            {
                throw new ConfigurationException("nodeId=" + nodeId + (CRASHED == state ?
                    " has crashed and can not attach" : " already attached to the simulated network"));
            }

            regions[nodeId] = heap;
            handlers[nodeId] = messageHandler;
            nodeStates[nodeId] = ATTACHED;
            membershipChanged.signalAll();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * A node leaves: messages and requests to it are discarded, operations in flight to or from it fail at once
     * with {@link NodeUnavailableException}, and later ones to it fail at once. Messages it sent before leaving are
     * still delivered. Does nothing if the node is not attached. Called by {@link SimulatedTransport#close()}.
     *
     * @param nodeId of the node.
     */
    public void detach(final int nodeId)
    {
        checkNodeId(nodeId);
        lock.lock();
        try
        {
            if (ATTACHED == nodeStates[nodeId])
            {
                nodeStates[nodeId] = DETACHED;
                regions[nodeId] = null;
                handlers[nodeId] = null;
                purge(nodeId, false);
                membershipChanged.signalAll();
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Crash a node: from now on every envelope to or from it is discarded, operations in flight to or from it fail
     * at once with {@link NodeUnavailableException}, new ones fail at once, and messages sent to or by it are
     * dropped. The node's own threads keep running; its transport reports every operation as unavailable.
     *
     * @param nodeId of the node, attached or not.
     */
    public void crash(final int nodeId)
    {
        checkNodeId(nodeId);
        lock.lock();
        try
        {
            if (CRASHED != nodeStates[nodeId])
            {
                nodeStates[nodeId] = CRASHED;
                regions[nodeId] = null;
                handlers[nodeId] = null;
                purge(nodeId, true);
                membershipChanged.signalAll();
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @param nodeId of the node.
     * @return true if {@link #crash(int)} has been called for it.
     */
    public boolean isCrashed(final int nodeId)
    {
        checkNodeId(nodeId);
        lock.lock();
        try
        {
            return CRASHED == nodeStates[nodeId];
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Stop delivering until {@link #resume()}; submissions are still queued (and their delays drawn), so a test can
     * build a burst whose schedule depends only on the seed.
     */
    public void pause()
    {
        isPaused = true;
    }

    /**
     * Resume delivery after {@link #pause()} or {@link Context#startPaused(boolean)}.
     */
    public void resume()
    {
        isPaused = false;
        wakeNetworkThread();
    }

    /**
     * @return true while delivery is paused.
     */
    public boolean isPaused()
    {
        return isPaused;
    }

    /**
     * Envelopes (messages, requests, completions) delivered so far, counting the one being delivered; discarded
     * ones do not count. A caller woken by a completion sees it counted.
     *
     * @return the count.
     */
    public long deliveredCount()
    {
        return deliveredCount;
    }

    /**
     * Envelopes discarded so far: to or from a crashed node, to a node that left or never attached.
     *
     * @return the count.
     */
    public long droppedCount()
    {
        return droppedCount.get();
    }

    /**
     * Errors reported to {@link Context#errorHandler()}, e.g. thrown by a {@link MessageHandler}.
     *
     * @return the count.
     */
    public long errorCount()
    {
        return errorCount.get();
    }

    /**
     * Envelopes submitted and not yet delivered or discarded.
     *
     * @return the count.
     */
    public int pendingCount()
    {
        lock.lock();
        try
        {
            return delayed.size() + ready.size();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * The logical clock: one step per delivery, jumping forward when nothing is ready.
     *
     * @return the current step.
     */
    public long step()
    {
        lock.lock();
        try
        {
            return step;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Stop the delivery agent. Operations in flight fail with {@link NodeUnavailableException}, later ones fail at
     * once, and later messages are dropped. Idempotent.
     */
    public void close()
    {
        lock.lock();
        try
        {
            if (isClosed)
            {
                return;
            }
            isClosed = true;
            abortAll();
            membershipChanged.signalAll();
        }
        finally
        {
            lock.unlock();
        }

        runner.close();
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "SimulatedNetwork{seed=" + ctx.seed() + ", maxDelaySteps=" + maxDelaySteps + ", reorder=" + reorder +
            ", deliveredCount=" + deliveredCount + '}';
    }

    boolean isAvailable(final int nodeId)
    {
        lock.lock();
        try
        {
            final byte state = nodeStates[nodeId];
            return !isClosed && CRASHED != state && DETACHED != state;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * The join barrier: wait until nodes [0, nodeCount) have all attached (or crashed).
     *
     * @param nodeCount of the cluster.
     * @param timeoutNs how long to wait.
     * @throws NodeUnavailableException naming the first node missing when the time is up.
     */
    void awaitAttached(final int nodeCount, final long timeoutNs)
    {
        lock.lock();
        try
        {
            long remainingNs = timeoutNs;
            int missingNodeId;
            while ((missingNodeId = firstNeverAttached(nodeCount)) >= 0)
            {
                if (isClosed)
                {
                    throw new NodeUnavailableException(missingNodeId, "join aborted: simulated network closed");
                }
                if (remainingNs <= 0)
                {
                    throw new NodeUnavailableException(missingNodeId, "join timed out after " +
                        TimeUnit.NANOSECONDS.toMillis(timeoutNs) + "ms: node never attached to the simulated network");
                }
                remainingNs = membershipChanged.awaitNanos(remainingNs);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new NodeUnavailableException(firstNeverAttached(nodeCount), "join interrupted");
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Queue a copy of a message. Dropped, without error, if the source or target crashed or left, or the network
     * closed; dropped on delivery if the target never attached.
     */
    void send(final int sourceId, final int targetId, final byte[] copy)
    {
        lock.lock();
        try
        {
            if (isClosed || isGone(sourceId) || isGone(targetId))
            {
                droppedCount.getAndIncrement();
                return;
            }
            enqueue(Envelope.MESSAGE, sourceId, targetId, copy, null, 0, null);
        }
        finally
        {
            lock.unlock();
        }

        wakeNetworkThread();
    }

    /**
     * Submit a one-sided operation and wait, on the calling thread, for its completion.
     *
     * @param operation built on the calling thread.
     * @param timeoutNs how long to wait.
     * @throws NodeUnavailableException if a node involved is gone, the network closed, or the time is up.
     * @throws org.jdsm.RemoteAccessException with the target heap's message if it rejected the operation.
     */
    void invoke(final Operation operation, final long timeoutNs)
    {
        if (Thread.currentThread() == networkThread)
        {
            throw new DsmException(operation.describe() + " to node " + operation.targetId +
                " called on the simulated network thread (from a MessageHandler): it would wait for itself");
        }

        lock.lock();
        try
        {
            final String reason = rejectReason(operation);
            if (null != reason)
            {
                final int nodeId = isGone(operation.requesterId) ? operation.requesterId : operation.targetId;
                throw new NodeUnavailableException(nodeId, reason);
            }
            enqueue(Envelope.REQUEST, operation.requesterId, operation.targetId, null, operation, 0, null);
        }
        finally
        {
            lock.unlock();
        }

        wakeNetworkThread();
        if (!operation.await(timeoutNs))
        {
            throw new NodeUnavailableException(operation.targetId, operation.describe() + " timed out after " +
                TimeUnit.NANOSECONDS.toMillis(timeoutNs) + "ms");
        }
        operation.throwIfFailed();
    }

    private String rejectReason(final Operation operation)
    {
        if (isClosed)
        {
            return operation.describe() + " rejected: simulated network closed";
        }
        if (isGone(operation.requesterId))
        {
            return operation.describe() + " to node " + operation.targetId + " rejected: requesting node " +
                goneWord(operation.requesterId);
        }
        if (isGone(operation.targetId))
        {
            return operation.describe() + " rejected: node " + goneWord(operation.targetId);
        }

        return null;
    }

    private boolean isGone(final int nodeId)
    {
        final byte state = nodeStates[nodeId];
        return CRASHED == state || DETACHED == state;
    }

    private String goneWord(final int nodeId)
    {
        return CRASHED == nodeStates[nodeId] ? "crashed" : "left the simulated network";
    }

    private int firstNeverAttached(final int nodeCount)
    {
        for (int i = 0; i < nodeCount; i++)
        {
            if (NEVER_ATTACHED == nodeStates[i])
            {
                return i;
            }
        }

        return -1;
    }

    private void enqueue(
        final int type,
        final int sourceId,
        final int targetId,
        final byte[] payload,
        final Operation operation,
        final long result,
        final RuntimeException failure)
    {
        final long delay = 0 == maxDelaySteps ? 0 : random.nextInt(maxDelaySteps + 1);
        final Envelope envelope = new Envelope(
            type, sourceId, targetId, nextSequence++, step + delay, payload, operation, result, failure);

        if (envelope.readyAtStep <= step)
        {
            ready.add(envelope);
        }
        else
        {
            delayed.add(envelope);
        }
    }

    /**
     * Discard what a node that crashed or left should no longer send or receive, failing the operations involved.
     */
    private void purge(final int nodeId, final boolean crashed)
    {
        purge(ready.iterator(), nodeId, crashed);
        purge(delayed.iterator(), nodeId, crashed);
    }

    private void purge(final Iterator<Envelope> iterator, final int nodeId, final boolean crashed)
    {
        final String word = crashed ? "crashed" : "left the simulated network";
        while (iterator.hasNext())
        {
            final Envelope envelope = iterator.next();
            if (Envelope.MESSAGE == envelope.type)
            {
                if (envelope.targetId == nodeId || (crashed && envelope.sourceId == nodeId))
                {
                    iterator.remove();
                    droppedCount.getAndIncrement();
                }
            }
            else
            {
                final Operation operation = envelope.operation;
                if (operation.targetId == nodeId || operation.requesterId == nodeId)
                {
                    iterator.remove();
                    droppedCount.getAndIncrement();
                    failInvolving(operation, nodeId, word);
                }
            }
        }
    }

    private static void failInvolving(final Operation operation, final int nodeId, final String word)
    {
        if (operation.targetId == nodeId)
        {
            operation.fail(nodeId, operation.describe() + " aborted: node " + word);
        }
        else
        {
            operation.fail(nodeId, operation.describe() + " to node " + operation.targetId +
                " aborted: requesting node " + word);
        }
    }

    private void abortAll()
    {
        for (final Envelope envelope : ready)
        {
            abort(envelope);
        }
        for (final Envelope envelope : delayed)
        {
            abort(envelope);
        }
        ready.clear();
        delayed.clear();
    }

    private void abort(final Envelope envelope)
    {
        droppedCount.getAndIncrement();
        if (null != envelope.operation)
        {
            envelope.operation.fail(
                envelope.operation.targetId, envelope.operation.describe() + " aborted: simulated network closed");
        }
    }

    private void wakeNetworkThread()
    {
        final Thread thread = networkThread;
        if (null != thread && thread != Thread.currentThread())
        {
            LockSupport.unpark(thread);
        }
    }

    private static void checkNodeId(final int nodeId)
    {
        if (nodeId < 0 || nodeId >= DsmConfig.MAX_NODE_COUNT)
        {
            throw new ConfigurationException("nodeId=" + nodeId + " must be in [0, " + DsmConfig.MAX_NODE_COUNT + ")");
        }
    }

    /**
     * Delivers one envelope per duty cycle. Runs on the network thread only; the fields below are its own.
     */
    private final class DeliveryAgent implements Agent
    {
        private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[0]);
        private HeapRegion targetRegion;
        private MessageHandler targetHandler;

        public void onStart()
        {
            networkThread = Thread.currentThread();
        }

        public int doWork()
        {
            if (isPaused)
            {
                return 0;
            }

            final Envelope envelope;
            lock.lock();
            try
            {
                envelope = select();
                if (null == envelope)
                {
                    return 0;
                }
                if (!resolveTarget(envelope))
                {
                    droppedCount.getAndIncrement();
                    return 1;
                }
            }
            finally
            {
                lock.unlock();
            }

            deliveredCount++; // single writer: only the network thread; counted before delivery wakes a caller
            deliver(envelope);
            targetRegion = null;
            targetHandler = null;

            return 1;
        }

        public String roleName()
        {
            return ROLE_NAME;
        }

        private Envelope select()
        {
            if (ready.isEmpty())
            {
                final Envelope earliest = delayed.peek();
                if (null == earliest)
                {
                    return null;
                }
                step = Math.max(step, earliest.readyAtStep);
            }

            while (!delayed.isEmpty() && delayed.peek().readyAtStep <= step)
            {
                ready.add(delayed.poll());
            }

            final int index = reorder ? random.nextInt(ready.size()) : indexOfOldestReady();
            final int lastIndex = ready.size() - 1;
            final Envelope envelope = ready.get(index);
            ready.set(index, ready.get(lastIndex));
            ready.remove(lastIndex);
            step++;

            return envelope;
        }

        private int indexOfOldestReady()
        {
            int oldest = 0;
            for (int i = 1, size = ready.size(); i < size; i++)
            {
                if (ready.get(i).sequence < ready.get(oldest).sequence)
                {
                    oldest = i;
                }
            }

            return oldest;
        }

        private boolean resolveTarget(final Envelope envelope)
        {
            if (Envelope.COMPLETION == envelope.type)
            {
                return true;
            }

            if (ATTACHED != nodeStates[envelope.targetId])
            {
                return false; // never attached: a request is lost and its caller times out
            }
            targetRegion = regions[envelope.targetId];
            targetHandler = handlers[envelope.targetId];

            return true;
        }

        private void deliver(final Envelope envelope)
        {
            switch (envelope.type)
            {
                case Envelope.MESSAGE:
                    deliverMessage(envelope);
                    break;

                case Envelope.REQUEST:
                    execute(envelope.operation);
                    break;

                default:
                    envelope.operation.complete(
                        envelope.result, envelope.payload, envelope.failure);
                    break;
            }
        }

        private void deliverMessage(final Envelope envelope)
        {
            scratch.wrap(envelope.payload);
            try
            {
                targetHandler.onMessage(envelope.sourceId, scratch, 0, envelope.payload.length);
            }
            catch (final Throwable ex)
            {
                countedErrorHandler.onError(ex);
            }
        }

        private void execute(final Operation operation)
        {
            long result = 0;
            byte[] data = null;
            RuntimeException failure = null;
            try
            {
                switch (operation.kind)
                {
                    case Operation.READ:
                        if (Operation.READ_INDIRECT == operation.firstArg)
                        {
                            data = readIndirect(operation);
                            break;
                        }
                        data = new byte[operation.length];
                        scratch.wrap(data);
                        if (Operation.READ_VALIDATED == operation.firstArg)
                        {
                            // a seqlock reader's: the target's own threads may change the range meanwhile
                            targetRegion.getBytesValidated(operation.offset, scratch, 0, operation.length);
                        }
                        else
                        {
                            targetRegion.getBytes(operation.offset, scratch, 0, operation.length);
                        }
                        break;

                    case Operation.WRITE:
                        scratch.wrap(operation.payload);
                        targetRegion.putBytes(operation.offset, scratch, 0, operation.length);
                        break;

                    case Operation.COMPARE_AND_SWAP:
                        result = targetRegion.compareAndSwapLong(
                            operation.offset, operation.firstArg, operation.secondArg);
                        break;

                    default:
                        result = targetRegion.getAndAddLong(operation.offset, operation.firstArg);
                        break;
                }
            }
            catch (final RuntimeException ex)
            {
                failure = ex; // the requester rethrows it as RemoteAccessException
                data = null;
            }

            reply(operation, result, data, failure);
        }

        /**
         * The word at the operation's offset and, when it is not the expected one (the second argument) and points
         * to a range of the target's heap, that range read as a seqlock reader does, after it.
         */
        private byte[] readIndirect(final Operation operation)
        {
            final long word = targetRegion.getLongVolatile(operation.offset);
            final long rangeOffset = word == operation.secondArg ? -1 : targetRegion.indirectOffset(word);
            final boolean follows = rangeOffset >= 0 && 0 == (rangeOffset & (Long.BYTES - 1)) &&
                rangeOffset <= targetRegion.capacity() - operation.length;

            final byte[] data = new byte[follows ? Long.BYTES + operation.length : Long.BYTES];
            scratch.wrap(data);
            scratch.putLong(0, word);
            if (follows)
            {
                targetRegion.getBytesValidated(rangeOffset, scratch, Long.BYTES, operation.length);
            }

            return data;
        }

        private void reply(final Operation operation, final long result, final byte[] data, final RuntimeException ex)
        {
            lock.lock();
            try
            {
                if (isClosed)
                {
                    operation.fail(operation.targetId, operation.describe() + " aborted: simulated network closed");
                }
                else if (isGone(operation.targetId))
                {
                    failInvolving(operation, operation.targetId, goneWord(operation.targetId));
                }
                else if (isGone(operation.requesterId))
                {
                    failInvolving(operation, operation.requesterId, goneWord(operation.requesterId));
                }
                else
                {
                    enqueue(Envelope.COMPLETION, operation.targetId, operation.requesterId, data, operation, result, ex);
                }
            }
            finally
            {
                lock.unlock();
            }
        }
    }

    /**
     * System properties that set the defaults of a {@link Context}, so a failing schedule can be replayed with
     * {@code -Djdsm.simulator.seed=...}.
     */
    public static final class Configuration
    {
        /** Property for the seed of the delivery schedule. */
        public static final String SEED_PROP_NAME = "jdsm.simulator.seed";
        /** Default seed. */
        public static final long SEED_DEFAULT = 0;

        /** Property for the largest delay of an envelope, in steps. */
        public static final String MAX_DELAY_STEPS_PROP_NAME = "jdsm.simulator.max.delay.steps";
        /** Default largest delay in steps: none, so delivery is FIFO. */
        public static final int MAX_DELAY_STEPS_DEFAULT = 0;
        /** Limit on the largest delay in steps. */
        public static final int MAX_DELAY_STEPS_LIMIT = 1_000_000;

        /** Property for choosing the next envelope at random among the ready ones. */
        public static final String REORDER_PROP_NAME = "jdsm.simulator.reorder";
        /** Default: FIFO among the ready envelopes. */
        public static final boolean REORDER_DEFAULT = false;

        private Configuration()
        {
        }

        /**
         * @return the value of {@link #SEED_PROP_NAME}, else {@link #SEED_DEFAULT}.
         */
        public static long seed()
        {
            return Long.getLong(SEED_PROP_NAME, SEED_DEFAULT);
        }

        /**
         * @return the value of {@link #MAX_DELAY_STEPS_PROP_NAME}, else {@link #MAX_DELAY_STEPS_DEFAULT}.
         */
        public static int maxDelaySteps()
        {
            return Integer.getInteger(MAX_DELAY_STEPS_PROP_NAME, MAX_DELAY_STEPS_DEFAULT);
        }

        /**
         * @return the value of {@link #REORDER_PROP_NAME}, else {@link #REORDER_DEFAULT}.
         */
        public static boolean reorder()
        {
            final String value = System.getProperty(REORDER_PROP_NAME);
            return null == value ? REORDER_DEFAULT : Boolean.parseBoolean(value);
        }
    }

    /**
     * Settings of a {@link SimulatedNetwork}: defaults from {@link Configuration}, fluent setters, and
     * {@link #conclude()} that validates them.
     * <p>
     * <b>Note:</b> not threadsafe; set it up on one thread, then give it to the network, which owns it.
     */
    public static final class Context
    {
        /** Smallest {@link #maxMessageLength(int)}: the engine's control messages must fit. */
        public static final int MIN_MESSAGE_LENGTH = 256;

        private boolean isConcluded;
        private long seed = Configuration.seed();
        private int maxDelaySteps = Configuration.maxDelaySteps();
        private boolean reorder = Configuration.reorder();
        private int maxMessageLength = SimulatedTransport.MAX_MESSAGE_LENGTH;
        private boolean startPaused;
        private IdleStrategy idleStrategy;
        private ErrorHandler errorHandler;

        /**
         * Validate the settings and fill defaults; calling it again does nothing.
         *
         * @return this for a fluent API.
         * @throws ConfigurationException naming the invalid setting, its value and the bound it breaks.
         */
        public Context conclude()
        {
            if (isConcluded)
            {
                return this;
            }

            if (maxDelaySteps < 0 || maxDelaySteps > Configuration.MAX_DELAY_STEPS_LIMIT)
            {
                throw new ConfigurationException("maxDelaySteps=" + maxDelaySteps + " must be in [0, " +
                    Configuration.MAX_DELAY_STEPS_LIMIT + "]");
            }
            if (maxMessageLength < MIN_MESSAGE_LENGTH || maxMessageLength > SimulatedTransport.MAX_MESSAGE_LENGTH)
            {
                throw new ConfigurationException("maxMessageLength=" + maxMessageLength + " must be in [" +
                    MIN_MESSAGE_LENGTH + ", " + SimulatedTransport.MAX_MESSAGE_LENGTH + "]");
            }
            if (null == idleStrategy)
            {
                // parks at most 1ms when idle; submissions unpark the network thread, so latency stays low
                idleStrategy = new BackoffIdleStrategy(10, 10, TimeUnit.MICROSECONDS.toNanos(1),
                    TimeUnit.MILLISECONDS.toNanos(1));
            }
            if (null == errorHandler)
            {
                errorHandler = (throwable) ->
                {
                    System.err.println(ROLE_NAME + " error: " + throwable);
                    throwable.printStackTrace(System.err);
                };
            }

            isConcluded = true;
            return this;
        }

        /**
         * @return seed of the delivery schedule.
         */
        public long seed()
        {
            return seed;
        }

        /**
         * @param seed of the delivery schedule: delays and reordering are a function of it.
         * @return this for a fluent API.
         */
        public Context seed(final long seed)
        {
            checkNotConcluded();
            this.seed = seed;
            return this;
        }

        /**
         * @return largest message {@code send} takes, in bytes.
         */
        public int maxMessageLength()
        {
            return maxMessageLength;
        }

        /**
         * @param maxMessageLength largest message {@code send} takes, in [256, 16 MiB]; a smaller one makes the
         *                         engine stage large tasks and results in the heap, as over Aeron.
         * @return this for a fluent API.
         */
        public Context maxMessageLength(final int maxMessageLength)
        {
            checkNotConcluded();
            this.maxMessageLength = maxMessageLength;
            return this;
        }

        /**
         * @return largest delay of an envelope in steps.
         */
        public int maxDelaySteps()
        {
            return maxDelaySteps;
        }

        /**
         * @param maxDelaySteps largest delay of an envelope in steps, in [0, 1000000]; 0 delivers as soon as
         *                      possible.
         * @return this for a fluent API.
         */
        public Context maxDelaySteps(final int maxDelaySteps)
        {
            checkNotConcluded();
            this.maxDelaySteps = maxDelaySteps;
            return this;
        }

        /**
         * @return whether the next envelope is chosen at random among the ready ones.
         */
        public boolean reorder()
        {
            return reorder;
        }

        /**
         * @param reorder true to choose the next envelope at random among the ready ones, false for the oldest.
         * @return this for a fluent API.
         */
        public Context reorder(final boolean reorder)
        {
            checkNotConcluded();
            this.reorder = reorder;
            return this;
        }

        /**
         * @return whether the network starts paused.
         */
        public boolean startPaused()
        {
            return startPaused;
        }

        /**
         * @param startPaused true to queue but not deliver until {@link SimulatedNetwork#resume()}.
         * @return this for a fluent API.
         */
        public Context startPaused(final boolean startPaused)
        {
            checkNotConcluded();
            this.startPaused = startPaused;
            return this;
        }

        /**
         * @return idle strategy of the delivery agent.
         */
        public IdleStrategy idleStrategy()
        {
            return idleStrategy;
        }

        /**
         * @param idleStrategy of the delivery agent; a {@link BackoffIdleStrategy} parking at most 1ms if unset.
         * @return this for a fluent API.
         */
        public Context idleStrategy(final IdleStrategy idleStrategy)
        {
            checkNotConcluded();
            this.idleStrategy = idleStrategy;
            return this;
        }

        /**
         * @return handler for errors the delivery agent can not throw to a caller.
         */
        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }

        /**
         * @param errorHandler for errors the delivery agent can not throw, e.g. from a {@link MessageHandler}; must
         *                     not throw. Prints to {@code System.err} if unset.
         * @return this for a fluent API.
         */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            checkNotConcluded();
            this.errorHandler = errorHandler;
            return this;
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return "SimulatedNetwork.Context{seed=" + seed + ", maxDelaySteps=" + maxDelaySteps + ", reorder=" +
                reorder + ", startPaused=" + startPaused + '}';
        }

        private void checkNotConcluded()
        {
            if (isConcluded)
            {
                throw new ConfigurationException("simulated network context already concluded");
            }
        }
    }
}
