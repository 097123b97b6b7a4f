package org.jdsm.apps.dataframe;

import org.jdsm.DsmNode;
import org.jdsm.NodeCounters;
import org.jdsm.apps.Application;
import org.jdsm.apps.ApplicationOptions;
import org.jdsm.apps.ProcessCpuTime;
import org.jdsm.apps.TaskResult;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code dataframe}: the db-benchmark group-by questions q1..q10 and DRust's batch (q1..q9 three times and q10
 * twice, all at once) on a table generated on the nodes (or loaded from CSV), on jdsm and on the single-machine
 * baseline in the same run; prints each question's time and result size on both and their ratio, the batch wall
 * times, and bytes fetched and partial-aggregate bytes per node. Every jdsm result must equal the baseline's, else
 * the exit status is 1.
 * <p>
 * Options ({@link Options}): {@code [--rows 1e7] [--k 100] [--na 0] [--sorted] [--seed 108] [--csv FILE] [--chunk-bytes 1048576]
 * [--slices 2] [--baseline-threads 2] [--questions 1,2,...] [--no-batch] [--no-questions] [--no-baseline]
 * [--no-warmup] [--jdsm-first] [--part-bytes 1048576] [--rounds 1]}. With several rounds each time is the fastest
 * round of that engine (the rounds alternate between the engines), to see through a noisy shared machine.
 * <p>
 * <b>Note:</b> stateless; runs on the driver's thread.
 */
public final class DataFrameApplication implements Application<DataFrameApplication.Options>
{
    private static final double TOLERANCE = 1e-9;
    private static final NodeCounters.Counter[] SHOWN = {
        NodeCounters.Counter.TASKS_RUN, NodeCounters.Counter.CACHE_MISSES, NodeCounters.Counter.BYTES_FETCHED,
        NodeCounters.Counter.BYTES_MOVED_IN, NodeCounters.Counter.ALLOCATIONS, NodeCounters.Counter.REMOTE_READS,
        NodeCounters.Counter.REMOTE_WRITES, NodeCounters.Counter.REMOTE_COMPARE_AND_SWAPS,
        NodeCounters.Counter.REMOTE_FETCH_ADDS, NodeCounters.Counter.MESSAGES_SENT };

    /**
     * The options of {@code dataframe}; counts may be written {@code 1e7}.
     */
    public static final class Options
    {
        @Option(names = "--rows", paramLabel = "R", converter = LongCount.class,
            description = "Rows of the G1 table (default: 1e7).")
        long rows = 10_000_000;

        @Option(names = "--k", paramLabel = "K", converter = IntCount.class,
            description = "Groups (default: ${DEFAULT-VALUE}).")
        int k = 100;

        @Option(names = "--na", paramLabel = "P", converter = IntCount.class,
            description = "Percentage of NA values (default: ${DEFAULT-VALUE}).")
        int na;

        @Option(names = "--sorted", description = "Generate the table sorted.")
        boolean sorted;

        @Option(names = "--seed", paramLabel = "S", converter = LongCount.class,
            description = "Seed of the table (default: ${DEFAULT-VALUE}).")
        long seed = G1Generator.DEFAULT_SEED;

        @Option(names = "--csv", paramLabel = "FILE", description = "Load the table from a CSV file instead.")
        String csv;

        @Option(names = "--questions", paramLabel = "1,..,10", description = "Questions to run (default: all ten).")
        String questions = "1,2,3,4,5,6,7,8,9,10";

        @Option(names = "--no-questions", description = "Skip the questions.")
        boolean noQuestions;

        @Option(names = "--no-batch", description = "Skip the batch of 29 queries.")
        boolean noBatch;

        @Option(names = "--no-baseline", description = "Skip the single-JVM baseline.")
        boolean noBaseline;

        @Option(names = "--rounds", paramLabel = "R", converter = IntCount.class,
            description = "Rounds (default: ${DEFAULT-VALUE}).")
        int rounds = 1;

        @Option(names = "--no-warmup", description = "Skip the warm-up.")
        boolean noWarmup;

        @Option(names = "--jdsm-first", description = "Run jdsm before the baseline.")
        boolean jdsmFirst;

        @Option(names = "--slices", paramLabel = "S", converter = IntCount.class,
            description = "Slices per node (default: ${DEFAULT-VALUE}).")
        int slices = 2;

