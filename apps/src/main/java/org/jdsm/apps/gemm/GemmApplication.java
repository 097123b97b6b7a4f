package org.jdsm.apps.gemm;

import org.jdsm.Codecs;
import org.jdsm.DArc;
import org.jdsm.DsmNode;
import org.jdsm.NodeCounters;
import org.jdsm.Ref;
import org.jdsm.apps.Application;
import org.jdsm.apps.ApplicationOptions;
import org.jdsm.apps.NodeTraffic;
import org.jdsm.apps.ProcessCpuTime;
import org.jdsm.apps.TaskResult;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;

/**
 * {@code gemm}: {@code C = A x B} of random n x n matrices with distributed Strassen over the cluster, after the
 * single-machine ForkJoin baseline on the driver; prints progress, wall time, GFLOP/s of both, tasks and bytes per
 * node, and checks the product exactly against the baseline's and at sampled elements against naive dot products
 * ({@code --check-naive}: every element against the naive product, for n up to {@link #NAIVE_CHECK_MAX_N}). Exit
 * status 1 on a wrong result.
 * <p>
 * Options ({@link Options}): {@code --n N [--type int|double] [--levels L] [--cutoff C] [--tile T] [--seed S]
 * [--baseline-threads K] [--no-baseline] [--no-warmup] [--jdsm-first] [--rounds R] [--with-one-node]
 * [--samples M] [--check-naive]}. {@code --with-one-node} also multiplies on node 0 alone, for "N nodes / 1 node"
 * from one run.
 * With {@code --rounds R} it multiplies R times, the order of the versions alternating from round to round (the
 * version that runs later tends to gain on a shared machine), and prints the median ratios. On more than one node it
 * also measures the transport's bandwidth for tile-sized reads from node 0 to node 1.
 * <p>
 * <b>Note:</b> stateless; runs on the driver's thread.
 */
public final class GemmApplication implements Application<GemmApplication.Options>
{
    /** Largest n {@code --check-naive} takes: the naive product costs n^3 steps on the driver. */
    public static final int NAIVE_CHECK_MAX_N = 2048;

    private static final NodeCounters.Counter[] SHOWN = {
        NodeCounters.Counter.TASKS_RUN, NodeCounters.Counter.CACHE_HITS, NodeCounters.Counter.CACHE_MISSES,
        NodeCounters.Counter.BYTES_FETCHED, NodeCounters.Counter.BYTES_MOVED_IN, NodeCounters.Counter.ALLOCATIONS, NodeCounters.Counter.REMOTE_READS,
        NodeCounters.Counter.REMOTE_WRITES, NodeCounters.Counter.REMOTE_COMPARE_AND_SWAPS,
        NodeCounters.Counter.REMOTE_FETCH_ADDS, NodeCounters.Counter.MESSAGES_SENT };

    /**
     * The options of {@code gemm}.
     */
    public static final class Options
    {
        @Option(names = "--n", paramLabel = "N", description = "Matrix side (default: ${DEFAULT-VALUE}).")
        int n = 1024;

        @Option(names = "--type", paramLabel = "int|double", description = "Element type (default: ${DEFAULT-VALUE}).")
        String type = "int";

        @Option(names = "--levels", paramLabel = "L",
            description = "Strassen levels across the cluster (default: ${DEFAULT-VALUE}).")
        int levels = GemmPlan.LEVELS_DEFAULT;

        @Option(names = "--cutoff", paramLabel = "C",
            description = "Side below which a leaf uses the blocked kernel (default: ${DEFAULT-VALUE}).")
        int cutoff = GemmPlan.CUTOFF_DEFAULT;

        @Option(names = "--tile", paramLabel = "T", description = "Largest tile side (default: ${DEFAULT-VALUE}).")
        int tile = GemmPlan.TILE_DEFAULT;

        @Option(names = "--seed", paramLabel = "S", description = "Seed of the inputs (default: ${DEFAULT-VALUE}).")
        int seed = 42;

        @Option(names = "--baseline-threads", paramLabel = "T",
            description = "Threads of the baseline (default: the processors).")
        int baselineThreads = Runtime.getRuntime().availableProcessors();

