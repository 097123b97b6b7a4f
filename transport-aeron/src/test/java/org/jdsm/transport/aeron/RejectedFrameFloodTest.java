package org.jdsm.transport.aeron;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;
import org.jdsm.DsmConfig;
import org.jdsm.simulator.contract.BufferHeapRegion;
import org.jdsm.spi.CountersFile;
import org.jdsm.spi.CountersFileDescriptor;
import org.jdsm.spi.CountersFileReader;
import org.jdsm.spi.TransportContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Log flooding from the network: 10,000 bad frames (garbage and spoofed heartbeats) sent over UDP at a real node
 * with the default error handler write a bounded number of lines, while its counters file, read through a separate
 * mapping as {@code ./jdsm stat} reads it, counts all 10,000, per reason and source host.
 */
@Timeout(60)
class RejectedFrameFloodTest
{
    private static final String SECRET = "the-cluster-secret";
    private static final int HEAP = 1024 * 1024;
    private static final int FRAMES = 10_000;
    private static final int MAX_LINES = 10;

    @TempDir
    Path countersDir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final PrintStream stderr = System.err;

    @AfterEach
    void after()
    {
        System.setErr(stderr);
        final List<AutoCloseable> reversed = new ArrayList<>(closeables);
        java.util.Collections.reverse(reversed);
        CloseHelper.closeAll(reversed);
    }

    @Test
    void shouldCountTenThousandBadFramesAndWriteBoundedLines() throws Exception
    {
        final List<String> members = ForkedNodes.loopbackMembers(2);
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));

        final AeronTransport[] nodes = new AeronTransport[2];
        final CountersFile[] files = new CountersFile[2];
        for (int nodeId = 0; nodeId < 2; nodeId++)
        {
            final DsmConfig config = new DsmConfig().nodeId(nodeId).nodeCount(2).transport("aeron")
                .heapSize(HEAP).cacheSize(HEAP).maxObjectSize(HEAP / 2).clusterSecret(SECRET).members(members)
                .countersDir(countersDir.toString())
                .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(50))
                .conclude();
            files[nodeId] = CountersFile.create(config);
            closeables.add(files[nodeId]);
            nodes[nodeId] = new AeronTransport(new TransportContext(
                config, new BufferHeapRegion(HEAP), (source, buffer, offset, length) -> { }, files[nodeId]));
            closeables.add(nodes[nodeId]);
        }
        final CompletableFuture<Void> start1 = CompletableFuture.runAsync(nodes[1]::start);
        nodes[0].start();
        start1.get(30, TimeUnit.SECONDS);

        final Aeron intruderClient = Aeron.connect(new Aeron.Context().aeronDirectoryName(nodes[0].aeronDirectoryName()));
        closeables.add(intruderClient);
        final ExclusivePublication intruder = intruderClient.addExclusivePublication(
            "aeron:udp?endpoint=" + members.get(0), nodes[0].context().streamId());
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        final AeronFrameFlyweight flyweight = new AeronFrameFlyweight();
        final Random random = new Random(17);
        for (int i = 0; i < FRAMES; i++)
        {
            final int length;
            if (0 == (i & 1))
            {
                length = 1 + random.nextInt(frame.capacity());
                for (int b = 0; b < length; b++)
                {
                    frame.putByte(b, (byte)random.nextInt());
                }
                frame.putByte(0, (byte)0x7F); // never a known version: garbage, not a valid frame by chance
            }
            else
            {
                flyweight.wrap(frame, 0).header(AeronFrameDescriptor.HEARTBEAT, 1, 0); // spoofed: node 1 never proved here
                length = AeronFrameDescriptor.HEADER_LENGTH;
            }
            AeronTransportTest.offer(intruder, frame, length);
            if (0 == i % 2000)
            {
                assertEquals(i / 2000, nodes[1].fetchAdd(0, 0, 1), "node 0 keeps serving during the flood");
            }
        }

        try (CountersFileReader reader = CountersFileReader.open(files[0].file()))
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (rejected(reader.counters()) < FRAMES)
            {
                assertTrue(System.nanoTime() < deadlineNs, "rejected=" + rejected(reader.counters()));
                Thread.sleep(5);
            }
            assertEquals(FRAMES, rejected(reader.counters()));
            assertEquals(FRAMES, nodes[0].rejectedCount());

            final Map<String, Long> byKind = rejectedByKind(reader.counters());
            assertEquals(FRAMES, byKind.values().stream().mapToLong(Long::longValue).sum(), byKind.toString());
            assertEquals(FRAMES / 2, byKind.get("aeron: frames rejected: node 1 from 127.0.0.1: HEARTBEAT from a " +
                "node that has not proved the cluster secret on this session"), byKind.toString());
            assertTrue(byKind.keySet().stream().allMatch((label) -> label.contains(" from 127.0.0.1: ")), byKind.toString());

            final int[] distinct = new int[1];
            final long[] observations = new long[1];
            reader.readErrors((count, first, last, text) ->
            {
                distinct[0]++;
                observations[0] += count;
            });
            assertTrue(distinct[0] >= 2, "distinct errors: " + distinct[0]);
        }
        System.err.flush();
        final String log = captured.toString(StandardCharsets.UTF_8);
        final long lines = log.lines().count();
        assertTrue(lines <= MAX_LINES, lines + " lines written:\n" + log);
        assertTrue(lines >= 2, "the first of each kind is printed:\n" + log);
        assertTrue(log.lines().noneMatch((line) -> line.startsWith("\tat ")), "no stack traces:\n" + log);
        assertEquals(FRAMES / 2000, nodes[1].fetchAdd(0, 0, 1));
    }

    private static long rejected(final CountersReader counters)
    {
        final long[] value = { -1 };
        counters.forEach((id, typeId, key, label) ->
        {
            if (CountersFileDescriptor.TRANSPORT_COUNTER_TYPE_ID == typeId && "aeron: frames rejected".equals(label))
            {
                value[0] = counters.getCounterValue(id);
            }
        });

        return value[0];
    }

    private static Map<String, Long> rejectedByKind(final CountersReader counters)
    {
        final Map<String, Long> byKind = new HashMap<>();
        counters.forEach((id, typeId, key, label) ->
        {
            if (CountersFileDescriptor.REJECTED_FRAMES_TYPE_ID == typeId)
            {
                byKind.put(label, counters.getCounterValue(id));
            }
        });

        return byKind;
    }
}
