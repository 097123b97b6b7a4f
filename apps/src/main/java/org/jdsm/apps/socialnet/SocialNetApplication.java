package org.jdsm.apps.socialnet;

import org.HdrHistogram.Histogram;
import org.jdsm.DsmNode;
import org.jdsm.NodeCounters;
import org.jdsm.apps.Application;
import org.jdsm.apps.ApplicationOptions;
import org.jdsm.apps.ProcessCpuTime;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code socialnet}: DeathStarBench's social network on the cluster, after the same workload on the single-JVM
 * baseline in the driver's JVM, so the ratios come from one run. Prints progress, a table of throughput, p50/p99
 * latency per request type and bytes moved per request for each run, the ratios, and checks every run's state (posts,
 * timeline entries, short URLs, the newest post's frames). Exit status 1 on an error or a wrong state.
 * <p>
 * Options ({@link Options}): {@code [--requests R] [--mix compose|mixed] [--mode reference|value|both] [--users U] [--edges E]
 * [--graph FILE] [--seed S] [--clips C] [--media-retained K] [--media-in-flight F] [--wave W] [--warmup W]
 * [--baseline-threads T] [--frontend-threads T] [--no-baseline] [--with-one-node] [--local-calls]}. With
 * {@code --with-one-node} the services also run all on node 0 of the same cluster, for the N-node / 1-node ratio
 * from one run. With {@code --local-calls} a call to a service on node 0 is a method call on the frontend's thread,
 * not a task.
 * <p>
 * <b>Note:</b> stateless; runs on the driver's thread.
 */
public final class SocialNetApplication implements Application<SocialNetApplication.Options>
{
    /**
     * The options of {@code socialnet}; no number may be negative.
     */
    public static final class Options
    {
        @Option(names = "--requests", paramLabel = "R", description = "Requests (default: ${DEFAULT-VALUE}).")
        long requests = 2048;

        @Option(names = "--mix", paramLabel = "compose|mixed", description = "Request mix (default: ${DEFAULT-VALUE}).")
        String mix = "compose";

        @Option(names = "--mode", paramLabel = "reference|value|both",
            description = "How services pass posts (default: ${DEFAULT-VALUE}).")
        String mode = "reference";

        @Option(names = "--seed", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed = 42;

        @Option(names = "--wave", paramLabel = "W",
            description = "Requests in flight (default: min(256 x nodes, 1024)).")
        Long wave;

        @Option(names = "--warmup", paramLabel = "W", description = "Warm-up requests (default: min(512, R / 4)).")
        Long warmup;

        @Option(names = "--baseline-threads", paramLabel = "T",
            description = "Threads of the baseline (default: the processors).")
        long baselineThreads = Runtime.getRuntime().availableProcessors();

        @Option(names = "--frontend-threads", paramLabel = "T",
            description = "Front-end threads (default: ${DEFAULT-VALUE}).")
        long frontendThreads = 2;

        @Option(names = "--clips", paramLabel = "C", description = "Media clips (default: ${DEFAULT-VALUE}).")
        long clips = SocialNetSettings.CLIPS_DEFAULT;

        @Option(names = "--media-retained", paramLabel = "M",
            description = "Posts whose frames are kept (default: ${DEFAULT-VALUE}).")
        long mediaRetained = SocialNetSettings.MEDIA_RETAINED_DEFAULT;

        @Option(names = "--media-in-flight", paramLabel = "M",
            description = "Composes holding frames at once (default: ${DEFAULT-VALUE}).")
        long mediaInFlight = SocialNetSettings.MEDIA_IN_FLIGHT_DEFAULT;

        @Option(names = "--local-calls", description = "Call services on node 0 as methods, not tasks.")
        boolean localCalls;

        @Option(names = "--graph", paramLabel = "FILE", description = "Load the social graph from a file.")
        String graph;

        @Option(names = "--users", paramLabel = "U", description = "Users of the generated graph (default: Penn94's).")
        long users = SocialGraph.PENN94_USERS;

        @Option(names = "--edges", paramLabel = "E", description = "Edges of the generated graph (default: Penn94's).")
        long edges = SocialGraph.PENN94_EDGES;

        @Option(names = "--no-baseline", description = "Skip the single-JVM baseline.")
        boolean noBaseline;

        @Option(names = "--with-one-node", description = "Also run with every service on node 0.")
        boolean withOneNode;
    }

