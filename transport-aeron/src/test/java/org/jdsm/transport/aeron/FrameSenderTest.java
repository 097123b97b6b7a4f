package org.jdsm.transport.aeron;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.jdsm.transport.aeron.AeronFrameDescriptor.HEADER_LENGTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sending side of node 0 ({@link FrameSender}) with its joined peer 1: a read larger than a chunk goes out chunk
 * by chunk from the backlog, a response the publication does not take at once waits in the backlog in order, and a
 * peer's death drops what waits for it.
 */
@Timeout(30)
class FrameSenderTest extends ResponderRigTest
{
    private static final int PEER = 1;
    private static final int SESSION = 4242;

    private ResponderRig rig;

    @BeforeEach
    void before()
    {
        rig = new ResponderRig(media, 0, 2);
        rig.join(PEER, SESSION);
        for (int i = 0; i < ResponderRig.HEAP_CAPACITY; i++)
        {
            rig.heap.buffer().putByte(i, (byte)(i * 31));
        }
    }

    @AfterEach
    void after()
    {
        rig.close();
    }

    private void read(final long correlationId, final int offset, final int length)
    {
        rig.frameFrom(PEER, AeronFrameDescriptor.READ).correlationId(correlationId).heapOffset(offset).length(length);
        rig.deliver(SESSION, HEADER_LENGTH);
    }

    @Test
    void shouldSendAReadLargerThanAChunkChunkByChunkFromTheBacklog()
    {
        final int length = 2 * ResponderRig.CHUNK_LENGTH + 100;
        read(5, 7, length);
        assertEquals(List.of(), rig.sentTo(PEER), "queued, not sent from the poll");

        rig.doWorkAt(ResponderRig.START_NS + 1);
        final List<ResponderRig.Sent> sent = rig.sentTo(PEER);
        assertEquals(3, sent.size(), sent.toString());
        int received = 0;
        for (final ResponderRig.Sent chunk : sent)
        {
            assertEquals(AeronFrameDescriptor.RESPONSE, chunk.type());
            assertEquals(5, chunk.frame.correlationId());
            assertEquals(length, chunk.frame.length());
            assertEquals(received, chunk.frame.chunkOffset());
            for (int i = 0; i < chunk.payloadLength(); i++)
            {
                assertEquals((byte)((7 + received + i) * 31), chunk.buffer.getByte(HEADER_LENGTH + i));
            }
            received += chunk.payloadLength();
        }
        assertEquals(length, received);
    }

    @Test
    void shouldQueueResponsesThePublicationDoesNotTakeAndSendThemInOrder() throws Exception
    {
        final CountDownLatch locked = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final Thread holder = new Thread(() ->
        {
            rig.peers[PEER].lock.lock(); // an application thread offering to the peer: the duty cycle backs off
            try
            {
                locked.countDown();
                release.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            finally
            {
                rig.peers[PEER].lock.unlock();
            }
        });
        holder.start();
        locked.await();
        read(1, 0, 8);
        read(2, 8, 8);
        assertEquals(2, rig.peers[PEER].backlog.size());
        release.countDown();
        holder.join();
        assertEquals(List.of(), rig.sentTo(PEER));

        rig.doWorkAt(ResponderRig.START_NS + 1);
        final List<ResponderRig.Sent> sent = rig.sentTo(PEER);
        assertEquals(2, sent.size(), sent.toString());
        assertEquals(1, sent.get(0).frame.correlationId());
        assertEquals(2, sent.get(1).frame.correlationId());
        assertEquals(rig.heap.buffer().getLong(8), sent.get(1).buffer.getLong(HEADER_LENGTH));
        assertTrue(rig.peers[PEER].backlog.isEmpty());
    }

    @Test
    void shouldDropWhatWaitsForAPeerThatDies()
    {
        read(5, 0, 3 * ResponderRig.CHUNK_LENGTH);
        assertEquals(1, rig.peers[PEER].backlog.size());

        rig.frameFrom(PEER, AeronFrameDescriptor.LEAVE);
        rig.deliver(SESSION, HEADER_LENGTH);
        rig.doWorkAt(ResponderRig.START_NS + 1);

        assertTrue(rig.peers[PEER].backlog.isEmpty());
        assertEquals(List.of(), rig.sentTo(PEER));
    }
}
