package org.jdsm.apps.kv;

import site.ycsb.workloads.CoreWorkload;

/**
 * YCSB's {@link CoreWorkload}, with its key names exposed so a run can check every loaded record afterwards.
 * <p>
 * <b>Note:</b> threadsafe as {@link CoreWorkload} is: one per node, shared by its client threads.
 */
public final class KvCoreWorkload extends CoreWorkload
{
    /**
     * The key of a record number, as the workload names it.
     *
     * @param keyNumber of the record.
     * @return its key.
     */
    public String keyName(final long keyNumber)
    {
        return buildKeyName(keyNumber);
    }
}
