package org.jdsm.transport.aeron;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.spi.FreeUdpPorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ImageHighWaterMarks} over a real media driver and a UDP stream on loopback: the position it reads for a
 * peer is how far the driver has received the peer's session, also past what the subscriber has polled.
 */
@Timeout(30)
class ImageHighWaterMarksTest
{
    private static final int STREAM_ID = 0x6a64;

    @TempDir
    Path directory;

    private MediaDriver driver;
    private Aeron aeron;
    private Subscription subscription;
    private ExclusivePublication publication;
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[200]);

    @BeforeEach
    void before() throws Exception
    {
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(directory.resolve("aeron").toString())
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .warnIfDirectoryExists(false));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
        final String endpoint = "127.0.0.1:" + FreeUdpPorts.pick("127.0.0.1", 1)[0];
        subscription = aeron.addSubscription("aeron:udp?endpoint=" + endpoint, STREAM_ID);
        publication = aeron.addExclusivePublication("aeron:udp?endpoint=" + endpoint + "|term-length=64k", STREAM_ID);
        await(() -> publication.isConnected() && subscription.imageCount() > 0);
    }

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(publication, subscription, aeron, driver);
    }

    private static void await(final BooleanSupplier condition)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadlineNs, "condition not met in 20 s");
            Thread.yield();
        }
    }

    private void offer(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            while (publication.offer(message) < 0)
            {
                Thread.yield();
            }
        }
    }

    @Test
    void shouldReadHowFarTheDriverHasReceivedAPeersStreamAlsoPastWhatWasPolled()
    {
        final ImageHighWaterMarks marks = new ImageHighWaterMarks(subscription, aeron.countersReader());
        final Peer peer = new Peer(1, new byte[16]);
        peer.sessionId = publication.sessionId();

        offer(3);
        final long sentAfterThree = publication.position();
        await(() -> marks.receivedPosition(peer) == sentAfterThree);

        final long polledPosition = subscription.imageBySessionId(peer.sessionId).position();
        offer(5); // nothing polls the subscription: the frames stop at the driver, as behind a lost frame
        final long sentAfterEight = publication.position();
        await(() -> marks.receivedPosition(peer) == sentAfterEight);

        assertEquals(polledPosition, subscription.imageBySessionId(peer.sessionId).position(), "nothing polled");
        assertTrue(sentAfterEight > sentAfterThree);
    }

    @Test
    void shouldKnowNothingOfAPeerWithoutASessionOrWithASessionThatHasNoImage()
    {
        final ImageHighWaterMarks marks = new ImageHighWaterMarks(subscription, aeron.countersReader());
        final Peer noSession = new Peer(1, new byte[16]);
        final Peer otherSession = new Peer(2, new byte[16]);
        otherSession.sessionId = publication.sessionId() + 1;

        assertEquals(ReceivedPositions.NONE, marks.receivedPosition(noSession));
        assertEquals(ReceivedPositions.NONE, marks.receivedPosition(otherSession));
    }
}
