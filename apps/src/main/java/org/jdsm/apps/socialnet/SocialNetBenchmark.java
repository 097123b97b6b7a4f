package org.jdsm.apps.socialnet;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a workload against a {@link SocialNet} in waves of concurrent requests, as DRust's client does: a wave issues
 * its requests at once and waits for all of them. Records latency per kind of request (HdrHistogram, from issue to
 * completion), errors, throughput, bytes passed by value, and the cluster's bytes moved over the measured window;
 * and keeps what the run must have left in the services, to check it afterwards.
 * <p>
 * <b>Note:</b> NOT threadsafe: one run per instance, driven from one thread.
 */
public final class SocialNetBenchmark
{
    /** Largest latency recorded, in nanoseconds. */
    public static final long MAX_LATENCY_NS = TimeUnit.SECONDS.toNanos(120);
    private static final long WAVE_TIMEOUT_S = 600;

    private final SocialNet net;
    private final SocialGraph graph;
    private final Supplier<long[]> bytesMoved;
    private final int mediaRetained;
    private long composed;
    private long homeEntries;
    private long lastPostId = -1;
    private final Set<String> urls = new HashSet<>();

    /**
     * What a measured run gave.
     *
     * @param requests       measured.
     * @param errors         requests that failed.
     * @param seconds        of the measured window.
     * @param latencies      per kind of request, nanoseconds.
     * @param bytesMoved     fetched and moved in over every node during the window.
     * @param bytesByValue   text, posts and frames passed by value during the window.
     * @param firstError     the first failure, or null.
     */
    public record Result(
        long requests,
        long errors,
        double seconds,
        EnumMap<SocialNetWorkload.Kind, Histogram> latencies,
        long bytesMoved,
        long bytesByValue,
        Throwable firstError)
    {
        /**
         * Requests per second.
         *
         * @return the throughput.
         */
        public double throughput()
        {
            return requests / seconds;
        }
    }

    /**
     * @param net           to run against.
     * @param graph         of its users, to know what each compose must reach.
     * @param bytesMoved    reads the sum of bytes fetched and moved in over the cluster's nodes; 0 for the baseline.
     * @param mediaRetained posts whose frames the network keeps.
     */
    public SocialNetBenchmark(
        final SocialNet net, final SocialGraph graph, final Supplier<long[]> bytesMoved, final int mediaRetained)
    {
        this.mediaRetained = mediaRetained;
        this.net = net;
        this.graph = graph;
        this.bytesMoved = bytesMoved;
    }

    /**
     * Run requests in waves.
     *
     * @param workload generating the requests.
     * @param requests to run.
     * @param wave     requests issued at once.
     * @return what was measured.
     */
    public Result run(final SocialNetWorkload workload, final long requests, final int wave)
    {
        final EnumMap<SocialNetWorkload.Kind, Histogram> latencies = new EnumMap<>(SocialNetWorkload.Kind.class);
        for (final SocialNetWorkload.Kind kind : SocialNetWorkload.Kind.values())
        {
            latencies.put(kind, new Histogram(MAX_LATENCY_NS, 3));
        }
        final long[] movedBefore = bytesMoved.get();
        final long byValueBefore = net.bytesPassedByValue();
        final long startNs = System.nanoTime();
        long errors = 0;
        Throwable firstError = null;
        for (long done = 0; done < requests; )
        {
            final int size = (int)Math.min(wave, requests - done);
            final List<SocialNetWorkload.Request> issued = new ArrayList<>(size);
            final List<CompletableFuture<?>> futures = new ArrayList<>(size);
            final long[] latencyNs = new long[size];
            for (int i = 0; i < size; i++)
            {
                final SocialNetWorkload.Request request = workload.next();
                final long issuedNs = System.nanoTime();
                final int slot = i;
                issued.add(request);
                futures.add(issue(request).whenComplete((value, failure) ->
                    latencyNs[slot] = System.nanoTime() - issuedNs));
            }
            for (int i = 0; i < size; i++)
            {
                try
                {
                    final Object value = futures.get(i).get(WAVE_TIMEOUT_S, TimeUnit.SECONDS);
                    final SocialNetWorkload.Request request = issued.get(i);
                    latencies.get(request.kind()).recordValue(Math.min(MAX_LATENCY_NS, latencyNs[i]));
                    if (SocialNetWorkload.Kind.COMPOSE == request.kind())
                    {
                        expect(request, (Long)value);
                    }
                }
                catch (final Exception ex)
                {
                    errors++;
                    firstError = null == firstError ? DistributedSocialNet.typedCause(ex.getCause()) : firstError;
                }
            }
            done += size;
        }
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        final long[] movedAfter = bytesMoved.get();

        return new Result(requests, errors, seconds, latencies, movedAfter[0] - movedBefore[0],
            net.bytesPassedByValue() - byValueBefore, firstError);
    }

    /**
     * Compare the services' state with what every successful compose of this benchmark's runs must have left.
     *
     * @return null if it matches, else what differs.
     */
    public String check()
    {
        final SocialNetState state = net.state();
        final SocialNetState expected = new SocialNetState(composed, composed, homeEntries, urls.size(),
            Math.min(composed, mediaRetained));
        if (!expected.equals(state))
        {
            return "state " + state + " != expected " + expected;
        }
        if (lastPostId >= 0)
        {
            final MediaCheck media = net.checkMedia(lastPostId);
            if (!media.equalsExpected() || media.differingOutside() != 0 ||
                media.differingInside() != MediaCheck.REGION_PIXELS)
            {
                return "frames of post " + lastPostId + ": " + media;
            }
        }

        return null;
    }

    private CompletableFuture<?> issue(final SocialNetWorkload.Request request)
    {
        switch (request.kind())
        {
            case COMPOSE:
                return net.compose(request.compose());
            case READ_HOME_TIMELINE:
                return net.readHomeTimeline(request.userId(), 0, SocialNetWorkload.READ_LENGTH);
            default:
                return net.readUserTimeline(request.userId(), 0, SocialNetWorkload.READ_LENGTH);
        }
    }

    private void expect(final SocialNetWorkload.Request request, final long postId)
    {
        final TextParts parts = TextParts.parse(request.compose().text());
        final int[] mentions = new int[parts.mentionNames().length];
        for (int i = 0; i < mentions.length; i++)
        {
            mentions[i] = Integer.parseInt(parts.mentionNames()[i].substring(UserDirectory.PREFIX.length()));
        }
        composed++;
        homeEntries += Timelines.audience(graph.followers(request.userId()), mentions).length;
        urls.addAll(List.of(parts.urls()));
        lastPostId = Math.max(lastPostId, postId);
    }
}
