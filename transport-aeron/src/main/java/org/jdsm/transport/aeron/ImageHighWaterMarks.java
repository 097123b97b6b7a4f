package org.jdsm.transport.aeron;

import io.aeron.AeronCounters;
import io.aeron.Image;
import io.aeron.Subscription;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * The {@link ReceivedPositions} of a node's UDP subscription, read from the media driver's counters: for a peer, the
 * receiver high-water mark counter ({@code rcv-hwm}, {@link AeronCounters#DRIVER_RECEIVER_HWM_TYPE_ID}) of the image
 * of the session the peer proved the secret on. The counter is looked up once per image (a scan of the counters,
 * cold) and then read with one volatile load per timer tick; its key is checked against the image on every read, so
 * a counter freed and reused for another image is never read as this one.
 * <p>
 * <b>Note:</b> not threadsafe; called only by the thread that holds the duty cycle, which owns the lookup fields of
 * the {@link Peer}s.
 */
final class ImageHighWaterMarks implements ReceivedPositions
{
    /** Offset in a stream counter's key of the registration id of its image (Aeron's {@code StreamCounter}). */
    static final int KEY_REGISTRATION_ID_OFFSET = 0;
    /** Offset in a stream counter's key of its session id. */
    static final int KEY_SESSION_ID_OFFSET = 8;

    private final Subscription subscription;
    private final CountersReader counters;
    private long foundImageId;
    private int foundSessionId;
    private int foundCounterId;

    /**
     * @param subscription of the node, whose images carry the peers' streams.
     * @param counters     of the media driver.
     */
    ImageHighWaterMarks(final Subscription subscription, final CountersReader counters)
    {
        this.subscription = subscription;
        this.counters = counters;
    }

    /**
     * {@inheritDoc}
     */
    public long receivedPosition(final Peer peer)
    {
        if (Peer.NO_SESSION == peer.sessionId)
        {
            return NONE;
        }
        final Image image = subscription.imageBySessionId(peer.sessionId);
        if (null == image)
        {
            return NONE;
        }
        final long imageId = image.correlationId();
        if (imageId != peer.hwmImageId)
        {
            peer.hwmImageId = imageId;
            peer.hwmCounterId = find(imageId, peer.sessionId);
        }
        final int counterId = peer.hwmCounterId;
        if (CountersReader.NULL_COUNTER_ID == counterId)
        {
            return NONE; // the driver allocates it before it announces the image: this image has none (IPC)
        }
        if (!isCounterOf(counterId, imageId))
        {
            peer.hwmImageId = Long.MIN_VALUE; // freed, maybe reused for another image: look it up again next time
            return NONE;
        }

        return counters.getCounterValue(counterId);
    }

    private boolean isCounterOf(final int counterId, final long imageId)
    {
        return CountersReader.RECORD_ALLOCATED == counters.getCounterState(counterId) &&
            AeronCounters.DRIVER_RECEIVER_HWM_TYPE_ID == counters.getCounterTypeId(counterId) &&
            imageId == counters.metaDataBuffer().getLong(
                CountersReader.metaDataOffset(counterId) + CountersReader.KEY_OFFSET + KEY_REGISTRATION_ID_OFFSET);
    }

    private int find(final long imageId, final int sessionId)
    {
        foundImageId = imageId;
        foundSessionId = sessionId;
        foundCounterId = CountersReader.NULL_COUNTER_ID;
        counters.forEach(this::onCounter);

        return foundCounterId;
    }

    private void onCounter(
        final int counterId, final int typeId, final DirectBuffer keyBuffer, final String label)
    {
        if (AeronCounters.DRIVER_RECEIVER_HWM_TYPE_ID == typeId &&
            foundImageId == keyBuffer.getLong(KEY_REGISTRATION_ID_OFFSET) &&
            foundSessionId == keyBuffer.getInt(KEY_SESSION_ID_OFFSET))
        {
            foundCounterId = counterId;
        }
    }
}
