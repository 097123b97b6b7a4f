package org.jdsm.spi;

import org.agrona.concurrent.status.AtomicCounter;
import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;
import org.jdsm.DsmException;
import org.jdsm.NodeCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CountersFile} and {@link CountersFileReader}: what a node writes, another mapping reads (header, counters,
 * distinct errors); close removes the file; files of dead processes are removed, of live ones kept.
 */
class CountersFileTest
{
    @TempDir
    Path dir;

    private DsmConfig config(final int nodeId, final List<Throwable> errors)
    {
        return new DsmConfig().nodeId(nodeId).nodeCount(4).transport("aeron").countersDir(dir.toString())
            .errorHandler(errors::add).conclude();
    }

    @Test
    void shouldReadHeaderCountersAndErrorsThroughAnotherMapping()
    {
        final List<Throwable> errors = new ArrayList<>();
        final long beforeMs = System.currentTimeMillis();
        try (CountersFile file = CountersFile.create(config(3, errors)))
        {
            final AtomicCounter allocations = file.newCounter(CountersFileDescriptor.ENGINE_COUNTER_TYPE_ID,
                NodeCounters.Counter.ALLOCATIONS.ordinal(), "engine: allocations");
            final AtomicCounter served = file.newCounter(CountersFileDescriptor.TRANSPORT_COUNTER_TYPE_ID, "served");
            allocations.getAndAdd(42);
            served.increment();
            for (int i = 0; i < 3; i++)
            {
                file.errorHandler().onError(new IllegalStateException("repeated"));
            }

            assertEquals(3, errors.size(), "every error reaches the configured handler");
            assertTrue(file.file().getName().matches("jdsm-" + ProcessHandle.current().pid() + "-node-3-\\d+\\.counters"),
                file.file().getName());
            try (CountersFileReader reader = CountersFileReader.open(file.file()))
            {
                assertEquals(3, reader.nodeId());
                assertEquals(ProcessHandle.current().pid(), reader.pid());
                assertTrue(reader.nodeStartTimeMs() >= beforeMs);
                assertTrue(reader.isAlive());
                assertEquals(42, reader.engineCounters().get(NodeCounters.Counter.ALLOCATIONS));
                assertEquals(0, reader.engineCounters().get(NodeCounters.Counter.FREES));
                allocations.increment();
                assertEquals(43, reader.engineCounters().get(NodeCounters.Counter.ALLOCATIONS), "read live");

                final List<String> seen = new ArrayList<>();
                assertEquals(1, reader.readErrors((count, first, last, text) ->
                    seen.add(count + " " + text.lines().findFirst().orElse(""))));
                assertEquals(List.of("3 java.lang.IllegalStateException: repeated"), seen);
            }
            final List<CountersFileReader> live = CountersFileReader.openLive(dir.toFile());
            assertEquals(1, live.size());
            live.forEach(CountersFileReader::close);
        }

        assertEquals(0, dir.toFile().listFiles().length, "removed at close");
        assertTrue(CountersFileReader.openLive(dir.toFile()).isEmpty());
    }

    @Test
    void shouldRemoveFilesOfDeadProcessesOnlyWhenANodeStarts() throws IOException
    {
        final long deadPid = deadPid();
        final File dead = Files.createFile(dir.resolve("jdsm-" + deadPid + "-node-0-0.counters")).toFile();
        final File live = Files.createFile(dir.resolve("jdsm-" + ProcessHandle.current().pid() + "-node-1-999.counters"))
            .toFile();
        final File other = Files.createFile(dir.resolve("jdsm-" + deadPid + "-notes.txt")).toFile();

        try (CountersFile file = CountersFile.create(config(0, new ArrayList<>())))
        {
            assertFalse(dead.exists());
            assertTrue(live.exists());
            assertTrue(other.exists());
            assertTrue(file.file().exists());
            final List<CountersFileReader> readers = CountersFileReader.openLive(dir.toFile());
            assertEquals(1, readers.size(), "the empty file of a live pid is not readable, so not listed");
            readers.forEach(CountersFileReader::close);
        }
    }

    @Test
    void shouldRefuseFileThatIsNotACountersFile() throws IOException
    {
        final File file = Files.write(dir.resolve("jdsm-1-node-0-0.counters"), new byte[1024]).toFile();
        final DsmException ex = assertThrows(DsmException.class, () -> CountersFileReader.open(file));
        assertEquals(file + " has layout version 0, this reader reads 1 (the node has not finished writing it)",
            ex.getMessage());
    }

    @Test
    void shouldNameDirectoryThatCanNotBeCreated() throws IOException
    {
        final File notADirectory = Files.createFile(dir.resolve("plain-file")).toFile();
        final DsmConfig config = new DsmConfig().countersDir(new File(notADirectory, "sub").getPath()).conclude();
        final ConfigurationException ex = assertThrows(ConfigurationException.class, () -> CountersFile.create(config));
        assertTrue(ex.getMessage().startsWith("jdsm.counters.dir=" + new File(notADirectory, "sub") +
            " can not be created: "), ex.getMessage());
    }

    private static long deadPid()
    {
        long pid = 4_000_000;
        while (ProcessHandle.of(pid).isPresent())
        {
            pid++;
        }
        return pid;
    }
}
