package org.jdsm.coherence;

import org.jdsm.NodeUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-slice gate of the fail-over barrier: admission, drain, and the end of waits when the node stops.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SliceGateTest
{
    private static final long NEVER_NS = TimeUnit.MINUTES.toNanos(10);

    @Test
    void shouldAdmitWaitForTheGateToOpenAndDrainOnlyWhenNothingIsInFlight() throws Exception
    {
        final SliceGate gate = new SliceGate(3, NEVER_NS);
        gate.enter(1, SliceGateTest::refused);
        gate.close(1);
        assertTrue(gate.isClosed(1));
        assertFalse(gate.isDrained(1), "an admitted operation is in flight");
        gate.leave(1);
        assertTrue(gate.isDrained(1));

        final CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> gate.enter(1, SliceGateTest::refused));
        Thread.sleep(50);
        assertFalse(waiter.isDone(), "a new operation waits at the closed gate");
        gate.open(1);
        waiter.get(10, TimeUnit.SECONDS);
        assertEquals(1, gate.inFlight(1), "admitted once the gate opened");
        gate.enter(2, SliceGateTest::refused);
        assertEquals(1, gate.inFlight(2), "other slices are not closed");
    }

    @Test
    void shouldEndAWaitAtOnceWhenTheNodeStopsInsteadOfAfterTheTimeout() throws Exception
    {
        final SliceGate gate = new SliceGate(3, NEVER_NS);
        final AtomicBoolean stops = new AtomicBoolean();
        gate.abandonWaitsWhen(stops::get);
        gate.close(0);
        final CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> gate.enter(0, SliceGateTest::refused));
        Thread.sleep(50);
        assertFalse(waiter.isDone(), "waits while the node runs");

        stops.set(true);
        final Throwable failure = assertThrows(Exception.class, () -> waiter.get(10, TimeUnit.SECONDS)).getCause();
        assertTrue(failure instanceof NodeUnavailableException, String.valueOf(failure));
        assertEquals("node 0 unavailable: refused slice 0", failure.getMessage());
        assertEquals(0, gate.inFlight(0), "the refused operation is not counted as admitted");
    }

    private static NodeUnavailableException refused(final int slice)
    {
        return new NodeUnavailableException(slice, "refused slice " + slice);
    }
}
