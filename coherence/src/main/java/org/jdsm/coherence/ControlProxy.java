package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.ObjectSizeException;
import org.jdsm.spi.Transport;

import static org.jdsm.coherence.ControlMessageDescriptor.BODY_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.HEARTBEAT_TYPE;
import static org.jdsm.coherence.ControlMessageDescriptor.HOLDERS_COUNT_LENGTH;
import static org.jdsm.coherence.ControlMessageDescriptor.HOLDER_LENGTH;
import static org.jdsm.coherence.ControlMessageDescriptor.STAGED_ADDRESS_OFFSET;
import static org.jdsm.coherence.ControlMessageDescriptor.STAGED_BODY_LENGTH;
import static org.jdsm.coherence.ControlMessageDescriptor.STAGED_LENGTH_OFFSET;

/**
 * Encodes the engine's control messages ({@link ControlMessageDescriptor}) through a
 * {@link ControlMessageFlyweight}, little-endian, and sends them: the one place the engine calls
 * {@link Transport#send}, counted as {@link Counters#MESSAGES_SENT} (heartbeats as {@link Counters#HEARTBEATS_SENT}).
 * {@link ControlAdapter} decodes them.
 * <p>
 * Messages are encoded into a buffer of the sending thread, reused for every message up to
 * {@link #REUSED_BUFFER_LENGTH} bytes: a heartbeat, an allocation, a free, a lease request or a small task allocate
 * nothing. A longer message (a task or result body near the transport's {@code maxMessageLength}) is encoded in a
 * buffer of its own, so a thread never keeps more than {@link #REUSED_BUFFER_LENGTH} bytes. Reuse is safe because
 * {@link Transport#send} returns once it has queued, that is copied, the message.
 * <p>
 * <b>Note:</b> threadsafe: application threads, task workers, the completion thread, the node agent and the
 * transport's receiving thread send concurrently, each through its own buffer and flyweight. One per node.
 */
final class ControlProxy
{
    /** Length of each thread's reused buffer: messages up to it allocate nothing. */
    static final int REUSED_BUFFER_LENGTH = 4096;

    private final String transportName;
    private final Transport transport;
    private final Counters counters;
    private final ThreadLocal<Encoder> encoders = ThreadLocal.withInitial(Encoder::new);

    /**
     * @param transportName named in messages about lengths.
     * @param transport     to send through.
     * @param counters      of the node.
     */
    ControlProxy(final String transportName, final Transport transport, final Counters counters)
    {
        this.transportName = transportName;
        this.transport = transport;
        this.counters = counters;
    }

    /**
     * @return the transport's largest control message.
     */
    int maxMessageLength()
    {
        return transport.maxMessageLength();
    }

    /**
     * Send a message without a body.
     *
     * @param target        node.
     * @param type          a {@code *_TYPE} of {@link ControlMessageDescriptor}.
     * @param correlationId of the message.
     * @param value         of the message.
     */
    void send(final int target, final int type, final long correlationId, final long value)
    {
        final Encoder encoder = encoders.get();
        encoder.flyweight.wrap(encoder.buffer, 0).type(type).correlationId(correlationId).value(value);
        sendMessage(target, encoder.buffer, 0, BODY_OFFSET);
    }

    /**
     * Send a message with a body.
     *
     * @param target        node.
     * @param type          a {@code *_TYPE} of {@link ControlMessageDescriptor}.
     * @param correlationId of the message.
     * @param value         of the message.
     * @param body          copied after the header.
     * @throws ObjectSizeException if the message exceeds the transport's {@code maxMessageLength}.
     */
    void send(final int target, final int type, final long correlationId, final long value, final byte[] body)
    {
        final int length = BODY_OFFSET + body.length;
        if (length > transport.maxMessageLength())
        {
            throw new ObjectSizeException("message of " + length + " bytes exceeds the " + transportName +
                " transport's maxMessageLength=" + transport.maxMessageLength());
        }
        final Encoder encoder = encoders.get();
        final UnsafeBuffer buffer = length <= REUSED_BUFFER_LENGTH ? encoder.buffer : new UnsafeBuffer(new byte[length]);
        encoder.flyweight.wrap(buffer, 0).type(type).correlationId(correlationId).value(value);
        buffer.putBytes(BODY_OFFSET, body);
        sendMessage(target, buffer, 0, length);
    }

