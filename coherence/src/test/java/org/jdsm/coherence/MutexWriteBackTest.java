package org.jdsm.coherence;

import org.jdsm.Codecs;
import org.jdsm.DMutex;
import org.jdsm.Mut;
import org.jdsm.simulator.SimulatedNetwork;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A {@link DMutex} migrates to the node that locks it and stays there: locking it again on that node, reading or
 * writing the value or giving it a new length, costs no network message; nothing is written back on release. The
 * next lock from the home node takes the lease back with one request and one grant that carries the value.
 */
class MutexWriteBackTest
{
    /** Long enough that no heartbeat is sent while counting (the first goes at start), short enough to close fast. */
    private static final long HEARTBEAT_NS = TimeUnit.SECONDS.toNanos(5);
    private static volatile SimulatedNetwork network;

    @Test
    void shouldWriteBackOnlyWhatChangedWhenRemoteHolderReleases() throws Exception
    {
        // no heartbeats during the test: every message counted is the mutex's
        try (SimulatedCluster cluster = SimulatedCluster.start(2, (config) -> config
            .operationTimeoutNs(4 * HEARTBEAT_NS).peerTimeoutNs(8 * HEARTBEAT_NS).heartbeatIntervalNs(HEARTBEAT_NS)))
        {
            network = cluster.network;
            final DMutex<byte[]> mutex = cluster.node(1).mutex(Codecs.BYTES, new byte[]{ 1, 2, 3, 4 });

            // the task holds the lock on node 0, one-sided against the mutex's home on node 1
            final long[] envelopes = cluster.node(1).spawnOn(0, (n) ->
            {
                try (Mut<byte[]> warmUp = mutex.lock())
                {
                    assertEquals(4, warmUp.length());
                }
                final long readOnly = envelopes(() ->
                {
                    try (Mut<byte[]> mut = mutex.lock())
                    {
                        assertArrayEquals(new byte[]{ 1, 2, 3, 4 }, mut.get());
                    }
                });
                final long sameBytes = envelopes(() ->
                {
                    try (Mut<byte[]> mut = mutex.lock())
                    {
                        mut.set(new byte[]{ 1, 2, 3, 4 });
                    }
                });
                final long changed = envelopes(() ->
                {
                    try (Mut<byte[]> mut = mutex.lock())
                    {
                        mut.buffer().putByte(2, (byte)(mut.buffer().getByte(2) + 1));
                    }
                });
                final long resized = envelopes(() ->
                {
                    try (Mut<byte[]> mut = mutex.lock())
                    {
                        mut.set(4 == mut.length() ? new byte[]{ 7, 7, 7 } : new byte[]{ 7, 7, 7, 7 });
                    }
                });
                return new long[]{ readOnly, sameBytes, changed, resized };
            }).get(30, TimeUnit.SECONDS);

            assertEquals(0, envelopes[0], "read-only re-lock on the lease holder: no message");
            assertEquals(0, envelopes[1], "rewriting the same bytes: no message");
            assertEquals(0, envelopes[2], "a change through buffer(): no message");
            assertEquals(0, envelopes[3], "a new length: no message");

            final long before = network.deliveredCount();
            try (Mut<byte[]> mut = mutex.lock())
            {
                assertEquals(2, network.deliveredCount() - before, "the home asks node 0, which grants with the value");
                assertArrayEquals(new byte[]{ 7, 7, 7 }, mut.get());
            }
            mutex.close();
        }
    }

    /**
     * Envelopes the action causes: the least of several runs, as a message of the task itself may be counted in one.
     */
    private static long envelopes(final Runnable action)
    {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++)
        {
            final long before = network.deliveredCount();
            action.run();
            least = Math.min(least, network.deliveredCount() - before);
        }

        return least;
    }
}