    public Options newOptions()
    {
        return new Options();
    }

    public String name()
    {
        return "socialnet";
    }

    public String description()
    {
        return "DeathStarBench social network: services on the nodes passing references (or values) vs one JVM";
    }

    public void check(final Options options, final int nodeCount, final int replicas)
    {
        ApplicationOptions.refuseAs(this, SocialNetException.class, () -> new RunSettings(options, nodeCount));
    }

    public int run(final DsmNode node, final Options options, final PrintStream out) throws Exception
    {
        final int nodes = node.nodeCount();
        final RunSettings checked = new RunSettings(options, nodes);
        final long requests = checked.requests;
        final SocialNetWorkload.Mix mix = checked.mix;
        final List<PassMode> modes = checked.modes;
        final long seed = checked.seed;
        final int wave = checked.wave;
        final long warmup = checked.warmup;
        final int baselineThreads = checked.baselineThreads;
        final int frontendThreads = checked.frontendThreads;
        final SocialNetSettings settings = checked.settings;

        final long graphStartNs = System.nanoTime();
        final String graphFile = options.graph;
        final SocialGraph graph = null != graphFile ? SocialGraph.load(Path.of(graphFile)) :
            SocialGraph.generate(checked.users, checked.edges, seed);
        out.printf(Locale.ROOT, "socialnet: %s graph of %d users, %d edges in %.1f s; %d node(s), %s workload, " +
            "%d requests (+%d warm-up composes) in waves of %d, %d clips of %d B, media kept for %d posts%n",
            null != graphFile ? graphFile : "generated", graph.userCount(), graph.edgeCount(),
            (System.nanoTime() - graphStartNs) / 1e9, nodes, mix.name().toLowerCase(Locale.ROOT), requests, warmup,
            wave, settings.clips(), Clips.CLIP_BYTES, settings.mediaRetained());

        final List<String> rows = new ArrayList<>();
        final Map<String, double[]> measured = new LinkedHashMap<>();
        boolean ok = true;
        if (!options.noBaseline)
        {
            try (BaselineSocialNet baseline = new BaselineSocialNet(graph, settings, baselineThreads))
            {
                ok &= measure("baseline", baseline, graph, settings, () -> new long[1], mix, requests, warmup, wave,
                    seed, rows, measured, out);
            }
        }
        final List<Integer> spreads = options.withOneNode && nodes > 1 ? List.of(1, nodes) :
            List.of(nodes);
        for (final int spread : spreads)
        {
            for (final PassMode mode : modes)
            {
                final SocialNetSettings modeSettings = settings.with(mode, settings.localCalls());
                final long deployStartNs = System.nanoTime();
                try (DistributedSocialNet net = DistributedSocialNet.deploy(
                    node, graph, modeSettings, frontendThreads, spread))
                {
                    out.printf(Locale.ROOT, "socialnet: deployed %d services on %d node(s) in %.1f s, %s mode%n",
                        DistributedSocialNet.Service.values().length, spread, (System.nanoTime() - deployStartNs) / 1e9,
                        mode.name().toLowerCase(Locale.ROOT));
                    ok &= measure(runName(spread, mode), net, graph, modeSettings, bytesMoved(node), mix, requests,
                        warmup, wave, seed, rows, measured, out);
                }
            }
        }

        out.println();
        out.printf("%-16s %9s %6s %9s %9s %9s %9s %9s %9s %9s %12s %12s%n", "run", "requests", "errors",
            "req/s", "comp_p50", "comp_p99", "home_p50", "home_p99", "user_p50", "user_p99", "moved_B/req",
            "byvalue_B/req");
        for (final String row : rows)
        {
            out.println(row);
        }
        out.println("(latencies in ms; moved = bytes fetched + moved in over all nodes, from node counters; " +
            "byvalue = text, posts and frames copied by calls; baseline: one JVM, " + baselineThreads + " threads)");
        printRatios(measured, modes, spreads, out);
        out.println(ok ? "socialnet: all results correct" : "socialnet: ERRORS");

        return ok ? 0 : 1;
    }

    private static String runName(final int spread, final PassMode mode)
    {
        return "jdsm " + spread + "n " + (PassMode.REFERENCE == mode ? "ref" : "value");
    }

