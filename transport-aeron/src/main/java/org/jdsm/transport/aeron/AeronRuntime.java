package org.jdsm.transport.aeron;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;

import java.io.File;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the {@link AeronTransport}s of one process share: the media driver (embedded, in
 * {@link ThreadingMode#INVOKER}), one Aeron client (with {@code useConductorAgentInvoker}), and one duty-cycle
 * {@link Agent} on one {@link AgentRunner} thread that invokes the driver's agents, the client conductor and every
 * registered agent (each transport's {@link Responder}) in turn: one thread per process, whatever the number of nodes in it.
 * <p>
 * Runtimes are reference counted per driver: {@link #acquire} starts one on first use, {@link #release} closes it
 * (deleting the embedded driver's directory) when the last transport releases it. The first transport to acquire a
 * runtime chooses its idle strategy.
 * <p>
 * <b>Note:</b> threadsafe. The driver agents run under the client lock, which the Aeron client also holds when it
 * drives the driver itself while awaiting a response on an application thread, so they never run on two threads at
 * once. The registered agents are a copy-on-write array: the duty-cycle thread is the only one that calls them.
 */
final class AeronRuntime
{
    /** Name of the duty-cycle agent and its thread. */
    static final String ROLE_NAME = "jdsm-aeron";

    private static final Object REGISTRY_LOCK = new Object();
    private static final Map<String, AeronRuntime> RUNTIMES = new HashMap<>();
    private static final Agent[] NO_AGENTS = new Agent[0];

    private final String key;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final AgentRunner runner;
    private final AtomicLong dutyCycles = new AtomicLong();
    private final Object agentsLock = new Object();
    private volatile Agent[] agents = NO_AGENTS;
    private volatile Thread runnerThread;
    private int referenceCount;

    private AeronRuntime(final String key, final AeronTransportContext ctx, final ErrorHandler errorHandler)
    {
        this.key = key;
        final ReentrantLock clientLock = new ReentrantLock();
        MediaDriver launched = null;
        Aeron connected = null;
        try
        {
            final String directory;
            if ("embedded".equals(ctx.driver()))
            {
                directory = new File(System.getProperty("java.io.tmpdir"),
                    "jdsm-aeron-" + ProcessHandle.current().pid() + "-" +
                    Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE)).getAbsolutePath();
                launched = MediaDriver.launch(new MediaDriver.Context()
                    .aeronDirectoryName(directory)
                    .threadingMode(ThreadingMode.INVOKER)
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true)
                    .termBufferSparseFile(true)
                    .warnIfDirectoryExists(false)
                    .errorHandler(errorHandler));
            }
            else
            {
                directory = ctx.aeronDirectoryName();
            }
            final AgentInvoker driverInvoker = null == launched ? null : launched.sharedAgentInvoker();

            connected = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(directory)
                .useConductorAgentInvoker(true)
                .driverAgentInvoker(driverInvoker)
                .clientLock(clientLock)
                .errorHandler(errorHandler)
                .subscriberErrorHandler(errorHandler));

            final IdleStrategy idleStrategy = ctx.newIdleStrategy();
            runner = new AgentRunner(idleStrategy, errorHandler, null,
                new DutyCycle(clientLock, driverInvoker, connected.conductorAgentInvoker(), errorHandler));
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
     * @param ctx          concluded, naming the driver.
     * @param errorHandler for the driver, client and duty cycle, if this starts the runtime.
     * @return the runtime; {@link #release()} it once.
     */
    static AeronRuntime acquire(final AeronTransportContext ctx, final ErrorHandler errorHandler)
    {
        final String key = "embedded".equals(ctx.driver()) ? "embedded" : "external:" + ctx.aeronDirectoryName();
        synchronized (REGISTRY_LOCK)
        {
            AeronRuntime runtime = RUNTIMES.get(key);
            if (null == runtime)
            {
                runtime = new AeronRuntime(key, ctx, errorHandler);
                RUNTIMES.put(key, runtime);
            }
            runtime.referenceCount++;
            return runtime;
        }
    }

    /**
     * Release a runtime acquired with {@link #acquire}; the last release stops the duty cycle, closes the client and
     * the embedded driver, and removes its directory.
     */
    void release()
    {
        synchronized (REGISTRY_LOCK)
        {
            if (--referenceCount > 0)
            {
                return;
            }
            RUNTIMES.remove(key);
        }

        CloseHelper.closeAll(runner, aeron, driver);
    }

    /**
     * @return the Aeron client, shared by the transports of this process.
     */
    Aeron aeron()
    {
        return aeron;
    }

    /**
     * @return the directory of the media driver.
     */
    String aeronDirectoryName()
    {
        return aeron.context().aeronDirectoryName();
    }

    /**
     * @return true if the calling thread is the duty-cycle thread.
     */
    boolean isDutyCycleThread()
    {
        return Thread.currentThread() == runnerThread;
    }

    /**
     * Wake the duty-cycle thread if it is parked, e.g. after offering a request its driver agents must send.
     */
    void wake()
    {
        final Thread thread = runnerThread;
        if (null != thread)
        {
            LockSupport.unpark(thread);
        }
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
     * The one agent of the process: driver agents, client conductor, then every responder.
     */
    private final class DutyCycle implements Agent
    {
        private final ReentrantLock clientLock;
        private final AgentInvoker driverInvoker;
        private final AgentInvoker conductorInvoker;
        private final ErrorHandler errorHandler;

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
        }

        public void onStart()
        {
            runnerThread = Thread.currentThread();
        }

        public int doWork()
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
                }
                finally
                {
                    clientLock.unlock();
                }
            }

            for (final Agent agent : agents)
            {
                try
                {
                    workCount += agent.doWork();
                }
                catch (final Exception ex)
                {
                    errorHandler.onError(ex);
                }
            }
            dutyCycles.incrementAndGet();

            return workCount;
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
}
