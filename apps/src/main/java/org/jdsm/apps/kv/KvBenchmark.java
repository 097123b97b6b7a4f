package org.jdsm.apps.kv;

import org.HdrHistogram.Histogram;
import org.jdsm.DsmNode;
import org.jdsm.NodeCounters;
import site.ycsb.WorkloadException;
import site.ycsb.measurements.Measurements;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client side of a KV run on one node: YCSB's {@link KvCoreWorkload} driven by a pool of client threads, each
 * with its own {@link KvYcsbDb}, first loading a range of records, then warming up and measuring.
 * <p>
 * <b>Note:</b> stateless; each call owns its threads and shuts them down before it returns.
 */
public final class KvBenchmark
{
    static final NodeCounters.Counter[] COUNTERS = {
        NodeCounters.Counter.CACHE_HITS, NodeCounters.Counter.CACHE_MISSES,
        NodeCounters.Counter.BYTES_FETCHED, NodeCounters.Counter.BYTES_MOVED_IN,
        NodeCounters.Counter.REMOTE_READS, NodeCounters.Counter.REMOTE_WRITES,
        NodeCounters.Counter.REMOTE_COMPARE_AND_SWAPS, NodeCounters.Counter.REMOTE_FETCH_ADDS,
        NodeCounters.Counter.MESSAGES_SENT };

    private KvBenchmark()
    {
    }

    /**
     * Insert records {@code [insertStart, insertStart + insertCount)} with YCSB's load phase.
     *
     * @param store       to load.
     * @param props       the workload's properties.
     * @param insertStart first record number.
     * @param insertCount records to insert.
     * @param threads     client threads.
     * @return inserts that failed.
     * @throws Exception if a client thread fails.
     */
    public static long load(
        final KvStore store, final Properties props, final long insertStart, final long insertCount, final int threads)
        throws Exception
    {
        final Properties loadProps = (Properties)props.clone();
        loadProps.setProperty("insertstart", Long.toString(insertStart));
        loadProps.setProperty("insertcount", Long.toString(insertCount));
        final KvCoreWorkload workload = newWorkload(loadProps);
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try
        {
            final List<Future<Long>> clients = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int thread = t;
                final long count = insertCount * (t + 1) / threads - insertCount * t / threads;
                clients.add(pool.submit(() ->
                {
                    final KvYcsbDb db = new KvYcsbDb(store);
                    final Object state = workload.initThread(loadProps, thread, threads);
                    long failed = 0;
                    for (long i = 0; i < count; i++)
                    {
                        failed += workload.doInsert(db, state) ? 0 : 1;
                    }
                    return failed;
                }));
            }
            long failed = 0;
            for (final Future<Long> client : clients)
            {
                failed += client.get();
            }
            return failed;
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    /**
     * Run transactions: every thread warms up, all wait for each other, then every thread measures.
     *
     * @param node              whose counters are read over the measured window, or null for none.
     * @param store             to run on.
     * @param props             the workload's properties.
     * @param threads           client threads.
     * @param warmupPerThread   transactions per thread before measuring.
     * @param measuredPerThread transactions per thread measured.
     * @return what was measured.
     * @throws Exception if a client thread fails.
     */
    public static KvNodeResult run(
        final DsmNode node,
        final KvStore store,
        final Properties props,
        final int threads,
        final long warmupPerThread,
        final long measuredPerThread) throws Exception
    {
        final KvCoreWorkload workload = newWorkload(props);
        final long[] window = new long[1 + COUNTERS.length];
        final AtomicReference<Map<String, Long>> cpuAtStart = new AtomicReference<>();
        final CyclicBarrier measuring = new CyclicBarrier(threads, () ->
        {
            final long[] counters = counters(node);
            System.arraycopy(counters, 0, window, 1, counters.length);
            cpuAtStart.set(ThreadCpuByRole.snapshot());
            window[0] = System.nanoTime();
        });
        final AtomicInteger clientNumber = new AtomicInteger();
        final ExecutorService pool = Executors.newFixedThreadPool(threads,
            (runnable) -> new Thread(runnable, ThreadCpuByRole.CLIENT_THREAD_PREFIX + clientNumber.getAndIncrement()));
        try
        {
            final List<Future<Object[]>> clients = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int thread = t;
                clients.add(pool.submit(() ->
                {
                    final KvYcsbDb db = new KvYcsbDb(store);
                    final Histogram all = new Histogram(KvYcsbDb.MAX_LATENCY_NS, 3);
                    final Object state = workload.initThread(props, thread, threads);
                    db.recording(false);
                    for (long i = 0; i < warmupPerThread; i++)
                    {
                        workload.doTransaction(db, state);
                    }
                    measuring.await();
                    db.recording(true);
                    for (long i = 0; i < measuredPerThread; i++)
                    {
                        final long startNs = System.nanoTime();
                        workload.doTransaction(db, state);
                        all.recordValue(Math.min(KvYcsbDb.MAX_LATENCY_NS, System.nanoTime() - startNs));
                    }
                    return new Object[] { db, all };
                }));
            }

            final EnumMap<KvYcsbDb.Kind, Histogram> histograms = new EnumMap<>(KvYcsbDb.Kind.class);
            final Histogram all = new Histogram(KvYcsbDb.MAX_LATENCY_NS, 3);
            final long[] errors = new long[KvYcsbDb.Kind.values().length];
            for (final KvYcsbDb.Kind kind : KvYcsbDb.Kind.values())
            {
                histograms.put(kind, new Histogram(KvYcsbDb.MAX_LATENCY_NS, 3));
            }
            for (final Future<Object[]> client : clients)
            {
                final Object[] measured = client.get();
                final KvYcsbDb db = (KvYcsbDb)measured[0];
                for (final KvYcsbDb.Kind kind : KvYcsbDb.Kind.values())
                {
                    histograms.get(kind).add(db.histogram(kind));
                    errors[kind.ordinal()] += db.errors(kind);
                }
                all.add((Histogram)measured[1]);
            }
            final long endNs = System.nanoTime();
            final long[] cpuNsByRole = ThreadCpuByRole.delta(cpuAtStart.get(), ThreadCpuByRole.snapshot());
            final long[] end = counters(node);
            final long[] delta = new long[COUNTERS.length];
            for (int c = 0; c < delta.length; c++)
            {
                delta[c] = end[c] - window[1 + c];
            }

            return new KvNodeResult(histograms, all, errors, (long)threads * measuredPerThread, endNs - window[0], delta,
                cpuNsByRole, ProcessHandle.current().pid());
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    static KvCoreWorkload newWorkload(final Properties props) throws WorkloadException
    {
        Measurements.setProperties(props);
        final KvCoreWorkload workload = new KvCoreWorkload();
        workload.init(props);
        return workload;
    }

    private static long[] counters(final DsmNode node)
    {
        final long[] values = new long[COUNTERS.length];
        if (null != node)
        {
            final NodeCounters counters = node.counters();
            for (int c = 0; c < COUNTERS.length; c++)
            {
                values[c] = counters.get(COUNTERS[c]);
            }
        }

        return values;
    }
}
