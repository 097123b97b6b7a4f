package org.jdsm.apps.dataframe;

import org.jdsm.DsmNode;
import org.jdsm.NodeCounters;
import org.jdsm.apps.Application;
import org.jdsm.apps.ApplicationArguments;
import org.jdsm.apps.TaskResult;

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
 * Arguments: {@code [--rows 1e7] [--k 100] [--na 0] [--sorted] [--seed 108] [--csv FILE] [--chunk-bytes 1048576]
 * [--slices 2] [--baseline-threads 2] [--questions 1,2,...] [--no-batch] [--no-questions] [--no-baseline]
 * [--no-warmup] [--jdsm-first] [--part-bytes 1048576] [--rounds 1]}. With several rounds each time is the fastest
 * round of that engine (the rounds alternate between the engines), to see through a noisy shared machine.
 * <p>
 * <b>Note:</b> stateless; runs on the driver's thread.
 */
public final class DataFrameApplication implements Application
{
    private static final double TOLERANCE = 1e-9;
    private static final NodeCounters.Counter[] SHOWN = {
        NodeCounters.Counter.TASKS_RUN, NodeCounters.Counter.CACHE_MISSES, NodeCounters.Counter.BYTES_FETCHED,
        NodeCounters.Counter.BYTES_MOVED_IN, NodeCounters.Counter.ALLOCATIONS, NodeCounters.Counter.REMOTE_READS,
        NodeCounters.Counter.REMOTE_WRITES, NodeCounters.Counter.REMOTE_COMPARE_AND_SWAPS,
        NodeCounters.Counter.REMOTE_FETCH_ADDS, NodeCounters.Counter.MESSAGES_SENT };

    private static final List<ApplicationArguments.Option> OPTIONS = List.of(
        ApplicationArguments.Option.valued("--rows", "R", "rows of the G1 table (default 1e7)"),
        ApplicationArguments.Option.valued("--k", "K", "groups (default 100)"),
        ApplicationArguments.Option.valued("--na", "P", "percentage of NA values (default 0)"),
        ApplicationArguments.Option.flag("--sorted", "generate the table sorted"),
        ApplicationArguments.Option.valued("--seed", "S", "seed of the table (default 108)"),
        ApplicationArguments.Option.valued("--csv", "FILE", "load the table from a CSV file instead"),
        ApplicationArguments.Option.valued("--questions", "1,..,10", "questions to run (default all ten)"),
        ApplicationArguments.Option.flag("--no-questions", "skip the questions"),
        ApplicationArguments.Option.flag("--no-batch", "skip the batch of 29 queries"),
        ApplicationArguments.Option.flag("--no-baseline", "skip the single-JVM baseline"),
        ApplicationArguments.Option.valued("--rounds", "R", "rounds (default 1)"),
        ApplicationArguments.Option.flag("--no-warmup", "skip the warm-up"),
        ApplicationArguments.Option.flag("--jdsm-first", "run jdsm before the baseline"),
        ApplicationArguments.Option.valued("--slices", "S", "slices per node (default 2)"),
        ApplicationArguments.Option.valued("--baseline-threads", "T", "threads of the baseline (default 2)"),
        ApplicationArguments.Option.valued("--chunk-bytes", "B", "bytes per column chunk (default 1048576)"),
        ApplicationArguments.Option.valued("--part-bytes", "B", "bytes per result part (default 1048576)"));

    public List<ApplicationArguments.Option> options()
    {
        return OPTIONS;
    }

    public String name()
    {
        return "dataframe";
    }

    public String description()
    {
        return "db-benchmark group-by q1..q10 and DRust's batch on a columnar frame, against its baseline";
    }