        @Option(names = "--baseline-threads", paramLabel = "T", converter = IntCount.class,
            description = "Threads of the baseline (default: ${DEFAULT-VALUE}).")
        int baselineThreads = 2;

        @Option(names = "--chunk-bytes", paramLabel = "B", converter = IntCount.class,
            description = "Bytes per column chunk (default: ${DEFAULT-VALUE}).")
        int chunkBytes = 1 << 20;

        @Option(names = "--part-bytes", paramLabel = "B", converter = IntCount.class,
            description = "Bytes per result part (default: ${DEFAULT-VALUE}).")
        int partBytes = 1 << 20;
    }

    /**
     * A count written plainly or as {@code 1e7} ({@link G1Spec#parseCount}).
     */
    static final class LongCount implements CommandLine.ITypeConverter<Long>
    {
        public Long convert(final String value)
        {
            try
            {
                return G1Spec.parseCount(value);
            }
            catch (final NumberFormatException ex)
            {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a count (e.g. 100 or 1e7)");
            }
        }
    }

    /**
     * A count up to {@link Integer#MAX_VALUE}, written plainly or as {@code 1e6}.
     */
    static final class IntCount implements CommandLine.ITypeConverter<Integer>
    {
        public Integer convert(final String value)
        {
            final long count = new LongCount().convert(value);
            if (count > Integer.MAX_VALUE)
            {
                throw new CommandLine.TypeConversionException("'" + value + "' is more than " + Integer.MAX_VALUE);
            }

            return (int)count;
        }
    }

    public Options newOptions()
    {
        return new Options();
    }

    public String name()
    {
        return "dataframe";
    }

    public String description()
    {
        return "db-benchmark group-by q1..q10 and DRust's batch on a columnar frame, against its baseline";
    }

    public void check(final Options options, final int nodeCount, final int replicas)
    {
        ApplicationOptions.refuseAs(this, DataFrameException.class, () -> new Settings(options));
    }

