package org.jdsm.apps.kv;

import org.HdrHistogram.Histogram;
import org.agrona.SystemUtil;
import org.jdsm.DsmNode;
import org.jdsm.apps.Application;
import org.jdsm.apps.ApplicationOptions;
import org.jdsm.apps.NodeTraffic;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code kv}: loads a KV store with YCSB's load phase from every node, runs a YCSB core workload (or DRust's) with
 * client threads on every node, checks every loaded record afterwards, and prints latency percentiles, throughput,
 * cache hit rate and bytes moved per operation as a table and a CSV file.
 * <p>
 * Options ({@link Options}): {@code [--workload a|b|c|d|e|f|drust] [--records R] [--operations O] [--threads T] [--warmup W]
 * [--buckets B] [--fieldcount F] [--fieldlength L] [--csv FILE] [--cpu] [--client-nodes I,J,...] [--target OPS]
 * [--verify-updates] [--kill-node K [--kill-after D]] [--baseline | --compare [--rounds R]]}. With
 * {@code --client-nodes} only those nodes run clients (every node holds buckets); {@code --target} paces the clients;
 * {@code --verify-updates} checks every record against the acknowledged updates ({@link KvUpdateModel});
 * {@code --kill-node} kills a serving node during the workload and prints the fail-over time ({@link KvNodeKill}). With
 * {@code --baseline} the same workload runs on {@link LocalKvStore} with the driver's threads only. With
 * {@code --compare} one run measures, in rotating order for each round: the baseline, jdsm with the map and its
 * clients on the driver alone (jdsm on 1 node), and, in a cluster of N &gt; 1 nodes, jdsm on all N nodes; it prints
 * each phase and the ratios jdsm 1 node / baseline and jdsm N nodes / jdsm 1 node, so both come from one run on one
 * machine.
 */
public final class KvApplication implements Application<KvApplication.Options>
{
    /**
     * Warm-up operations per client thread at least, unless {@code --warmup} is given: enough that a node idle
     * through the phases before (the baseline and jdsm on 1 node run on node 0 only) has compiled its serving and
     * client paths before the measured window (20,000 still left node 1 compiling in a 2-node phase).
     */
    static final long MIN_WARMUP_PER_CLIENT = 100_000;

    private static final long TIMEOUT_S = 1800;

    /**
     * The options of {@code kv}; every count must be at least 1.
     */
    public static final class Options
    {
        @Option(names = "--workload", paramLabel = "a|b|c|d|e|f|drust",
            description = "YCSB workload (default: ${DEFAULT-VALUE}).")
        String workload = "a";

        @Option(names = "--records", paramLabel = "R", description = "Records loaded (default: ${DEFAULT-VALUE}).")
        long records = 10_000;

        @Option(names = "--operations", paramLabel = "O", description = "Operations run (default: ${DEFAULT-VALUE}).")
        long operations = 100_000;

        @Option(names = "--threads", paramLabel = "T",
            description = "Client threads per node (default: ${DEFAULT-VALUE}).")
        long threads = 2;

        @Option(names = "--warmup", paramLabel = "W",
            description = "Warm-up operations (default: O / 10, at least 100000 per client thread).")
        Long warmup;

        @Option(names = "--buckets", paramLabel = "B", description = "Buckets (default: max(16, R), at most 2^24).")
        Long buckets;

        @Option(names = "--fieldcount", paramLabel = "F", description = "Fields per record (YCSB default 10).")
        Long fieldCount;

        @Option(names = "--fieldlength", paramLabel = "L", description = "Bytes per field (YCSB default 100).")
        Long fieldLength;

        @Option(names = "--csv", paramLabel = "FILE", description = "Where to write the results.")
        String csv;

        @Option(names = "--baseline", description = "Run the single-JVM baseline only.")
        boolean baseline;

        @Option(names = "--compare",
            description = "Run the baseline, jdsm on 1 node and on all nodes in each round.")
        boolean compare;

