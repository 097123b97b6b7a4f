package org.jdsm.coherence;

import org.jdsm.Codecs;
import org.jdsm.DBox;
import org.jdsm.simulator.SimulatedCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntToLongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A compare-and-swap's follower on a slice with a backup ({@code jdsm.replicas=1}), against a writer that is only
 * late: four simulated nodes; a box on node 1, so slice 1's holders are node 1 (home, serving) and node 2 (tail,
 * where swaps are decided). Node 3 swaps the box's word at the tail and its transport holds it there, before its
 * swap at the home. Node 0 swaps after it: decided at the tail, then, at the home, which still lacks node 3's swap,
 * it waits out its patience and catches the home up to the tail. Released, node 3's follower finds the home past its
 * value before and catches up too. Until 2026-12-07 each follower put its own swap's value at the home after the
 * patience: node 3's late follower wrote its older value over node 0's, and the home served it while the tail
 * held node 0's, for good.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LateSwapWriterTest
{
    private static final int NODES = 4;
    private static final int HOME = 1;
    private static final int LATE = 3;
    private static final long INITIAL = 100;

    @Test
    void aLateSwapNeverPutsAnOlderValueBackAtTheHome() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final CrashAfterChange trap = new CrashAfterChange(CrashAfterChange.Kind.ATOMIC);
        trap.holdInstead(release);
        try (SimulatedCluster cluster = trap.startCluster(NODES, 1, LATE, 5, 0))
        {
            final Node driver = (Node)cluster.node(0);
            final DBox<Long> box = driver.allocOn(HOME, Codecs.LONG, INITIAL);
            final long address = box.address();
            final long wordOffset = GlobalAddress.offset(address) + BlockDescriptor.HEADER_LENGTH;
            final Replication replication = ((EngineHeap)driver.heap()).replication();
            final Replication.Holders holders = replication.holders(HOME);
            assertEquals(List.of(HOME, 2), List.of(holders.nodes[0], holders.nodes[1]), "the holders of slice 1");
            final IntToLongFunction word = (index) ->
                CrashAfterChange.rawWordAt(cluster, holders, index, replication, wordOffset); // at holder `index`

            trap.arm(replication.stride(), wordOffset);
            final AtomicReference<Object> lateWitness = new AtomicReference<>();
            final Thread lateSwapper = new Thread(() ->
            {
                try
                {
                    lateWitness.set(heap(cluster, LATE).compareAndSwap(address, 0, INITIAL, INITIAL + 1));
                }
                catch (final RuntimeException ex)
                {
                    lateWitness.set(ex);
                }
            }, "late-swapper");
            lateSwapper.start();
            assertTrue(trap.awaitHeld(60, TimeUnit.SECONDS), "node 3's swap reached the tail");
            assertEquals(INITIAL + 1, word.applyAsLong(1), "at the tail");
            assertEquals(INITIAL, word.applyAsLong(0), "at the home");

            assertEquals(INITIAL + 1, heap(cluster, 0).compareAndSwap(address, 0, INITIAL + 1, INITIAL + 2),
                "node 0's swap, decided at the tail after node 3's, succeeded");
            assertEquals(INITIAL + 2, word.applyAsLong(0),
                "node 0's follower caught the home up to the tail");

            release.countDown();
            lateSwapper.join(TimeUnit.SECONDS.toMillis(60));
            assertEquals(INITIAL, lateWitness.get(), "node 3's swap succeeded");

            assertEquals(INITIAL + 2, word.applyAsLong(1), "at the tail");
            assertEquals(INITIAL + 2, word.applyAsLong(0),
                "at the home, after node 3's late follower: never back to node 3's older value");
            assertEquals(INITIAL + 2, heap(cluster, 0).fetchAdd(address, 0, 0), "read at the serving holder");
        }
    }

    private static HeapAccess heap(final SimulatedCluster cluster, final int node)
    {
        return ((Node)cluster.node(node)).heap();
    }
}
