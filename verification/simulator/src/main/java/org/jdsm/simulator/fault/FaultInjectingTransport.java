package org.jdsm.simulator.fault;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.spi.Transport;

import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A transport that wraps another and disturbs its schedule within what the {@link Transport} contract allows:
 * <ul>
 *     <li>control messages ({@link #send}): a share of them is held back for a random time and then sent, so
 *     later messages overtake them. The contract says delivery is asynchronous and the engine relies on no order
 *     between messages: delay and reordering are allowed.</li>
 *     <li>one-sided operations ({@link #read}, {@link #readValidated}, {@link #readIndirect}, {@link #write},
 *     {@link #compareAndSwap}, {@link #fetchAdd}): a share of them waits a random time before it is issued. Each
 *     still returns only once completed at the peer, as the contract requires; they are never reordered against
 *     each other (a caller has one in flight).</li>
 * </ul>
 * Duplicated and dropped messages are <b>not</b> injected: the contract promises neither, the engine does not
 * deduplicate control messages (a duplicated grant or ack would be applied twice) and does not retransmit them (a
 * dropped request would wait out the operation timeout and report the peer unavailable), and the Aeron transport
 * delivers each message once, reliably. Injecting them would test a contract no transport offers. Delays are bounded
 * ({@link FaultSchedule#MAX_DELAY_US}) so no operation nears its timeout because of them.
 * <p>
 * Held messages are sent from one daemon thread of this transport; {@link #close()} sends the ones still held, in
 * the order they were due, before it closes the wrapped transport, so a node's last messages still precede its
 * leaving. The draws come from a {@link SplittableRandom} seeded by the schedule; threads interleave, so a run is
 * not replayed exactly, but its distribution is the schedule's.
 * <p>
 * <b>Note:</b> threadsafe, as the wrapped transport.
 */
public final class FaultInjectingTransport implements Transport
{
    private final Transport inner;
    private final FaultControl control;
    private final ScheduledThreadPoolExecutor sender;
    private final AtomicLong heldMessages = new AtomicLong();
    private final AtomicLong delayedOperations = new AtomicLong();
    private FaultSchedule drawingFor;
    private SplittableRandom random;

    /**
     * @param inner   transport to wrap; owned by this one from now on.
     * @param control the schedule to follow, which may change while it runs.
     */
    public FaultInjectingTransport(final Transport inner, final FaultControl control)
    {
        this.inner = inner;
        this.control = control;
        this.sender = new ScheduledThreadPoolExecutor(1, (runnable) ->
        {
            final Thread thread = new Thread(runnable, "jdsm-fault-sender-" + inner.nodeId());
            thread.setDaemon(true);
            return thread;
        });
        this.sender.setExecuteExistingDelayedTasksAfterShutdownPolicy(true);
    }

    /**
     * @return control messages held back so far.
     */
    public long heldMessages()
    {
        return heldMessages.get();
    }

    /**
     * @return one-sided operations delayed so far.
     */
    public long delayedOperations()
    {
        return delayedOperations.get();
    }

    /**
     * Draw a delay: 0 (none) or a number of microseconds.
     */
    private synchronized long drawDelayUs(final boolean message)
    {
        final FaultSchedule schedule = control.schedule();
        if (schedule != drawingFor)
        {
            drawingFor = schedule;
            random = new SplittableRandom(schedule.seed() ^ (0x9E3779B97F4A7C15L * (inner.nodeId() + 1)));
        }
        final int percent = message ? schedule.messageDelayPercent() : schedule.oneSidedDelayPercent();
        final int maxUs = message ? schedule.maxMessageDelayUs() : schedule.maxOneSidedDelayUs();
        if (0 == percent || 0 == maxUs || random.nextInt(100) >= percent)
        {
            return 0;
        }

        return 1 + random.nextInt(maxUs);
    }

    private void delayOperation()
    {
        final long delayUs = drawDelayUs(false);
        if (delayUs > 0)
        {
            delayedOperations.incrementAndGet();
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(delayUs));
        }
    }

    public void start()
    {
        inner.start();
    }

    public int nodeId()
    {
        return inner.nodeId();
    }

    public boolean isAvailable(final int nodeId)
    {
        return inner.isAvailable(nodeId);
    }

    public void read(final int nodeId, final long offset, final MutableDirectBuffer dst, final int dstOffset,
        final int length)
    {
        delayOperation();
        inner.read(nodeId, offset, dst, dstOffset, length);
    }

    public boolean readValidated(
        final int nodeId, final long offset, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        delayOperation();
        return inner.readValidated(nodeId, offset, dst, dstOffset, length);
    }

    public boolean readIndirect(
        final int nodeId,
        final long wordOffset,
        final long expected,
        final MutableDirectBuffer dst,
        final int dstOffset,
        final int length)
    {
        delayOperation();
        return inner.readIndirect(nodeId, wordOffset, expected, dst, dstOffset, length);
    }

    public void write(final int nodeId, final long offset, final DirectBuffer src, final int srcOffset,
        final int length)
    {
        delayOperation();
        inner.write(nodeId, offset, src, srcOffset, length);
    }

    public long compareAndSwap(final int nodeId, final long offset, final long expected, final long update)
    {
        delayOperation();
        return inner.compareAndSwap(nodeId, offset, expected, update);
    }

    public long fetchAdd(final int nodeId, final long offset, final long delta)
    {
        delayOperation();
        return inner.fetchAdd(nodeId, offset, delta);
    }

    public void send(final int nodeId, final DirectBuffer buffer, final int offset, final int length)
    {
        final long delayUs = drawDelayUs(true);
        if (0 == delayUs || sender.isShutdown())
        {
            inner.send(nodeId, buffer, offset, length);
            return;
        }

        // the caller may reuse its buffer once send returns: hold a copy
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        heldMessages.incrementAndGet();
        sender.schedule(() -> inner.send(nodeId, new UnsafeBuffer(copy), 0, length), delayUs, TimeUnit.MICROSECONDS);
    }

    public int maxMessageLength()
    {
        return inner.maxMessageLength();
    }

    public boolean awaitResponse(final CompletableFuture<?> response, final long timeoutNs)
        throws InterruptedException
    {
        return inner.awaitResponse(response, timeoutNs);
    }

    public void close()
    {
        sender.shutdown();
        try
        {
            if (!sender.awaitTermination(1, TimeUnit.SECONDS))
            {
                sender.shutdownNow();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            sender.shutdownNow();
        }
        finally
        {
            inner.close();
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "FaultInjectingTransport{" + control.schedule() + ", heldMessages=" + heldMessages +
            ", delayedOperations=" + delayedOperations + ", inner=" + inner + "}";
    }
}
