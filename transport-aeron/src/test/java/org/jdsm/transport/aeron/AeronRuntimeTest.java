package org.jdsm.transport.aeron;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The caller-driven duty cycle of {@link AeronRuntime}: one holder at a time, the caller's cycle runs the registered
 * agents on the caller's thread, and the duty-cycle thread stays off while a caller drives and takes over after.
 */
class AeronRuntimeTest
{
    private final AtomicLong runnerCycles = new AtomicLong();
    private final AtomicLong callerCycles = new AtomicLong();
    private final AtomicReference<Thread> caller = new AtomicReference<>();
    private final AtomicBoolean sawHolder = new AtomicBoolean(true);
    private AeronRuntime runtime;
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final ErrorHandler errorHandler = errors::add;
    private final Agent counting = new Agent()
    {
        public int doWork()
        {
            if (!runtime.isDutyCycleThread())
            {
                sawHolder.set(false);
            }
            if (Thread.currentThread() == caller.get())
            {
                callerCycles.incrementAndGet();
            }
            else
            {
                runnerCycles.incrementAndGet();
            }
            return 0;
        }

        public String roleName()
        {
            return "counting";
        }
    };

    @BeforeEach
    void before()
    {
        final AeronTransportContext ctx = new AeronTransportContext().channel("ipc").idleStrategy("busy-spin")
            .conclude(new DsmConfig().nodeCount(1).conclude());
        runtime = AeronRuntime.acquire(ctx, errorHandler);
        runtime.add(counting);
    }

    @AfterEach
    void after()
    {
        if (null != runtime)
        {
            runtime.remove(counting);
            runtime.release(errorHandler);
        }
    }

    @Test
    @Timeout(30)
    void shouldGiveTheEmbeddedDriverAndClientLivenessTimeoutsThatFollowThePeerTimeout()
    {
        runtime.remove(counting);
        runtime.release(errorHandler);
        runtime = null;
        final DsmConfig config = new DsmConfig().nodeCount(1).peerTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .operationTimeoutNs(TimeUnit.SECONDS.toNanos(30)).conclude();
        final AeronTransportContext ctx = new AeronTransportContext().channel("ipc").conclude(config);
        final AeronRuntime slow = AeronRuntime.acquire(ctx, errorHandler);
        try
        {
            // the client's service interval timeout is the driver's client liveness timeout, read from its CnC file
            assertEquals(TimeUnit.SECONDS.toNanos(40), slow.aeron().context().interServiceTimeoutNs());
            assertEquals(40_000, slow.aeron().context().driverTimeoutMs());
        }
        finally
        {
            slow.release(errorHandler);
        }
    }

