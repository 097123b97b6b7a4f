package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.jdsm.DsmConfig;
import org.jdsm.simulator.SimulatedCluster;
import org.jdsm.simulator.SimulatedNetwork;
import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;
import org.jdsm.spi.TransportProvider;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Crashes its node on the simulated network right after the first one-sided change, once armed, of the word or
 * range at a given offset of any slot: a range write ({@link Kind#WRITE}), or a fetch-add of a non-zero delta or a
 * compare-and-swap that swapped ({@link Kind#ATOMIC}). The change reached one holder; the node's next operation fails.
 * With {@link #holdInstead} it holds the changing thread there until released, a writer that is only late.
 * <p>
 * <b>Note:</b> threadsafe. One per simulated cluster, owned by the property that arms it.
 */
final class CrashAfterChange
{
    /**
     * Which one-sided operations fire an armed trap.
     */
    enum Kind
    {
        /** A range write. */
        WRITE,
        /** A fetch-add of a non-zero delta, or a compare-and-swap that swapped. */
        ATOMIC
    }

    final AtomicReference<SimulatedNetwork> network = new AtomicReference<>();
    private final Kind kind;
    private final AtomicLong armedOffset = new AtomicLong(-1);
    private final CountDownLatch held = new CountDownLatch(1);
    private volatile CountDownLatch release;
    private volatile long stride;

    CrashAfterChange(final Kind kind)
    {
        this.kind = kind;
    }

    /**
     * The home of the object a property works on, drawn among the nodes other than node 0 (the driver never crashes).
     *
     * @param nodes    of the cluster, at least 3.
     * @param homeDraw in [1, 4].
     * @return a node in [1, nodes).
     */
    static int home(final int nodes, final int homeDraw)
    {
        return 1 + (homeDraw - 1) % (nodes - 1);
    }

    /**
     * The node that changes the object and crashes half-way, drawn among the nodes other than node 0 and the home.
     *
     * @param nodes      of the cluster, at least 3.
     * @param home       from {@link #home(int, int)}.
     * @param writerDraw in [1, 3].
     * @return a node in [1, nodes), never the home.
     */
    static int writer(final int nodes, final int home, final int writerDraw)
    {
        return 1 + (home - 1 + 1 + (writerDraw - 1) % (nodes - 2)) % (nodes - 1);
    }

    /**
     * Start a small simulated cluster with backups whose writer's transport is this trap, and point the trap at its
     * network.
     *
     * @param nodes         of the cluster.
     * @param replicas      backups of each slice.
     * @param writer        the node whose transport is trapped.
     * @param seed          of the simulated network.
     * @param maxDelaySteps of the simulated network (reordering when above 0).
     * @return the started cluster, owned by the caller.
     */
    SimulatedCluster startCluster(
        final int nodes, final int replicas, final int writer, final long seed, final int maxDelaySteps)
    {
        final Consumer<DsmConfig> config = (c) ->
        {
            c.replicas(replicas)
                .heapSize(256 * 1024)
                .cacheSize(128 * 1024)
                .maxObjectSize(16 * 1024)
                .workerThreads(1)
                .operationTimeoutNs(TimeUnit.SECONDS.toNanos(20)) // the join too: generous on a loaded machine
                .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(20));
            if (c.nodeId() == writer)
            {
                c.transportProvider(around(c.transportProvider()));
            }
        };
        final SimulatedCluster cluster = SimulatedCluster.start(
            new SimulatedNetwork.Context().seed(seed).maxDelaySteps(maxDelaySteps).reorder(maxDelaySteps > 0),
            nodes, config, Node::new);
        network.set(cluster.network());

        return cluster;
    }

    /**
     * A word of a slice as one of its holders has it, in that holder's heap.
     *
     * @param cluster     the simulated cluster.
     * @param holders     of the slice.
     * @param index       of the holder in {@code holders}.
     * @param replication of any node, for the slots' bases.
     * @param wordOffset  of the word in the slice.
     * @return the whole word.
     */
    static long rawWordAt(
        final SimulatedCluster cluster,
        final Replication.Holders holders,
        final int index,
        final Replication replication,
        final long wordOffset)
    {
        return ((EngineHeap)((Node)cluster.node(holders.nodes[index])).heap()).region()
            .getLongVolatile(replication.base(holders.slots[index]) + wordOffset);
    }

    void arm(final long stride, final long offsetInSlice)
    {
        this.stride = stride;
        armedOffset.set(offsetInSlice);
    }

    /**
     * Hold the thread that makes the armed change, right after it, until {@code release} opens, instead of crashing
     * its node.
     *
     * @param release the latch the held thread waits for.
     */
    void holdInstead(final CountDownLatch release)
    {
        this.release = release;
    }

    /**
     * @param timeout to wait.
     * @param unit    of the timeout.
     * @return true once a thread is held after the armed change (see {@link #holdInstead}).
     * @throws InterruptedException if interrupted while waiting.
     */
    boolean awaitHeld(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return held.await(timeout, unit);
    }

    TransportProvider around(final TransportProvider inner)
    {
        return new TransportProvider()
        {
            public String name()
            {
                return inner.name();
            }

            public Transport newTransport(final TransportContext context)
            {
                return new Trapped(inner.newTransport(context));
            }
        };
    }

    private void onChange(final Kind changed, final int self, final long offset)
    {
        final long armed = armedOffset.get();
        if (changed == kind && armed >= 0 && offset % stride == armed && armedOffset.compareAndSet(armed, -1))
        {
            final CountDownLatch until = release;
            if (null == until)
            {
                network.get().crash(self);
                return;
            }
            held.countDown();
            try
            {
                if (!until.await(60, TimeUnit.SECONDS))
                {
                    throw new IllegalStateException("the held change was not released within 60 s");
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while held after the change", ex);
            }
        }
    }

    final class Trapped implements Transport
    {
        private final Transport inner;

        Trapped(final Transport inner)
        {
            this.inner = inner;
        }

        public void start()
        {
            inner.start();
        }

        public int nodeId()
        {
            return inner.nodeId();
        }

        public boolean isAvailable(final int nodeId)
        {
            return inner.isAvailable(nodeId);
        }

        public void read(
            final int nodeId, final long offset, final MutableDirectBuffer dst, final int dstOffset, final int length)
        {
            inner.read(nodeId, offset, dst, dstOffset, length);
        }

        public void write(
            final int nodeId, final long offset, final DirectBuffer src, final int srcOffset, final int length)
        {
            inner.write(nodeId, offset, src, srcOffset, length);
            onChange(Kind.WRITE, inner.nodeId(), offset);
        }

        public long compareAndSwap(final int nodeId, final long offset, final long expected, final long update)
        {
            final long witness = inner.compareAndSwap(nodeId, offset, expected, update);
            if (witness == expected && expected != update)
            {
                onChange(Kind.ATOMIC, inner.nodeId(), offset);
            }
            return witness;
        }

        public long fetchAdd(final int nodeId, final long offset, final long delta)
        {
            final long before = inner.fetchAdd(nodeId, offset, delta);
            if (0 != delta)
            {
                onChange(Kind.ATOMIC, inner.nodeId(), offset);
            }
            return before;
        }

        public void send(final int nodeId, final DirectBuffer buffer, final int offset, final int length)
        {
            inner.send(nodeId, buffer, offset, length);
        }

        public int maxMessageLength()
        {
            return inner.maxMessageLength();
        }

        public void close()
        {
            inner.close();
        }
    }
}
