package com.example;

import org.jdsm.Codecs;
import org.jdsm.DMutex;
import org.jdsm.DVec;
import org.jdsm.Dsm;
import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;
import org.jdsm.Mut;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Uses the cluster for real: tasks on every node, a {@code DMutex} they all update, and {@code DVec}s, one built
 * by the driver and moved to a task on the last node. Its output does not depend on the number of nodes; it
 * throws if a result is wrong or a node ran no task.
 */
public final class ClusterExample
{
    private static final int TASKS = 12;
    private static final long N = 1200;

    public static void main(final String[] args) throws Exception
    {
        try (DsmNode node = Dsm.start(new DsmConfig()))
        {
            final DMutex<Long> sumOfSquares = node.mutex(Codecs.LONG, 0L);
            final List<CompletableFuture<Integer>> tasks = new ArrayList<>();
            for (int t = 0; t < TASKS; t++)
            {
                final long from = 1 + t * (N / TASKS);
                final long to = from + N / TASKS;
                tasks.add(node.spawnOn(t % node.nodeCount(), (n) ->
                {
                    try (DVec<Long> squares = n.newVec(Codecs.LONG, 16))           // a vector on the task's node
                    {
                        for (long k = from; k < to; k++)
                        {
                            squares.push(k * k);
                        }
                        long sum = 0;
                        for (long i = 0; i < squares.size(); i++)
                        {
                            sum += squares.getLong(i);
                        }
                        try (Mut<Long> total = sumOfSquares.lock())              // one writer at a time
                        {
                            total.setLong(total.getLong() + sum);
                        }
                    }
                    return n.nodeId();
                }));
            }
            final TreeSet<Integer> nodesUsed = new TreeSet<>();
            for (final CompletableFuture<Integer> task : tasks)
            {
                nodesUsed.add(task.get());
            }

            final DVec<Long> numbers = node.newVec(Codecs.LONG, 100);
            for (long k = 1; k <= N; k++)
            {
                numbers.push(k);
            }
            final long sum = node.spawnOn(node.nodeCount() - 1, (n) ->                // the vector moves to the task
            {
                long total = 0;
                for (long i = 0; i < numbers.size(); i++)
                {
                    total += numbers.getLong(i);
                }
                return total;
            }).get();

            final long squares;
            try (Mut<Long> total = sumOfSquares.lock())
            {
                squares = total.getLong();
            }
            check("sum of squares", N * (N + 1) * (2 * N + 1) / 6, squares);
            check("sum", N * (N + 1) / 2, sum);
            check("nodes that ran tasks", node.nodeCount(), nodesUsed.size());
            System.out.println("sum of squares of 1.." + N + " = " + squares + " (" + TASKS + " tasks, one DMutex)");
            System.out.println("sum of 1.." + N + " = " + sum + " (a DVec moved to a task)");
            System.out.println("every node ran tasks: ok");
        }
    }

    private static void check(final String what, final long expected, final long actual)
    {
        if (expected != actual)
        {
            throw new IllegalStateException(what + " = " + actual + ", expected " + expected);
        }
    }
}
