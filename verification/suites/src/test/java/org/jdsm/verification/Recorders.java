package org.jdsm.verification;

import org.jdsm.linearizability.HistoryRecorder;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Recorders by id, so a task spawned on a simulated node (serialized, then run in this same JVM) can find the
 * recorder of its workload from the int it captured. A transport across processes would instead have each process
 * record its own history and ship it as {@code History.toText()}.
 */
final class Recorders
{
    private static final Map<Integer, HistoryRecorder> RECORDERS = new ConcurrentHashMap<>();
    private static final AtomicInteger IDS = new AtomicInteger();

    private Recorders()
    {
    }

    static int register(final HistoryRecorder recorder)
    {
        final int id = IDS.incrementAndGet();
        RECORDERS.put(id, recorder);
        return id;
    }

    static HistoryRecorder get(final int id)
    {
        final HistoryRecorder recorder = RECORDERS.get(id);
        if (null == recorder)
        {
            throw new IllegalStateException("no recorder " + id + ": tasks must run in the JVM that recorded");
        }

        return recorder;
    }

    static void unregister(final int id)
    {
        RECORDERS.remove(id);
    }
}