        @Option(names = "--no-baseline", description = "Skip the single-JVM baseline.")
        boolean noBaseline;

        @Option(names = "--no-warmup", description = "Skip the warm-up multiplication.")
        boolean noWarmup;

        @Option(names = "--jdsm-first", description = "Run jdsm before the baseline in round one.")
        boolean jdsmFirst;

        @Option(names = "--with-one-node", description = "Also multiply on node 0 alone.")
        boolean withOneNode;

        @Option(names = "--rounds", paramLabel = "R",
            description = "Repeat, alternating which version runs first (default: ${DEFAULT-VALUE}).")
        int rounds = 1;

        @Option(names = "--samples", paramLabel = "M",
            description = "Sampled elements checked (default: ${DEFAULT-VALUE}).")
        int samples = 64;

        @Option(names = "--check-naive", description = "Also check against a naive product (small n only).")
        boolean checkNaive;
    }

    public Options newOptions()
    {
        return new Options();
    }

    public String name()
    {
        return "gemm";
    }

    public String description()
    {
        return "distributed Strassen C = A x B (int or double) against its ForkJoin baseline; result checked";
    }

    public void check(final Options options, final int nodeCount, final int replicas)
    {
        ApplicationOptions.refuseAs(this, GemmException.class, () -> plan(options));
    }

    public int run(final DsmNode node, final Options options, final PrintStream out) throws Exception
    {
        final GemmPlan plan = plan(options);
        final ElementType type = plan.type();
        final long seed = options.seed;
        final int threads = options.baselineThreads;
        final boolean baseline = !options.noBaseline;
        final int samples = options.samples;
        final boolean checkNaive = options.checkNaive;
        final Check check = new Check(seed, samples, checkNaive);
        final int rounds = options.rounds;
        GemmFit.check(node, plan);
        out.printf("gemm: n=%d %s on %d node(s): padded %d, %d leaves of %d, cutoff %d, %dx%d tiles of %d (%d B)%n",
            plan.n(), type.name().toLowerCase(), node.nodeCount(), plan.padded(),
            StrassenCoefficients.products(plan.levels()), plan.leafSide(), plan.cutoff(), plan.tilesPerSide(),
            plan.tilesPerSide(), plan.tile(), plan.tileBytes());

        if (!options.noWarmup)
        {
            warmUp(node, GemmPlan.of(type, Math.min(plan.n(), 1024), plan.levels(), plan.cutoff(), plan.tile()),
                threads, out);
        }
        final boolean jdsmFirstInRoundOne = options.jdsmFirst;
        final boolean withOneNode = options.withOneNode && node.nodeCount() > 1;
        final double[] ratios = new double[rounds];
        final double[] cpuRatios = new double[rounds];
        final double[] scaling = new double[rounds];
        String wrong = null;
        for (int round = 0; round < rounds && null == wrong; round++)
        {
            final boolean jdsmFirst = jdsmFirstInRoundOne ^ (1 == (round & 1));
            if (rounds > 1)
            {
                out.printf("gemm: round %d of %d (%s first)%n", round + 1, rounds, jdsmFirst ? "jdsm" : "baseline");
            }
            final Timed baselineFirst = baseline && !jdsmFirst ? runBaseline(plan, seed, threads, out) : null;
            final Timed oneFirst = withOneNode && jdsmFirst ? runJdsm(node, 1, plan, check, out) : null;
            final Timed all = runJdsm(node, node.nodeCount(), plan, check, out);
            final Timed one = withOneNode && !jdsmFirst ? runJdsm(node, 1, plan, check, out) : oneFirst;
            final Timed baselineRun = baseline && jdsmFirst ? runBaseline(plan, seed, threads, out) : baselineFirst;

            wrong = firstNonNull(all.wrong, null == one ? null : one.wrong,
                differs("on " + node.nodeCount() + " node(s)", all, baselineRun),
                differs("on node 0 alone", one, baselineRun));
            ratios[round] = null == baselineRun ? Double.NaN : all.seconds / baselineRun.seconds;
            cpuRatios[round] = null == baselineRun ? Double.NaN : all.cpuSeconds / baselineRun.cpuSeconds;
            scaling[round] = null == one ? Double.NaN : all.seconds / one.seconds;
            if (null != baselineRun)
            {
                out.printf("gemm: jdsm on %d node(s) / baseline = %.3f (%s first), CPU %.3f%n", node.nodeCount(),
                    ratios[round], jdsmFirst ? "jdsm" : "baseline", cpuRatios[round]);
            }
            if (null != one)
            {
                out.printf("gemm: jdsm on %d node(s) / jdsm on 1 node = %.3f (%s first)%n", node.nodeCount(),
                    scaling[round], jdsmFirst ? "1 node" : node.nodeCount() + " nodes");
            }
        }
        if (rounds > 1 && null == wrong)
        {
            if (baseline)
            {
                out.printf("gemm: jdsm on %d node(s) / baseline over %d rounds, order alternating: %s%n",
                    node.nodeCount(), rounds, median(ratios));
                out.printf("gemm: this JVM's CPU, jdsm / baseline, over %d rounds: %s%n", rounds, median(cpuRatios));
            }
            if (withOneNode)
            {
                out.printf("gemm: jdsm on %d node(s) / jdsm on 1 node over %d rounds, order alternating: %s%n",
                    node.nodeCount(), rounds, median(scaling));
            }
        }
        measureBandwidth(node, plan, out);
        out.println(null == wrong ? "gemm: result correct (" + (baseline ? "equal to the baseline, " : "") +
            samples + " sampled elements equal to naive dot products" +
            (checkNaive ? ", every element equal to the naive product" : "") + ")" : "gemm: WRONG RESULT " + wrong);

        return null == wrong ? 0 : 1;
    }

