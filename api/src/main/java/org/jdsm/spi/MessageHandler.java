package org.jdsm.spi;

import org.agrona.DirectBuffer;

/**
 * Receives the two-sided control messages sent to a node.
 * <p>
 * <b>Note:</b> called from the transport's receiving thread; it must not block, and the buffer is only valid
 * during the call.
 */
@FunctionalInterface
public interface MessageHandler
{
    /**
     * A message arrived.
     *
     * @param sourceNodeId node that sent it.
     * @param buffer       holding the message.
     * @param offset       at which it starts.
     * @param length       of the message in bytes.
     */
    void onMessage(int sourceNodeId, DirectBuffer buffer, int offset, int length);
}
