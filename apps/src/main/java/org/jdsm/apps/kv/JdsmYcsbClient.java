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
 * buckets (YCSB property, default 4096) on it; every client thread's instance shares them, and the last one
 * cleaned up closes them. With {@code -Djdsm.node.count=N} the process is node 0 of a cluster whose other nodes run
 * {@code jdsm node} with no application.
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
            store = DistributedKvStore.create(node, Integer.parseInt(properties.getProperty("jdsm.kv.buckets", "4096")));
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

    private static void closeShared()
    {
        if (null != store)
        {
            store.close();
            store = null;
        }
        if (null != node)
        {
            node.close();
            node = null;
        }
    }
}