    /**
     * The plan of the options, checked with every option that needs no node: {@code --type}, the plan's sizes,
     * {@code --check-naive}'s bound and {@code --rounds}; whether it fits the nodes is {@link GemmFit#check}'s.
     */
    private static GemmPlan plan(final Options options)
    {
        final ElementType type = ElementType.parse(options.type);
        final GemmPlan plan = GemmPlan.of(type, options.n, options.levels, options.cutoff, options.tile);
        if (options.checkNaive && plan.n() > NAIVE_CHECK_MAX_N)
        {
            throw new GemmException("--check-naive needs n <= " + NAIVE_CHECK_MAX_N +
                " (the naive product takes n^3 steps on the driver), n=" + plan.n());
        }
        if (options.rounds < 1)
        {
            throw new GemmException("--rounds=" + options.rounds + " must be >= 1");
        }
        if (options.baselineThreads < 1)
        {
            throw new GemmException("--baseline-threads=" + options.baselineThreads + " must be >= 1");
        }

        return plan;
    }

    private static Timed runBaseline(final GemmPlan plan, final long seed, final int threads, final PrintStream out)
    {
        final ForkJoinPool pool = new ForkJoinPool(threads);
        try
        {
            final Object[] a = BaselineGemm.inputs(pool, plan, seed, 0);
            final Object[] b = BaselineGemm.inputs(pool, plan, seed, 1);
            final long startNs = System.nanoTime();
            final long cpuStartNs = ProcessCpuTime.nanos();
            final Object[] c = BaselineGemm.multiply(pool, plan, a, b, progress(out, "baseline"));
            final double cpuSeconds = (ProcessCpuTime.nanos() - cpuStartNs) / 1e9;
            final double seconds = (System.nanoTime() - startNs) / 1e9;
            out.printf("gemm: baseline (ForkJoinPool of %d) %.3f s, %.2f GFLOP/s, %.3f s of this JVM's CPU%n",
                threads, seconds, plan.flops() / seconds / 1e9, cpuSeconds);

            return new Timed(seconds, cpuSeconds, GemmCheck.digest(plan, c), null);
        }
        finally
        {
            pool.shutdown();
        }
    }

