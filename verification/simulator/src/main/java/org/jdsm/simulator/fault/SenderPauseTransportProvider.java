package org.jdsm.simulator.fault;

import org.agrona.DirectBuffer;
import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;
import org.jdsm.spi.TransportProvider;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link TransportProvider} whose transports hold the sending thread for a while after a control message a test
 * picks has left, as a thread preempted right after its send would be: whatever the message sets going at its
 * receiver (a reply, a completed future, a state another thread polls) happens before the sender's next step. It
 * finds code that publishes an event before it has finished recording it, such as a statistic counted after the
 * message that completes what it counts, a race a schedule without the pause shows once in thousands of runs.
 * Every other call goes to the wrapped provider's transport unchanged.
 * <p>
 * <b>Note:</b> threadsafe; the transports it makes are as threadsafe as the ones they wrap.
 */
public final class SenderPauseTransportProvider implements TransportProvider
{
    /**
     * Which sent messages hold their sender.
     */
    @FunctionalInterface
    public interface Pick
    {
        /**
         * @param from   the sending node.
         * @param to     the node the message went to.
         * @param buffer holding the message.
         * @param offset of the message in the buffer.
         * @param length of the message.
         * @return whether the sending thread pauses after this message left.
         */
        boolean pauseAfter(int from, int to, DirectBuffer buffer, int offset, int length);
    }

    private static final Method SEND;

    static
    {
        try
        {
            SEND = Transport.class.getMethod("send", int.class, DirectBuffer.class, int.class, int.class);
        }
        catch (final NoSuchMethodException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final TransportProvider inner;
    private final Pick pick;
    private final long pauseNs;

    /**
     * @param inner   provider of the transports to wrap.
     * @param pick    the messages after which the sender pauses.
     * @param pause   how long it pauses.
     * @param unit    of {@code pause}.
     */
    public SenderPauseTransportProvider(
        final TransportProvider inner, final Pick pick, final long pause, final TimeUnit unit)
    {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.pick = Objects.requireNonNull(pick, "pick");
        this.pauseNs = unit.toNanos(pause);
        if (pauseNs <= 0)
        {
            throw new IllegalArgumentException("pause=" + pause + " " + unit + " must be positive");
        }
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return inner.name();
    }

    /**
     * {@inheritDoc}
     */
    public Transport newTransport(final TransportContext context)
    {
        final Transport transport = inner.newTransport(context);
        final int self = context.config().nodeId();
        return (Transport)Proxy.newProxyInstance(
            Transport.class.getClassLoader(),
            new Class<?>[]{ Transport.class },
            (proxy, method, args) ->
            {
                final Object result;
                try
                {
                    result = method.invoke(transport, args);
                }
                catch (final InvocationTargetException ex)
                {
                    throw ex.getCause();
                }
                if (SEND.equals(method) &&
                    pick.pauseAfter(self, (int)args[0], (DirectBuffer)args[1], (int)args[2], (int)args[3]))
                {
                    pause();
                }

                return result;
            });
    }

    private void pause()
    {
        final long endNs = System.nanoTime() + pauseNs;
        for (long leftNs = pauseNs; leftNs > 0; leftNs = endNs - System.nanoTime())
        {
            LockSupport.parkNanos(this, leftNs);
        }
    }
}
