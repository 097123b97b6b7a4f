package org.jdsm.transport.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One side of a raw Aeron request/response exchange over UDP in jdsm's threading mode, both sides alike: the
 * process's {@link AeronRuntime} (embedded driver in INVOKER mode, one duty cycle, the configured idle strategy)
 * runs one agent that answers every request of the peer with a response of the asked length, and keeps
 * {@code outstanding} requests of its own in flight to the peer, each sent again as soon as its response arrives
 * (closed loop; after a response, the next request waits {@code thinkNs}, a client's own work between its
 * requests, 0 by default, during which the duty cycle goes on). This is the transport's floor for a symmetric workload such as kv
 * on 2 nodes: the round trips per second two such processes complete, and the CPU they take per round trip, bound
 * what any design on Aeron UDP on this machine can do with that many requests in flight per node.
 * <p>
 * Prints {@code READY} once connected, then after {@code warmupSeconds} measures for {@code seconds} and prints
 * {@code RESULT roundTrips=N cpuNs=N wallNs=N}; serves the peer until standard input closes.
 * <p>
 * Arguments: selfEndpoint peerEndpoint outstanding responseLength warmupSeconds seconds [thinkNs].
 */
public final class RawRequestResponseMain
{
    static final int STREAM_ID = 0x7171;
    private static final byte REQUEST = 1;
    private static final byte RESPONSE = 2;
    private static final int HEADER_LENGTH = 16; // type, then the response length, then a correlation id

    private RawRequestResponseMain()
    {
    }

    /**
     * @param args as the class documents.
     * @throws IOException if standard input fails.
     */
    public static void main(final String[] args) throws IOException
    {
        final String self = args[0];
        final String peer = args[1];
        final int outstanding = Integer.parseInt(args[2]);
        final int responseLength = Math.max(HEADER_LENGTH, Integer.parseInt(args[3]));
        final long warmupNs = TimeUnit.SECONDS.toNanos(Long.parseLong(args[4]));
        final long measureNs = TimeUnit.SECONDS.toNanos(Long.parseLong(args[5]));
        final long thinkNs = args.length > 6 ? Long.parseLong(args[6]) : 0;
        final AeronTransportContext ctx = RawPongMain.context(self, peer);
        final ErrorHandler errorHandler = Throwable::printStackTrace;
        final AeronRuntime runtime = AeronRuntime.acquire(ctx, errorHandler);
        final Subscription subscription = runtime.aeron().addSubscription("aeron:udp?endpoint=" + self, STREAM_ID);
        final ExclusivePublication publication = runtime.aeron().addExclusivePublication(
            RawPongMain.channel(peer, ctx), STREAM_ID);
        final Exchange exchange = new Exchange(publication, subscription, outstanding, responseLength, thinkNs);
        while (!publication.isConnected() || !subscription.isConnected())
        {
            LockSupport.parkNanos(1_000_000);
        }
        System.out.println("READY");
        System.out.flush();
        runtime.add(exchange);

        LockSupport.parkNanos(warmupNs);
        final long cpu0 = processCpuNs();
        final long wall0 = System.nanoTime();
        final long done0 = exchange.completed;
        LockSupport.parkNanos(measureNs);
        final long done1 = exchange.completed;
        final long wall1 = System.nanoTime();
        final long cpu1 = processCpuNs();
        System.out.println("RESULT roundTrips=" + (done1 - done0) + " cpuNs=" + (cpu1 - cpu0) +
            " wallNs=" + (wall1 - wall0));
        System.out.flush();
        RawPongMain.serveUntilInputCloses(runtime, exchange, publication, subscription, errorHandler);
    }

    private static long processCpuNs()
    {
        return ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }

    private static final class Exchange implements Agent, FragmentHandler
    {
        private final ExclusivePublication publication;
        private final Subscription subscription;
        private final int outstanding;
        private final int responseLength;
        private final long thinkNs;
        private final long[] dueNs;
        private int thinking;
        private final UnsafeBuffer request = new UnsafeBuffer(new byte[HEADER_LENGTH]);
        private final UnsafeBuffer response;
        private boolean started;
        private int toSend;
        volatile long completed;

        Exchange(
            final ExclusivePublication publication,
            final Subscription subscription,
            final int outstanding,
            final int responseLength,
            final long thinkNs)
        {
            this.thinkNs = thinkNs;
            this.dueNs = new long[outstanding];
            this.publication = publication;
            this.subscription = subscription;
            this.outstanding = outstanding;
            this.responseLength = responseLength;
            this.response = new UnsafeBuffer(new byte[responseLength]);
            request.putByte(0, REQUEST);
            request.putInt(4, responseLength);
            response.putByte(0, RESPONSE);
        }

        public int doWork()
        {
            if (!started)
            {
                started = true;
                toSend = outstanding;
            }
            int work = subscription.poll(this, 64);
            if (thinking > 0)
            {
                final long nowNs = System.nanoTime();
                for (int i = thinking - 1; i >= 0; i--)
                {
                    if (nowNs - dueNs[i] >= 0)
                    {
                        dueNs[i] = dueNs[--thinking];
                        toSend++;
                    }
                }
            }
            while (toSend > 0 && publication.offer(request, 0, HEADER_LENGTH) > 0)
            {
                toSend--;
                work++;
            }
            return work;
        }

        public void onFragment(
            final org.agrona.DirectBuffer buffer, final int offset, final int length, final io.aeron.logbuffer.Header header)
        {
            if (REQUEST == buffer.getByte(offset))
            {
                final int asked = buffer.getInt(offset + 4);
                while (publication.offer(response, 0, asked) < 0 && !publication.isClosed())
                {
                    Thread.onSpinWait();
                }
            }
            else
            {
                completed++;
                if (0 == thinkNs)
                {
                    toSend++;
                }
                else
                {
                    dueNs[thinking++] = System.nanoTime() + thinkNs;
                }
            }
        }

        public String roleName()
        {
            return "raw-request-response";
        }
    }
}
