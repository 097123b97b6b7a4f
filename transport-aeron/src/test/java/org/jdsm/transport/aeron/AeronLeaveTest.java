package org.jdsm.transport.aeron;

import org.agrona.CloseHelper;
import org.jdsm.DsmConfig;
import org.jdsm.NodeUnavailableException;
import org.jdsm.simulator.contract.BufferHeapRegion;
import org.jdsm.spi.TransportContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node process that sends a burst and leaves at once: every frame it sent before leaving, LEAVE included, must
 * reach the peer before its process exits, so the peer sees "left the cluster" at once rather than a silent node
 * after the peer timeout.
 */
class AeronLeaveTest
{
    private static final String SECRET = "leave-test-secret-0123456789";
    private static final int MESSAGES = 400;
    private static final int MESSAGE_LENGTH = 60_000;

    private ForkedNodes children;
    private AeronTransport node0;

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(node0, children);
    }

    @Test
    @Timeout(120)
    void shouldDeliverEveryFrameAndLeaveBeforeProcessExits() throws Exception
    {
        final List<String> members = ForkedNodes.loopbackMembers(2);
        children = new ForkedNodes();
        children.start(LeavingNodeMain.class, "1", "2", String.join(",", members), SECRET,
            String.valueOf(MESSAGES), String.valueOf(MESSAGE_LENGTH));
        children.awaitStarting(TimeUnit.SECONDS.toMillis(60));

        final AtomicInteger received = new AtomicInteger();
        final AtomicInteger outOfOrder = new AtomicInteger();
        final DsmConfig config = new DsmConfig().nodeId(0).nodeCount(2).members(members).clusterSecret(SECRET)
            .transport(AeronTransportProvider.NAME).heapSize(1 << 20).cacheSize(1 << 20).maxObjectSize(1 << 19)
            .operationTimeoutNs(TimeUnit.SECONDS.toNanos(30)).peerTimeoutNs(TimeUnit.SECONDS.toNanos(30))
            .conclude();
        node0 = new AeronTransport(new TransportContext(config, new BufferHeapRegion(1 << 20),
            (source, buffer, offset, length) ->
            {
                if (1 != source || MESSAGE_LENGTH != length || buffer.getInt(offset) != received.getAndIncrement())
                {
                    outOfOrder.incrementAndGet();
                }
            }));
        node0.start();

        final Process child = children.process(0);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child still running: " + children.output(0));
        assertEquals(0, child.exitValue(), children.output(0).toString());
        assertTrue(children.output(0).contains("LEFT 1"), children.output(0).toString());

        // the image of a process that exited goes away only after Aeron's 10 s liveness timeout, and the peer
        // timeout here is 30 s: within 5 s only the LEAVE frame can tell node 0
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (node0.isAvailable(1) && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(10);
        }
        assertEquals(MESSAGES, received.get(), "messages received before the peer left");
        assertEquals(0, outOfOrder.get(), "messages out of order, from the wrong node or of the wrong length");
        final NodeUnavailableException ex = assertThrows(NodeUnavailableException.class, () -> node0.fetchAdd(1, 0, 1));
        assertEquals("node 1 unavailable: fetchAdd offset=0 length=8 rejected: node 1 left the cluster",
            ex.getMessage());
    }
}
