package org.jdsm.transport.aeron;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;
import org.jdsm.spi.CountersFile;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * Counts every frame a {@link Responder} drops and keeps whoever can reach the node's port from controlling its log
 * volume: the first rejection of a kind from a source is reported to the error handler in full; repeats are only
 * counted, and a summary naming their kinds (not their counts, which are in the counters file, so that the same
 * kinds make the same error for the distinct error log) is reported at most once per {@link #SUMMARY_INTERVAL_NS}.
 * <p>
 * The kind of a rejection is its reason with every number taken out (lengths, sessions, correlation ids and claimed
 * ids vary; the reason does not). The source is the claimed node id when it is a member, otherwise one shared key,
 * and the host the frame came from (its Aeron image's source address without the port), so the table is bounded by
 * the (fixed) set of reasons times the cluster size times the sending hosts, and capped at {@link #MAX_KINDS}
 * besides: past it, new kinds are counted together without being reported.
 * <p>
 * Every rejection is counted in the node's counters file ({@link TransportCounters}): in the total, and in a counter per
 * kind and source, {@code aeron: frames rejected: node 1 from 127.0.0.1: <reason>}, which {@code ./jdsm stat} shows.
 * <p>
 * <b>Note:</b> written only by the responder's duty-cycle thread; {@link #count()} is read by any thread.
 */
final class RejectionLog
{
    /** Shortest time between two summaries of suppressed repeats. */
    static final long SUMMARY_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);
    /** Most distinct kinds reported one by one. */
    static final int MAX_KINDS = 256;

    private static final Pattern NUMBER = Pattern.compile("-?\\d+");
    private static final String OTHER = "other kinds";

    private final int nodeId;
    private final int nodeCount;
    private final ErrorHandler errorHandler;
    private final TransportCounters counters;
    private final IntFunction<String> sourceOfSession;
    private final Map<String, long[]> suppressedByKind = new HashMap<>();
    private final Map<String, AtomicCounter> counterByKind = new HashMap<>();
    private AtomicCounter otherKinds;
    private long suppressed;
    private long nextSummaryNs = Long.MIN_VALUE;

    RejectionLog(final int nodeId, final int nodeCount, final ErrorHandler errorHandler)
    {
        this(nodeId, nodeCount, errorHandler, new TransportCounters(CountersFile.inMemory(nodeId)), (session) -> null);
    }

    /**
     * @param nodeId          of this node.
     * @param nodeCount       of the cluster.
     * @param errorHandler    reported to.
     * @param counters        of the transport.
     * @param sourceOfSession the source address ({@code host:port}) of an Aeron session's image, or null if unknown.
     */
    RejectionLog(
        final int nodeId,
        final int nodeCount,
        final ErrorHandler errorHandler,
        final TransportCounters counters,
        final IntFunction<String> sourceOfSession)
    {
        this.nodeId = nodeId;
        this.nodeCount = nodeCount;
        this.errorHandler = errorHandler;
        this.counters = counters;
        this.sourceOfSession = sourceOfSession;
    }

    /**
     * @return frames rejected since the node started.
     */
    long count()
    {
        return counters.rejected.get();
    }

    /**
     * Count a dropped frame and report it if it is the first of its kind from its source.
     *
     * @param source         node id the frame claimed, or -1 when it had none.
     * @param frameSessionId Aeron session the frame arrived on.
     * @param reason         why it was dropped.
     * @param nowNs          current time.
     */
    void reject(final int source, final int frameSessionId, final String reason, final long nowNs)
    {
        final int sourceKey = source >= 0 && source < nodeCount ? source : -1;
        final String host = host(sourceOfSession.apply(frameSessionId));
        final String kind = "node " + (sourceKey < 0 ? "(not a member)" : sourceKey) +
            (null == host ? "" : " from " + host) + ": " + NUMBER.matcher(reason).replaceAll("#");
        long[] repeats = suppressedByKind.get(kind);
        if (null != repeats)
        {
            counterByKind.get(kind).increment();
        }
        else
        {
            if (suppressedByKind.size() < MAX_KINDS)
            {
                suppressedByKind.put(kind, new long[1]);
                final AtomicCounter counter = counters.newRejectionCounter(kind);
                counterByKind.put(kind, null != counter ? counter : otherKindsCounter());
                counterByKind.get(kind).increment();
                if (Long.MIN_VALUE == nextSummaryNs)
                {
                    nextSummaryNs = nowNs + SUMMARY_INTERVAL_NS;
                }
                errorHandler.onError(new RejectedFrameException("node " + nodeId + " dropped a frame from node " +
                    source + (null == host ? "" : " at " + host) + " on session " + frameSessionId + ": " + reason));
                counters.rejected.increment(); // last: a reader that sees the count sees the report
                return;
            }
            repeats = suppressedByKind.computeIfAbsent(OTHER, (k) -> new long[1]);
            otherKindsCounter().increment();
        }
        repeats[0]++;
        suppressed++;
        summarise(nowNs);
        counters.rejected.increment();
    }

    /**
     * The host of an Aeron source address: {@code 127.0.0.1} of {@code 127.0.0.1:40123}, {@code ::1} of
     * {@code [::1]:40123}.
     *
     * @param sourceIdentity of an image, or null.
     * @return its host, or null if none is known or the image is IPC.
     */
    static String host(final String sourceIdentity)
    {
        if (null == sourceIdentity || sourceIdentity.startsWith("aeron:"))
        {
            return null; // IPC ("aeron:ipc"): no address to tell sources apart
        }
        if (sourceIdentity.startsWith("["))
        {
            final int end = sourceIdentity.indexOf(']');
            return end > 0 ? sourceIdentity.substring(1, end) : sourceIdentity;
        }
        final int colon = sourceIdentity.lastIndexOf(':');
        final boolean isHostAndPort = colon > 0 && sourceIdentity.indexOf(':') == colon;

        return isHostAndPort ? sourceIdentity.substring(0, colon) : sourceIdentity;
    }

    private AtomicCounter otherKindsCounter()
    {
        if (null == otherKinds)
        {
            otherKinds = counters.newRejectionCounter(OTHER);
            if (null == otherKinds)
            {
                // the file is full: counted here only, and in the total
                otherKinds = new AtomicCounter(new UnsafeBuffer(
                    BufferUtil.allocateDirectAligned(CountersReader.COUNTER_LENGTH, BitUtil.CACHE_LINE_LENGTH)), 0);
            }
        }

        return otherKinds;
    }

    /**
     * Report the repeats counted since the last summary, if the summary interval has passed.
     *
     * @param nowNs current time.
     * @return 1 if a summary was reported, else 0.
     */
    int summarise(final long nowNs)
    {
        if (0 == suppressed || nowNs < nextSummaryNs)
        {
            return 0;
        }

        // no counts in the text (they are in the counters file): the same kinds make the same error, which the
        // distinct error log counts instead of recording again at every summary of a long flood
        final StringBuilder text = new StringBuilder("node ").append(nodeId)
            .append(" dropped more frames of kinds already reported (counted per kind in ./jdsm stat):");
        final java.util.TreeSet<String> kinds = new java.util.TreeSet<>();
        for (final Map.Entry<String, long[]> entry : suppressedByKind.entrySet())
        {
            if (0 != entry.getValue()[0])
            {
                kinds.add(entry.getKey());
                entry.getValue()[0] = 0;
            }
        }
        for (final String kind : kinds)
        {
            text.append(" [").append(kind).append(']');
        }
        suppressed = 0;
        nextSummaryNs = nowNs + SUMMARY_INTERVAL_NS;
        errorHandler.onError(new RejectedFrameException(text.toString()));

        return 1;
    }
}
