package org.jdsm.apps.kv;

import org.jdsm.Dsm;
import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;
import site.ycsb.DBException;

import java.util.Properties;

/**
 * The {@code site.ycsb.DB} binding for the standard YCSB client ({@code site.ycsb.Client -db
 * org.jdsm.apps.kv.JdsmYcsbClient}). The first instance in the process starts a jdsm node from the {@code jdsm.*}
 * system properties ({@link DsmConfig}) and creates a {@link DistributedKvStore} of {@code jdsm.kv.buckets}
 * buckets (YCSB property; by default one per record, {@code max(16, recordcount)}) on it; every client thread's
 * instance shares them, and the last one cleaned up closes the node, which ends the cluster with its store. With
 * {@code -Djdsm.node.count=N} the process is node 0 of a cluster whose other nodes run {@code jdsm node} with no
 * application.
 * <p>
 * The store lives in the client process, and YCSB runs {@code -load} and {@code -t} as separate processes; with
 * {@code -p jdsm.kv.preload=true} a {@code -t} run first loads {@code recordcount} records itself, with the
 * workload's own load phase (same keys, field count and length), so one standard client process runs a standard
 * workload file end to end:
 * {@code java -cp jdsm.jar site.ycsb.Client -t -db org.jdsm.apps.kv.JdsmYcsbClient -P workloads/workloada
 * -p jdsm.kv.preload=true -threads 4 -s}.
 * <p>
 * The node starts, and the preload runs (on {@code threadcount} threads), when YCSB hands the first instance its
 * properties ({@link #setProperties(Properties)}), which YCSB does while it builds its client threads, before it
 * starts the run's clock: YCSB's {@code RunTime} and throughput then time the workload's operations, as for a store
 * whose records a separate {@code -load} run put in a server, and not the start of this process's node and its
 * loading (YCSB times {@link #init()}, which each client thread calls after the clock started). A failure there is
 * thrown by {@link #init()}.
 * <p>
 * <b>Note:</b> one instance per YCSB client thread, as YCSB uses a DB; the shared node and store are threadsafe.
 */
public final class JdsmYcsbClient extends KvYcsbDb
{
    private static final int DEFAULT_BUCKETS = 4096;

    private static final Object LOCK = new Object();
    private static DsmNode node;
    private static DistributedKvStore store;
    private static int users;
    private static DBException startFailure;

    /**
     * Keep the properties and, for the first instance of the process, start the node, create the store and preload
     * it, before YCSB starts its clock; a failure is kept for {@link #init()} to throw.
     *
     * @param properties of the YCSB run.
     */
    public void setProperties(final Properties properties)
    {
        super.setProperties(properties);
        synchronized (LOCK)
        {
            if (null == node && null == startFailure)
            {
                try
                {
                    startShared(properties);
                }
                catch (final DBException ex)
                {
                    startFailure = ex;
                }
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public void init() throws DBException
    {
        synchronized (LOCK)
        {
            if (null != startFailure)
            {
                throw startFailure;
            }
            if (null == node)
            {
                startShared(getProperties());
            }
            users++;
            store(store);
        }
    }

    private static void startShared(final Properties properties) throws DBException
    {
        try
        {
            node = Dsm.start(new DsmConfig());
            store = DistributedKvStore.create(node, bucketCount(properties));
            preload(properties);
        }
        catch (final DBException ex)
        {
            closeShared();
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            closeShared();
            throw new DBException("could not start jdsm: " + ex.getMessage(), ex);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void cleanup()
    {
        synchronized (LOCK)
        {
            if (--users == 0)
            {
                closeShared();
            }
        }
    }

    /**
     * Buckets of the store: {@code jdsm.kv.buckets} if set, else one per record as in {@code jdsm local ... kv}
     * ({@code max(16, recordcount)}, at most 2^24), else 4096 when {@code recordcount} is not given. Until
     * 2026-12-07 it was 4096 whatever the record count: 100,000 records of 1 KB made ~30 KB buckets, so every update
     * copied, and every miss fetched, ~24 records.
     */
    static int bucketCount(final Properties props) throws DBException
    {
        final String buckets = props.getProperty("jdsm.kv.buckets");
        final String recordCount = props.getProperty("recordcount");
        try
        {
            if (null != buckets)
            {
                return Integer.parseInt(buckets.trim());
            }
            final long records = null == recordCount ? 0 : Long.parseLong(recordCount.trim());
            return records > 0 ? (int)Math.max(16, Math.min(records, 1 << 24)) : DEFAULT_BUCKETS;
        }
        catch (final NumberFormatException ex)
        {
            throw new DBException("jdsm.kv.buckets=" + buckets + " or recordcount=" + recordCount + " is not a number");
        }
    }

    private static void preload(final Properties props) throws DBException
    {
        if (!Boolean.parseBoolean(props.getProperty("jdsm.kv.preload", "false")) ||
            !Boolean.parseBoolean(props.getProperty("dotransactions", "true")))
        {
            return;
        }
        final String recordCount = props.getProperty("recordcount", "0");
        final long records;
        final long failures;
        try
        {
            records = Long.parseLong(recordCount);
            failures = KvBenchmark.load(
                store, props, 0, records, Math.max(1, Integer.parseInt(props.getProperty("threadcount", "1"))));
        }
        catch (final NumberFormatException ex)
        {
            throw new DBException("jdsm.kv.preload: recordcount=" + recordCount + " or threadcount=" +
                props.getProperty("threadcount") + " is not a number");
        }
        catch (final Exception ex)
        {
            throw new DBException("jdsm.kv.preload: loading failed: " + ex.getMessage(), ex);
        }
        if (0 != failures)
        {
            throw new DBException("jdsm.kv.preload: " + failures + " of " + records + " inserts failed");
        }
    }

    // The store is not closed bucket by bucket: this node is node 0, whose close ends the cluster and releases
    // every node's heap with it. Closing it first freed each bucket's cell, a round trip per remote bucket, in the
    // last client thread's cleanup(), which YCSB times: 0.44-0.54 s of a 4 s run of 100,000 records in one bucket
    // each, a tenth of the throughput YCSB printed.
    private static void closeShared()
    {
        store = null;
        if (null != node)
        {
            node.close();
            node = null;
        }
    }
}