    /**
     * Send a message whose body is a long, then bytes of a buffer (a mutex lease's value length and value).
     *
     * @param target        node.
     * @param type          a {@code *_TYPE} of {@link ControlMessageDescriptor}.
     * @param correlationId of the message.
     * @param value         of the message.
     * @param bodyPrefix    first 8 bytes of the body.
     * @param src           holding the rest of the body.
     * @param srcOffset     of the rest in {@code src}.
     * @param srcLength     of the rest.
     * @throws ObjectSizeException if the message exceeds the transport's {@code maxMessageLength}.
     */
    void send(
        final int target,
        final int type,
        final long correlationId,
        final long value,
        final long bodyPrefix,
        final DirectBuffer src,
        final int srcOffset,
        final int srcLength)
    {
        final int length = BODY_OFFSET + 8 + srcLength;
        if (length > transport.maxMessageLength())
        {
            throw new ObjectSizeException("message of " + length + " bytes exceeds the " + transportName +
                " transport's maxMessageLength=" + transport.maxMessageLength());
        }
        final Encoder encoder = encoders.get();
        final UnsafeBuffer buffer = length <= REUSED_BUFFER_LENGTH ? encoder.buffer : new UnsafeBuffer(new byte[length]);
        final int bodyOffset = encoder.flyweight.wrap(buffer, 0)
            .type(type).correlationId(correlationId).value(value).bodyOffset();
        buffer.putLong(bodyOffset, bodyPrefix, ControlMessageFlyweight.ORDER);
        buffer.putBytes(bodyOffset + 8, src, srcOffset, srcLength);
        sendMessage(target, buffer, 0, length);
    }

    /**
     * Send a staged task or result: the body names the block of this node's heap that holds it.
     *
     * @param target        node.
     * @param type          {@link ControlMessageDescriptor#SPAWN_STAGED_TYPE} or
     *                      {@link ControlMessageDescriptor#RESULT_STAGED_TYPE}.
     * @param correlationId of the task.
     * @param value         of the message.
     * @param address       global address of the staged block.
     * @param length        of the staged bytes.
     */
    void sendStaged(
        final int target, final int type, final long correlationId, final long value, final long address, final int length)
    {
        final Encoder encoder = encoders.get();
        final int bodyOffset = encoder.flyweight.wrap(encoder.buffer, 0)
            .type(type).correlationId(correlationId).value(value).bodyOffset();
        encoder.buffer.putLong(bodyOffset + STAGED_ADDRESS_OFFSET, address, ControlMessageFlyweight.ORDER);
        encoder.buffer.putInt(bodyOffset + STAGED_LENGTH_OFFSET, length, ControlMessageFlyweight.ORDER);
        sendMessage(target, encoder.buffer, 0, BODY_OFFSET + STAGED_BODY_LENGTH);
    }

    /**
     * Send a heartbeat: this node's load and free heap.
     *
     * @param target    node.
     * @param load      tasks queued or running here.
     * @param freeBytes of this node's heap.
     */
    void sendHeartbeat(final int target, final long load, final long freeBytes)
    {
        final Encoder encoder = encoders.get();
        final int bodyOffset = encoder.flyweight.wrap(encoder.buffer, 0)
            .type(HEARTBEAT_TYPE).correlationId(0).value(load).bodyOffset();
        encoder.buffer.putLong(bodyOffset, freeBytes, ControlMessageFlyweight.ORDER);
        counters.increment(Counters.HEARTBEATS_SENT);
        transport.send(target, encoder.buffer, 0, BODY_OFFSET + 8);
    }

    /**
     * Send a slice's holder list ({@link ControlMessageDescriptor#HANDED_OVER_TYPE}).
     *
     * @param target node.
     * @param type   {@link ControlMessageDescriptor#HANDED_OVER_TYPE}.
     * @param slice  the correlation id.
     * @param epoch  the value.
     * @param nodes  holders' nodes, the serving one first.
     * @param slots  holders' slots, in the same order.
     */
    void sendHolders(
        final int target, final int type, final int slice, final long epoch, final int[] nodes, final int[] slots)
    {
        final Encoder encoder = encoders.get();
        final int bodyOffset = encoder.flyweight.wrap(encoder.buffer, 0)
            .type(type).correlationId(slice).value(epoch).bodyOffset();
        encoder.buffer.putInt(bodyOffset, nodes.length, ControlMessageFlyweight.ORDER);
        for (int j = 0; j < nodes.length; j++)
        {
            final int at = bodyOffset + HOLDERS_COUNT_LENGTH + j * HOLDER_LENGTH;
            encoder.buffer.putInt(at, nodes[j], ControlMessageFlyweight.ORDER);
            encoder.buffer.putInt(at + 4, slots[j], ControlMessageFlyweight.ORDER);
        }
        sendMessage(target, encoder.buffer, 0, BODY_OFFSET + HOLDERS_COUNT_LENGTH + nodes.length * HOLDER_LENGTH);
    }

    private void sendMessage(final int target, final DirectBuffer buffer, final int offset, final int length)
    {
        counters.increment(Counters.MESSAGES_SENT);
        transport.send(target, buffer, offset, length);
    }

    private static final class Encoder
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[REUSED_BUFFER_LENGTH]);
        final ControlMessageFlyweight flyweight = new ControlMessageFlyweight();
    }
}
