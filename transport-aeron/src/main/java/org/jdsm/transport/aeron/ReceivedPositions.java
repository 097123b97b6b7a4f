package org.jdsm.transport.aeron;

/**
 * How far this node's media driver has received each peer's stream: the position of the newest frame of the peer's
 * Aeron session that reached the driver (the receiver high-water mark of its image), whether or not the node could
 * poll it yet. A frame lost on the way holds back every later frame of the stream from the subscriber until the
 * driver has it again (Aeron delivers a stream in order), so a peer whose heartbeats are stuck behind such a gap is
 * silent to the {@link Responder} though its frames keep arriving: {@link PeerLifecycle} counts a high-water mark
 * that moved as hearing the peer.
 * <p>
 * <b>Note:</b> called only by the thread that holds the duty cycle; may keep per-peer state in the {@link Peer}.
 */
@FunctionalInterface
interface ReceivedPositions
{
    /** No position known: no image, or no receiver high-water mark (IPC has none). */
    long NONE = -1;

    /** Knows nothing: IPC channels, where nothing is lost on the way. */
    ReceivedPositions UNKNOWN = (peer) -> NONE;

    /**
     * @param peer joined, with the Aeron session it proved the secret on.
     * @return the position up to which the driver has received the peer's stream, or {@link #NONE}.
     */
    long receivedPosition(Peer peer);
}
