package org.jdsm.apps.kv;

import org.HdrHistogram.Histogram;

import java.io.Serializable;
import java.util.EnumMap;

/**
 * What one node's clients measured in a run: a latency histogram per kind of operation and one over all
 * operations, errors, the measured window, and the node's counter deltas over it.
 * <p>
 * <b>Note:</b> built by one thread, then only read.
 *
 * @param histograms   latencies in nanoseconds per kind of operation.
 * @param all          latencies of every YCSB transaction (a read-modify-write is one).
 * @param errors       operations per kind that did not return OK.
 * @param operations   transactions measured.
 * @param elapsedNs    length of the measured window.
 * @param counterDelta node counters over the window: cache hits, cache misses, bytes fetched, bytes moved in.
 */
public record KvNodeResult(
    EnumMap<KvYcsbDb.Kind, Histogram> histograms,
    Histogram all,
    long[] errors,
    long operations,
    long elapsedNs,
    long[] counterDelta) implements Serializable
{
}
