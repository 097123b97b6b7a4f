package org.jdsm.transport.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import org.agrona.concurrent.Agent;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * The pong side of a raw Aeron ping-pong over UDP in exactly jdsm's threading mode: the process's
 * {@link AeronRuntime} (embedded driver in INVOKER mode, one duty cycle, default idle strategy) runs an agent that
 * answers every ping with a pong of the length the ping's first int asks for: a request of a header's size and a
 * response of the length the ping asks for, as a one-sided read is. Prints {@code READY} once connected; exits when standard input closes.
 * <p>
 * Arguments: pingEndpoint pongEndpoint (host:port).
 */
public final class RawPongMain
{
    static final int STREAM_ID = 0x7070;

    private RawPongMain()
    {
    }

    static String channel(final String endpoint, final AeronTransportContext ctx)
    {
        return "aeron:udp?endpoint=" + endpoint + "|mtu=" + ctx.mtuLength() + "|term-length=" + ctx.termLength();
    }

    static AeronTransportContext context(final String pingEndpoint, final String pongEndpoint)
    {
        return context(new AeronTransportContext(), pingEndpoint, pongEndpoint);
    }

    static AeronTransportContext context(
        final AeronTransportContext ctx, final String pingEndpoint, final String pongEndpoint)
    {
        return ctx.conclude(new org.jdsm.DsmConfig().nodeCount(2).transport("aeron")
            .members(Arrays.asList(pingEndpoint, pongEndpoint)).conclude());
    }

    /**
     * @param args as the class documents.
     * @throws IOException if standard input fails.
     */
    public static void main(final String[] args) throws IOException
    {
        final AeronTransportContext ctx = context(args[0], args[1]);
        System.out.println("STARTING");
        System.out.flush();
        final ErrorHandler errorHandler = Throwable::printStackTrace;
        final AeronRuntime runtime = AeronRuntime.acquire(ctx, errorHandler);
        final Subscription subscription = runtime.aeron().addSubscription(
            "aeron:udp?endpoint=" + args[1], STREAM_ID);
        final ExclusivePublication publication = runtime.aeron().addExclusivePublication(
            channel(args[0], ctx), STREAM_ID);
        final UnsafeBuffer pong = new UnsafeBuffer(new byte[1024 * 1024]);
        final FragmentAssembler echo = new FragmentAssembler((buffer, offset, length, header) ->
        {
            final int pongLength = buffer.getInt(offset);
            while (publication.offer(pong, 0, pongLength) < 0 && !publication.isClosed())
            {
                Thread.onSpinWait();
            }
        });
        final Agent agent = new Agent()
        {
            public int doWork()
            {
                return subscription.poll(echo, 64);
            }

            public String roleName()
            {
                return "raw-pong";
            }
        };
        runtime.add(agent);
        while (!publication.isConnected())
        {
            LockSupport.parkNanos(1_000_000);
        }
        System.out.println("READY");
        System.out.flush();
        serveUntilInputCloses(runtime, agent, publication, subscription, errorHandler);
    }

    /**
     * Leave the agent serving until standard input closes (the parent test ended), then close and exit.
     *
     * @throws IOException if standard input fails.
     */
    static void serveUntilInputCloses(
        final AeronRuntime runtime,
        final Agent agent,
        final ExclusivePublication publication,
        final Subscription subscription,
        final ErrorHandler errorHandler) throws IOException
    {
        while (System.in.read() >= 0)
        {
            continue;
        }
        runtime.remove(agent);
        publication.close();
        subscription.close();
        runtime.release(errorHandler);
        System.exit(0);
    }
}
