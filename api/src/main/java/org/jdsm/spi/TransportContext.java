package org.jdsm.spi;

import org.jdsm.DsmConfig;

/**
 * What a node gives its transport: its configuration, its registered heap and the handler for control messages.
 * <p>
 * <b>Note:</b> immutable.
 */
public final class TransportContext
{
    private final DsmConfig config;
    private final HeapRegion heap;
    private final MessageHandler messageHandler;

    /**
     * @param config         of the node, concluded.
     * @param heap           the node's heap slice, served to peers.
     * @param messageHandler receives the control messages sent to the node.
     */
    public TransportContext(final DsmConfig config, final HeapRegion heap, final MessageHandler messageHandler)
    {
        this.config = config;
        this.heap = heap;
        this.messageHandler = messageHandler;
    }

    /**
     * @return the node's concluded configuration.
     */
    public DsmConfig config()
    {
        return config;
    }

    /**
     * @return the node's heap slice, served to peers.
     */
    public HeapRegion heap()
    {
        return heap;
    }

    /**
     * @return the handler for control messages sent to the node.
     */
    public MessageHandler messageHandler()
    {
        return messageHandler;
    }
}
