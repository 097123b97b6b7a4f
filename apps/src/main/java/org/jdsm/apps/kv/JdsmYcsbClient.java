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
 * <b>Note:</b> one instance per YCSB client thread, as YCSB uses a DB; the shared node and store are threadsafe.
 */
public final class JdsmYcsbClient extends KvYcsbDb
{
    private static final Object LOCK = new Object();
    private static DsmNode node;
    private static DistributedKvStore store;
    private static int users;

    /**
     * {@inheritDoc}
     */
    public void init() throws DBException
    {
        synchronized (LOCK)
        {
            try
            {
                if (0 == users)
                {
                    node = Dsm.start(new DsmConfig());
                    store = DistributedKvStore.create(
                        node, Integer.parseInt(getProperties().getProperty("jdsm.kv.buckets", "4096")));
                    preload(getProperties());
                }
                users++;
                store(store);
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
            failures = KvBenchmark.load(store, props, 0, records, 1);
        }
        catch (final NumberFormatException ex)
        {
            throw new DBException("jdsm.kv.preload: recordcount=" + recordCount + " is not a number");
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