    public int run(final DsmNode node, final Options options, final PrintStream out) throws Exception
    {
        final Settings settings = new Settings(options);
        final G1Spec spec = settings.spec;
        final long seed = options.seed;
        final int chunkBytes = options.chunkBytes;
        final int rowsPerChunk = settings.rowsPerChunk;
        final int slices = options.slices;
        final int threads = options.baselineThreads;
        final int partBytes = options.partBytes;
        final String csv = options.csv;
        final boolean baseline = !options.noBaseline;
        final boolean jdsmFirst = options.jdsmFirst;
        final int rounds = options.rounds;
        final List<Query> questions = settings.questions;
        final List<Query> batch = options.noBatch ? List.of() : Queries.batch();

        long startNs = System.nanoTime();
        final ArrayFrame arrays = null != csv ?
            CsvLoader.load(Path.of(csv), CsvLoader.groupByColumns(), rowsPerChunk) :
            baseline || spec.sorted() ? G1Generator.generate(spec, seed, rowsPerChunk) : null;
        final String table = null != csv ? csv : spec.name() + " seed " + seed;
        if (null != arrays)
        {
            out.printf("dataframe: %s in arrays on the driver: %d rows, %.1f s%n", table, arrays.schema().rows(),
                (System.nanoTime() - startNs) / 1e9);
        }
        startNs = System.nanoTime();
        try (DistributedFrame frame = null != arrays && (null != csv || spec.sorted()) ?
            DistributedFrame.upload(node, arrays) : DistributedFrame.generate(node, spec, seed, rowsPerChunk))
        {
            final FrameSchema schema = frame.schema();
            out.printf("dataframe: %s on %d node(s): %d rows, %d row groups of %d rows (%d B chunks), %d MB, " +
                "placed in %.1f s; %d slice(s) per node, baseline %d thread(s)%n", table, node.nodeCount(),
                schema.rows(), schema.rowGroups(), rowsPerChunk, rowsPerChunk * 8L, frame.bytes() >> 20,
                (System.nanoTime() - startNs) / 1e9, slices, threads);
            final ExecutorService pool = Executors.newFixedThreadPool(threads);
            try
            {
                final BaselineEngine base = baseline ? new BaselineEngine(arrays, pool, threads) : null;
                final DistributedEngine jdsm = new DistributedEngine(node, frame, slices, partBytes);
                if (!options.noWarmup)
                {
                    warmUp(base, jdsm, questions.isEmpty() ? Queries.questions() : questions, out);
                }
                final long[][] before = counters(node);
                final long[] partialsBefore = jdsm.partialBytesByNode();
                int wrong = 0;
                double baseTotal = 0;
                double jdsmTotal = 0;
                double baseCpu = 0;
                double jdsmCpu = 0;
                for (final Query query : questions)
                {
                    final long partials = jdsm.partialBytes();
                    final long mergeNs = jdsm.mergeNs();
                    final long baseMergeNs = null == base ? 0 : base.mergeNs();
                    final Timed[] timed = runBoth(base, jdsm, List.of(query), jdsmFirst, rounds);
                    baseTotal += null == timed[0] ? 0 : timed[0].seconds;
                    jdsmTotal += timed[1].seconds;
                    baseCpu += null == timed[0] ? 0 : timed[0].cpuSeconds;
                    jdsmCpu += timed[1].cpuSeconds;
                    final QueryResult result = timed[1].results.get(0);
                    out.printf("dataframe: %-32s %8d rows  jdsm %8.3f s%s  partials %d KB merged in %.3f s%s%n",
                        query.name(), result.rows(), timed[1].seconds, null == timed[0] ? "" : String.format(
                        "  baseline %8.3f s  ratio %.3f", timed[0].seconds, timed[1].seconds / timed[0].seconds),
                        (jdsm.partialBytes() - partials) / Math.max(1, rounds) >> 10,
                        (jdsm.mergeNs() - mergeNs) / 1e9 / Math.max(1, rounds), null == base ? "" :
                        String.format(" (baseline's merge %.3f s)", (base.mergeNs() - baseMergeNs) / 1e9 /
                        Math.max(1, rounds)));
                    wrong += check(timed, out);
                }
                if (!questions.isEmpty())
                {
                    out.printf("dataframe: questions total jdsm %.3f s%s%n", jdsmTotal, null == base ? "" :
                        String.format(", baseline %.3f s, jdsm/baseline = %.3f", baseTotal, jdsmTotal / baseTotal));
                    out.printf("dataframe: questions total, this JVM's CPU (least of the rounds): jdsm %.3f s%s%n",
                        jdsmCpu, null == base ? "" : String.format(", baseline %.3f s, jdsm/baseline = %.3f", baseCpu,
                        jdsmCpu / baseCpu));
                }
                if (!batch.isEmpty())
                {
                    final Timed[] timed = runBoth(base, jdsm, batch, jdsmFirst, rounds);
                    long rows = 0;
                    for (final QueryResult result : timed[1].results)
                    {
                        rows += result.rows();
                    }
                    out.printf("dataframe: batch of %d concurrent queries (%d result rows): jdsm %.3f s%s%n",
                        batch.size(), rows, timed[1].seconds, null == timed[0] ? "" : String.format(
                        ", baseline %.3f s, jdsm/baseline = %.3f; CPU jdsm/baseline = %.3f", timed[0].seconds,
                        timed[1].seconds / timed[0].seconds, timed[1].cpuSeconds / timed[0].cpuSeconds));
                    wrong += check(timed, out);
                }
                printCounters(before, counters(node), partialsBefore, jdsm.partialBytesByNode(), out);
                out.println(0 == wrong ? "dataframe: results correct" + (baseline ? " (every result equal to the " +
                    "baseline's)" : " (not checked: --no-baseline)") : "dataframe: WRONG RESULTS in " + wrong +
                    " queries");
                return 0 == wrong ? 0 : 1;
            }
            finally
            {
                pool.shutdown();
            }
        }
    }

    private static void warmUp(
        final BaselineEngine base, final DistributedEngine jdsm, final List<Query> queries, final PrintStream out)
    {
        final long startNs = System.nanoTime();
        if (null != base)
        {
            base.run(queries);
        }
        jdsm.run(queries);
        out.printf("dataframe: warm-up (%d queries on both) %.1f s%n", queries.size(),
            (System.nanoTime() - startNs) / 1e9);
    }

    private static Timed[] runBoth(
        final BaselineEngine base,
        final DistributedEngine jdsm,
        final List<Query> queries,
        final boolean jdsmFirst,
        final int rounds)
    {
        final Timed[] best = new Timed[2];
        for (int round = 0; round < Math.max(1, rounds); round++)
        {
            Timed jdsmRun = jdsmFirst ? timeJdsm(jdsm, queries) : null;
            if (null != base)
            {
                System.gc();
                final long startNs = System.nanoTime();
                final long cpuStartNs = ProcessCpuTime.nanos();
                final List<QueryResult> results = base.run(queries);
                final double cpuSeconds = (ProcessCpuTime.nanos() - cpuStartNs) / 1e9;
                best[0] = new Timed(results, (System.nanoTime() - startNs) / 1e9, cpuSeconds).leastOf(best[0]);
            }
            jdsmRun = jdsmFirst ? jdsmRun : timeJdsm(jdsm, queries);
            best[1] = jdsmRun.leastOf(best[1]);
        }
        return best;
    }

