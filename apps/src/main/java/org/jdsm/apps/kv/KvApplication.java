package org.jdsm.apps.kv;

import org.HdrHistogram.Histogram;
import org.jdsm.DsmNode;
import org.jdsm.apps.Application;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code kv}: loads a KV store with YCSB's load phase from every node, runs a YCSB core workload (or DRust's) with
 * client threads on every node, checks every loaded record afterwards, and prints latency percentiles, throughput,
 * cache hit rate and bytes moved per operation as a table and a CSV file.
 * <p>
 * Arguments: {@code [--workload a|b|c|d|e|f|drust] [--records R] [--operations O] [--threads T] [--warmup W]
 * [--buckets B] [--fieldcount F] [--fieldlength L] [--csv FILE] [--baseline]}. With {@code --baseline} the same
 * workload runs on {@link LocalKvStore} with the driver's threads only.
 */
public final class KvApplication implements Application
{
    private static final long TIMEOUT_S = 1800;

    public String name()
    {
        return "kv";
    }

    public String description()
    {
        return "KV store on jdsm (or --baseline) under YCSB workloads a-f or drust; latency, throughput, cache hits";
    }

    public int run(final DsmNode node, final List<String> args, final PrintStream out) throws Exception
    {
        final String workloadName = stringArgument(args, "--workload", "a");
        final long records = longArgument(args, "--records", 10_000);
        final long operations = longArgument(args, "--operations", 100_000);
        final int threads = (int)longArgument(args, "--threads", 2);
        final long warmup = longArgument(args, "--warmup", operations / 10);
        final boolean isBaseline = args.contains("--baseline");
        final int buckets = (int)longArgument(args, "--buckets", Math.max(16, records / 4));
        final Properties props = KvWorkloads.properties(workloadName, records, operations);
        if (args.contains("--fieldcount"))
        {
            props.setProperty("fieldcount", Long.toString(longArgument(args, "--fieldcount", 10)));
        }
        if (args.contains("--fieldlength"))
        {
            props.setProperty("fieldlength", Long.toString(longArgument(args, "--fieldlength", 100)));
        }
        final int nodes = isBaseline ? 1 : node.nodeCount();
        final String storeName = isBaseline ? "baseline" : "jdsm";
        final Path csv = Path.of(stringArgument(args, "--csv",
            "kv-" + workloadName + "-" + storeName + "-" + nodes + "n.csv"));

        out.printf("kv: workload %s, %s store, %d node(s) x %d client threads, %d records, %d operations (+%d warm-up)%n",
            workloadName, storeName, nodes, threads, records, operations, warmup);
        final KvStore store = isBaseline ? new LocalKvStore((int)records) : DistributedKvStore.create(node, buckets);
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

            startNs = System.nanoTime();
            final int clients = nodes * threads;
            final long warmupPerThread = warmup / clients;
            final long measuredPerThread = Math.max(1, operations / clients);
            final List<CompletableFuture<KvNodeResult>> runs = new ArrayList<>();
            for (int i = 1; i < nodes; i++)
            {
                runs.add(node.spawnOn(i, (n) -> KvBenchmark.run(
                    n, DistributedKvStore.attached(n, mapId), props, threads, warmupPerThread, measuredPerThread)));
            }
            final List<KvNodeResult> results = new ArrayList<>();
            results.add(KvBenchmark.run(isBaseline ? null : node, store, props, threads, warmupPerThread,
                measuredPerThread));
            for (final CompletableFuture<KvNodeResult> run : runs)
            {
                results.add(run.get(TIMEOUT_S, TimeUnit.SECONDS));
            }
            out.printf("kv: ran in %d ms%n", ms(startNs));

            long missing = 0;
            final KvCoreWorkload names = KvBenchmark.newWorkload(props);
            for (long k = 0; k < records; k++)
            {
                final byte[] value = store.get(names.keyName(k));
                if (null == value || KvFields.decode(value).size() != Integer.parseInt(props.getProperty("fieldcount", "10")))
                {
                    missing++;
                }
            }

            final long errors = report(workloadName, storeName, nodes, threads, results, csv, out);
            out.printf("kv: load failures %d, operation errors %d, loaded records missing or malformed %d of %d%n",
                loadFailures, errors, missing, records);
            final boolean ok = 0 == loadFailures && 0 == errors && 0 == missing;
            out.println(ok ? "kv: all results correct" : "kv: ERRORS");
            return ok ? 0 : 1;
        }
        finally
        {
            store.close();
        }
    }

    private static long report(
        final String workload,
        final String storeName,
        final int nodes,
        final int threads,
        final List<KvNodeResult> results,
        final Path csv,
        final PrintStream out) throws Exception
    {
        final Histogram all = new Histogram(KvYcsbDb.MAX_LATENCY_NS, 3);
        final Histogram[] byKind = new Histogram[KvYcsbDb.Kind.values().length];
        final long[] errors = new long[byKind.length];
        final long[] counters = new long[KvBenchmark.COUNTERS.length];
        long operations = 0;
        long elapsedNs = 1;
        for (final KvYcsbDb.Kind kind : KvYcsbDb.Kind.values())
        {
            byKind[kind.ordinal()] = new Histogram(KvYcsbDb.MAX_LATENCY_NS, 3);
        }
        for (final KvNodeResult result : results)
        {
            all.add(result.all());
            for (final KvYcsbDb.Kind kind : KvYcsbDb.Kind.values())
            {
                byKind[kind.ordinal()].add(result.histograms().get(kind));
                errors[kind.ordinal()] += result.errors()[kind.ordinal()];
            }
            for (int c = 0; c < counters.length; c++)
            {
                counters[c] += result.counterDelta()[c];
            }
            operations += result.operations();
            elapsedNs = Math.max(elapsedNs, result.elapsedNs());
        }

        final double throughput = operations * 1e9 / elapsedNs;
        final long lookups = counters[0] + counters[1];
        final String hitRate = 0 == lookups ? "n/a" : String.format(Locale.ROOT, "%.4f", (double)counters[0] / lookups);
        final double bytesPerOp = (double)(counters[2] + counters[3]) / operations;

        final StringBuilder csvText = new StringBuilder(
            "workload,store,nodes,threads_per_node,op,count,errors,mean_us,p50_us,p95_us,p99_us,p999_us,max_us," +
            "throughput_ops_s,cache_hit_rate,bytes_moved_per_op\n");
        out.println();
        out.printf("%-8s %10s %7s %9s %9s %9s %9s %9s %10s%n",
            "op", "count", "errors", "mean_us", "p50_us", "p95_us", "p99_us", "p999_us", "max_us");
        long totalErrors = 0;
        for (final KvYcsbDb.Kind kind : KvYcsbDb.Kind.values())
        {
            final Histogram histogram = byKind[kind.ordinal()];
            if (histogram.getTotalCount() > 0)
            {
                row(kind.name(), histogram, errors[kind.ordinal()], out, csvText, workload, storeName, nodes, threads,
                    throughput, hitRate, bytesPerOp);
                totalErrors += errors[kind.ordinal()];
            }
        }
        row("ALL", all, totalErrors, out, csvText, workload, storeName, nodes, threads, throughput, hitRate,
            bytesPerOp);
        out.println();
        out.printf(Locale.ROOT, "kv: throughput %.0f ops/s, cache hit rate %s (%d hits, %d misses), " +
            "bytes moved per op %.1f (%d fetched, %d moved in)%n",
            throughput, hitRate, counters[0], counters[1], bytesPerOp, counters[2], counters[3]);
        Files.writeString(csv, csvText.toString(), StandardCharsets.UTF_8);
        out.println("kv: CSV written to " + csv.toAbsolutePath());

        return totalErrors;
    }

    private static void row(
        final String op,
        final Histogram histogram,
        final long errors,
        final PrintStream out,
        final StringBuilder csv,
        final String workload,
        final String storeName,
        final int nodes,
        final int threads,
        final double throughput,
        final String hitRate,
        final double bytesPerOp)
    {
        final double[] us = {
            histogram.getMean() / 1000.0, histogram.getValueAtPercentile(50) / 1000.0,
            histogram.getValueAtPercentile(95) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0,
            histogram.getValueAtPercentile(99.9) / 1000.0, histogram.getMaxValue() / 1000.0 };
        out.printf(Locale.ROOT, "%-8s %10d %7d %9.1f %9.1f %9.1f %9.1f %9.1f %10.1f%n",
            op, histogram.getTotalCount(), errors, us[0], us[1], us[2], us[3], us[4], us[5]);
        csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%s,%d,%d,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.1f,%s,%.1f%n",
            workload, storeName, nodes, threads, op, histogram.getTotalCount(), errors, us[0], us[1], us[2], us[3],
            us[4], us[5], throughput, hitRate, bytesPerOp));
    }

    private static long ms(final long startNs)
    {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }

    private static String stringArgument(final List<String> args, final String name, final String defaultValue)
    {
        final int index = args.indexOf(name);
        if (index < 0)
        {
            return defaultValue;
        }
        if (index + 1 >= args.size())
        {
            throw new KvException(name + " needs a value");
        }

        return args.get(index + 1);
    }

    private static long longArgument(final List<String> args, final String name, final long defaultValue)
    {
        final String text = stringArgument(args, name, null);
        if (null == text)
        {
            return defaultValue;
        }
        final long value;
        try
        {
            value = Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new KvException(name + "=" + text + " is not a number");
        }
        if (value < 1)
        {
            throw new KvException(name + "=" + value + " must be >= 1");
        }

        return value;
    }
}
