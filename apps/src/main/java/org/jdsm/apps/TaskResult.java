package org.jdsm.apps;

import org.jdsm.DsmNode;
import org.jdsm.NodeCounters;
import org.jdsm.NodeUnavailableException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

/**
 * How an application's driver waits for the tasks it spawned: a dead node anywhere in a failure's cause chain
 * comes back as {@link NodeUnavailableException} naming that node and the task, any other failure, a timeout or
 * an interrupt as the application's own exception with the task named.
 * <p>
 * <b>Note:</b> stateless and threadsafe.
 */
public final class TaskResult
{
    private TaskResult()
    {
    }

    /**
     * Wait for a task's result.
     *
     * @param future   of the task.
     * @param what     the task, for messages, e.g. {@code "gemm leaf 3"}.
     * @param timeoutS longest wait in seconds.
     * @param error    makes the application's exception from a message and a cause.
     * @param <R>      type of the result.
     * @return the result.
     * @throws NodeUnavailableException if a node the task needed died.
     */
    public static <R> R await(
        final CompletableFuture<R> future,
        final String what,
        final long timeoutS,
        final BiFunction<String, Throwable, ? extends RuntimeException> error)
    {
        try
        {
            return future.get(timeoutS, TimeUnit.SECONDS);
        }
        catch (final ExecutionException ex)
        {
            for (Throwable cause = ex.getCause(); null != cause; cause = cause.getCause())
            {
                if (cause instanceof NodeUnavailableException)
                {
                    final NodeUnavailableException dead = new NodeUnavailableException(
                        ((NodeUnavailableException)cause).nodeId(), what + ": " + cause.getMessage());
                    dead.initCause(ex.getCause());
                    throw dead;
                }
            }
            throw error.apply(what + " failed: " + ex.getCause(), ex.getCause());
        }
        catch (final TimeoutException ex)
        {
            throw error.apply(what + " did not finish in " + timeoutS + " s", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw error.apply(what + " interrupted", ex);
        }
    }

    /**
     * Read counters of every node of the cluster, each by a task on that node.
     *
     * @param node     the driver.
     * @param counters to read.
     * @param app      the application, for messages, e.g. {@code "gemm"}.
     * @param timeoutS longest wait for each node, in seconds.
     * @param error    makes the application's exception from a message and a cause.
     * @return {@code [node][counter]}.
     */
    public static long[][] counters(
        final DsmNode node,
        final NodeCounters.Counter[] counters,
        final String app,
        final long timeoutS,
        final BiFunction<String, Throwable, ? extends RuntimeException> error)
    {
        final long[][] values = new long[node.nodeCount()][];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = await(node.spawnOn(i, (n) ->
            {
                final long[] snapshot = new long[counters.length];
                for (int k = 0; k < counters.length; k++)
                {
                    snapshot[k] = n.counters().get(counters[k]);
                }
                return snapshot;
            }), app + " reading the counters of node " + i, timeoutS, error);
        }

        return values;
    }
}
