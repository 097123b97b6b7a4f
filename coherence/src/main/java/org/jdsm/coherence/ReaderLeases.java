package org.jdsm.coherence;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A node's per-thread state for cache-hit shared borrows of remote boxes without atomics: each thread that reads
 * has one {@link Lessee}, which counts its leased cache hits in a plain field (summed on read, see
 * {@link #leasedHits()}) and holds its most recent leases in a small ring.
 * <p>
 * A <em>lease</em> is one real pin a {@link BoxHandle} holds on the cached copy of its object on behalf of one
 * thread, its lessee. While the box has the lease, a {@code read()} on the lessee thread counts its reader in a
 * plain field of the box and takes no pin: the lease keeps the copy from being evicted. A thread holds at most
 * {@link #RING_LENGTH} leases; taking one more releases its oldest, so leases keep at most that many copies per
 * thread from eviction.
 * <p>
 * <b>Note:</b> threadsafe; a {@link Lessee} is written only by its own thread.
 */
final class ReaderLeases
{
    /** Leases a thread holds at most. */
    static final int RING_LENGTH = 16;

    private static final VarHandle HITS;

    static
    {
        try
        {
            HITS = MethodHandles.lookup().findVarHandle(Lessee.class, "hits", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final CopyOnWriteArrayList<Lessee> lessees = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Lessee> current = ThreadLocal.withInitial(this::newLessee);
    private long hitsOfEndedThreads;

    /**
     * The calling thread's lessee, made on its first lease.
     *
     * @return the lessee.
     */
    Lessee lessee()
    {
        return current.get();
    }

    /**
     * Cache hits counted through leases, by every thread; exact for hits that happen-before the call.
     *
     * @return the sum.
     */
    synchronized long leasedHits()
    {
        releaseEndedThreads();
        long sum = hitsOfEndedThreads;
        for (final Lessee lessee : lessees)
        {
            sum += (long)HITS.getOpaque(lessee);
        }

        return sum;
    }

    /**
     * Release the leases of threads that have terminated, keeping their hit counts; a terminated thread's writes are
     * visible to the thread that sees it terminated (JLS 17.4.4), so this races no leased hit.
     *
     * @return true if a lease may have been released.
     */
    synchronized boolean releaseEndedThreads()
    {
        boolean released = false;
        for (final Lessee lessee : lessees)
        {
            if (!lessee.thread.isAlive())
            {
                hitsOfEndedThreads += (long)HITS.getVolatile(lessee);
                lessees.remove(lessee);
                lessee.releaseAll();
                released = true;
            }
        }

        return released;
    }

    /**
     * The node closed: drop every thread's ring without releasing its leases. A thread that outlives the node (a
     * program's own thread, a pool's) keeps its lessee in its {@link ThreadLocal} map, whose key stays reachable
     * through the ring's boxes while the ring names them: cleared, the node with its off-heap heap and cache can be
     * collected. Until then, a closed node stayed in memory as long as any thread that read one of its remote boxes.
     */
    synchronized void close()
    {
        for (final Lessee lessee : lessees)
        {
            lessee.forget();
        }
        lessees.clear();
    }

    private Lessee newLessee()
    {
        final Lessee lessee = new Lessee(Thread.currentThread());
        lessees.add(lessee);
        return lessee;
    }

    /**
     * One thread's leases and leased-hit count.
     * <p>
     * <b>Note:</b> not threadsafe: written only by {@link #thread}; {@link ReaderLeases#leasedHits()} reads the count.
     */
    static final class Lessee
    {
        @SuppressWarnings("unused")
        private long p1, p2, p3, p4, p5, p6, p7;
        final Thread thread;
        private long hits;
        private final BoxHandle<?>[] ring = new BoxHandle<?>[RING_LENGTH];
        private int next;
        @SuppressWarnings("unused")
        private long q1, q2, q3, q4, q5, q6, q7;

        Lessee(final Thread thread)
        {
            this.thread = thread;
        }

        /**
         * Count one leased cache hit: a plain store, read by {@link ReaderLeases#leasedHits()} with opaque.
         */
        void hit()
        {
            HITS.setOpaque(this, hits + 1);
        }

        /**
         * Release every lease of the ring: on a terminated thread's behalf.
         */
        void releaseAll()
        {
            for (int i = 0; i < RING_LENGTH; i++)
            {
                final BoxHandle<?> box = ring[i];
                ring[i] = null;
                if (null != box)
                {
                    box.releaseLeaseOf(thread);
                }
            }
        }

        /**
         * Drop the ring's boxes without releasing their leases: the node closed. Plain writes from the closing
         * thread: a lease the lessee's own thread takes meanwhile may stay in its ring.
         */
        void forget()
        {
            for (int i = 0; i < RING_LENGTH; i++)
            {
                ring[i] = null;
            }
        }

        /**
         * Record a lease just taken by a box, releasing the oldest lease when the ring is full.
         *
         * @param box that took a lease for this thread.
         */
        void leased(final BoxHandle<?> box)
        {
            final BoxHandle<?> oldest = ring[next];
            ring[next] = box;
            next = (next + 1) % RING_LENGTH;
            if (null != oldest && oldest != box)
            {
                oldest.releaseLeaseOf(thread);
            }
        }
    }
}
