package org.jdsm.apps.kv;

import org.HdrHistogram.Histogram;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.zip.DataFormatException;

/**
 * What one node's clients measured in a run: a latency histogram per kind of operation and one over all
 * operations, errors, the measured window, and the node's counter deltas over it.
 * <p>
 * It travels back to the driver in a task result with its histograms compressed (HdrHistogram's own encoding):
 * their raw count arrays would exceed a transport message.
 * <p>
 * <b>Note:</b> built by one thread, then only read.
 *
 * @param histograms   latencies in nanoseconds per kind of operation.
 * @param all          latencies of every YCSB transaction (a read-modify-write is one).
 * @param errors       operations per kind that did not return OK.
 * @param operations   transactions measured.
 * @param elapsedNs    length of the measured window.
 * @param counterDelta node counters over the window, as {@link KvBenchmark#COUNTERS} lists them: cache hits,
 *                     cache misses, bytes fetched, bytes moved in, remote reads, writes, compare-and-swaps,
 *                     fetch-and-adds, messages sent; then the node's {@link org.jdsm.apps.NodeTraffic} (one-sided
 *                     requests served, bytes sent; -1 when not readable).
 * @param cpuNsByRole  CPU nanoseconds of the node's JVM over the window by thread role, indexed as
 *                     {@link ThreadCpuByRole#ROLE_NAMES}: the whole JVM's, so nodes sharing a JVM count it once.
 * @param processId    of the node's JVM.
 * @param lastVersions in a checked run ({@link KvUpdateModel}), per {@code record * fieldCount + field} the highest
 *                     version the node's clients got acknowledged for a write of it; else null.
 * @param acknowledged in a checked run, per record the updates the node's clients got acknowledged; else null.
 */
public record KvNodeResult(
    EnumMap<KvYcsbDb.Kind, Histogram> histograms,
    Histogram all,
    long[] errors,
    long operations,
    long elapsedNs,
    long[] counterDelta,
    long[] cpuNsByRole,
    long processId,
    int[] lastVersions,
    int[] acknowledged) implements Serializable
{
    private Object writeReplace()
    {
        return new Compressed(this);
    }

    private static byte[] encode(final Histogram histogram)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        final int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Arrays.copyOf(buffer.array(), length);
    }

    private static Histogram decode(final byte[] bytes)
    {
        try
        {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
        }
        catch (final DataFormatException ex)
        {
            throw new KvException("latency histogram of " + bytes.length + " bytes does not decode: " + ex.getMessage());
        }
    }

    /**
     * The serialized form: histograms compressed.
     */
    private static final class Compressed implements Serializable
    {
        private static final long serialVersionUID = 1L;

        private final EnumMap<KvYcsbDb.Kind, byte[]> histograms = new EnumMap<>(KvYcsbDb.Kind.class);
        private final byte[] all;
        private final long[] errors;
        private final long operations;
        private final long elapsedNs;
        private final long[] counterDelta;
        private final long[] cpuNsByRole;
        private final long processId;
        private final int[] lastVersions;
        private final int[] acknowledged;

        Compressed(final KvNodeResult result)
        {
            for (final Map.Entry<KvYcsbDb.Kind, Histogram> entry : result.histograms().entrySet())
            {
                histograms.put(entry.getKey(), encode(entry.getValue()));
            }
            all = encode(result.all());
            errors = result.errors();
            operations = result.operations();
            elapsedNs = result.elapsedNs();
            counterDelta = result.counterDelta();
            cpuNsByRole = result.cpuNsByRole();
            processId = result.processId();
            lastVersions = result.lastVersions();
            acknowledged = result.acknowledged();
        }

        private Object readResolve()
        {
            final EnumMap<KvYcsbDb.Kind, Histogram> decoded = new EnumMap<>(KvYcsbDb.Kind.class);
            for (final Map.Entry<KvYcsbDb.Kind, byte[]> entry : histograms.entrySet())
            {
                decoded.put(entry.getKey(), decode(entry.getValue()));
            }

            return new KvNodeResult(decoded, decode(all), errors, operations, elapsedNs, counterDelta, cpuNsByRole,
                processId, lastVersions, acknowledged);
        }
    }
}
