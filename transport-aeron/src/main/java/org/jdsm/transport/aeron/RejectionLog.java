package org.jdsm.transport.aeron;

import org.agrona.ErrorHandler;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Counts every frame a {@link Responder} drops and keeps whoever can reach the node's port from controlling its log
 * volume: the first rejection of a kind from a source is reported to the error handler in full; repeats are only
 * counted, and a summary of them is reported at most once per {@link #SUMMARY_INTERVAL_NS}.
 * <p>
 * The kind of a rejection is its reason with every number taken out (lengths, sessions, correlation ids and claimed
 * ids vary; the reason does not). The source is the claimed node id when it is a member, otherwise one shared key,
 * so the table is bounded by the (fixed) set of reasons times the cluster size, and capped at {@link #MAX_KINDS}
 * besides: past it, new kinds are counted together without being reported.
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
    private final AtomicLong count = new AtomicLong();
    private final Map<String, long[]> suppressedByKind = new HashMap<>();
    private long suppressed;
    private long nextSummaryNs = Long.MIN_VALUE;

    RejectionLog(final int nodeId, final int nodeCount, final ErrorHandler errorHandler)
    {
        this.nodeId = nodeId;
        this.nodeCount = nodeCount;
        this.errorHandler = errorHandler;
    }

    /**
     * @return frames rejected since the node started.
     */
    long count()
    {
        return count.get();
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
        count.incrementAndGet();
        final int sourceKey = source >= 0 && source < nodeCount ? source : -1;
        final String kind = "node " + (sourceKey < 0 ? "(not a member)" : sourceKey) + ": " +
            NUMBER.matcher(reason).replaceAll("#");
        long[] repeats = suppressedByKind.get(kind);
        if (null == repeats)
        {
            if (suppressedByKind.size() < MAX_KINDS)
            {
                suppressedByKind.put(kind, new long[1]);
                if (Long.MIN_VALUE == nextSummaryNs)
                {
                    nextSummaryNs = nowNs + SUMMARY_INTERVAL_NS;
                }
                errorHandler.onError(new RejectedFrameException("node " + nodeId + " dropped a frame from node " +
                    source + " on session " + frameSessionId + ": " + reason));
                return;
            }
            repeats = suppressedByKind.computeIfAbsent(OTHER, (k) -> new long[1]);
        }
        repeats[0]++;
        suppressed++;
        summarise(nowNs);
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

        final StringBuilder text = new StringBuilder("node ").append(nodeId).append(" dropped ").append(suppressed)
            .append(" more frames of kinds already reported:");
        for (final Map.Entry<String, long[]> entry : suppressedByKind.entrySet())
        {
            if (0 != entry.getValue()[0])
            {
                text.append(' ').append(entry.getValue()[0]).append(" x [").append(entry.getKey()).append(']');
                entry.getValue()[0] = 0;
            }
        }
        suppressed = 0;
        nextSummaryNs = nowNs + SUMMARY_INTERVAL_NS;
        errorHandler.onError(new RejectedFrameException(text.toString()));

        return 1;
    }
}