    public int run(final DsmNode node, final List<String> args, final PrintStream out) throws Exception
    {
        final G1Spec spec = new G1Spec(countArgument(args, "--rows", 10_000_000), (int)countArgument(args, "--k", 100),
            (int)countArgument(args, "--na", 0), args.contains("--sorted"));
        final long seed = countArgument(args, "--seed", G1Generator.DEFAULT_SEED);
        final int chunkBytes = (int)countArgument(args, "--chunk-bytes", 1 << 20);
        final int rowsPerChunk = FrameSchema.rowsPerChunk(chunkBytes);
        final int slices = (int)countArgument(args, "--slices", 2);
        final int threads = (int)countArgument(args, "--baseline-threads", 2);
        final int partBytes = (int)countArgument(args, "--part-bytes", 1 << 20);
        final String csv = stringArgument(args, "--csv", null);
        final boolean baseline = !args.contains("--no-baseline");
        final boolean jdsmFirst = args.contains("--jdsm-first");
        final int rounds = (int)countArgument(args, "--rounds", 1);
        final List<Query> questions = args.contains("--no-questions") ? List.of() :
            Queries.questions(numbers(stringArgument(args, "--questions", "1,2,3,4,5,6,7,8,9,10")));
        final List<Query> batch = args.contains("--no-batch") ? List.of() : Queries.batch();

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
                if (!args.contains("--no-warmup"))
                {
                    warmUp(base, jdsm, questions.isEmpty() ? Queries.questions() : questions, out);
                }
                final long[][] before = counters(node);
                final long[] partialsBefore = jdsm.partialBytesByNode();
                int wrong = 0;
                double baseTotal = 0;
                double jdsmTotal = 0;
                for (final Query query : questions)
                {
                    final long partials = jdsm.partialBytes();
                    final long mergeNs = jdsm.mergeNs();
                    final Timed[] timed = runBoth(base, jdsm, List.of(query), jdsmFirst, rounds);
                    baseTotal += null == timed[0] ? 0 : timed[0].seconds;
                    jdsmTotal += timed[1].seconds;
                    final QueryResult result = timed[1].results.get(0);
                    out.printf("dataframe: %-32s %8d rows  jdsm %8.3f s%s  partials %d KB merged in %.3f s%n",
                        query.name(), result.rows(), timed[1].seconds, null == timed[0] ? "" : String.format(
                        "  baseline %8.3f s  ratio %.3f", timed[0].seconds, timed[1].seconds / timed[0].seconds),
                        (jdsm.partialBytes() - partials) / Math.max(1, rounds) >> 10,
                        (jdsm.mergeNs() - mergeNs) / 1e9 / Math.max(1, rounds));
                    wrong += check(timed, out);
                }
                if (!questions.isEmpty())
                {
                    out.printf("dataframe: questions total jdsm %.3f s%s%n", jdsmTotal, null == base ? "" :
                        String.format(", baseline %.3f s, jdsm/baseline = %.3f", baseTotal, jdsmTotal / baseTotal));
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
                        ", baseline %.3f s, jdsm/baseline = %.3f", timed[0].seconds,
                        timed[1].seconds / timed[0].seconds));
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
                final List<QueryResult> results = base.run(queries);
                final Timed baseRun = new Timed(results, (System.nanoTime() - startNs) / 1e9);
                best[0] = null == best[0] || baseRun.seconds < best[0].seconds ? baseRun : best[0];
            }
            jdsmRun = jdsmFirst ? jdsmRun : timeJdsm(jdsm, queries);
            best[1] = null == best[1] || jdsmRun.seconds < best[1].seconds ? jdsmRun : best[1];
        }
        return best;
    }

    private static Timed timeJdsm(final DistributedEngine jdsm, final List<Query> queries)
    {
        System.gc();
        final long startNs = System.nanoTime();
        final List<QueryResult> results = jdsm.run(queries);
        return new Timed(results, (System.nanoTime() - startNs) / 1e9);
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
    private record Timed(List<QueryResult> results, double seconds)
    {
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

    private static String stringArgument(final List<String> args, final String name, final String defaultValue)
    {
        return ApplicationArguments.value(args, name, defaultValue, DataFrameException::new);
    }

    private static long countArgument(final List<String> args, final String name, final long defaultValue)
    {
        final String value = stringArgument(args, name, null);
        if (null == value)
        {
            return defaultValue;
        }
        try
        {
            final long count = G1Spec.parseCount(value);
            if (count > Integer.MAX_VALUE && !"--rows".equals(name) && !"--seed".equals(name))
            {
                throw new NumberFormatException("too large");
            }
            return count;
        }
        catch (final NumberFormatException ex)
        {
            throw new DataFrameException(name + "=" + value + " is not a count (e.g. 100 or 1e7)");
        }
    }
}
