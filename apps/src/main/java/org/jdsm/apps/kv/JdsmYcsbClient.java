package org.jdsm.apps.kv;

import org.jdsm.Dsm;
import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;
import site.ycsb.DBException;

/**
 * The {@code site.ycsb.DB} binding for the standard YCSB client ({@code site.ycsb.Client -db
 * org.jdsm.apps.kv.JdsmYcsbClient}). The first instance in the process starts a jdsm node from the {@code jdsm.*}
 * system properties ({@link DsmConfig}) and creates a {@link DistributedKvStore} of {@code jdsm.kv.buckets}
 * buckets (YCSB property, default 4096) on it; every client thread's instance shares them, and the last one
 * cleaned up closes them. With {@code -Djdsm.node.count=N} the process is node 0 of a cluster whose other nodes run
 * {@code jdsm node} with no application.
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
                }
                users++;
                store(store);
            }
            catch (final RuntimeException ex)
            {
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
                store.close();
                node.close();
                store = null;
                node = null;
            }
        }
    }
}
