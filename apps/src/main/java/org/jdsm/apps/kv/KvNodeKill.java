package org.jdsm.apps.kv;

import org.jdsm.DsmNode;
import org.jdsm.apps.DeadNodeReport;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code kv --kill-node K --kill-after D}: the driver kills node K's JVM with {@code SIGKILL} ({@code kill -9}) D
 * after the workload's transactions started, then measures the fail-over: the time from the kill to the first
 * successful operation on a bucket homed on node K (a get of a loaded key of such a bucket, started at the kill,
 * which waits for the cluster to declare the node dead and is then served by its backup).
 * <p>
 * Node K must run on the driver's host (as under {@code jdsm local}): the driver finds its process by the pid and
 * start time node K reports, and refuses when no process of this host matches both.
 * <p>
 * <b>Note:</b> one per run: {@link #start()} once, then {@link #finish(PrintStream)} once, from the driver's thread;
 * the kill runs on a thread of its own.
 */
final class KvNodeKill implements AutoCloseable
{
    private final int nodeId;
    private final long afterNs;
    private final ProcessHandle process;
    private final KvStore store;
    private final String probeKey;
    private final ExecutorService thread = Executors.newSingleThreadExecutor((runnable) ->
    {
        final Thread killer = new Thread(runnable, "kv-kill-node");
        killer.setDaemon(true);
        return killer;
    });
    private volatile long killedAtMs = -1;
    private Future<Long> failOverMs;
    private long startNs;

    private KvNodeKill(
        final int nodeId, final long afterNs, final ProcessHandle process, final KvStore store, final String probeKey)
    {
        this.nodeId = nodeId;
        this.afterNs = afterNs;
        this.process = process;
        this.store = store;
        this.probeKey = probeKey;
    }

    /**
     * Find node K's process and a loaded key whose bucket it homes.
     *
     * @param driver   the driver's node.
     * @param store    the loaded store, owned by the driver.
     * @param nodeId   to kill.
     * @param afterNs  from the start of the transactions to the kill.
     * @param keys     the workload's key names.
     * @param records  loaded.
     * @return ready to {@link #start()}.
     * @throws Exception if node K does not answer.
     * @throws KvException if node K is not a process of this host or homes no loaded key.
     */
    static KvNodeKill prepare(
        final DsmNode driver,
        final DistributedKvStore store,
        final int nodeId,
        final long afterNs,
        final KvCoreWorkload keys,
        final long records) throws Exception
    {
        final long[] identity = driver.spawnOn(nodeId, (n) -> new long[] {
            ProcessHandle.current().pid(),
            ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(-1L) })
            .get(60, TimeUnit.SECONDS);
        final Optional<ProcessHandle> process = ProcessHandle.of(identity[0]);
        if (process.isEmpty() || identity[1] < 0 ||
            identity[1] != process.get().info().startInstant().map(Instant::toEpochMilli).orElse(-2L))
        {
            throw new KvException("--kill-node " + nodeId + ": node " + nodeId + " (pid " + identity[0] +
                ") is not a process of the driver's host: --kill-node needs every node on one host (jdsm local)");
        }
        for (long k = 0; k < records; k++)
        {
            final String key = keys.keyName(k);
            if (store.homeNodeOf(key) == nodeId)
            {
                return new KvNodeKill(nodeId, afterNs, process.get(), store, key);
            }
        }
        throw new KvException("--kill-node " + nodeId + ": no loaded record is homed on node " + nodeId +
            ": load more records");
    }

    /**
     * Start counting to the kill: call when the transactions start.
     */
    void start()
    {
        startNs = System.nanoTime();
        failOverMs = thread.submit(() ->
        {
            TimeUnit.NANOSECONDS.sleep(afterNs);
            DeadNodeReport.reportKilledByApplication(nodeId, "kv --kill-node " + nodeId + " (SIGKILL)");
            final long killNs = System.nanoTime();
            process.destroyForcibly(); // SIGKILL
            killedAtMs = TimeUnit.NANOSECONDS.toMillis(killNs - startNs);
            process.onExit().get(10, TimeUnit.SECONDS);
            store.get(probeKey); // waits for the fail-over, then is served by the backup
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killNs);
        });
    }

    /**
     * Report the kill and the fail-over time, once the workload ended.
     *
     * @param out for the report.
     * @return 0 if the node was killed during the workload and the probe succeeded, else 1.
     * @throws InterruptedException if interrupted while waiting for the probe.
     */
    int finish(final PrintStream out) throws InterruptedException
    {
        final long ranMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        if (killedAtMs < 0 || killedAtMs >= ranMs)
        {
            failOverMs.cancel(true);
            out.printf(Locale.ROOT, "kv: ERROR: the workload ended after %d ms, before --kill-after %d ms: node %d " +
                "was not killed; run more operations or kill earlier%n", ranMs, TimeUnit.NANOSECONDS.toMillis(afterNs),
                nodeId);
            return 1;
        }
        try
        {
            final long ms = failOverMs.get(5, TimeUnit.MINUTES);
            out.printf(Locale.ROOT, "kv: fail-over: node %d (pid %d) killed with SIGKILL %d ms into the run (which " +
                "lasted %d ms); first successful operation on a bucket homed on node %d %d ms after the kill " +
                "(get %s)%n", nodeId, process.pid(), killedAtMs, ranMs, nodeId, ms, probeKey);
            return 0;
        }
        catch (final Exception ex)
        {
            out.printf(Locale.ROOT, "kv: ERROR: node %d killed %d ms into the run, but no operation on a bucket " +
                "homed on it succeeded after the kill: %s%n", nodeId, killedAtMs, ex);
            ex.printStackTrace(out);
            return 1;
        }
    }

    public void close()
    {
        thread.shutdownNow();
    }
}