    private static void printRatios(
        final Map<String, double[]> measured,
        final List<PassMode> modes,
        final List<Integer> spreads,
        final PrintStream out)
    {
        final double[] baseline = measured.get("baseline");
        for (final Map.Entry<String, double[]> run : measured.entrySet())
        {
            if (null != baseline && run.getValue() != baseline)
            {
                out.printf(Locale.ROOT, "socialnet: %s / baseline throughput = %.3f; CPU per request = %.3f " +
                    "(this JVM)%n", run.getKey(), run.getValue()[0] / baseline[0], run.getValue()[3] / baseline[3]);
            }
        }
        for (final PassMode mode : modes)
        {
            if (spreads.size() == 2)
            {
                final double[] one = measured.get(runName(spreads.get(0), mode));
                final double[] all = measured.get(runName(spreads.get(1), mode));
                out.printf(Locale.ROOT, "socialnet: %s / %s throughput = %.3f%n", runName(spreads.get(1), mode),
                    runName(spreads.get(0), mode), all[0] / one[0]);
            }
        }
        for (final int spread : spreads)
        {
            if (modes.size() == 2)
            {
                final double[] reference = measured.get(runName(spread, PassMode.REFERENCE));
                final double[] value = measured.get(runName(spread, PassMode.VALUE));
                out.printf(Locale.ROOT, "socialnet: %dn reference / value throughput = %.3f; bytes moved per " +
                    "request %.0f vs %.0f; bytes passed by value per request %.0f vs %.0f%n", spread,
                    reference[0] / value[0], reference[1], value[1], reference[2], value[2]);
            }
        }
    }

    private static boolean measure(
        final String name,
        final SocialNet net,
        final SocialGraph graph,
        final SocialNetSettings settings,
        final Supplier<long[]> bytesMoved,
        final SocialNetWorkload.Mix mix,
        final long requests,
        final long warmup,
        final int wave,
        final long seed,
        final List<String> rows,
        final Map<String, double[]> measured,
        final PrintStream out)
    {
        final SocialNetBenchmark benchmark = new SocialNetBenchmark(net, graph, bytesMoved, settings.mediaRetained());
        final long warmupStartNs = System.nanoTime();
        final SocialNetBenchmark.Result warm = benchmark.run(
            new SocialNetWorkload(SocialNetWorkload.Mix.COMPOSE, graph.userCount(), settings.clips(), seed + 1),
            warmup, wave);
        out.printf(Locale.ROOT, "socialnet: %s warm-up %d composes in %.1f s, %d errors%n", name, warmup,
            (System.nanoTime() - warmupStartNs) / 1e9, warm.errors());
        final long[] countersBefore = bytesMoved.get();
        final long cpuBeforeNs = ProcessCpuTime.nanos();
        final SocialNetBenchmark.Result result = benchmark.run(
            new SocialNetWorkload(mix, graph.userCount(), settings.clips(), seed), requests, wave);
        final long cpuNs = ProcessCpuTime.nanos() - cpuBeforeNs;
        final long[] countersAfter = bytesMoved.get();
        final double cpuUsPerRequest = cpuBeforeNs < 0 ? Double.NaN : cpuNs / 1e3 / result.requests();
        out.printf(Locale.ROOT, "socialnet: %s ran %d requests in %.2f s: %.0f req/s, %d errors; round trips per " +
            "request %.2f, messages per request %.2f (node counters, with the counters' own reads); CPU per request " +
            "%.1f us (this JVM's process CPU time: every thread, GC and JIT included)%n", name,
            result.requests(), result.seconds(), result.throughput(), result.errors(),
            perRequest(countersBefore, countersAfter, 1, result.requests()),
            perRequest(countersBefore, countersAfter, 2, result.requests()), cpuUsPerRequest);
        final Throwable firstError = null != warm.firstError() ? warm.firstError() : result.firstError();
        if (null != firstError)
        {
            out.println("socialnet: " + name + " first error: " + firstError);
        }
        final String wrong = benchmark.check();
        if (null != wrong)
        {
            out.println("socialnet: " + name + " WRONG STATE: " + wrong);
        }

        final double movedPerRequest = (double)result.bytesMoved() / result.requests();
        final double byValuePerRequest = (double)result.bytesByValue() / result.requests();
        final StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-16s %9d %6d %9.1f", name,
            result.requests(), result.errors(), result.throughput()));
        for (final SocialNetWorkload.Kind kind : SocialNetWorkload.Kind.values())
        {
            final Histogram histogram = result.latencies().get(kind);
            if (0 == histogram.getTotalCount())
            {
                row.append(String.format(Locale.ROOT, " %9s %9s", "-", "-"));
            }
            else
            {
                row.append(String.format(Locale.ROOT, " %9.2f %9.2f", histogram.getValueAtPercentile(50) / 1e6,
                    histogram.getValueAtPercentile(99) / 1e6));
            }
        }
        row.append(String.format(Locale.ROOT, " %12.0f %12.0f", movedPerRequest, byValuePerRequest));
        rows.add(row.toString());
        measured.put(name, new double[] { result.throughput(), movedPerRequest, byValuePerRequest, cpuUsPerRequest });