    private static Timed timeJdsm(final DistributedEngine jdsm, final List<Query> queries)
    {
        System.gc();
        final long startNs = System.nanoTime();
        final long cpuStartNs = ProcessCpuTime.nanos();
        final List<QueryResult> results = jdsm.run(queries);
        final double cpuSeconds = (ProcessCpuTime.nanos() - cpuStartNs) / 1e9;
        return new Timed(results, (System.nanoTime() - startNs) / 1e9, cpuSeconds);
    }

    private static int check(final Timed[] timed, final PrintStream out)
    {
        if (null == timed[0])
        {
            return 0;
        }
        int wrong = 0;
        for (int i = 0; i < timed[1].results.size(); i++)
        {
            final String difference = timed[1].results.get(i).difference(timed[0].results.get(i), TOLERANCE);
            if (null != difference)
            {
                out.println("dataframe: WRONG " + difference);
                wrong++;
            }
        }
        return wrong;
    }

    /**
     * Results and wall time of one engine's run.
     */
    /**
     * A run's results, its wall time, and this JVM's CPU time in it (over rounds: the least wall time's results and
     * time, and the least CPU time).
     */
    private record Timed(List<QueryResult> results, double seconds, double cpuSeconds)
    {
        Timed leastOf(final Timed other)
        {
            if (null == other)
            {
                return this;
            }
            final Timed faster = seconds < other.seconds ? this : other;
            return new Timed(faster.results, faster.seconds, Math.min(cpuSeconds, other.cpuSeconds));
        }
    }

    private static long[][] counters(final DsmNode node)
    {
        return TaskResult.counters(node, SHOWN, "dataframe", DistributedEngine.TASK_TIMEOUT_S, DataFrameException::new);
    }

    private static void printCounters(
        final long[][] before,
        final long[][] after,
        final long[] partialsBefore,
        final long[] partialsAfter,
        final PrintStream out)
    {
        out.printf("%-6s", "node");
        for (final NodeCounters.Counter counter : SHOWN)
        {
            out.printf(" %15s", counter.name().toLowerCase());
        }
        out.printf(" %15s   (timed jdsm runs; tasks_run includes counter tasks; partials_sent: partial aggregates " +
            "of the node's tasks merged by the driver, inline or in boxes)%n", "partials_sent");
        for (int i = 0; i < before.length; i++)
        {
            out.printf("%-6d", i);
            for (int k = 0; k < SHOWN.length; k++)
            {
                out.printf(" %15d", after[i][k] - before[i][k]);
            }
            out.printf(" %15d%n", partialsAfter[i] - partialsBefore[i]);
        }
    }

    /**
     * The run's options, checked once, before any node is asked: the table's shape, the chunk size, the questions
     * and the engine's sizes.
     */
    private static final class Settings
    {
        final G1Spec spec;
        final int rowsPerChunk;
        final List<Query> questions;

        Settings(final Options options)
        {
            spec = new G1Spec(options.rows, options.k, options.na, options.sorted);
            rowsPerChunk = FrameSchema.rowsPerChunk(options.chunkBytes);
            questions = options.noQuestions ? List.of() : Queries.questions(numbers(options.questions));
            DistributedEngine.checkSizes(options.slices, options.partBytes);
            if (options.baselineThreads < 1)
            {
                throw new DataFrameException("--baseline-threads=" + options.baselineThreads + " must be >= 1");
            }
        }
    }

    private static List<Integer> numbers(final String list)
    {
        final List<Integer> numbers = new ArrayList<>();
        for (final String item : list.split(","))
        {
            final String trimmed = item.trim().startsWith("q") ? item.trim().substring(1) : item.trim();
            try
            {
                numbers.add(Integer.parseInt(trimmed));
            }
            catch (final NumberFormatException ex)
            {
                throw new DataFrameException("--questions=" + list + ": " + item + " is not a question number");
            }
        }
        return numbers;
    }
}