    @Test
    @Timeout(30)
    void shouldRunTheDutyCycleOnTheCallerThatHoldsItAndKeepTheRunnerOff() throws Exception
    {
        awaitRunnerCycles(100);
        caller.set(Thread.currentThread());
        assertFalse(runtime.isDutyCycleThread());
        while (!runtime.tryDrive())
        {
            Thread.onSpinWait(); // the runner is in a cycle
        }
        try
        {
            assertTrue(runtime.isDutyCycleThread());
            final Thread[] otherTried = new Thread[1];
            final boolean[] otherTook = new boolean[1];
            otherTried[0] = new Thread(() -> otherTook[0] = runtime.tryDrive());
            otherTried[0].start();
            otherTried[0].join();
            assertFalse(otherTook[0], "a second thread took the duty cycle while a caller held it");

            final long runnerBefore = runnerCycles.get();
            for (int i = 0; i < 1000; i++)
            {
                runtime.drive();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            assertEquals(runnerBefore, runnerCycles.get(), "the duty-cycle thread ran a cycle while a caller held it");
            assertEquals(1000, callerCycles.get());
        }
        finally
        {
            runtime.stopDriving();
        }
        assertFalse(runtime.isDutyCycleThread());

        final long runnerAfter = runnerCycles.get();
        awaitRunnerCycles(runnerAfter + 100);
        assertTrue(sawHolder.get(), "an agent ran on a thread that did not hold the duty cycle");
    }

    @Test
    @Timeout(30)
    void shouldReachTheEmbeddedDriversSenderAndReceiverForTheLeanCyclesOfAWaitingCaller()
    {
        assertTrue(runtime.hasLeanCallerCycles(), "the embedded driver's agents could not be read: every caller " +
            "cycle would run the driver conductor, client conductor and the sender's socket poll");
        caller.set(Thread.currentThread());
        while (!runtime.tryDrive())
        {
            Thread.onSpinWait(); // the runner is in a cycle
        }
        try
        {
            final long before = callerCycles.get();
            for (int i = 0; i < 1000; i++)
            {
                runtime.drive();
            }
            assertEquals(before + 1000, callerCycles.get(), "a lean cycle skipped the responders");
        }
        finally
        {
            runtime.stopDriving();
        }
    }

    @Test
    @Timeout(30)
    void shouldRunLeanCallerCyclesWithAnExternalDriver()
    {
        final String directory = EmbeddedDriverDirectory.newDirectory();
        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(directory)
            .threadingMode(ThreadingMode.SHARED).dirDeleteOnStart(true).dirDeleteOnShutdown(true)))
        {
            final AeronTransportContext ctx = new AeronTransportContext().channel("ipc").idleStrategy("busy-spin")
                .driver("external").aeronDirectoryName(driver.aeronDirectoryName())
                .conclude(new DsmConfig().nodeCount(1).conclude());
            final AeronRuntime external = AeronRuntime.acquire(ctx, errorHandler);
            try
            {
                assertTrue(external.hasLeanCallerCycles(), "with an external driver every caller cycle would run " +
                    "the client conductor and the responders' timers");
                final AtomicLong cycles = new AtomicLong();
                final Thread self = Thread.currentThread();
                final Agent counter = new Agent()
                {
                    public int doWork()
                    {
                        if (Thread.currentThread() == self)
                        {
                            cycles.incrementAndGet();
                        }
                        return 0;
                    }

                    public String roleName()
                    {
                        return "counter";
                    }
                };
                external.add(counter);
                while (!external.tryDrive())
                {
                    Thread.onSpinWait(); // the runner is in a cycle
                }
                try
                {
                    for (int i = 0; i < 1000; i++)
                    {
                        external.drive();
                    }
                }
                finally
                {
                    external.stopDriving();
                }
                assertEquals(1000, cycles.get(), "a lean cycle skipped the registered agents");
                external.remove(counter);
            }
            finally
            {
                external.release(errorHandler);
            }
        }
        assertEquals(List.of(), errors);
    }

    private static AeronTransportContext context(final String idleStrategy, final long idleMaxParkNs)
    {
        return new AeronTransportContext().channel("ipc").idleStrategy(idleStrategy).idleMaxParkNs(idleMaxParkNs)
            .conclude(new DsmConfig().nodeCount(1).conclude());
    }

    @Test
    @Timeout(30)
    void shouldShareTheRuntimeWithANodeOfTheSameIdleSettings()
    {
        final ErrorHandler other = (throwable) -> { };
        final AeronRuntime shared = AeronRuntime.acquire(
            context("busy-spin", AeronTransportContext.Configuration.IDLE_MAX_PARK_DEFAULT_NS), other);
        try
        {
            assertSame(runtime, shared);
        }
        finally
        {
            shared.release(other);
        }
    }

    @Test
    @Timeout(30)
    void shouldRefuseANodeWhoseIdleStrategyConflictsWithTheRuntimesNamingBothValues()
    {
        final ConfigurationException ex = assertThrows(ConfigurationException.class, () -> AeronRuntime.acquire(
            context("backoff", AeronTransportContext.Configuration.IDLE_MAX_PARK_DEFAULT_NS), errorHandler));
        assertEquals("jdsm.aeron.idle.strategy=backoff conflicts with jdsm.aeron.idle.strategy=busy-spin of the " +
            "Aeron runtime this process already runs (driver embedded, shared by 1 node): its one duty-cycle thread " +
            "has one idle strategy; set it the same for every node of the process, or give the node its own driver",
            ex.getMessage());
    }

    @Test
    @Timeout(30)
    void shouldRefuseANodeWhoseLongestParkConflictsWithTheRuntimesNamingBothValues()
    {
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> AeronRuntime.acquire(context("busy-spin", 5_000), errorHandler));
        assertTrue(ex.getMessage().startsWith(
            "jdsm.aeron.idle.max.park=5000ns conflicts with jdsm.aeron.idle.max.park=100000ns of the Aeron runtime"),
            ex.getMessage());
    }

    @Test
    @Timeout(30)
    void shouldReportAnErrorOfTheSharedDutyCycleToEveryNodeHoldingTheRuntime()
    {
        final List<Throwable> otherErrors = new CopyOnWriteArrayList<>();
        final ErrorHandler other = otherErrors::add;
        final AeronRuntime shared = AeronRuntime.acquire(
            context("busy-spin", AeronTransportContext.Configuration.IDLE_MAX_PARK_DEFAULT_NS), other);
        final IllegalStateException failure = new IllegalStateException("agent failed");
        final Agent failing = new Agent()
        {
            public int doWork()
            {
                throw failure;
            }

            public String roleName()
            {
                return "failing";
            }
        };
        shared.add(failing);
        try
        {
            while (!runtime.tryDrive())
            {
                Thread.onSpinWait();
            }
            try
            {
                runtime.drive();
            }
            finally
            {
                runtime.stopDriving();
            }
        }
        finally
        {
            shared.remove(failing);
            shared.release(other);
        }

        assertTrue(errors.contains(failure), errors.toString());
        assertTrue(otherErrors.contains(failure), otherErrors.toString());
    }

    private void awaitRunnerCycles(final long cycles)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (runnerCycles.get() < cycles)
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new AssertionError("the duty-cycle thread ran " + runnerCycles.get() + " cycles, not " + cycles);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