        @Option(names = "--cpu",
            description = "Also print the CPU time per operation of the client nodes' JVMs by thread role.")
        boolean cpu;

        @Option(names = "--rounds", paramLabel = "R", description = "Rounds of --compare (default: ${DEFAULT-VALUE}).")
        long rounds = 3;

        @Option(names = "--client-nodes", paramLabel = "I,J,...",
            description = "Nodes that run client threads (default: every node); every node holds buckets.")
        String clientNodes;

        @Option(names = "--target", paramLabel = "OPS",
            description = "Operations per second over all client threads (default: as fast as they can).")
        Long target;

        @Option(names = "--verify-updates", description = "Check at the end that every record holds exactly its " +
            "acknowledged updates (each update stamps the record's version).")
        boolean verifyUpdates;

        @Option(names = "--kill-node", paramLabel = "K", description = "Kill node K (SIGKILL, same host) during the " +
            "workload, measure the fail-over; needs jdsm.replicas >= 1, implies --verify-updates.")
        Integer killNode;

        @Option(names = "--kill-after", paramLabel = "D",
            description = "When to kill --kill-node, from the start of the transactions (default: ${DEFAULT-VALUE}).")
        String killAfter = "2s";
    }

    public Options newOptions()
    {
        return new Options();
    }

    public String name()
    {
        return "kv";
    }

    public String description()
    {
        return "KV store on jdsm (or --baseline, or --compare both) under YCSB workloads a-f or drust";
    }

    public void check(final Options options, final int nodeCount, final int replicas)
    {
        ApplicationOptions.refuseAs(this, KvException.class, () -> new Settings(options, nodeCount, replicas));
    }

    public int run(final DsmNode node, final Options options, final PrintStream out) throws Exception
    {
        final Settings settings = new Settings(options, node.nodeCount(), node.config().replicas());
        if (options.compare)
        {
            return compare(node, settings, out);
        }

        final boolean isBaseline = options.baseline;
        final int nodes = isBaseline ? 1 : node.nodeCount();
        final String storeName = isBaseline ? "baseline" : "jdsm";
        final Path csv = Path.of(null != options.csv ? options.csv :
            "kv-" + settings.workloadName + "-" + storeName + "-" + nodes + "n.csv");
        final Phase phase = runPhase(node, settings, isBaseline, nodes,
            isBaseline ? allNodes(1) : settings.clientNodes, out);

        final StringBuilder csvText = new StringBuilder(
            "workload,store,nodes,threads_per_node,op,count,errors,mean_us,p50_us,p95_us,p99_us,p999_us,max_us," +
            "throughput_ops_s,cache_hit_rate,bytes_moved_per_op\n");
        out.println();
        out.printf("%-8s %10s %7s %9s %9s %9s %9s %9s %10s%n",
            "op", "count", "errors", "mean_us", "p50_us", "p95_us", "p99_us", "p999_us", "max_us");
        for (final KvYcsbDb.Kind kind : KvYcsbDb.Kind.values())
        {
            final Histogram histogram = phase.byKind[kind.ordinal()];
            if (histogram.getTotalCount() > 0)
            {
                row(kind.name(), histogram, phase.errorsByKind[kind.ordinal()], out, csvText, settings, phase);
            }
        }
        row("ALL", phase.all, phase.errors, out, csvText, settings, phase);
        out.println();
        out.printf(Locale.ROOT, "kv: throughput %.0f ops/s, cache hit rate %s (%d hits, %d misses), " +
            "bytes moved per op %.1f (%d fetched, %d moved in), round trips per op %.3f (%d reads, %d writes, " +
            "%d CAS, %d fetch-adds, %d mirrors to backups), messages per op %.3f%n",
            phase.throughput, phase.hitRate(), phase.counters[0], phase.counters[1], phase.bytesPerOp(),
            phase.counters[2], phase.counters[3], phase.roundTripsPerOp(), phase.counters[4], phase.counters[5],
            phase.counters[6], phase.counters[7], phase.counters[9], phase.messagesPerOp());
        if (0 != phase.counters[10] || 0 != phase.counters[11])
        {
            out.printf(Locale.ROOT, "kv: cell leases (jdsm.cell.lease): %d reads served by a lease (%.3f per op), " +
                "%d writes waited for leases to end%n", phase.counters[10],
                phase.counters[10] / (double)Math.max(1, phase.operations), phase.counters[11]);
        }
        out.println(phase.trafficLine("kv: "));
        out.println(phase.cpuLine(settings.options.cpu, "kv: "));
        Files.writeString(csv, csvText.toString(), StandardCharsets.UTF_8);
        out.println("kv: CSV written to " + csv.toAbsolutePath());

        return verdict(phase, settings, out);
    }

