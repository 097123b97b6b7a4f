package org.jdsm.simulator;

/**
 * One unit in flight on a {@link SimulatedNetwork}: a control message, a one-sided request travelling to the
 * target's "NIC", or the completion travelling back to the requester.
 * <p>
 * <b>Note:</b> immutable once built; created under the network's lock, delivered by the network thread.
 */
final class Envelope
{
    static final int MESSAGE = 1;
    static final int REQUEST = 2;
    static final int COMPLETION = 3;

    final int type;
    final int sourceId;
    final int targetId;
    final long sequence;
    final long readyAtStep;
    final byte[] payload;
    final Operation operation;
    final long result;
    final RuntimeException failure;

    Envelope(
        final int type,
        final int sourceId,
        final int targetId,
        final long sequence,
        final long readyAtStep,
        final byte[] payload,
        final Operation operation,
        final long result,
        final RuntimeException failure)
    {
        this.type = type;
        this.sourceId = sourceId;
        this.targetId = targetId;
        this.sequence = sequence;
        this.readyAtStep = readyAtStep;
        this.payload = payload;
        this.operation = operation;
        this.result = result;
        this.failure = failure;
    }

    /**
     * Order of the not-yet-ready queue: earliest ready step first, then submission order.
     *
     * @param a an envelope.
     * @param b another.
     * @return negative, zero or positive as {@code a} is due before, with or after {@code b}.
     */
    static int compareByReadyAt(final Envelope a, final Envelope b)
    {
        final int byStep = Long.compare(a.readyAtStep, b.readyAtStep);
        return 0 != byStep ? byStep : Long.compare(a.sequence, b.sequence);
    }
}
