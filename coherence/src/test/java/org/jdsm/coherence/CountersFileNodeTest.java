package org.jdsm.coherence;

import org.jdsm.Codecs;
import org.jdsm.DBox;
import org.jdsm.DsmConfig;
import org.jdsm.NodeCounters;
import org.jdsm.Ref;
import org.jdsm.spi.CountersFileReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node's engine counters in its counters file: published by its agent without anyone asking, equal to
 * {@code counters()}, errors recorded in the distinct error log, the file gone at close.
 */
@Timeout(30)
class CountersFileNodeTest
{
    @TempDir
    Path dir;

    @Test
    void shouldPublishCountersToFileFromAgentAndAgreeWithSnapshot() throws Exception
    {
        final File file;
        try (Node node = new Node(new DsmConfig().transport("local").heapSize(1 << 20).cacheSize(1 << 20)
            .maxObjectSize(1024).heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(20)).countersDir(dir.toString())))
        {
            final List<CountersFileReader> readers = CountersFileReader.openLive(dir.toFile());
            assertEquals(1, readers.size());
            try (CountersFileReader reader = readers.get(0))
            {
                file = reader.file();
                final DBox<Long> box = node.alloc(Codecs.LONG, 5L);
                try (Ref<Long> ref = box.read())
                {
                    assertEquals(5L, ref.get());
                }

                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (1 != reader.engineCounters().get(NodeCounters.Counter.ALLOCATIONS))
                {
                    assertTrue(System.nanoTime() < deadlineNs, "published by the node's agent");
                    Thread.sleep(5);
                }
                box.close();
                final NodeCounters snapshot = node.counters();
                assertEquals(1, snapshot.get(NodeCounters.Counter.FREES));
                assertEquals(snapshot, reader.engineCounters());
            }
        }
        assertFalse(file.exists());
    }
}
