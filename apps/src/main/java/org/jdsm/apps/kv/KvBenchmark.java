package org.jdsm.apps.kv;

import org.HdrHistogram.Histogram;
import org.jdsm.DsmNode;
import org.jdsm.NodeCounters;
import org.jdsm.apps.NodeTraffic;
import site.ycsb.WorkloadException;
import site.ycsb.measurements.Measurements;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

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
        NodeCounters.Counter.MESSAGES_SENT, NodeCounters.Counter.MIRROR_OPERATIONS,
        NodeCounters.Counter.LEASED_READS, NodeCounters.Counter.LEASE_WAITS };

    /**
     * A workload property: {@code true} for a checked run, whose clients write {@link KvUpdateModel}'s values and
     * return what they got acknowledged.
     */
    static final String CHECKED_PROP_NAME = "jdsm.kv.checked";

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
        final Map<String, Integer> recordNumbers = recordNumbers(props, workload);
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
                    final KvYcsbDb db = new KvYcsbDb(store, newModel(props, recordNumbers));
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

    private static Object[] runClient(
        final Properties props,
        final KvCoreWorkload workload,
        final KvStore store,
        final Map<String, Integer> recordNumbers,
        final CyclicBarrier measuring,
        final int thread,
        final int threads,
        final long warmupPerThread,
        final long measuredPerThread,
        final long intervalNs) throws Exception
    {
        final KvUpdateModel model = newModel(props, recordNumbers);
        final KvYcsbDb db = new KvYcsbDb(store, model);
        final Histogram all = new Histogram(KvYcsbDb.MAX_LATENCY_NS, 3);
        final Object state = workload.initThread(props, thread, threads);
        db.recording(false);
        final long warmupStartNs = System.nanoTime();
        for (long i = 0; i < warmupPerThread; i++)
        {
            pace(warmupStartNs, i, intervalNs);
            workload.doTransaction(db, state);
        }
        measuring.await();
        db.recording(true);
        final long measuredStartNs = System.nanoTime();
        for (long i = 0; i < measuredPerThread; i++)
        {
            pace(measuredStartNs, i, intervalNs);
            final long startNs = System.nanoTime();
            workload.doTransaction(db, state);
            all.recordValue(Math.min(KvYcsbDb.MAX_LATENCY_NS, System.nanoTime() - startNs));
        }
        return new Object[] { db, all, model };
    }

    /**
     * Wait for every client; when one failed, throw its failure, not the broken barrier the others then saw.
     */
    private static void awaitClients(final List<Future<Object[]>> clients) throws Exception
    {
        Throwable failure = null;
        for (final Future<Object[]> client : clients)
        {
            try
            {
                client.get();
            }
            catch (final ExecutionException ex)
            {
                final Throwable cause = ex.getCause();
                if (null == failure || failure instanceof BrokenBarrierException)
                {
                    failure = cause;
                }
            }
        }
        if (failure instanceof Exception)
        {
            throw (Exception)failure;
        }
        if (null != failure)
        {
            throw (Error)failure;
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
        return run(node, store, props, threads, warmupPerThread, measuredPerThread, 0);
    }

    /**
     * Run transactions as {@link #run(DsmNode, KvStore, Properties, int, long, long)} does, each thread starting at
     * most one transaction every {@code intervalNs} (a late thread catches up), in warm-up and measured windows each.
     *
     * @param node              whose counters are read over the measured window, or null for none.
     * @param store             to run on.
     * @param props             the workload's properties.
     * @param threads           client threads.
     * @param warmupPerThread   transactions per thread before measuring.
     * @param measuredPerThread transactions per thread measured.
     * @param intervalNs        between the starts of a thread's transactions, 0 for as fast as it can.
     * @return what was measured.
     * @throws Exception if a client thread fails.
     */
    public static KvNodeResult run(
        final DsmNode node,
        final KvStore store,
        final Properties props,
        final int threads,
        final long warmupPerThread,
        final long measuredPerThread,
        final long intervalNs) throws Exception
    {
        final KvCoreWorkload workload = newWorkload(props);
        final Map<String, Integer> recordNumbers = recordNumbers(props, workload);
        final long[] window = new long[1 + COUNTERS.length + NodeTraffic.LENGTH];
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
                    try
                    {
                        return runClient(props, workload, store, recordNumbers, measuring, thread, threads,
                            warmupPerThread, measuredPerThread, intervalNs);
                    }
                    catch (final Throwable ex)
                    {
                        measuring.reset(); // the other clients wait there for this one: they end, the barrier broken
                        throw ex;
                    }
                }));
            }
            awaitClients(clients);

            final EnumMap<KvYcsbDb.Kind, Histogram> histograms = new EnumMap<>(KvYcsbDb.Kind.class);
            final Histogram all = new Histogram(KvYcsbDb.MAX_LATENCY_NS, 3);
            final long[] errors = new long[KvYcsbDb.Kind.values().length];
            for (final KvYcsbDb.Kind kind : KvYcsbDb.Kind.values())
            {
                histograms.put(kind, new Histogram(KvYcsbDb.MAX_LATENCY_NS, 3));
            }
            int[] lastVersions = null;
            int[] acknowledged = null;
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
                if (null != measured[2])
                {
                    if (null == lastVersions)
                    {
                        lastVersions = new int[recordNumbers.size() * fieldCount(props)];
                        acknowledged = new int[recordNumbers.size()];
                    }
                    ((KvUpdateModel)measured[2]).merge(lastVersions, acknowledged);
                }
            }
            final long endNs = System.nanoTime();
            final long[] cpuNsByRole = ThreadCpuByRole.delta(cpuAtStart.get(), ThreadCpuByRole.snapshot());
            final long[] end = counters(node);
            final long[] delta = new long[COUNTERS.length + NodeTraffic.LENGTH];
            for (int c = 0; c < delta.length; c++)
            {
                delta[c] = end[c] < 0 || window[1 + c] < 0 ? -1 : end[c] - window[1 + c];
            }

            return new KvNodeResult(histograms, all, errors, (long)threads * measuredPerThread, endNs - window[0], delta,
                cpuNsByRole, ProcessHandle.current().pid(), lastVersions, acknowledged);
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

    /**
     * @param props of a workload.
     * @return whether it is a checked run.
     */
    static boolean isChecked(final Properties props)
    {
        return Boolean.parseBoolean(props.getProperty(CHECKED_PROP_NAME, "false"));
    }

    static int fieldCount(final Properties props)
    {
        return Integer.parseInt(props.getProperty("fieldcount", "10"));
    }

    /**
     * @return the record number of every key the workload loads, in a checked run; else null.
     */
    static Map<String, Integer> recordNumbers(final Properties props, final KvCoreWorkload workload)
    {
        if (!isChecked(props))
        {
            return null;
        }
        final int records = Integer.parseInt(props.getProperty("recordcount"));
        final Map<String, Integer> numbers = new HashMap<>(records * 2);
        for (int k = 0; k < records; k++)
        {
            numbers.put(workload.keyName(k), k);
        }

        return numbers;
    }

    private static KvUpdateModel newModel(final Properties props, final Map<String, Integer> recordNumbers)
    {
        return null == recordNumbers ? null :
            new KvUpdateModel(recordNumbers, props.getProperty("fieldnameprefix", "field"), fieldCount(props));
    }

    private static void pace(final long startNs, final long index, final long intervalNs)
    {
        if (intervalNs > 0)
        {
            final long dueNs = startNs + index * intervalNs;
            long waitNs;
            while ((waitNs = dueNs - System.nanoTime()) > 0)
            {
                LockSupport.parkNanos(waitNs);
            }
        }
    }

    /**
     * The node's {@link #COUNTERS}, then its {@link NodeTraffic} (-1 when not readable; none without a node).
     */
    private static long[] counters(final DsmNode node)
    {
        final long[] values = new long[COUNTERS.length + NodeTraffic.LENGTH];
        if (null != node)
        {
            final NodeCounters counters = node.counters();
            for (int c = 0; c < COUNTERS.length; c++)
            {
                values[c] = counters.get(COUNTERS[c]);
            }
            System.arraycopy(NodeTraffic.snapshot(node), 0, values, COUNTERS.length, NodeTraffic.LENGTH);
        }
        else
        {
            java.util.Arrays.fill(values, COUNTERS.length, values.length, -1);
        }

        return values;
    }
}
