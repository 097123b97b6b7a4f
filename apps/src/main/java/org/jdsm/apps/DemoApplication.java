package org.jdsm.apps;

import org.agrona.DirectBuffer;
import org.jdsm.Codecs;
import org.jdsm.DArc;
import org.jdsm.DBox;
import org.jdsm.DMutex;
import org.jdsm.DsmNode;
import org.jdsm.Mut;
import org.jdsm.NodeCounters;
import org.jdsm.Ref;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code demo}: exercises the ownership protocol across every node and checks each result. A sharded array
 * summed by tasks placed near each shard; a counter incremented through a {@code DMutex} from every node; a
 * {@code DArc} read on every node; an object moved to the driver by an exclusive borrow and then read everywhere.
 * Prints a table of the steps, then the counters of every node.
 * <p>
 * Options: {@code [--elements N] [--increments K]} ({@link Options}).
 */
public final class DemoApplication implements Application<DemoApplication.Options>
{
    private static final long TIMEOUT_S = 120;

    /**
     * The options of {@code demo}.
     */
    public static final class Options
    {
        @Option(names = "--elements", paramLabel = "E",
            description = "Array elements summed across the nodes (default: ${DEFAULT-VALUE}).")
        int elements = 1_000_000;

        @Option(names = "--increments", paramLabel = "I",
            description = "DMutex increments per node (default: ${DEFAULT-VALUE}).")
        int increments = 200;
    }

    public Options newOptions()
    {
        return new Options();
    }

    public String name()
    {
        return "demo";
    }

    public String description()
    {
        return "sharded sum, mutex counter, shared arc, object move; every result checked";
    }

    public void check(final Options options, final int nodeCount, final int replicas)
    {
        ApplicationOptions.refuseAs(this, IllegalArgumentException.class, () -> validate(options));
    }

    public int run(final DsmNode node, final Options options, final PrintStream out) throws Exception
    {
        validate(options);
        final int elements = options.elements;
        final int increments = options.increments;
        final int nodes = node.nodeCount();
        final List<String[]> rows = new ArrayList<>();

        long startNs = System.nanoTime();
        final long sum = shardedSum(node, elements);
        final long expectedSum = (long)elements * (elements - 1) / 2;
        rows.add(row("sum of " + elements + " longs in " + nodes + " shards", sum, expectedSum, startNs));
        out.println("demo: sharded sum done");

        startNs = System.nanoTime();
        final long count = mutexCounter(node, increments);
        rows.add(row(nodes + " nodes x " + increments + " DMutex increments", count, (long)nodes * increments, startNs));
        out.println("demo: mutex counter done");

        startNs = System.nanoTime();
        final long arcReads = arcBroadcast(node);
        rows.add(row("DArc read on every node, count back to 1", arcReads, nodes + 1L, startNs));
        out.println("demo: arc broadcast done");

        startNs = System.nanoTime();
        final long moved = moveAndRead(node);
        rows.add(row("object moved to node 0, then read everywhere", moved, 1000L * nodes, startNs));
        out.println("demo: move done");

        boolean ok = true;
        out.println();
        out.printf("%-48s %20s %20s %4s %10s%n", "step", "result", "expected", "ok", "ms");
        for (final String[] row : rows)
        {
            out.printf("%-48s %20s %20s %4s %10s%n", (Object[])row);
            ok &= "yes".equals(row[3]);
        }
        printCounters(node, out);
        out.println(ok ? "demo: all results correct" : "demo: WRONG RESULT");

        return ok ? 0 : 1;
    }

    private static long shardedSum(final DsmNode node, final int elements) throws Exception
    {
        final int nodes = node.nodeCount();
        final List<DBox<long[]>> shards = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < nodes; i++)
        {
            final int end = (int)((long)elements * (i + 1) / nodes);
            final long[] values = new long[end - start];
            for (int j = 0; j < values.length; j++)
            {
                values[j] = start + j;
            }
            shards.add(node.allocOn(i, Codecs.LONGS, values));
            start = end;
        }

        final List<Ref<long[]>> refs = new ArrayList<>();
        final List<CompletableFuture<Long>> sums = new ArrayList<>();
        for (final DBox<long[]> shard : shards)
        {
            final Ref<long[]> ref = shard.read();
            refs.add(ref);
            sums.add(node.spawnNear(shard, (n) ->
            {
                final DirectBuffer buffer = ref.buffer();
                long total = 0;
                for (int offset = 0; offset < ref.length(); offset += Long.BYTES)
                {
                    total += buffer.getLong(offset);
                }
                return total;
            }));
        }

        long sum = 0;
        for (final CompletableFuture<Long> partial : sums)
        {
            sum += partial.get(TIMEOUT_S, TimeUnit.SECONDS);
        }
        for (int i = 0; i < shards.size(); i++)
        {
            refs.get(i).close();
            shards.get(i).close();
        }

