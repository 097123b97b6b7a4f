package org.jdsm.transport.aeron;

import org.agrona.concurrent.Agent;
import org.jdsm.DsmConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        runtime = AeronRuntime.acquire(ctx, Throwable::printStackTrace);
        runtime.add(counting);
    }

    @AfterEach
    void after()
    {
        if (null != runtime)
        {
            runtime.remove(counting);
            runtime.release();
        }
    }

    @Test
    @Timeout(30)
    void shouldGiveTheEmbeddedDriverAndClientLivenessTimeoutsThatFollowThePeerTimeout()
    {
        runtime.remove(counting);
        runtime.release();
        runtime = null;
        final DsmConfig config = new DsmConfig().nodeCount(1).peerTimeoutNs(TimeUnit.SECONDS.toNanos(20))
            .operationTimeoutNs(TimeUnit.SECONDS.toNanos(30)).conclude();
        final AeronTransportContext ctx = new AeronTransportContext().channel("ipc").conclude(config);
        final AeronRuntime slow = AeronRuntime.acquire(ctx, Throwable::printStackTrace);
        try
        {
            // the client's service interval timeout is the driver's client liveness timeout, read from its CnC file
            assertEquals(TimeUnit.SECONDS.toNanos(40), slow.aeron().context().interServiceTimeoutNs());
            assertEquals(40_000, slow.aeron().context().driverTimeoutMs());
        }
        finally
        {
            slow.release();
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
