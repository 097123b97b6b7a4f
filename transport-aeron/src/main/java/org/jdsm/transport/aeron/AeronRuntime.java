package org.jdsm.transport.aeron;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.Receiver;
import io.aeron.driver.Sender;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.ConductorServiceTimeoutException;
import io.aeron.exceptions.DriverTimeoutException;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.jdsm.ConfigurationException;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the {@link AeronTransport}s of one process share: the media driver (embedded, in
 * {@link ThreadingMode#INVOKER}), one Aeron client (with {@code useConductorAgentInvoker}), and one duty-cycle
 * {@link Agent} on one {@link AgentRunner} thread that invokes the driver's agents, the client conductor and every
 * registered agent (each transport's {@link Responder}) in turn: one thread per process, whatever the number of nodes in it.
 * <p>
 * <b>Caller-driven duty cycle.</b> The duty cycle runs on whichever thread holds it ({@link #tryDrive()}, as an
 * {@link AgentInvoker} runs an agent on its caller's thread): an application thread waiting for the response to its
 * one-sided operation drives it itself, so the response it waits for is polled, and the operation completed, on the
 * thread that waits, without a hand-off to the duty-cycle thread and back. While a caller drives, the duty-cycle
 * thread parks, so there is still one busy thread per process; it takes the duty cycle back when no caller has driven
 * it for the idle strategy's longest park ({@link #callerDrivingParkNs}, 100 us by default). Its first park is that
 * long; each next one in a row, while callers keep driving, twice as long, up to {@link #CALLER_DRIVING_PARK_GROWTH}
 * times (1 ms). So, between one caller's operations, frames from peers wait at most 100 us to be polled when callers
 * drive now and then, and up to 1 ms once, when callers that drove without pause stop.
 * <p>
 * <b>Liveness.</b> The embedded driver's and the client's liveness timeouts follow the node's peer timeout
 * ({@link AeronTransportContext#aeronLivenessTimeoutNs()}), so that a stall of the process shorter than the peer
 * timeout does not end the client. A stall longer than that timeout ends the client on resume
 * ({@code ConductorServiceTimeoutException}, or {@code DriverTimeoutException}); by then jdsm's own liveness has cut
 * the node off, so this is not reported as an error again: {@link #clientTimeout()} keeps it, and the transports
 * close without the client ({@link #isClientClosed()}).
 * <p>
 * Runtimes are reference counted per driver: {@link #acquire} starts one on first use, {@link #release} closes it
 * (deleting the embedded driver's directory) when the last transport releases it.
 * <p>
 * <b>Settings of several nodes in one process.</b> Each node's own {@link AeronTransportContext} decides its settings;
 * nodes of one process that use the same driver share its runtime, and so its one duty-cycle thread. Its idle strategy
 * ({@code jdsm.aeron.idle.strategy}) and longest park ({@code jdsm.aeron.idle.max.park}) are therefore one per runtime:
 * a node whose context sets them differently from the nodes already running on the runtime is refused with a
 * {@link ConfigurationException} naming the setting and both values, rather than silently run with the other node's.
 * (Nodes that need different idle settings use different drivers, hence different runtimes.) Errors of the shared
 * driver, client and duty cycle concern every node on the runtime, so they go to the error handler of each node that
 * holds it, never to one node's only; a node's own frames and handlers report to its own handler.
 * <p>
 * <b>Note:</b> threadsafe. The driver agents run under the client lock, which the Aeron client also holds when it
 * drives the driver itself while awaiting a response on an application thread, so they never run on two threads at
 * once. The registered agents are a copy-on-write array, called only by the thread that holds the duty cycle: one
 * thread at a time, each hand-over of the duty cycle a release (compare-and-set of {@code holder}) the next holder
 * acquires, so the agents see one writer.
 */
final class AeronRuntime
{
    /** Name of the duty-cycle agent and its thread. */
    static final String ROLE_NAME = "jdsm-aeron";

    private static final Object REGISTRY_LOCK = new Object();
    private static final Map<String, AeronRuntime> RUNTIMES = new HashMap<>();
    private static final Agent[] NO_AGENTS = new Agent[0];
    /**
     * Longest time between full duty cycles (driver conductor, client conductor, the sender's poll for status
     * messages) while callers drive lean ones: the driver's own timers tick at 1 ms, its sender polls for status
     * messages at least every 1 ms while it sends; the conductor moves the publications' limits and schedules status
     * messages, which a window of hundreds of KiB lets lag this long.
     */
    static final long FULL_CYCLE_INTERVAL_NS = TimeUnit.MICROSECONDS.toNanos(100);

    /**
     * Most runs of the sender by {@link #sendOffered(int)}: a frame longer than the MTU leaves one datagram per run;
     * what is still unsent after these is left to the duty cycle.
     */
    static final int MAX_SENDS_ON_OFFER = 64;

    /**
     * How many times the idle strategy's longest park the duty-cycle thread parks at most at a time while callers keep
     * driving the duty cycle: 1 ms by default. Each wake-up to look is a thread switch; in kv on 2 nodes those cost
     * 1.0–1.9 us of CPU per operation with parks of 100 us.
     */
    static final int CALLER_DRIVING_PARK_GROWTH = 10;
    /**
     * Set when a {@link Peer} publication took a frame: the next lean cycle runs the driver's sender. One per
     * process: only the embedded driver's runtime reads it (an external driver sends by itself), and a flag another
     * runtime clears costs it no more than a wait for its next full cycle.
     */
    private static final AtomicBoolean OFFERED = new AtomicBoolean();

    /**
     * Receive buffer of the embedded driver's UDP sockets unless {@code aeron.socket.so_rcvbuf} is set: room for the
     * receiver windows (Aeron's default, 128 KiB) of 16 senders at once. One socket receives the streams of every peer
     * (and the node's own), each allowed a window in flight; with Aeron's default buffer of one window, a node that
     * polled late on a loaded machine dropped datagrams (kernel {@code RcvbufErrors}), and their repair by NAK and
     * retransmit held the rest of the stream back for seconds, heartbeats included.
     */
    static final int SOCKET_RCVBUF_LENGTH = 2 * 1024 * 1024;

    private final CycleClock cycleClock = new CycleClock();
    private final String key;
    private final String idleStrategyName;
    private final long idleMaxParkNs;
    private final long livenessTimeoutNs;
    private final ErrorHandlers errorHandlers;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final AgentRunner runner;
    private final AtomicLong dutyCycles = new AtomicLong();
    private final Object agentsLock = new Object();
    private volatile Agent[] agents = NO_AGENTS;
    /** The thread that holds the duty cycle, or null: the duty-cycle thread, or a caller driving it. */
    private final AtomicReference<Thread> holder = new AtomicReference<>();
    private final AtomicBoolean callerWaiting = new AtomicBoolean();
    private final AtomicInteger parkedCallers = new AtomicInteger();
    /** The caller that parked last while another drove, or null: the driver hands the duty cycle to it. */
    private final AtomicReference<Thread> parkedCaller = new AtomicReference<>();
    private volatile long lastCallerDriveNs = Long.MIN_VALUE / 2;
    private final long callerDrivingParkNs;
    private final DutyCycle dutyCycle;
    private volatile Thread runnerThread;
    /**
     * Set when a caller that stopped driving with more than one caller parked (or none it could hand over to)
     * unparks the duty-cycle thread for a cycle: it runs one even though a caller drove a moment ago. A
     * {@link #wake()} does not: a thread that offered a frame while callers drive would take the duty cycle from
     * them for a full cycle (YCSB workload B, whose updates send messages, ran at about half the throughput so).
     */
    private volatile boolean runnerCalled;
    private volatile Throwable clientTimeout;
    private int referenceCount;

    private AeronRuntime(final String key, final AeronTransportContext ctx, final ErrorHandlers errorHandler)
    {
        this.key = key;
        this.idleStrategyName = ctx.idleStrategy();
        this.idleMaxParkNs = ctx.idleMaxParkNs();
        this.livenessTimeoutNs = ctx.aeronLivenessTimeoutNs();
        this.errorHandlers = errorHandler;
        final ReentrantLock clientLock = new ReentrantLock();
        MediaDriver launched = null;
        Aeron connected = null;
        try
        {
            final String directory;
            if ("embedded".equals(ctx.driver()))
            {
                directory = EmbeddedDriverDirectory.newDirectory();
                final long livenessTimeoutNs = ctx.aeronLivenessTimeoutNs();
                launched = MediaDriver.launch(new MediaDriver.Context()
                    .aeronDirectoryName(directory)
                    .nanoClock(cycleClock)
                    .clientLivenessTimeoutNs(livenessTimeoutNs)
                    .imageLivenessTimeoutNs(livenessTimeoutNs)
                    .publicationConnectionTimeoutNs(livenessTimeoutNs)
                    .publicationUnblockTimeoutNs(livenessTimeoutNs + livenessTimeoutNs / 2)
                    .threadingMode(ThreadingMode.INVOKER)
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true)
                    .termBufferSparseFile(true)
                    .socketRcvbufLength(socketRcvbufLength())
                    .warnIfDirectoryExists(false)
                    .errorHandler(errorHandler));
            }
            else
            {
                directory = ctx.aeronDirectoryName();
            }
            final AgentInvoker driverInvoker = null == launched ? null : launched.sharedAgentInvoker();

            final ErrorHandler clientErrorHandler = (throwable) -> onClientError(throwable, errorHandler);
            connected = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(directory)
                .driverTimeoutMs(TimeUnit.NANOSECONDS.toMillis(ctx.aeronLivenessTimeoutNs()))
                .useConductorAgentInvoker(true)
                .driverAgentInvoker(driverInvoker)
                .clientLock(clientLock)
                .errorHandler(clientErrorHandler)
                .subscriberErrorHandler(errorHandler));

            final IdleStrategy idleStrategy = ctx.newIdleStrategy();
            callerDrivingParkNs = ctx.idleMaxParkNs();
            dutyCycle = new DutyCycle(clientLock, driverInvoker, connected.conductorAgentInvoker(), errorHandler);
            runner = new AgentRunner(idleStrategy, errorHandler, null, new RunnerAgent());
            driver = launched;
            aeron = connected;
            AgentRunner.startOnThread(runner, (runnable) ->
            {
                final Thread thread = new Thread(runnable, ROLE_NAME);
                thread.setDaemon(true);
                return thread;
            });
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(connected, launched);
            throw ex;
        }
    }

    /**
     * Get the runtime of a driver, starting it on first use.
     *
     * @param ctx          concluded, naming the driver and the idle settings of its duty cycle.
     * @param errorHandler of the node: told of the errors of the driver, client and duty cycle while it holds the
     *                     runtime.
     * @return the runtime; {@link #release} it once, with the same error handler.
     * @throws ConfigurationException if the runtime runs already with other idle settings than the context's.
     */
    static AeronRuntime acquire(final AeronTransportContext ctx, final ErrorHandler errorHandler)
    {
        final String key = "embedded".equals(ctx.driver()) ? "embedded" : "external:" + ctx.aeronDirectoryName();
        synchronized (REGISTRY_LOCK)
        {
            AeronRuntime runtime = RUNTIMES.get(key);
            if (null == runtime)
            {
                final ErrorHandlers errorHandlers = new ErrorHandlers();
                errorHandlers.add(errorHandler);
                runtime = new AeronRuntime(key, ctx, errorHandlers);
                RUNTIMES.put(key, runtime);
            }
            else
            {
                runtime.checkSameSettings(ctx);
                runtime.errorHandlers.add(errorHandler);
            }
            runtime.referenceCount++;
            return runtime;
        }
    }

    private void checkSameSettings(final AeronTransportContext ctx)
    {
        final String runtimeOf = " of the Aeron runtime this process already runs (driver " + key + ", shared by " +
            referenceCount + " node" + (1 == referenceCount ? "" : "s") + "): its one duty-cycle thread has one idle " +
            "strategy; set it the same for every node of the process, or give the node its own driver";
        if (!idleStrategyName.equals(ctx.idleStrategy()))
        {
            throw new ConfigurationException(AeronTransportContext.Configuration.IDLE_STRATEGY_PROP_NAME + "=" +
                ctx.idleStrategy() + " conflicts with " + AeronTransportContext.Configuration.IDLE_STRATEGY_PROP_NAME +
                "=" + idleStrategyName + runtimeOf);
        }
        if (idleMaxParkNs != ctx.idleMaxParkNs())
        {
            throw new ConfigurationException(AeronTransportContext.Configuration.IDLE_MAX_PARK_PROP_NAME + "=" +
                ctx.idleMaxParkNs() + "ns conflicts with " + AeronTransportContext.Configuration.IDLE_MAX_PARK_PROP_NAME +
                "=" + idleMaxParkNs + "ns" + runtimeOf);
        }
        if (livenessTimeoutNs != ctx.aeronLivenessTimeoutNs())
        {
            throw new ConfigurationException("jdsm.peer.timeout gives this node an Aeron liveness timeout of " +
                ctx.aeronLivenessTimeoutNs() + "ns, which conflicts with the " + livenessTimeoutNs + "ns" + runtimeOf +
                " (and one liveness timeout); set jdsm.peer.timeout the same for every node of the process");
        }
    }

    /**
     * Release a runtime acquired with {@link #acquire}; the last release stops the duty cycle, closes the client and
     * the embedded driver, and removes its directory.
     *
     * @param errorHandler the node acquired it with: no longer told of the runtime's errors, unless it is the last.
     */
    void release(final ErrorHandler errorHandler)
    {
        synchronized (REGISTRY_LOCK)
        {
            if (--referenceCount > 0)
            {
                errorHandlers.remove(errorHandler);
                return;
            }
            RUNTIMES.remove(key);
        }

        CloseHelper.close(runner);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!tryDrive() && System.nanoTime() < deadlineNs)
        {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50)); // let a caller finish its cycle; none starts after
        }
        CloseHelper.closeAll(aeron, driver);
    }

    /**
     * @return true if the Aeron client is closed: released, or ended by a liveness timeout ({@link #clientTimeout()}).
     */
    boolean isClientClosed()
    {
        return aeron.isClosed();
    }

    /**
     * @return the liveness timeout that ended the Aeron client after this process stalled, or null.
     */
    Throwable clientTimeout()
    {
        return clientTimeout;
    }

    private void onClientError(final Throwable throwable, final ErrorHandler errorHandler)
    {
        if (throwable instanceof ConductorServiceTimeoutException || throwable instanceof DriverTimeoutException)
        {
            // the process stalled past the liveness timeout: jdsm's liveness has cut the node off already
            if (null == clientTimeout)
            {
                clientTimeout = throwable;
            }
            return;
        }
        if (throwable instanceof AgentTerminationException && null != clientTimeout)
        {
            return; // the conductor's invoker stopping after that timeout
        }
        errorHandler.onError(throwable);
    }

    /**
     * @return the Aeron client, shared by the transports of this process.
     */
    Aeron aeron()
    {
        return aeron;
    }

    /**
     * @return the clock of the embedded driver's agents, for the responders too: the time a caller's lean cycle read
     * at its start while the caller runs that cycle, else {@link System#nanoTime()}.
     */
    NanoClock cycleClock()
    {
        return cycleClock;
    }

    /**
     * @return the directory of the media driver.
     */
    String aeronDirectoryName()
    {
        return aeron.context().aeronDirectoryName();
    }

    /**
     * @return true if the calling thread holds the duty cycle now: it is the duty-cycle thread running a cycle, or an
     * application thread driving it (then inside a {@link org.jdsm.spi.MessageHandler} called from the cycle).
     */
    boolean isDutyCycleThread()
    {
        return Thread.currentThread() == holder.get();
    }

    /**
     * Take the duty cycle on the calling thread if no other thread holds it; then run it with {@link #drive()} and
     * give it back with {@link #stopDriving()} (in a {@code finally}).
     *
     * @return true if the calling thread now holds the duty cycle.
     */
    boolean tryDrive()
    {
        return holder.compareAndSet(null, Thread.currentThread());
    }

    /**
     * Run one duty cycle on the thread that holds it ({@link #tryDrive()}), a caller waiting for its response: a lean
     * one ({@link DutyCycle#doCallerWork()}) unless a full one is due.
     *
     * @return the work done, for an idle strategy.
     */
    int drive()
    {
        return dutyCycle.doCallerWork();
    }

    /**
     * @return {@link System#nanoTime()} read at the start of the last {@link #drive()} on the calling thread, which
     * must hold the duty cycle: a driving caller checks its deadline against it rather than read the clock again
     * (a clock read costs 40-120 ns on a virtual machine, a lean cycle about a microsecond).
     */
    long lastDriveNs()
    {
        return dutyCycle.cycleStartNs;
    }

    /**
     * @return true if a waiting caller's cycles are lean: the embedded driver's receiver and sender (none with an
     * external driver, which runs in its own process) and the responders' polls, the driver conductor, the client
     * conductor and the responders' timers only every {@link #FULL_CYCLE_INTERVAL_NS}; false if the embedded
     * driver's agents could not be reached (an Agrona whose {@code CompositeAgent} differs) and every cycle is a full
     * one.
     */
    boolean hasLeanCallerCycles()
    {
        return dutyCycle.hasLeanCycles();
    }

    /**
     * Give back the duty cycle taken with {@link #tryDrive()}. The duty-cycle thread takes it again once no caller
     * has driven for {@link #callerDrivingParkNs} (the idle strategy's longest park), so that a caller issuing one
     * operation after another keeps it, with one busy thread per process. If callers are parked waiting for a
     * response, as nobody else would poll for it, it unparks the one that parked last, which takes the duty cycle on
     * waking and runs lean cycles for its own response (not the duty-cycle thread's full ones), and the duty-cycle
     * thread too if more than one is parked.
     */
    void stopDriving()
    {
        lastCallerDriveNs = System.nanoTime();
        release();
    }

    /**
     * Send what the calling thread offered, a thread that does not hold the duty cycle (a task's worker sending its
     * result, a caller sending a message before it drives for the answer, a thread freeing a remote object): if no
     * thread holds the duty cycle, run the embedded driver's sender on this thread until it has sent what is there, so
     * the frame leaves now and no thread is woken for it. If another thread holds the duty cycle, or the sender sent
     * nothing (its window is full: the status messages that open it come in a later cycle), or the driver's agents
     * could not be reached, or the driver is external, {@link #wake()} the thread that drives, as before.
     * <p>
     * Unlike {@link #stopDriving()}, this does not keep the duty-cycle thread off its cycles for the idle strategy's
     * longest park: this thread sent, it does not wait for an answer.
     *
     * The sender runs again only while a run sent a full datagram (at least {@code mtuLength} bytes): a run sends at
     * most one datagram per publication, so one that sent less left nothing behind, and a further run would only poll
     * for status messages (a system call).
     *
     * @param mtuLength of the offering transport's publications.
     * @return true if the sender sent on this thread, false if the thread that drives was woken to.
     */
    boolean sendOffered(final int mtuLength)
    {
        if (!dutyCycle.hasEmbeddedSender() || !holder.compareAndSet(null, Thread.currentThread()))
        {
            wake();
            return false;
        }
        int sent = 0;
        try
        {
            for (int i = 0, work = mtuLength; work >= mtuLength && i < MAX_SENDS_ON_OFFER; i++)
            {
                work = dutyCycle.doSendWork();
                sent += work;
            }
        }
        finally
        {
            release();
        }
        if (0 == sent)
        {
            wake();
            return false;
        }

        return true;
    }

    private void release()
    {
        holder.lazySet(null); // release: the next holder's compare-and-set acquires what this cycle wrote
        final int parked = parkedCallers.get();
        if (parked > 0)
        {
            final Thread caller = parkedCaller.getAndSet(null);
            if (null != caller)
            {
                LockSupport.unpark(caller); // a waiting caller takes the duty cycle: no full cycles on the runner
            }
            final Thread thread = runnerThread;
            if ((null == caller || parked > 1) && null != thread)
            {
                runnerCalled = true;
                LockSupport.unpark(thread);
            }
        }
    }

    /**
     * @return true if the duty-cycle thread holds the duty cycle now: it is in a cycle, a short one, and leaves the
     * next one to a caller that {@link #callerWantsToDrive() wants it}.
     */
    boolean isRunnerDriving()
    {
        final Thread thread = holder.get();
        return null != thread && thread == runnerThread;
    }

    /**
     * Tell the duty-cycle thread that a caller is spinning to take the duty cycle: after its cycle it parks (as while
     * a caller drives) instead of taking the duty cycle again.
     */
    void callerWantsToDrive()
    {
        callerWaiting.lazySet(true);
    }

    /**
     * Count a caller parked on its operation while another caller drives, so that the driver hands the duty cycle
     * straight back to the duty-cycle thread when it stops.
     *
     * @param delta +1 before parking, -1 after.
     */
    void parkedCaller(final int delta)
    {
        if (delta > 0)
        {
            parkedCaller.set(Thread.currentThread());
        }
        else
        {
            parkedCaller.compareAndSet(Thread.currentThread(), null);
        }
        parkedCallers.addAndGet(delta);
    }

    /**
     * Wake the thread that drives the duty cycle if it is parked, e.g. after offering a frame its driver agents must
     * send: the caller driving it, or else the duty-cycle thread.
     */
    void wake()
    {
        final Thread driving = holder.get();
        final Thread thread = null != driving ? driving : runnerThread;
        if (null != thread)
        {
            LockSupport.unpark(thread); // the duty-cycle thread leaves a frame offered meanwhile to a caller that drove
        }                               // a moment ago, as that caller's next cycle sends it (or its own after the park)
    }

    /**
     * Note the result of an offer to a publication, so that the next lean cycle sends it.
     *
     * @param result of {@code Publication.offer}.
     * @return the result.
     */
    static long offered(final long result)
    {
        if (result > 0)
        {
            OFFERED.lazySet(true);
        }
        return result;
    }

    /**
     * Add an agent, e.g. a {@link Responder}, to the duty cycle; it must not throw from {@code doWork}.
     *
     * @param agent to add.
     */
    void add(final Agent agent)
    {
        synchronized (agentsLock)
        {
            final Agent[] current = agents;
            final Agent[] updated = Arrays.copyOf(current, current.length + 1);
            updated[current.length] = agent;
            agents = updated;
        }
    }

    /**
     * Remove an agent from the duty cycle and wait until the duty-cycle thread no longer calls it.
     *
     * @param agent to remove.
     */
    void remove(final Agent agent)
    {
        synchronized (agentsLock)
        {
            final Agent[] current = agents;
            int index = -1;
            for (int i = 0; i < current.length; i++)
            {
                if (current[i] == agent)
                {
                    index = i;
                }
            }
            if (index < 0)
            {
                return;
            }
            final Agent[] updated = new Agent[current.length - 1];
            System.arraycopy(current, 0, updated, 0, index);
            System.arraycopy(current, index + 1, updated, index, updated.length - index);
            agents = updated;
        }

        awaitDutyCycles(2, TimeUnit.SECONDS.toNanos(5));
    }

    /**
     * Wait, on a thread other than the duty-cycle thread, until the duty cycle has completed some more cycles.
     *
     * @param cycles    to wait for.
     * @param timeoutNs longest wait.
     */
    void awaitDutyCycles(final int cycles, final long timeoutNs)
    {
        if (isDutyCycleThread() || runner.isClosed())
        {
            return;
        }
        final long target = dutyCycles.get() + cycles;
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (dutyCycles.get() < target && System.nanoTime() < deadlineNs && !runner.isClosed())
        {
            wake();
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "AeronRuntime{key=" + key + ", dir=" + aeronDirectoryName() + ", agents=" + agents.length + '}';
    }

    /**
     * The agent of the duty-cycle thread: runs the duty cycle whenever no caller holds it, and parks while one does.
     */
    private final class RunnerAgent implements Agent
    {
        private final long drivingParkLimitNs = callerDrivingParkNs * CALLER_DRIVING_PARK_GROWTH;
        private long drivingParkNs = callerDrivingParkNs;

        public void onStart()
        {
            runnerThread = Thread.currentThread();
        }

        public int doWork()
        {
            if (runnerCalled)
            {
                runnerCalled = false; // woken for a cycle: run it
            }
            else if (System.nanoTime() - lastCallerDriveNs < callerDrivingParkNs)
            {
                // a caller drove a moment ago and will likely drive again: stay off its core; one busy thread. A
                // caller parked meanwhile is handed the duty cycle by the one that drives (stopDriving), so this
                // thread does not run full cycles between their lean ones. Each park in a row while callers keep
                // driving is twice as long, up to drivingParkLimitNs: fewer wake-ups (each a thread switch) while
                // they drive, and a short first park when they drive only now and then
                LockSupport.parkNanos(this, drivingParkNs);
                drivingParkNs = Math.min(drivingParkNs << 1, drivingParkLimitNs);
                return 0;
            }
            drivingParkNs = callerDrivingParkNs;
            if (callerWaiting.get())
            {
                // a caller spins to take the duty cycle: leave it to that caller, as while one drives
                callerWaiting.lazySet(false);
                LockSupport.parkNanos(this, callerDrivingParkNs);
                return 0;
            }
            final Thread self = runnerThread;
            if (!holder.compareAndSet(null, self))
            {
                LockSupport.parkNanos(this, callerDrivingParkNs); // a caller drives: stay off its core
                return 0;
            }
            try
            {
                return dutyCycle.doWork();
            }
            finally
            {
                holder.lazySet(null);
            }
        }

        public void onClose()
        {
            runnerThread = null;
        }

        public String roleName()
        {
            return ROLE_NAME;
        }
    }

    /**
     * One cycle of the process: driver agents, client conductor, then every responder; run only by the thread that
     * holds the duty cycle.
     * <p>
     * A caller waiting for its response runs lean cycles ({@link #doCallerWork()}): what its response needs, the
     * driver's receiver (reads the socket into the image) and the responders (poll the subscription), and the driver's
     * sender only when a frame was offered to a publication ({@link #offered}: by the caller before its first cycle,
     * by a responder in this cycle, then at once, or by another thread); the driver conductor, the client conductor,
     * the sender's poll for status messages and the responders' timers ({@link Responder#doLeanWork()}) run in a full
     * cycle every {@link #FULL_CYCLE_INTERVAL_NS}. A lean cycle reads the clock once for itself and its caller. An idle sender
     * polls its socket for status messages ({@code recvmsg}) every cycle, and the conductors do their timer work:
     * about half the system calls and much of the CPU of a cycle a waiting caller does not need every microsecond.
     * The driver's agents are taken from its {@link CompositeAgent} (Aeron's {@code ThreadingMode.INVOKER} gives one
     * {@link AgentInvoker} for sender, receiver and conductor, and keeps them package-private); if that fails, every
     * cycle is a full one. With an external driver (its own process, e.g. {@code jdsm local --ipc}) a lean cycle is
     * the responders' polls alone: before, every caller cycle ran the client conductor and the responders' timers,
     * and with IPC, whose polls make no system call, their clock reads took 13% of the client threads' CPU.
     */
    private final class DutyCycle
    {
        private final ReentrantLock clientLock;
        private final AgentInvoker driverInvoker;
        private final AgentInvoker conductorInvoker;
        private final ErrorHandler errorHandler;
        private final Agent driverSender;
        private final Agent driverReceiver;
        private long nextFullCycleNs;
        /** Time at the start of the last caller's cycle; written and read by the thread holding the duty cycle. */
        long cycleStartNs;

        DutyCycle(
            final ReentrantLock clientLock,
            final AgentInvoker driverInvoker,
            final AgentInvoker conductorInvoker,
            final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            this.clientLock = clientLock;
            this.driverInvoker = driverInvoker;
            this.conductorInvoker = conductorInvoker;
            Agent sender = null;
            Agent receiver = null;
            for (final Agent agent : driverAgents(driverInvoker))
            {
                if (agent instanceof Sender)
                {
                    sender = agent;
                }
                else if (agent instanceof Receiver)
                {
                    receiver = agent;
                }
            }
            final boolean both = null != sender && null != receiver;
            this.driverSender = both ? sender : null;
            this.driverReceiver = both ? receiver : null;
        }

        boolean hasLeanCycles()
        {
            return null != driverReceiver || null == driverInvoker;
        }

        boolean hasEmbeddedSender()
        {
            return null != driverSender;
        }

        /**
         * Run the embedded driver's sender once, on the thread holding the duty cycle.
         *
         * @return its work: bytes sent and status messages received.
         */
        int doSendWork()
        {
            takeOffered();
            return doDriverWork(true, false);
        }

        int doWork()
        {
            return doWork(System.nanoTime());
        }

        private int doWork(final long nowNs)
        {
            int workCount = 0;
            if (clientLock.tryLock())
            {
                try
                {
                    if (null != driverInvoker)
                    {
                        workCount += driverInvoker.invoke();
                    }
                    workCount += conductorInvoker.invoke();
                    nextFullCycleNs = nowNs + FULL_CYCLE_INTERVAL_NS;
                }
                catch (final Exception ex)
                {
                    errorHandler.onError(ex);
                }
                finally
                {
                    clientLock.unlock();
                }
            }

            workCount += doAgentWork(false);
            dutyCycles.incrementAndGet();

            return workCount;
        }

        int doCallerWork()
        {
            final long nowNs = System.nanoTime();
            cycleStartNs = nowNs;
            if (!hasLeanCycles() || nowNs - nextFullCycleNs >= 0)
            {
                return doWork(nowNs);
            }

            cycleClock.enter(nowNs);
            try
            {
                if (null == driverInvoker)
                {
                    // an external driver (its own process) receives and sends: only the responders poll
                    final int workCount = doAgentWork(true);
                    dutyCycles.incrementAndGet();
                    return workCount;
                }
                int workCount = doDriverWork(takeOffered(), true);
                workCount += doAgentWork(true);
                if (takeOffered())
                {
                    workCount += doDriverWork(true, false); // a responder offered a response: send it now
                }
                dutyCycles.incrementAndGet();

                return workCount;
            }
            finally
            {
                cycleClock.exit();
            }
        }

        private boolean takeOffered()
        {
            if (OFFERED.get())
            {
                OFFERED.set(false); // before the sender runs: an offer after it sets it again
                return true;
            }
            return false;
        }

        private int doDriverWork(final boolean send, final boolean receive)
        {
            int workCount = 0;
            if (clientLock.tryLock())
            {
                try
                {
                    if (driverInvoker.isRunning())
                    {
                        if (send)
                        {
                            workCount += driverSender.doWork();
                        }
                        if (receive)
                        {
                            workCount += driverReceiver.doWork();
                        }
                    }
                }
                catch (final Exception ex)
                {
                    errorHandler.onError(ex);
                }
                finally
                {
                    clientLock.unlock();
                }
            }
            return workCount;
        }

        private int doAgentWork(final boolean lean)
        {
            int workCount = 0;
            for (final Agent agent : agents)
            {
                try
                {
                    workCount += lean && agent instanceof Responder ?
                        ((Responder)agent).doLeanWork() : agent.doWork();
                }
                catch (final Exception ex)
                {
                    errorHandler.onError(ex);
                }
            }
            return workCount;
        }
    }

    /**
     * The clock of the embedded driver's agents (sender, receiver, conductor) and of the responders' liveness: while
     * a caller runs a lean cycle, on that caller's thread, the time the cycle read at its start; on every other thread
     * and in full cycles, {@link System#nanoTime()}. A lean cycle lasts about a microsecond and does no timer work
     * (that is the full cycles'), so its agents lose nothing by reading one time: the receiver, the sender and the
     * liveness record of each frame heard or sent would each read the clock again (40-120 ns a read on a virtual
     * machine, where a lean cycle is about a microsecond).
     * <p>
     * <b>Note:</b> threadsafe: a thread sees the cycle's time only if it set it itself ({@link #enter}) and has not
     * yet cleared it ({@link #exit}); the thread of the cycle is published with ordered writes a thread reads back
     * only for itself.
     */
    static final class CycleClock implements NanoClock
    {
        private static final AtomicReferenceFieldUpdater<CycleClock, Thread> CYCLE_THREAD_UPDATER =
            AtomicReferenceFieldUpdater.newUpdater(CycleClock.class, Thread.class, "cycleThread");

        private volatile Thread cycleThread;
        private long cycleStartNs;

        void enter(final long nowNs)
        {
            cycleStartNs = nowNs;
            CYCLE_THREAD_UPDATER.lazySet(this, Thread.currentThread());
        }

        void exit()
        {
            CYCLE_THREAD_UPDATER.lazySet(this, null);
        }

        /**
         * {@inheritDoc}
         */
        public long nanoTime()
        {
            return Thread.currentThread() == cycleThread ? cycleStartNs : System.nanoTime();
        }
    }

    /**
     * @return {@code aeron.socket.so_rcvbuf} if set, else {@link #SOCKET_RCVBUF_LENGTH} capped by the largest
     * receive buffer the OS allows (probed as Aeron does, so that it warns of nothing), never below Aeron's default.
     */
    static int socketRcvbufLength()
    {
        final String property = System.getProperty(io.aeron.driver.Configuration.SOCKET_RCVBUF_LENGTH_PROP_NAME);
        if (null != property)
        {
            return io.aeron.driver.Configuration.socketRcvbufLength();
        }
        int osMax = io.aeron.driver.Configuration.SOCKET_RCVBUF_LENGTH_DEFAULT;
        try (DatagramChannel probe = DatagramChannel.open())
        {
            probe.setOption(StandardSocketOptions.SO_RCVBUF, Integer.MAX_VALUE);
            osMax = probe.getOption(StandardSocketOptions.SO_RCVBUF);
        }
        catch (final IOException | RuntimeException ex)
        {
            return io.aeron.driver.Configuration.SOCKET_RCVBUF_LENGTH_DEFAULT; // Aeron's own default, as before
        }

        return Math.max(io.aeron.driver.Configuration.SOCKET_RCVBUF_LENGTH_DEFAULT,
            Math.min(SOCKET_RCVBUF_LENGTH, osMax));
    }

    /**
     * The agents of the embedded driver's invoker (sender, receiver, conductor), read from its {@link CompositeAgent}.
     *
     * @param driverInvoker of the embedded driver in {@code ThreadingMode.INVOKER}, or null (an external driver).
     * @return its agents, or none if there is no invoker or its agents cannot be read.
     */
    static Agent[] driverAgents(final AgentInvoker driverInvoker)
    {
        if (null == driverInvoker || !(driverInvoker.agent() instanceof CompositeAgent))
        {
            return NO_AGENTS;
        }
        try
        {
            final Field field = CompositeAgent.class.getDeclaredField("agents");
            field.setAccessible(true);
            final Object agents = field.get(driverInvoker.agent());
            return agents instanceof Agent[] ? ((Agent[])agents).clone() : NO_AGENTS;
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return NO_AGENTS; // full cycles only: correct, just more system calls per cycle
        }
    }

    /**
     * The error handlers of the nodes holding a runtime, as one: an error of the shared driver, client or duty cycle
     * goes to each. Copy on write; the last handler is never removed, so no error goes unreported while the runtime
     * closes.
     */
    private static final class ErrorHandlers implements ErrorHandler
    {
        private volatile ErrorHandler[] handlers = new ErrorHandler[0];

        synchronized void add(final ErrorHandler handler)
        {
            final ErrorHandler[] current = handlers;
            final ErrorHandler[] updated = Arrays.copyOf(current, current.length + 1);
            updated[current.length] = handler;
            handlers = updated;
        }

        synchronized void remove(final ErrorHandler handler)
        {
            final ErrorHandler[] current = handlers;
            for (int i = 0; i < current.length && current.length > 1; i++)
            {
                if (current[i] == handler)
                {
                    final ErrorHandler[] updated = new ErrorHandler[current.length - 1];
                    System.arraycopy(current, 0, updated, 0, i);
                    System.arraycopy(current, i + 1, updated, i, updated.length - i);
                    handlers = updated;
                    return;
                }
            }
        }

        public void onError(final Throwable throwable)
        {
            for (final ErrorHandler handler : handlers)
            {
                handler.onError(throwable);
            }
        }
    }
}