        return sum;
    }

    private static long mutexCounter(final DsmNode node, final int increments) throws Exception
    {
        try (DMutex<Long> counter = node.mutex(Codecs.LONG, 0L))
        {
            final List<CompletableFuture<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < node.nodeCount(); i++)
            {
                tasks.add(node.spawnOn(i, (n) ->
                {
                    for (int k = 0; k < increments; k++)
                    {
                        try (Mut<Long> mut = counter.lock())
                        {
                            mut.setLong(mut.getLong() + 1);
                        }
                    }
                    return n.nodeId();
                }));
            }
            for (final CompletableFuture<Integer> task : tasks)
            {
                task.get(TIMEOUT_S, TimeUnit.SECONDS);
            }
            try (Mut<Long> mut = counter.lock())
            {
                return mut.getLong();
            }
        }
    }

    private static long arcBroadcast(final DsmNode node) throws Exception
    {
        try (DArc<String> arc = node.arc(Codecs.STRING, "one value, shared by every node"))
        {
            final List<CompletableFuture<Boolean>> reads = new ArrayList<>();
            for (int i = 0; i < node.nodeCount(); i++)
            {
                reads.add(node.spawnOn(i, (n) -> "one value, shared by every node".equals(arc.get())));
            }
            long correct = 0;
            for (final CompletableFuture<Boolean> read : reads)
            {
                correct += read.get(TIMEOUT_S, TimeUnit.SECONDS) ? 1 : 0;
            }

            return correct + arc.referenceCount();
        }
    }

    private static long moveAndRead(final DsmNode node) throws Exception
    {
        final DBox<Long> box = node.allocOn(node.nodeCount() - 1, Codecs.LONG, 1L);
        try (Mut<Long> mut = box.write())
        {
            mut.setLong(1000L);
        }
        if (box.homeNode() != node.nodeId())
        {
            throw new IllegalStateException("exclusive borrow did not move the object: home is node " + box.homeNode());
        }

        long total = 0;
        try (Ref<Long> ref = box.read())
        {
            final List<CompletableFuture<Long>> reads = new ArrayList<>();
            for (int i = 0; i < node.nodeCount(); i++)
            {
                reads.add(node.spawnOn(i, (n) -> ref.getLong()));
            }
            for (final CompletableFuture<Long> read : reads)
            {
                total += read.get(TIMEOUT_S, TimeUnit.SECONDS);
            }
        }
        box.close();

        return total;
    }

    private static void printCounters(final DsmNode node, final PrintStream out) throws Exception
    {
        final NodeCounters.Counter[] shown = {
            NodeCounters.Counter.TASKS_RUN, NodeCounters.Counter.CACHE_HITS, NodeCounters.Counter.CACHE_MISSES,
            NodeCounters.Counter.BYTES_FETCHED, NodeCounters.Counter.OBJECTS_MOVED_IN,
            NodeCounters.Counter.BYTES_MOVED_IN, NodeCounters.Counter.REQUESTS_REJECTED,
            NodeCounters.Counter.REMOTE_READS, NodeCounters.Counter.REMOTE_WRITES,
            NodeCounters.Counter.REMOTE_COMPARE_AND_SWAPS, NodeCounters.Counter.REMOTE_FETCH_ADDS,
            NodeCounters.Counter.MESSAGES_SENT };
        out.println();
        out.printf("%-6s", "node");
        for (final NodeCounters.Counter counter : shown)
        {
            out.printf(" %17s", counter.name().toLowerCase());
        }
        out.println();
        for (int i = 0; i < node.nodeCount(); i++)
        {
            final long[] values = node.spawnOn(i, (n) ->
            {
                final NodeCounters counters = n.counters();
                final long[] snapshot = new long[shown.length];
                for (int c = 0; c < shown.length; c++)
                {
                    snapshot[c] = counters.get(shown[c]);
                }
                return snapshot;
            }).get(TIMEOUT_S, TimeUnit.SECONDS);
            out.printf("%-6d", i);
            for (final long value : values)
            {
                out.printf(" %17d", value);
            }
            out.println();
        }
    }

    private static String[] row(final String step, final long result, final long expected, final long startNs)
    {
        return new String[] { step, Long.toString(result), Long.toString(expected), result == expected ? "yes" : "NO",
            Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs)) };
    }

    /**
     * Every count must be at least 1.
     */
    private static void validate(final Options options)
    {
        atLeastOne("--elements", options.elements);
        atLeastOne("--increments", options.increments);
    }

    private static void atLeastOne(final String name, final int value)
    {
        if (value < 1)
        {
            throw new IllegalArgumentException(name + "=" + value + " must be >= 1");
        }
    }
}
