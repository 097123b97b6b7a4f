package org.jdsm.coherence;

import org.jdsm.Codecs;
import org.jdsm.DCell;
import org.jdsm.NodeCounters;
import org.jdsm.NodeCounters.Counter;
import org.jdsm.NodeUnavailableException;
import org.jdsm.spi.MembershipView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link DCell} read that fails after it fetched the value, at the second read of the cell's word that confirms
 * the fetch, must leave no unfilled copy behind: every later read of the same value would wait for that copy for
 * ever. Found as the hang of {@code ReplicatedPartitionTest} (issue 19): during the hand-over of the cut node's
 * slice the confirming word read waited at the slice's closed gate, failed after the operation timeout, and every
 * later read of that cell on the node, and every compare-and-set of it, spun without end.
 * <p>
 * Here the word read is refused by the membership (a node that lost its majority refuses writes, and a cell's word
 * is read by a fetch-add of 0), exactly once, on the confirming read: deterministic, no timing involved.
 */
class CellFailedFillTest
{
    private static final String REFUSAL = "refused by the test's membership view";

    /**
     * Never declares a node dead; refuses the next {@code refusals} write checks made on {@code refusedThread}
     * after {@code passes} more have passed.
     */
    private static final class RefusingView implements MembershipView
    {
        volatile Thread refusedThread;
        final AtomicInteger passes = new AtomicInteger();
        final AtomicInteger refusals = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();

        public boolean isDeclaredDead(final int nodeId)
        {
            return false;
        }

        public void checkCanServeWrites()
        {
            if (Thread.currentThread() == refusedThread && passes.getAndDecrement() <= 0 &&
                refusals.getAndDecrement() > 0)
            {
                refused.incrementAndGet();
                throw new NodeUnavailableException(0, REFUSAL);
            }
        }
    }

    @Test
    @Timeout(60)
    void aReadRefusedAtTheWordCheckAfterItsFetchLeavesNoCopyThatLaterReadsWaitFor() throws Exception
    {
        final RefusingView view = new RefusingView();
        try (SimulatedCluster cluster = SimulatedCluster.start(3, (config) -> config
            .replicas(1)
            .membershipView(view)))
        {
            final DCell<String> cell = cluster.node(1).cell(Codecs.STRING, "on node 1");
            final CellHandle<String> handle = (CellHandle<String>)cell;
            handle.addReference();
            final DCell<String> reader = new CellHandle<>(cluster.node(0).heap(), handle.codec, handle.address);
            final Node readerNode = cluster.node(0);

            // the first word read passes, the fetch of the value (a read: never checked) lands, the confirming
            // word read is refused
            final NodeCounters before = readerNode.counters();
            final CompletableFuture<String> refusedRead = CompletableFuture.supplyAsync(() ->
            {
                view.passes.set(1);
                view.refusals.set(1);
                view.refusedThread = Thread.currentThread();
                try
                {
                    return reader.get();
                }
                finally
                {
                    view.refusedThread = null;
                }
            });
            final NodeUnavailableException failure = assertThrows(NodeUnavailableException.class, () ->
            {
                try
                {
                    refusedRead.get(20, TimeUnit.SECONDS);
                }
                catch (final java.util.concurrent.ExecutionException ex)
                {
                    throw ex.getCause();
                }
            });
            assertEquals("node 0 unavailable: " + REFUSAL, failure.getMessage());
            final NodeCounters after = readerNode.counters();
            assertEquals(1, view.refused.get());
            assertEquals(2, after.get(Counter.REMOTE_FETCH_ADDS) - before.get(Counter.REMOTE_FETCH_ADDS),
                "the word read, then the confirming one (refused at the membership after it was counted)");
            assertTrue(after.get(Counter.REMOTE_READS) - before.get(Counter.REMOTE_READS) >= 1,
                "the value was fetched before the refusal");

            // the value did not change: a later read on the node looks up the same copy
            final CompletableFuture<String> later = CompletableFuture.supplyAsync(reader::get);
            assertEquals("on node 1", later.get(10, TimeUnit.SECONDS),
                "a read after the failed one returns, it does not wait for the copy the failed read left unfilled");
            final CompletableFuture<Boolean> swap =
                CompletableFuture.supplyAsync(() -> reader.compareAndSet("on node 1", "swapped from node 0"));
            assertTrue(swap.get(10, TimeUnit.SECONDS));
            assertEquals("swapped from node 0", cell.get());

            reader.close();
            cell.close();
        }
    }
}
