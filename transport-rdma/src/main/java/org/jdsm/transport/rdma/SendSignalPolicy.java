package org.jdsm.transport.rdma;

/**
 * Decides which SENDs of a link are posted {@code IBV_SEND_SIGNALED}. On an RC queue pair send completions are
 * generated in posting order, so the completion of a signalled SEND with sequence {@code s} retires every SEND up
 * to {@code s}: its ring slot and its send-queue entry may be reused. The rule:
 * <ul>
 *     <li>every {@code interval}-th SEND is signalled ({@code (s + 1) % interval == 0});</li>
 *     <li>the SEND that fills the ring ({@code s + 1 - retired >= ringSize}) is signalled, so a sender waiting
 *     for a free slot is always eventually released, even when no further SEND is posted.</li>
 * </ul>
 * One-sided operations are not governed by this policy: they are always signalled.
 * <p>
 * <b>Note:</b> immutable, so threadsafe.
 */
public final class SendSignalPolicy
{
    private final int interval;
    private final int ringSize;

    /**
     * @param interval signal every this many SENDs, in [1, ringSize].
     * @param ringSize slots in the link's send ring.
     */
    public SendSignalPolicy(final int interval, final int ringSize)
    {
        this.interval = interval;
        this.ringSize = ringSize;
    }

    /**
     * @param sequence of the SEND about to be posted, from 0.
     * @param retired  SENDs retired so far: sequence of the last signalled completion + 1.
     * @return true if it must be signalled.
     */
    public boolean shouldSignal(final long sequence, final long retired)
    {
        return (sequence + 1) % interval == 0 || sequence + 1 - retired >= ringSize;
    }
}