    /**
     * One untimed multiplication of both versions at up to 1024, so neither timed run pays for the JIT.
     */
    private static void warmUp(final DsmNode node, final GemmPlan plan, final int threads, final PrintStream out)
    {
        final long startNs = System.nanoTime();
        final ForkJoinPool pool = new ForkJoinPool(threads);
        try
        {
            BaselineGemm.multiply(
                pool, plan, BaselineGemm.inputs(pool, plan, 1, 0), BaselineGemm.inputs(pool, plan, 1, 1),
                GemmProgress.NONE);
        }
        finally
        {
            pool.shutdown();
        }
        final TiledMatrix a = DistributedGemm.inputs(node, plan, 1, 0);
        final TiledMatrix b = DistributedGemm.inputs(node, plan, 1, 1);
        DistributedGemm.multiply(node, plan, a, b, GemmProgress.NONE).close();
        a.close();
        b.close();
        out.printf("gemm: warm-up at n=%d (baseline and jdsm) %.1f s%n", plan.n(),
            (System.nanoTime() - startNs) / 1e9);
    }

    /**
     * Node 1 fetches 8 distinct tile-sized objects from node 0 through shared borrows (each a cache miss): the
     * transport's bandwidth for tile-sized reads, for the scaling model.
     */
    private static void measureBandwidth(final DsmNode node, final GemmPlan plan, final PrintStream out)
    {
        if (node.nodeCount() < 2)
        {
            return;
        }
        final int count = 8;
        final int[] payload = new int[(int)(plan.tileBytes() / Integer.BYTES)];
        final DArc<?>[] arcs = new DArc<?>[count];
        for (int i = 0; i < count; i++)
        {
            payload[0] = i;
            arcs[i] = node.arc(Codecs.INTS, payload);
        }
        final long[] result = DistributedGemm.await(node.spawnOn(1, (n) ->
        {
            final long startNs = System.nanoTime();
            long sum = 0;
            for (final DArc<?> arc : arcs)
            {
                try (Ref<?> ref = arc.read())
                {
                    sum += ref.buffer().getInt(0) + ref.buffer().getInt(ref.length() - Integer.BYTES);
                }
            }
            return new long[] { System.nanoTime() - startNs, sum };
        }), "measuring bandwidth");
        for (final DArc<?> arc : arcs)
        {
            arc.close();
        }
        final long bytes = (long)count * payload.length * Integer.BYTES;
        out.printf("gemm: transport bandwidth node 0 -> node 1: %.1f MB/s (%d x %d B fetched in %.1f ms, check %d)%n",
            bytes / (result[0] / 1e3), count, payload.length * Integer.BYTES, result[0] / 1e6, result[1]);
    }

    /**
     * One multiplication: its time, the {@link GemmCheck#digest} of its product, and its first sampled element
     * that differs from the naive dot product (null if none, or not checked).
     */
    private record Timed(double seconds, double cpuSeconds, long digest, String wrong)
    {
    }

    /**
     * How a product is checked: the seed of its inputs, how many elements to compare with naive dot products, and
     * whether to compare every element with the naive product.
     */
    private record Check(long seed, int samples, boolean naive)
    {
        /**
         * @return null if the product passes, else its first wrong element.
         */
        String firstWrong(final GemmPlan plan, final TiledMatrix c)
        {
            final String wrong = GemmCheck.sampled(plan, seed, c, samples);
            return null == wrong && naive ? GemmCheck.againstNaive(plan, seed, c) : wrong;
        }
    }

    /**
     * Multiply on the first {@code nodes} nodes from inputs generated there, print time and per-node counters,
     * then digest and check the product and free everything.
     */
    private static Timed runJdsm(
        final DsmNode node, final int nodes, final GemmPlan plan, final Check check, final PrintStream out)
    {
        final long seed = check.seed();
        final TiledMatrix a = DistributedGemm.inputs(node, nodes, plan, seed, 0);
        final TiledMatrix b = DistributedGemm.inputs(node, nodes, plan, seed, 1);
        final long[][] trafficBefore = traffic(node);
        final long[][] before = counters(node);
        final long startNs = System.nanoTime();
        final long cpuStartNs = ProcessCpuTime.nanos();
        final TiledMatrix c = DistributedGemm.multiply(node, nodes, plan, a, b, progress(out, "jdsm"));
        final double cpuSeconds = (ProcessCpuTime.nanos() - cpuStartNs) / 1e9;
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        final long[][] after = counters(node);
        final long[][] trafficAfter = traffic(node);
        out.printf("gemm: jdsm on %d node(s) %.3f s, %.2f GFLOP/s, %.3f s of this JVM's CPU%s%n", nodes, seconds,
            plan.flops() / seconds / 1e9, cpuSeconds, 1 == node.nodeCount() ? "" : " (node 0's alone)");
        printCounters(before, after, out);
        printTraffic(trafficBefore, trafficAfter, out);
        try
        {
            return new Timed(seconds, cpuSeconds, GemmCheck.digest(plan, c), check.firstWrong(plan, c));
        }
        finally
        {
            c.close();
            a.close();
            b.close();
        }
    }