    private static int compare(final DsmNode node, final Settings settings, final PrintStream out) throws Exception
    {
        final int rounds = (int)atLeastOne("--rounds", settings.options.rounds);
        final int clusterNodes = node.nodeCount();
        final int phaseCount = clusterNodes > 1 ? 3 : 2;
        final Path csv = Path.of(null != settings.options.csv ? settings.options.csv :
            "kv-" + settings.workloadName + "-compare-" + clusterNodes + "n.csv");
        final double[][] throughput = new double[phaseCount][rounds];
        final StringBuilder csvText = new StringBuilder(
            "workload,round,store,nodes,threads_per_node,operations,errors,p50_us,p99_us,throughput_ops_s," +
            "cache_hit_rate,bytes_moved_per_op\n");
        final StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
            "%-14s %5s %14s %9s %9s %9s %13s %10s %11s %11s %7s%n",
            "phase", "round", "ops_per_s", "p50_us", "p99_us", "hit_rate", "bytes_per_op", "rt_per_op", "msgs_per_op",
            "cpu_us_op", "errors"));
        final StringBuilder cpuLines = new StringBuilder();
        int status = 0;
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < phaseCount; i++)
            {
                final int kind = (i + round) % phaseCount;
                final boolean isBaseline = 0 == kind;
                final int nodes = 2 == kind ? clusterNodes : 1;
                out.printf("kv compare: round %d of %d%n", round + 1, rounds);
                final Phase phase = runPhase(node, settings, isBaseline, nodes, allNodes(nodes), out);
                status |= verdict(phase, settings, out);
                throughput[kind][round] = phase.throughput;
                final String name = isBaseline ? "baseline" : "jdsm " + nodes + " node" + (1 == nodes ? "" : "s");
                table.append(String.format(Locale.ROOT,
                    "%-14s %5d %14.0f %9.1f %9.1f %9s %13.1f %10.3f %11.3f %11.2f %7d%n",
                    name, round + 1, phase.throughput, phase.all.getValueAtPercentile(50) / 1000.0,
                    phase.all.getValueAtPercentile(99) / 1000.0, phase.hitRate(), phase.bytesPerOp(),
                    phase.roundTripsPerOp(), phase.messagesPerOp(), phase.cpuUsPerOp(-1), phase.errors));
                if (settings.options.cpu)
                {
                    cpuLines.append(String.format(Locale.ROOT, "%-14s %5d ", name, round + 1))
                        .append(phase.cpuLine(true, "")).append(System.lineSeparator());
                }
                csvText.append(String.format(Locale.ROOT, "%s,%d,%s,%d,%d,%d,%d,%.2f,%.2f,%.1f,%s,%.1f%n",
                    settings.workloadName, round + 1, isBaseline ? "baseline" : "jdsm", nodes, settings.threads,
                    phase.operations, phase.errors, phase.all.getValueAtPercentile(50) / 1000.0,
                    phase.all.getValueAtPercentile(99) / 1000.0, phase.throughput, phase.hitRate(), phase.bytesPerOp()));
            }
        }

        out.println();
        out.print(table);
        out.print(cpuLines);
        out.println();
        out.printf(Locale.ROOT, "kv compare: workload %s, %d records, %d operations per phase, %d client threads " +
            "per client node, %d rounds in rotating order%n", settings.workloadName, settings.records,
            settings.operations, settings.threads, rounds);
        out.println(ratioLine("jdsm 1 node / baseline", throughput[1], throughput[0]));
        if (phaseCount > 2)
        {
            out.println(ratioLine("jdsm " + clusterNodes + " nodes / jdsm 1 node", throughput[2], throughput[1]));
        }
        Files.writeString(csv, csvText.toString(), StandardCharsets.UTF_8);
        out.println("kv: CSV written to " + csv.toAbsolutePath());
        out.println(0 == status ? "kv: all results correct" : "kv: ERRORS");

        return status;
    }

    /**
     * The throughput ratio of two phases: the median of the ratios of each round (phases of a round ran back to
     * back, so they saw the same machine), and every round's.
     */
    static String ratioLine(final String label, final double[] numerator, final double[] denominator)
    {
        final double[] ratios = new double[numerator.length];
        final StringBuilder each = new StringBuilder();
        for (int r = 0; r < ratios.length; r++)
        {
            ratios[r] = numerator[r] / denominator[r];
            each.append(0 == r ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", ratios[r]));
        }
        final double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;
        final double median = 1 == n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;

        return String.format(Locale.ROOT, "kv compare: %s = %.3f (median of rounds: %s)", label, median, each);
    }

    /**
     * Create a store on the first {@code nodes} nodes, load it from each of them, run the workload with clients on
     * {@code clientNodes} (killing {@code --kill-node} during it), check every loaded record, and close the store.
     */
    private static Phase runPhase(
        final DsmNode node,
        final Settings settings,
        final boolean isBaseline,
        final int nodes,
        final int[] clientNodes,
        final PrintStream out)
        throws Exception
    {
        final String storeName = isBaseline ? "baseline" : "jdsm";
        final long records = settings.records;
        final int threads = settings.threads;
        final Properties props = settings.props;
        final int clients = clientNodes.length * threads;
        // every node's JIT must be warm: a node idle through the phases before this one (the baseline and jdsm
        // on 1 node run on node 0 only) would otherwise be measured compiling
        final long warmupPerThread = null != settings.options.warmup ? settings.warmup / clients :
            Math.max(settings.warmup / clients, MIN_WARMUP_PER_CLIENT);
        out.printf("kv: workload %s, %s store, %d node(s), clients on %s x %d threads, %d records, %d operations " +
            "(+%d warm-up), replicas %d%s%n", settings.workloadName, storeName, nodes, Arrays.toString(clientNodes),
            threads, records, settings.operations, warmupPerThread * clients, isBaseline ? 0 : node.config().replicas(),
            KvBenchmark.isChecked(props) ? ", checking every acknowledged update" : "");
        final KvStore store = isBaseline ?
            new LocalKvStore((int)records) : DistributedKvStore.create(node, settings.buckets, nodes);
        KvNodeKill kill = null;
        try
        {
            final long mapId = isBaseline ? 0 : ((DistributedKvStore)store).mapId();
            long startNs = System.nanoTime();
            final List<CompletableFuture<Long>> loads = new ArrayList<>();
            for (int i = 1; i < nodes; i++)
            {
                final long from = records * i / nodes;
                final long count = records * (i + 1) / nodes - from;
                loads.add(node.spawnOn(i, (n) ->
                    KvBenchmark.load(DistributedKvStore.attached(n, mapId), props, from, count, threads)));
            }
            long loadFailures = KvBenchmark.load(store, props, 0, records / nodes, threads);
            for (final CompletableFuture<Long> load : loads)
            {
                loadFailures += load.get(TIMEOUT_S, TimeUnit.SECONDS);
            }
            out.printf("kv: loaded %d records in %d ms%n", records, ms(startNs));

            final KvCoreWorkload names = KvBenchmark.newWorkload(props);
            if (!isBaseline && null != settings.killNode)
            {
                kill = KvNodeKill.prepare(
                    node, (DistributedKvStore)store, settings.killNode, settings.killAfterNs, names, records);
            }
            startNs = System.nanoTime();
            final long measuredPerThread = Math.max(1, settings.operations / clients);
            final long intervalNs = null == settings.options.target ? 0 :
                Math.max(1, TimeUnit.SECONDS.toNanos(clients) / settings.options.target);
            final List<CompletableFuture<KvNodeResult>> runs = new ArrayList<>();
            if (null != kill)
            {
                kill.start();
            }
            boolean driverRuns = false;
            for (final int i : clientNodes)
            {
                driverRuns |= 0 == i;
                if (0 != i)
                {
                    runs.add(node.spawnOn(i, (n) -> KvBenchmark.run(n, DistributedKvStore.attached(n, mapId), props,
                        threads, warmupPerThread, measuredPerThread, intervalNs)));
                }
            }
            final List<KvNodeResult> results = new ArrayList<>();
            if (driverRuns)
            {
                results.add(KvBenchmark.run(isBaseline ? null : node, store, props, threads, warmupPerThread,
                    measuredPerThread, intervalNs));
            }
            for (final CompletableFuture<KvNodeResult> run : runs)
            {
                results.add(run.get(TIMEOUT_S, TimeUnit.SECONDS));
            }
            out.printf("kv: ran in %d ms%n", ms(startNs));
            final int killStatus = null == kill ? 0 : kill.finish(out);

            long missing = 0;
            final int fieldCount = KvBenchmark.fieldCount(props);
            for (long k = 0; k < records; k++)
            {
                final byte[] value = store.get(names.keyName(k));
                if (null == value || KvFields.decode(value).size() !=
                    fieldCount + (KvBenchmark.isChecked(props) ? 1 : 0))
                {
                    missing++;
                }
            }
            if (KvBenchmark.isChecked(props))
            {
                missing += checkAcknowledged(store, names, props, results, out);
            }

            return new Phase(storeName, nodes, results, loadFailures + killStatus, missing);
        }
        finally
        {
            if (null != kill)
            {
                kill.close();
            }
            store.close();
        }
    }

    /**
     * In a checked run, compare every loaded record with what the clients got acknowledged ({@link KvUpdateModel}).
     *
     * @return records not as acknowledged.
     */
    static long checkAcknowledged(
        final KvStore store,
        final KvCoreWorkload names,
        final Properties props,
        final List<KvNodeResult> results,
        final PrintStream out)
    {
        final int records = Integer.parseInt(props.getProperty("recordcount"));
        final int fieldCount = KvBenchmark.fieldCount(props);
        final int fieldLength = Integer.parseInt(props.getProperty("fieldlength", "100"));
        final String prefix = props.getProperty("fieldnameprefix", "field");
        final int[] lastVersions = new int[records * fieldCount];
        final int[] acknowledged = new int[records];
        for (final KvNodeResult result : results)
        {
            for (int i = 0; i < lastVersions.length; i++)
            {
                lastVersions[i] = Math.max(lastVersions[i], result.lastVersions()[i]);
            }
            for (int i = 0; i < records; i++)
            {
                acknowledged[i] += result.acknowledged()[i];
            }
        }
        long wrong = 0;
        long updates = 0;
        long updatedRecords = 0;
        for (int k = 0; k < records; k++)
        {
            final String key = names.keyName(k);
            updates += acknowledged[k];
            updatedRecords += acknowledged[k] > 0 ? 1 : 0;
            final byte[] value = store.get(key);
            String problem = null;
            if (null == value)
            {
                problem = "missing";
            }
            else
            {
                final Map<String, byte[]> fields = KvFields.decode(value);
                final int version = fields.containsKey(KvUpdateModel.VERSION_FIELD) ?
                    KvUpdateModel.version(fields) : -1;
                if (version != acknowledged[k])
                {
                    problem = "version " + version + ", but " + acknowledged[k] + " updates were acknowledged";
                }
                for (int f = 0; f < fieldCount && null == problem; f++)
                {
                    final int expected = lastVersions[k * fieldCount + f];
                    final byte[] field = fields.get(prefix + f);
                    if (!Arrays.equals(field, KvUpdateModel.value(key, f, expected, fieldLength)))
                    {
                        problem = prefix + f + " is not the value of version " + expected + ", its last " +
                            "acknowledged write" + (null == field || field.length < 4 ? "" :
                            " (holds version " + KvUpdateModel.version(Map.of(KvUpdateModel.VERSION_FIELD,
                            Arrays.copyOf(field, 4))) + ", " + field.length + " bytes)");
                    }
                }
            }
            if (null != problem)
            {
                if (++wrong <= 5)
                {
                    out.println("kv: record " + key + " not as acknowledged: " + problem);
                }
            }
        }
        out.printf(Locale.ROOT, "kv: checked %d records against %d acknowledged updates (of %d records): %d not as " +
            "acknowledged%n", records, updates, updatedRecords, wrong);

        return wrong;
    }

    private static int verdict(final Phase phase, final Settings settings, final PrintStream out)
    {
        out.printf("kv: load failures %d, operation errors %d, loaded records missing or malformed %d of %d%n",
            phase.loadFailures, phase.errors, phase.missing, settings.records);
        final boolean ok = 0 == phase.loadFailures && 0 == phase.errors && 0 == phase.missing;
        out.println(ok ? "kv: all results correct" : "kv: ERRORS");
        return ok ? 0 : 1;
    }

    private static void row(
        final String op,
        final Histogram histogram,
        final long errors,
        final PrintStream out,
        final StringBuilder csv,
        final Settings settings,
        final Phase phase)
    {
        final double[] us = {
            histogram.getMean() / 1000.0, histogram.getValueAtPercentile(50) / 1000.0,
            histogram.getValueAtPercentile(95) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0,
            histogram.getValueAtPercentile(99.9) / 1000.0, histogram.getMaxValue() / 1000.0 };
        out.printf(Locale.ROOT, "%-8s %10d %7d %9.1f %9.1f %9.1f %9.1f %9.1f %10.1f%n",
            op, histogram.getTotalCount(), errors, us[0], us[1], us[2], us[3], us[4], us[5]);
        csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%s,%d,%d,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.1f,%s,%.1f%n",
            settings.workloadName, phase.storeName, phase.nodes, settings.threads, op, histogram.getTotalCount(),
            errors, us[0], us[1], us[2], us[3], us[4], us[5], phase.throughput, phase.hitRate(), phase.bytesPerOp()));
    }

    private static int[] allNodes(final int nodes)
    {
        final int[] all = new int[nodes];
        Arrays.setAll(all, (i) -> i);
        return all;
    }

    private static int[] clientNodes(final String list, final int nodeCount)
    {
        final String[] items = list.split(",");
        final int[] ids = new int[items.length];
        for (int i = 0; i < items.length; i++)
        {
            try
            {
                ids[i] = Integer.parseInt(items[i].trim());
            }
            catch (final NumberFormatException ex)
            {
                ids[i] = -1;
            }
            if (ids[i] < 0 || ids[i] >= nodeCount)
            {
                throw new KvException("--client-nodes=" + list + ": " + items[i].trim() + " is not a node id in [0, " +
                    (nodeCount - 1) + "]");
            }
        }
        if (Arrays.stream(ids).distinct().count() != ids.length)
        {
            throw new KvException("--client-nodes=" + list + " names a node twice");
        }

        return ids;
    }

    private static long ms(final long startNs)
    {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }

    private static long atLeastOne(final String name, final long value)
    {
        if (value < 1)
        {
            throw new KvException(name + "=" + value + " must be >= 1");
        }

        return value;
    }

    /**
     * The run's options, checked once.
     */
    private static final class Settings
    {
        final Options options;
        final String workloadName;
        final long records;
        final long operations;
        final int threads;
        final long warmup;
        final int buckets;
        final Properties props;

        final int[] clientNodes;
        final Integer killNode;
        final long killAfterNs;

        Settings(final Options options, final int nodeCount, final int replicas)
        {
            this.options = options;
            workloadName = options.workload;
            records = atLeastOne("--records", options.records);
            operations = atLeastOne("--operations", options.operations);
            threads = (int)atLeastOne("--threads", options.threads);
            warmup = null != options.warmup ? atLeastOne("--warmup", options.warmup) : operations / 10;
            buckets = (int)(null != options.buckets ?
                atLeastOne("--buckets", options.buckets) : Math.max(16, Math.min(records, 1 << 24)));
            props = KvWorkloads.properties(workloadName, records, operations);
            if (null != options.fieldCount)
            {
                props.setProperty("fieldcount", Long.toString(atLeastOne("--fieldcount", options.fieldCount)));
            }
            if (null != options.fieldLength)
            {
                props.setProperty("fieldlength", Long.toString(atLeastOne("--fieldlength", options.fieldLength)));
            }
            if (options.baseline && options.compare)
            {
                throw new KvException("--baseline and --compare exclude each other: --compare runs the baseline too");
            }
            final boolean isSingle = options.baseline || options.compare;
            final String single = options.baseline ? "--baseline" : "--compare";
            clientNodes = null == options.clientNodes ? allNodes(nodeCount) :
                clientNodes(options.clientNodes, nodeCount);
            if (isSingle && (null != options.clientNodes || null != options.killNode))
            {
                throw new KvException((null != options.clientNodes ? "--client-nodes" : "--kill-node") +
                    " runs jdsm on all nodes only: leave out " + single);
            }
            if (null != options.target)
            {
                atLeastOne("--target", options.target);
            }
            killNode = options.killNode;
            try
            {
                killAfterNs = SystemUtil.parseDuration("--kill-after", options.killAfter);
            }
            catch (final NumberFormatException ex)
            {
                throw new KvException("--kill-after=" + options.killAfter + " is not a duration such as 2s or 500ms");
            }
            if (null != killNode)
            {
                if (killNode < 1 || killNode >= nodeCount)
                {
                    throw new KvException("--kill-node=" + killNode + " must be in [1, " + (nodeCount - 1) +
                        "]: node 0 is the driver");
                }
                if (Arrays.stream(clientNodes).anyMatch((i) -> i == killNode))
                {
                    throw new KvException("--kill-node=" + killNode + " runs clients: give --client-nodes without it" +
                        " (its clients would die with it), e.g. --client-nodes 0");
                }
                if (replicas < 1)
                {
                    throw new KvException("--kill-node=" + killNode + " needs jdsm.replicas >= 1 (jdsm local " +
                        "--replicas 1): without a backup the node's buckets die with it");
                }
            }
            if (options.verifyUpdates || null != killNode)
            {
                props.setProperty(KvBenchmark.CHECKED_PROP_NAME, "true");
                if (Long.parseLong(props.getProperty("fieldlength", "100")) < 4)
                {
                    throw new KvException("--verify-updates needs --fieldlength >= 4: a field holds its version");
                }
            }
        }
    }

    /**
     * What one phase (one store on some nodes) measured, merged over its client nodes.
     */
    private static final class Phase
    {
        final String storeName;
        final int nodes;
        final Histogram all = new Histogram(KvYcsbDb.MAX_LATENCY_NS, 3);
        final Histogram[] byKind = new Histogram[KvYcsbDb.Kind.values().length];
        final long[] errorsByKind = new long[byKind.length];
        final long[] counters = new long[KvBenchmark.COUNTERS.length + NodeTraffic.LENGTH];
        final long[] cpuNsByRole = new long[ThreadCpuByRole.ROLE_NAMES.length];
        final long loadFailures;
        final long missing;
        long errors;
        long operations;
        final double throughput;

        Phase(final String storeName, final int nodes, final List<KvNodeResult> results, final long loadFailures,
            final long missing)
        {
            this.storeName = storeName;
            this.nodes = nodes;
            this.loadFailures = loadFailures;
            this.missing = missing;
            for (final KvYcsbDb.Kind kind : KvYcsbDb.Kind.values())
            {
                byKind[kind.ordinal()] = new Histogram(KvYcsbDb.MAX_LATENCY_NS, 3);
            }
            long elapsedNs = 1;
            final Map<Long, long[]> cpuByProcess = new HashMap<>(); // nodes sharing a JVM measured it each: once
            for (final KvNodeResult result : results)
            {
                cpuByProcess.merge(result.processId(), result.cpuNsByRole(),
                    (a, b) -> Arrays.stream(a).sum() >= Arrays.stream(b).sum() ? a : b);
                all.add(result.all());
                for (final KvYcsbDb.Kind kind : KvYcsbDb.Kind.values())
                {
                    byKind[kind.ordinal()].add(result.histograms().get(kind));
                    errorsByKind[kind.ordinal()] += result.errors()[kind.ordinal()];
                    errors += result.errors()[kind.ordinal()];
                }
                for (int c = 0; c < counters.length; c++)
                {
                    final long delta = result.counterDelta()[c];
                    counters[c] = counters[c] < 0 || delta < 0 ? -1 : counters[c] + delta;
                }
                operations += result.operations();
                elapsedNs = Math.max(elapsedNs, result.elapsedNs());
            }
            for (final long[] cpu : cpuByProcess.values())
            {
                for (int r = 0; r < cpuNsByRole.length; r++)
                {
                    cpuNsByRole[r] += cpu[r];
                }
            }
            throughput = operations * 1e9 / elapsedNs;
        }

        /**
         * The traffic the engine's counters leave out (replication's mirrors): {@link NodeTraffic} of the client
         * nodes over the measured window, per operation.
         */
        String trafficLine(final String prefix)
        {
            final long served = counters[KvBenchmark.COUNTERS.length + NodeTraffic.REQUESTS_SERVED];
            final long sent = counters[KvBenchmark.COUNTERS.length + NodeTraffic.BYTES_SENT];
            final long ops = Math.max(1, operations);
            return prefix + "client nodes' transport: one-sided requests served per op " +
                (served < 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", (double)served / ops)) +
                " (replication's mirrors included), bytes sent per op " +
                (sent < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", (double)sent / ops)) +
                " (Aeron media driver, all traffic)";
        }

        String hitRate()
        {
            final long lookups = counters[0] + counters[1];
            return 0 == lookups ? "n/a" : String.format(Locale.ROOT, "%.4f", (double)counters[0] / lookups);
        }

        double bytesPerOp()
        {
            return (double)(counters[2] + counters[3]) / Math.max(1, operations);
        }

        double roundTripsPerOp()
        {
            return (double)(counters[4] + counters[5] + counters[6] + counters[7] + counters[9]) /
                Math.max(1, operations);
        }

        double messagesPerOp()
        {
            return (double)counters[8] / Math.max(1, operations);
        }

        /**
         * @param role index into {@link ThreadCpuByRole#ROLE_NAMES}, or -1 for all.
         * @return CPU microseconds per operation of the client nodes' JVMs over the measured window.
         */
        double cpuUsPerOp(final int role)
        {
            long ns = 0;
            for (int r = 0; r < cpuNsByRole.length; r++)
            {
                ns += (r == role || role < 0) ? cpuNsByRole[r] : 0;
            }
            return ns / 1000.0 / Math.max(1, operations);
        }

        String cpuLine(final boolean byRole, final String prefix)
        {
            final StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "%sCPU us per op %.2f (client nodes' JVMs over the measured window", prefix, cpuUsPerOp(-1)));
            if (byRole)
            {
                for (int r = 0; r < cpuNsByRole.length; r++)
                {
                    line.append(String.format(Locale.ROOT, "%s %s %.2f", 0 == r ? ":" : ",",
                        ThreadCpuByRole.ROLE_NAMES[r], cpuUsPerOp(r)));
                }
            }
            return line.append(')').toString();
        }
    }
}
