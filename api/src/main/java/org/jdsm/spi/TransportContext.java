package org.jdsm.spi;

import org.agrona.ErrorHandler;
import org.jdsm.DsmConfig;

/**
 * What a node gives its transport: its configuration, its registered heap, the handler for control messages, and its
 * counters file, where the transport allocates its counters and reports its errors ({@link #errorHandler()}).
 * <p>
 * <b>Note:</b> immutable.
 */
public final class TransportContext
{
    private final DsmConfig config;
    private final HeapRegion heap;
    private final MessageHandler messageHandler;
    private final CountersFile counters;

    /**
     * A context whose counters are in memory only ({@link CountersFile#inMemory(DsmConfig)}): a transport started
     * without a node.
     *
     * @param config         of the node, concluded.
     * @param heap           the node's heap slice, served to peers.
     * @param messageHandler receives the control messages sent to the node.
     */
    public TransportContext(final DsmConfig config, final HeapRegion heap, final MessageHandler messageHandler)
    {
        this(config, heap, messageHandler, CountersFile.inMemory(config));
    }

    /**
     * @param config         of the node, concluded.
     * @param heap           the node's heap slice, served to peers.
     * @param messageHandler receives the control messages sent to the node.
     * @param counters       the node's counters file, owned by the node.
     */
    public TransportContext(
        final DsmConfig config, final HeapRegion heap, final MessageHandler messageHandler, final CountersFile counters)
    {
        this.config = config;
        this.heap = heap;
        this.messageHandler = messageHandler;
        this.counters = counters;
    }

    /**
     * @return the node's counters file: the transport allocates its counters there.
     */
    public CountersFile counters()
    {
        return counters;
    }

    /**
     * @return the node's error handler: records each error in the counters file's distinct error log, then passes it
     * to the configuration's error handler.
     */
    public ErrorHandler errorHandler()
    {
        return counters.errorHandler();
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
