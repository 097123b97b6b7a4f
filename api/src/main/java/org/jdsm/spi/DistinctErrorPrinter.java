package org.jdsm.spi;

import org.agrona.ErrorHandler;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The default error handler of a node ({@link org.jdsm.DsmConfig#errorHandler()}): a log whose volume nobody who can
 * reach the node's port controls. The first error of each kind is printed as one line, {@code jdsm node N error:
 * <class>: <message>}; later errors of a kind already printed are only counted, and a one-line summary of those
 * repeats is printed at most once per {@link #SUMMARY_INTERVAL_NS}, when the next error comes after it. The kind of an
 * error is its class and its message with every number taken out (sessions, lengths, addresses and ids vary, the
 * reason does not); past {@link #MAX_KINDS} kinds, new ones are counted as repeats.
 * <p>
 * Stack traces are not printed unless {@code verbose} ({@link org.jdsm.DsmConfig#ERROR_VERBOSE_PROP_NAME}), and then
 * only for the first error of a kind: every distinct error, with its stack trace, its count and its first and last
 * time, is in the node's distinct error log ({@link CountersFile}), which {@code ./jdsm errors} prints while the node
 * runs.
 * <p>
 * <b>Note:</b> threadsafe; errors are a cold path, printed under a lock.
 */
public final class DistinctErrorPrinter implements ErrorHandler
{
    /** Shortest time between two summaries of repeats. */
    public static final long SUMMARY_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);
    /** Most kinds printed one by one. */
    public static final int MAX_KINDS = 1024;

    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private final String prefix;
    private final boolean verbose;
    private final Supplier<PrintStream> out;
    private final Map<String, Boolean> kinds = new HashMap<>();
    private long repeats;
    private long totalRepeats;
    private long nextSummaryNs;

    /**
     * A printer to {@link System#err} (as it is when each error is printed).
     *
     * @param nodeId  of the node, named in every line.
     * @param verbose print the stack trace of the first error of each kind.
     */
    public DistinctErrorPrinter(final int nodeId, final boolean verbose)
    {
        this(nodeId, verbose, () -> System.err);
    }

    /**
     * @param nodeId  of the node, named in every line.
     * @param verbose print the stack trace of the first error of each kind.
     * @param out     where to print, asked at each line.
     */
    public DistinctErrorPrinter(final int nodeId, final boolean verbose, final Supplier<PrintStream> out)
    {
        this.prefix = "jdsm node " + nodeId;
        this.verbose = verbose;
        this.out = out;
    }

    /**
     * Print the error if it is the first of its kind, else count it and print a summary if one is due.
     *
     * @param throwable the error.
     */
    public synchronized void onError(final Throwable throwable)
    {
        final long nowNs = System.nanoTime();
        final String kind = throwable.getClass().getName() + ": " +
            NUMBER.matcher(String.valueOf(throwable.getMessage())).replaceAll("#");
        if (!kinds.containsKey(kind) && kinds.size() < MAX_KINDS)
        {
            kinds.put(kind, Boolean.TRUE);
            if (kinds.size() == 1)
            {
                nextSummaryNs = nowNs + SUMMARY_INTERVAL_NS;
            }
            final PrintStream stream = out.get();
            stream.println(prefix + " error: " + describe(throwable));
            if (verbose)
            {
                throwable.printStackTrace(stream);
            }
            return;
        }

        repeats++;
        totalRepeats++;
        if (nowNs - nextSummaryNs >= 0)
        {
            out.get().println(prefix + ": " + repeats + " more errors of kinds already printed (" + totalRepeats +
                " in all; ./jdsm errors lists them with counts)");
            repeats = 0;
            nextSummaryNs = nowNs + SUMMARY_INTERVAL_NS;
        }
    }

    /**
     * @return errors counted but not printed since the node started.
     */
    public synchronized long repeats()
    {
        return totalRepeats;
    }

    /**
     * @return kinds of error printed.
     */
    public synchronized int kinds()
    {
        return kinds.size();
    }

    private static String describe(final Throwable throwable)
    {
        final StringBuilder text = new StringBuilder(throwable.toString());
        Throwable cause = throwable.getCause();
        for (int depth = 0; null != cause && depth < 3; depth++)
        {
            text.append(" (caused by ").append(cause).append(')');
            cause = cause.getCause();
        }

        return text.toString();
    }
}