    /**
     * Why a product differs from the baseline's, or null if it does not or either was not run.
     */
    private static String differs(final String what, final Timed run, final Timed baseline)
    {
        return null == run || null == baseline || run.digest == baseline.digest ? null : "the product " + what +
            " differs from the baseline's (digest " + Long.toHexString(run.digest) + " against " +
            Long.toHexString(baseline.digest) + ")";
    }

    private static String firstNonNull(final String... reasons)
    {
        for (final String reason : reasons)
        {
            if (null != reason)
            {
                return reason;
            }
        }

        return null;
    }

    private static String median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;

        return String.format("median %.3f (min %.3f, max %.3f)",
            0 == (n & 1) ? (sorted[n / 2 - 1] + sorted[n / 2]) / 2 : sorted[n / 2], sorted[0], sorted[n - 1]);
    }

    private static GemmProgress progress(final PrintStream out, final String who)
    {
        return (phase, done, total) ->
        {
            if (done == total || (done * 10L / total) != ((done - 1) * 10L / total))
            {
                out.printf("gemm: %s %s %d/%d%n", who, phase, done, total);
            }
        };
    }

    private static long[][] counters(final DsmNode node)
    {
        return TaskResult.counters(node, SHOWN, "gemm", DistributedGemm.TASK_TIMEOUT_S, GemmException::new);
    }

    /**
     * Every node's {@link NodeTraffic}: the one-sided requests it served (replication's mirrors included, which the
     * engine's counters leave out) and the bytes its media driver sent.
     */
    private static long[][] traffic(final DsmNode node)
    {
        final long[][] values = new long[node.nodeCount()][];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = TaskResult.await(node.spawnOn(i, NodeTraffic::snapshot),
                "gemm reading the traffic of node " + i, DistributedGemm.TASK_TIMEOUT_S, GemmException::new);
        }

        return values;
    }

    private static void printTraffic(final long[][] before, final long[][] after, final PrintStream out)
    {
        final StringBuilder line = new StringBuilder("gemm: transport during the multiply (with the counter tasks):");
        final String[] names = { "one-sided requests served", "bytes sent" };
        for (int k = 0; k < NodeTraffic.LENGTH; k++)
        {
            long total = 0;
            final StringBuilder perNode = new StringBuilder();
            for (int i = 0; i < before.length; i++)
            {
                final long delta = NodeTraffic.delta(before[i], after[i])[k];
                total = total < 0 || delta < 0 ? -1 : total + delta;
                perNode.append(0 == i ? "" : ", ").append(delta < 0 ? "n/a" : Long.toString(delta));
            }
            line.append(0 == k ? " " : "; ").append(names[k]).append(' ').append(total < 0 ? "n/a" : total)
                .append(" (per node ").append(perNode).append(')');
        }
        out.println(line);
    }

    private static void printCounters(final long[][] before, final long[][] after, final PrintStream out)
    {
        out.printf("%-6s", "node");
        for (final NodeCounters.Counter counter : SHOWN)
        {
            out.printf(" %15s", counter.name().toLowerCase());
        }
        out.println("   (during the multiply; tasks_run includes one counter task)");
        for (int i = 0; i < before.length; i++)
        {
            out.printf("%-6d", i);
            for (int k = 0; k < SHOWN.length; k++)
            {
                out.printf(" %15d", after[i][k] - before[i][k]);
            }
            out.println();
        }
    }
}
