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
 * A remote {@link DMutex} holder writes its copy back only when it changed: a lock that only reads costs a
 * compare-and-swap, a read and a compare-and-swap; one that writes adds exactly one write of length and value.
 */
class MutexWriteBackTest
{
    private static volatile SimulatedNetwork network;

    @Test
    void shouldWriteBackOnlyWhatChangedWhenRemoteHolderReleases() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
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

            assertEquals(6, envelopes[0], "read-only: compare-and-swap, read, compare-and-swap, each with completion");
            assertEquals(envelopes[0], envelopes[1], "rewriting the same bytes writes nothing back");
            assertEquals(envelopes[0] + 2, envelopes[2], "a change through buffer() is one write and its completion");
            assertEquals(envelopes[2], envelopes[3], "a new length travels in the same write as the value");

            try (Mut<byte[]> mut = mutex.lock())
            {
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
