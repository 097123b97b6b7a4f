package org.jdsm.coherence;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.jdsm.coherence.ControlMessageDescriptor.BODY_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.HEARTBEAT_TYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@link Scheduler}'s load reports are not a second heartbeat stream beside the transport's: a peer is told only
 * what changed, and again after {@link Scheduler#REFRESH_INTERVALS} intervals.
 */
class SchedulerTest
{
    private final RecordingTransport transport = new RecordingTransport(true);
    private final Scheduler scheduler =
        new Scheduler(0, 3, transport, new ControlProxy("recording", transport, new Counters()));

    @Test
    void shouldTellEveryPeerTheFirstReport()
    {
        assertEquals(2, scheduler.sendHeartbeats(4096));
        assertEquals(1, transport.targets.poll());
        assertEquals(2, transport.targets.poll());
        final ByteBuffer report = transport.sent.poll();
        assertEquals(HEARTBEAT_TYPE, report.getInt(ControlMessageDescriptor.TYPE_OFFSET));
        assertEquals(0, report.getLong(ControlMessageDescriptor.VALUE_OFFSET), "no task running");
        assertEquals(4096, report.getLong(BODY_OFFSET));
    }

    @Test
    void shouldSendNothingWhileLoadAndFreeHeapStayTheSameUntilTheRefresh()
    {
        scheduler.sendHeartbeats(4096);
        transport.sent.clear();
        for (int i = 1; i < Scheduler.REFRESH_INTERVALS; i++)
        {
            assertEquals(0, scheduler.sendHeartbeats(4096), "interval " + i);
        }
        assertNull(transport.sent.peek());
        assertEquals(2, scheduler.sendHeartbeats(4096), "refreshed after " + Scheduler.REFRESH_INTERVALS);
    }

    @Test
    void shouldReportAChangeOfLoadOrFreeHeapAtTheNextInterval()
    {
        scheduler.sendHeartbeats(4096);
        transport.sent.clear();

        scheduler.activeTasks().incrementAndGet();
        assertEquals(2, scheduler.sendHeartbeats(4096));
        assertEquals(1, transport.sent.poll().getLong(ControlMessageDescriptor.VALUE_OFFSET));
        transport.sent.clear();

        assertEquals(2, scheduler.sendHeartbeats(2048));
        assertEquals(2048, transport.sent.poll().getLong(BODY_OFFSET));
        assertEquals(0, scheduler.sendHeartbeats(2048));
    }
}