        return 0 == warm.errors() && 0 == result.errors() && null == wrong;
    }

    private static Supplier<long[]> bytesMoved(final DsmNode node)
    {
        return () ->
        {
            long sum = 0;
            long roundTrips = 0;
            long messages = 0;
            for (int n = 0; n < node.nodeCount(); n++)
            {
                final long[] values = DistributedSocialNet.await(node.spawnOn(n, (dsm) ->
                {
                    final NodeCounters counters = dsm.counters();
                    return new long[] { counters.get(NodeCounters.Counter.BYTES_FETCHED) +
                        counters.get(NodeCounters.Counter.BYTES_MOVED_IN), counters.roundTrips(),
                        counters.get(NodeCounters.Counter.MESSAGES_SENT) };
                }), "reading the counters of node " + n);
                sum += values[0];
                roundTrips += values[1];
                messages += values[2];
            }
            return new long[] { sum, roundTrips, messages };
        };
    }

    private static double perRequest(final long[] before, final long[] after, final int index, final long requests)
    {
        return index < before.length && index < after.length ?
            (double)(after[index] - before[index]) / Math.max(1, requests) : 0;
    }

    /**
     * The run's options, checked once, before any node is asked: the numbers, the mix and mode names, the services'
     * settings, the front-end threads and the generated graph's sizes.
     */
    private static final class RunSettings
    {
        final long requests;
        final SocialNetWorkload.Mix mix;
        final List<PassMode> modes;
        final long seed;
        final int wave;
        final long warmup;
        final int baselineThreads;
        final int frontendThreads;
        final SocialNetSettings settings;
        final int users;
        final long edges;

        RunSettings(final Options options, final int nodeCount)
        {
            requests = atLeastZero("--requests", options.requests);
            mix = SocialNetWorkload.Mix.parse(options.mix);
            modes = "both".equals(options.mode) ? List.of(PassMode.REFERENCE, PassMode.VALUE) :
                List.of(PassMode.parse(options.mode));
            seed = atLeastZero("--seed", options.seed);
            wave = null != options.wave ? anInt("--wave", options.wave, 1) : (int)Math.min(256L * nodeCount, 1024);
            warmup = null != options.warmup ? atLeastZero("--warmup", options.warmup) : Math.min(512, requests / 4);
            baselineThreads = anInt("--baseline-threads", options.baselineThreads, 1);
            frontendThreads = anInt("--frontend-threads", options.frontendThreads, 0);
            DistributedSocialNet.checkFrontendThreads(frontendThreads);
            settings = new SocialNetSettings(PassMode.REFERENCE,
                anInt("--clips", options.clips, 0), seed,
                anInt("--media-retained", options.mediaRetained, 0),
                anInt("--media-in-flight", options.mediaInFlight, 0), options.localCalls).validate();
            if (null == options.graph)
            {
                users = anInt("--users", options.users, 0);
                edges = atLeastZero("--edges", options.edges);
                SocialGraph.checkSizes(users, edges);
            }
            else
            {
                users = 0;
                edges = 0;
            }
        }
    }

    private static int anInt(final String name, final long value, final int min)
    {
        if (value < min || value > Integer.MAX_VALUE)
        {
            throw new SocialNetException(name + "=" + value + " must be in [" + min + ", " + Integer.MAX_VALUE + "]");
        }

        return (int)value;
    }

    private static long atLeastZero(final String name, final long value)
    {
        if (value < 0)
        {
            throw new SocialNetException(name + "=" + value + " must be >= 0");
        }

        return value;
    }
}
