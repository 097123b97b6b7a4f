package org.jdsm.transport.aeron;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transport's floor for a symmetric workload, such as kv on 2 nodes, on demand
 * ({@code -Djdsm.pingpong=true}, as {@link PingPongMeasurementTest}): two JVMs (C2 in both) each run
 * {@link RawRequestResponseMain}, one duty cycle per process in jdsm's threading mode, answering the other's
 * requests while keeping {@code outstanding} requests of their own in flight (closed loop, no other work). Prints,
 * per idle strategy and number in flight, the round trips per second both complete, the CPU both take per round
 * trip and the mean latency, beside which a kv run's round trips per second and CPU per round trip read as a
 * ratio to the floor. A ping-pong (one in flight, one side idle between pings) is no such floor: its CPU per round
 * trip is its waiting.
 * <p>
 * {@code mvn -pl transport-aeron -am verify -Dtest=RequestResponseFloorMeasurementTest -Djdsm.pingpong=true
 * -Dsurefire.failIfNoSpecifiedTests=false [-Djdsm.floor.outstanding=1,2] [-Djdsm.pingpong.idle=backoff,busy-spin]
 * [-Djdsm.pingpong.rounds=2] [-Djdsm.floor.seconds=5] [-Djdsm.floor.think.ns=0]}. With a think time (a kv client's
 * own work between its remote operations) fewer frames share a datagram than in the closed loop without it.
 */
final class RequestResponseFloorMeasurementTest
{
    private static final Pattern RESULT = Pattern.compile("RESULT roundTrips=(\\d+) cpuNs=(\\d+) wallNs=(\\d+)");
    private static final int ROUNDS = Integer.getInteger("jdsm.pingpong.rounds", 2);
    private static final int SECONDS = Integer.getInteger("jdsm.floor.seconds", 5);
    private static final int WARMUP_SECONDS = 3;
    private static final int RESPONSE_LENGTH = 64; // a kv get's response: the cell word in a frame
    private static final List<String> IDLE_STRATEGIES =
        Arrays.asList(System.getProperty("jdsm.pingpong.idle", "backoff,busy-spin").split(","));
    private static final long THINK_NS = Long.getLong("jdsm.floor.think.ns", 0);
    private static final List<String> OUTSTANDING =
        Arrays.asList(System.getProperty("jdsm.floor.outstanding", "1,2").split(","));

    @Test
    @Timeout(3600)
    void shouldMeasureSymmetricRequestResponseFloor() throws Exception
    {
        ForkedNodes.assumeMeasurementRequestedOnC2();

        final StringBuilder report = new StringBuilder(String.format(
            "%nsymmetric request/response over loopback UDP, two JVMs, C2 in both, one duty cycle each, %d B " +
            "responses, %d ns between a response and the next request, %d s measured after %d s warm-up%n" +
            "%-10s %-12s %5s %14s %12s %12s %s%n", RESPONSE_LENGTH, THINK_NS, SECONDS, WARMUP_SECONDS, "idle", "in flight", "round", "round trips/s", "cpu us/rt", "latency us",
            "load"));
        for (int round = 0; round < ROUNDS; round++)
        {
            for (final String idle : IDLE_STRATEGIES)
            {
                for (final String outstanding : OUTSTANDING)
                {
                    final double[] result = measure(idle, Integer.parseInt(outstanding.trim()));
                    final String line = String.format("%-10s %-12s %5d %14.0f %12.2f %12.1f %s%n", idle,
                        outstanding + " per node", round, result[0], result[1], result[2], ForkedNodes.loadAverage());
                    report.append(line);
                    System.out.print(line);
                }
            }
        }
        System.out.println(report);
    }

    /**
     * @return round trips per second of both processes, CPU microseconds of both per round trip, and the mean
     * latency in microseconds that a closed loop of that many in flight implies.
     */
    private static double[] measure(final String idle, final int outstanding) throws Exception
    {
        final List<String> endpoints = ForkedNodes.loopbackMembers(2);
        final List<String> options = Collections.singletonList("-Djdsm.aeron.idle.strategy=" + idle);
        try (ForkedNodes children = new ForkedNodes())
        {
            final String[] common = { String.valueOf(outstanding), String.valueOf(RESPONSE_LENGTH),
                String.valueOf(WARMUP_SECONDS), String.valueOf(SECONDS), String.valueOf(THINK_NS) };
            final int a = children.startMeasured(options, RawRequestResponseMain.class,
                concat(endpoints.get(0), endpoints.get(1), common));
            final int b = children.startMeasured(options, RawRequestResponseMain.class,
                concat(endpoints.get(1), endpoints.get(0), common));
            children.awaitReady(a, 30_000);
            children.awaitReady(b, 30_000);

            final long[] resultA = awaitResult(children, a);
            final long[] resultB = awaitResult(children, b);
            assertTrue(resultA[0] > 0 && resultB[0] > 0,
                "every side completes round trips: " + children.output(a) + " / " + children.output(b));
            final long roundTrips = resultA[0] + resultB[0];
            final double wallNs = (resultA[2] + resultB[2]) / 2.0;
            final double perSecond = roundTrips * 1e9 / wallNs;

            return new double[]{
                perSecond,
                (resultA[1] + resultB[1]) / 1000.0 / roundTrips,
                2.0 * outstanding / perSecond * 1e6 - THINK_NS / 1000.0 };
        }
    }

    private static long[] awaitResult(final ForkedNodes children, final int child) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(WARMUP_SECONDS + SECONDS + 60);
        while (System.nanoTime() < deadlineNs)
        {
            for (final String line : children.output(child))
            {
                final Matcher matcher = RESULT.matcher(line);
                if (matcher.find())
                {
                    return new long[]{
                        Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)),
                        Long.parseLong(matcher.group(3)) };
                }
            }
            Thread.sleep(100);
        }

        throw new AssertionError("no RESULT from child " + child + ": " + children.output(child));
    }

    private static String[] concat(final String self, final String peer, final String[] rest)
    {
        final List<String> args = new ArrayList<>();
        args.add(self);
        args.add(peer);
        Collections.addAll(args, rest);
        return args.toArray(new String[0]);
    }
}
