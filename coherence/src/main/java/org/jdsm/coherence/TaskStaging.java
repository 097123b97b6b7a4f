package org.jdsm.coherence;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.DsmConfig;
import org.jdsm.ObjectSizeException;

import static org.jdsm.coherence.BlockDescriptor.HEADER_LENGTH;
import static org.jdsm.coherence.ControlMessageDescriptor.BODY_OFFSET;

/**
 * How a task or a result travels: in one control message when it fits the transport's {@code maxMessageLength},
 * else staged in a block of the sender's heap whose address the message carries, read one-sided by the receiver
 * ({@link ControlMessageDescriptor#SPAWN_STAGED_TYPE}, {@link ControlMessageDescriptor#RESULT_STAGED_TYPE}).
 * <p>
 * <b>Note:</b> threadsafe and stateless; one per node, used by its {@link TaskRuntime}.
 */
final class TaskStaging
{
    private final DsmConfig config;
    private final EngineHeap heap;
    private final Placement placement;
    private final ControlProxy proxy;
    private final Counters counters;
    private final ErrorHandler errorHandler;

    TaskStaging(final EngineHeap heap, final Placement placement, final ControlProxy proxy, final ErrorHandler errorHandler)
    {
        this.config = heap.config();
        this.heap = heap;
        this.placement = placement;
        this.proxy = proxy;
        this.counters = heap.liveCounters();
        this.errorHandler = errorHandler;
    }

    /**
     * Send a task or result in one message when it fits the transport's {@code maxMessageLength}, else stage it in a
     * block of this node's heap and send the block's address, for the receiver to read one-sided.
     *
     * @return the staged block's address, or {@link GlobalAddress#NULL} when the body went in the message.
     */
    long sendOrStage(
        final int target,
        final int type,
        final int stagedType,
        final long correlationId,
        final long value,
        final byte[] body,
        final String what)
    {
        if (BODY_OFFSET + body.length <= proxy.maxMessageLength())
        {
            proxy.send(target, type, correlationId, value, body);
            return GlobalAddress.NULL;
        }
        if (body.length > config.maxObjectSize())
        {
            throw new ObjectSizeException(what + " of " + body.length + " serialized bytes exceeds both the " +
                config.transport() + " transport's maxMessageLength=" + proxy.maxMessageLength() +
                " and maxObjectSize=" + config.maxObjectSize() + ", the largest block it can be staged in");
        }

        final long address = placement.withLocalColour(placement.allocateLocal(body.length, "stage a " + what,
            GlobalAddress.NULL));
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        heap.wrapPayload(view, address, body.length);
        view.putBytes(0, body);
        // counted before the message leaves: the receiver may finish with it before this thread runs again
        counters.increment(Counters.MESSAGES_STAGED);
        try
        {
            proxy.sendStaged(target, stagedType, correlationId, value, address, body.length);
        }
        catch (final RuntimeException ex)
        {
            counters.add(Counters.MESSAGES_STAGED, -1);
            freeStaged(address);
            throw ex;
        }

        return address;
    }

    /**
     * Read a staged task or result from the sender's heap.
     */
    byte[] readStaged(final long address, final int length)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[HEADER_LENGTH + length]);
        heap.fetch(address, length, buffer, 0);
        final byte[] body = new byte[length];
        buffer.getBytes(HEADER_LENGTH, body);

        return body;
    }

    void freeStaged(final long address)
    {
        try
        {
            heap.free(address);
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
    }

}
