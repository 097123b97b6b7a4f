package org.jdsm.transport.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.Codecs;
import org.jdsm.DBox;
import org.jdsm.Dsm;
import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;
import org.jdsm.NodeCounters;
import org.jdsm.Ref;
import org.jdsm.simulator.contract.BufferHeapRegion;
import org.jdsm.spi.TransportContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Not a timed assertion: measures, in one run and in the default threading mode and idle strategy, three round trips
 * between two JVMs on loopback UDP: a remote read <em>miss</em> through the jdsm engine ({@code DBox.read()} of an
 * object on the other node that this node has never cached, then its bytes), a one-sided read through the Aeron
 * transport, and a raw Aeron ping-pong on the same kind of channel (a 56-byte ping, as a read request's header,
 * answered by a pong of the payload's size); prints p50/p99 and the ratios to raw. The three are measured in
 * alternating blocks so that noise from other processes hits them alike.
 * Runs only with {@code -Djdsm.pingpong=true}:
 * <pre>
 * mvn -B -f transport-aeron/pom.xml verify -Dtest=PingPongMeasurementTest -Djdsm.pingpong=true
 * </pre>
 */
class PingPongMeasurementTest
{
    private static final int[] SIZES = { 64, 1024, 16 * 1024 };
    private static final int WARMUP = Integer.getInteger("jdsm.pingpong.warmup", 5_000);
    private static final int MEASURED = Integer.getInteger("jdsm.pingpong.measured", 20_000);
    private static final int BLOCK = 500;

    private ForkedNodes children;
    private AeronTransport transport;
    private AeronRuntime runtime;
    private ExclusivePublication publication;
    private Subscription subscription;
    private Agent pingAgent;
    private DsmNode engine;
    private final Waiter waiter = new Waiter();

    @AfterEach
    void after()
    {
        if (null != runtime)
        {
            runtime.remove(pingAgent);
            CloseHelper.closeAll(publication, subscription);
            runtime.release();
        }
        CloseHelper.closeAll(engine, transport, children);
    }

    @Test
    @Timeout(600)
    void shouldMeasureReadRoundTripNextToRawPingPong() throws Exception
    {
        assumeTrue(Boolean.getBoolean("jdsm.pingpong"), "run with -Djdsm.pingpong=true");
        final AeronTransportContext defaults = new AeronTransportContext();
        children = new ForkedNodes();
        startJdsm();
        startRaw();
        startEngine();

        final StringBuilder report = new StringBuilder(String.format(
            "%nround trip over loopback UDP, two JVMs per pair, idle=%s (max park %d us), mtu=%d, %d samples%n",
            defaults.idleStrategy(), defaults.idleMaxParkNs() / 1000, defaults.mtuLength(), MEASURED));
        report.append(String.format("%8s %24s %24s %22s %12s %12s%n", "payload", "engine miss p50/p99 us",
            "transport read p50/p99 us", "raw Aeron p50/p99 us", "engine/raw", "read/raw"));
        for (final int size : SIZES)
        {
            final UnsafeBuffer out = new UnsafeBuffer(new byte[size]);
            final UnsafeBuffer in = new UnsafeBuffer(new byte[size]);
            final UnsafeBuffer ping = new UnsafeBuffer(new byte[FrameDescriptor.HEADER_LENGTH]);
            ping.putInt(0, size);
            Arrays.fill(out.byteArray(), (byte)size);
            transport.write(1, 0, out, 0, size);

            final long[] jdsm = new long[WARMUP + MEASURED];
            final long[] raw = new long[WARMUP + MEASURED];
            final long[] miss = new long[WARMUP + MEASURED];
            final byte[] value = new byte[size];
            Arrays.fill(value, (byte)size);
            final long missesBefore = engine.counters().get(NodeCounters.Counter.CACHE_MISSES);
            for (int block = 0; block < jdsm.length; block += BLOCK)
            {
                for (int i = block; i < Math.min(miss.length, block + BLOCK); i++)
                {
                    miss[i] = engineReadMiss(value);
                }
                for (int i = block; i < Math.min(jdsm.length, block + BLOCK); i++)
                {
                    final long startNs = System.nanoTime();
                    transport.read(1, 0, in, 0, size);
                    jdsm[i] = System.nanoTime() - startNs;
                }
                for (int i = block; i < Math.min(raw.length, block + BLOCK); i++)
                {
                    raw[i] = pingPong(ping);
                }
            }
            assertEquals((byte)size, in.getByte(size - 1));
            assertEquals(miss.length, engine.counters().get(NodeCounters.Counter.CACHE_MISSES) - missesBefore,
                "every engine sample was a cache miss");

            final long[] jdsmMeasured = Arrays.copyOfRange(jdsm, WARMUP, jdsm.length);
            final long[] rawMeasured = Arrays.copyOfRange(raw, WARMUP, raw.length);
            final long[] missMeasured = Arrays.copyOfRange(miss, WARMUP, miss.length);
            report.append(String.format("%8d %11.1f / %-11.1f %12.1f / %-11.1f %10.1f / %-10.1f %11.2fx %11.2fx%n",
                size, percentile(missMeasured, 0.5), percentile(missMeasured, 0.99),
                percentile(jdsmMeasured, 0.5), percentile(jdsmMeasured, 0.99),
                percentile(rawMeasured, 0.5), percentile(rawMeasured, 0.99),
                percentile(missMeasured, 0.5) / percentile(rawMeasured, 0.5),
                percentile(jdsmMeasured, 0.5) / percentile(rawMeasured, 0.5)));
        }
        System.out.println(report);
    }

    private void startJdsm() throws Exception
    {
        final List<String> members = ForkedNodes.loopbackMembers(2);
        final int heap = 1024 * 1024;
        final long timeoutNs = TimeUnit.SECONDS.toNanos(10);
        final long heartbeatNs = TimeUnit.MILLISECONDS.toNanos(100);
        final int child = children.start(ContractNodeMain.class, "1", "2", String.join(",", members),
            String.valueOf(heap), String.valueOf(timeoutNs), String.valueOf(heartbeatNs), "ping-pong-secret");
        children.awaitStarting(60_000);
        final DsmConfig config = new DsmConfig().nodeId(0).nodeCount(2).members(members).transport("aeron")
            .clusterSecret("ping-pong-secret").heapSize(heap).cacheSize(heap).maxObjectSize(heap / 2)
            .operationTimeoutNs(timeoutNs).heartbeatIntervalNs(heartbeatNs).conclude();
        transport = new AeronTransport(new TransportContext(config, new BufferHeapRegion(heap), (s, b, o, l) -> { }));
        transport.start();
        children.awaitReady(child, 30_000);
    }

    private void startEngine() throws Exception
    {
        final List<String> members = ForkedNodes.loopbackMembers(2);
        final int child = children.start(EngineNodeMain.class, "1", "2", String.join(",", members), "engine-secret");
        children.awaitStarting(60_000);
        engine = Dsm.start(EngineNodeMain.config(0, 2, String.join(",", members), "engine-secret")
            .operationTimeoutNs(TimeUnit.SECONDS.toNanos(10)));
        children.awaitReady(child, 30_000);
    }

    /**
     * One engine read miss: an object placed on the other node (not timed), then the timed shared borrow and the
     * access that fetches it, then its free (not timed). The freed block comes back under a new colour, so every
     * sample misses.
     */
    private long engineReadMiss(final byte[] value)
    {
        final DBox<byte[]> box = engine.allocOn(1, Codecs.BYTES, value);
        final long startNs = System.nanoTime();
        final byte last;
        try (Ref<byte[]> ref = box.read())
        {
            last = ref.buffer().getByte(value.length - 1);
        }
        final long elapsedNs = System.nanoTime() - startNs;
        box.close();
        if (last != value[value.length - 1])
        {
            throw new AssertionError("engine read returned " + last);
        }

        return elapsedNs;
    }

    private void startRaw() throws Exception
    {
        final List<String> endpoints = ForkedNodes.loopbackMembers(2);
        final int child = children.start(RawPongMain.class, endpoints.get(0), endpoints.get(1));
        final AeronTransportContext ctx = RawPongMain.context(endpoints.get(0), endpoints.get(1));
        runtime = AeronRuntime.acquire(ctx, Throwable::printStackTrace);
        subscription = runtime.aeron().addSubscription("aeron:udp?endpoint=" + endpoints.get(0), RawPongMain.STREAM_ID);
        publication = runtime.aeron().addExclusivePublication(
            RawPongMain.channel(endpoints.get(1), ctx), RawPongMain.STREAM_ID);
        final FragmentAssembler onPong = new FragmentAssembler((buffer, offset, length, header) ->
        {
            waiter.pongs++;
            LockSupport.unpark(waiter.thread);
        });
        pingAgent = new Agent()
        {
            public int doWork()
            {
                return subscription.poll(onPong, 64);
            }

            public String roleName()
            {
                return "raw-ping";
            }
        };
        runtime.add(pingAgent);
        children.awaitReady(child, 30_000);
        waiter.thread = Thread.currentThread();
    }

    private long pingPong(final UnsafeBuffer ping)
    {
        final long expected = waiter.pongs + 1;
        final long startNs = System.nanoTime();
        while (publication.offer(ping, 0, ping.capacity()) < 0)
        {
            runtime.wake();
            Thread.yield();
        }
        runtime.wake();
        waiter.await(expected);
        return System.nanoTime() - startNs;
    }

    private static double percentile(final long[] samples, final double fraction)
    {
        final long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return sorted[(int)Math.min(sorted.length - 1, Math.round(fraction * sorted.length))] / 1000.0;
    }

    /**
     * The application thread waits for the pong as jdsm callers wait for a response: spin briefly, then park.
     */
    private static final class Waiter
    {
        volatile long pongs;
        volatile Thread thread;

        void await(final long expected)
        {
            int spins = 0;
            while (pongs < expected)
            {
                if (spins++ < 200)
                {
                    Thread.onSpinWait();
                }
                else
                {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
                }
            }
        }
    }
}
