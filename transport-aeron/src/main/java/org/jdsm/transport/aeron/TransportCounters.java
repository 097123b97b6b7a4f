package org.jdsm.transport.aeron;

import org.agrona.concurrent.status.AtomicCounter;
import org.jdsm.spi.CountersFile;
import org.jdsm.spi.CountersFileDescriptor;

/**
 * The Aeron transport's counters, in its node's {@link CountersFile} beside the engine's (type
 * {@link CountersFileDescriptor#TRANSPORT_COUNTER_TYPE_ID}), so {@code ./jdsm stat} shows them: requests served, late
 * responses, messages dropped, frames rejected, errors and messages sent on the thread that offered them; the {@link RejectionLog} adds one counter per kind of
 * rejected frame and source (type {@link CountersFileDescriptor#REJECTED_FRAMES_TYPE_ID}).
 * <p>
 * <b>Note:</b> threadsafe: each counter is updated with an atomic add; allocation is under the file's lock.
 */
final class TransportCounters
{
    /** One-sided requests served for peers (and this node), including those the heap rejected. */
    final AtomicCounter served;
    /** Responses (and chunks of writes) that arrived for operations no longer waiting for them. */
    final AtomicCounter late;
    /** Messages dropped because their target was dead or the transport closed. */
    final AtomicCounter dropped;
    /** Frames dropped as malformed, unauthenticated or forged: the sum of the per-kind counters. */
    final AtomicCounter rejected;
    /** Errors the transport reported to the node's error handler. */
    final AtomicCounter errors;
    /**
     * Messages sent by the thread that offered them (no thread held the duty cycle), with no thread woken to send
     * them; the others were sent by the thread that drives, woken for them.
     */
    final AtomicCounter sentOnOffer;

    private final CountersFile file;

    /**
     * Allocate the transport's counters.
     *
     * @param file of the node.
     */
    TransportCounters(final CountersFile file)
    {
        this.file = file;
        this.served = file.newCounter(CountersFileDescriptor.TRANSPORT_COUNTER_TYPE_ID, "aeron: requests served");
        this.late = file.newCounter(CountersFileDescriptor.TRANSPORT_COUNTER_TYPE_ID, "aeron: late responses");
        this.dropped = file.newCounter(CountersFileDescriptor.TRANSPORT_COUNTER_TYPE_ID, "aeron: messages dropped");
        this.rejected = file.newCounter(CountersFileDescriptor.TRANSPORT_COUNTER_TYPE_ID, "aeron: frames rejected");
        this.errors = file.newCounter(CountersFileDescriptor.TRANSPORT_COUNTER_TYPE_ID, "aeron: errors");
        this.sentOnOffer = file.newCounter(CountersFileDescriptor.TRANSPORT_COUNTER_TYPE_ID,
            "aeron: messages sent on the offering thread");
    }

    /**
     * Allocate the counter of one kind of rejected frame from one source.
     *
     * @param kind source and reason, as the rejection log names them.
     * @return the counter, or null if the file is full.
     */
    AtomicCounter newRejectionCounter(final String kind)
    {
        try
        {
            return file.newCounter(CountersFileDescriptor.REJECTED_FRAMES_TYPE_ID, "aeron: frames rejected: " + kind);
        }
        catch (final IllegalStateException ex)
        {
            return null;
        }
    }
}
