package org.jdsm.spi;

import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.ErrorConsumer;
import org.agrona.concurrent.errors.ErrorLogReader;
import org.agrona.concurrent.status.CountersReader;
import org.jdsm.DsmException;
import org.jdsm.NodeCounters;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;

import static org.jdsm.spi.CountersFileDescriptor.ERROR_LOG_LENGTH_OFFSET;
import static org.jdsm.spi.CountersFileDescriptor.HEADER_LENGTH;
import static org.jdsm.spi.CountersFileDescriptor.LAYOUT_VERSION;
import static org.jdsm.spi.CountersFileDescriptor.LAYOUT_VERSION_OFFSET;
import static org.jdsm.spi.CountersFileDescriptor.METADATA_LENGTH_OFFSET;
import static org.jdsm.spi.CountersFileDescriptor.NODE_ID_OFFSET;
import static org.jdsm.spi.CountersFileDescriptor.NODE_START_TIME_OFFSET;
import static org.jdsm.spi.CountersFileDescriptor.PID_OFFSET;
import static org.jdsm.spi.CountersFileDescriptor.PROCESS_START_TIME_OFFSET;
import static org.jdsm.spi.CountersFileDescriptor.VALUES_LENGTH_OFFSET;

/**
 * Reads a node's {@link CountersFile} from any process, while the node runs (as {@code AeronStat} reads a CnC file):
 * its header, its counters and its distinct error log. {@link #openLive(File)} lists the live nodes of a directory
 * and removes the files of dead processes.
 * <p>
 * <b>Note:</b> not threadsafe; one per reading thread. Owns its mapping; {@link #close()} unmaps it.
 */
public final class CountersFileReader implements AutoCloseable
{
    /** Largest difference between two reads of one process's start time (clock rounding). */
    private static final long START_TIME_TOLERANCE_MS = 1000;

    private final File file;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer header;
    private final CountersReader counters;
    private final AtomicBuffer errorLog;
    private boolean isClosed;

    private CountersFileReader(final File file, final MappedByteBuffer mapped)
    {
        this.file = file;
        this.mapped = mapped;
        final UnsafeBuffer buffer = new UnsafeBuffer(mapped);
        if (buffer.capacity() < HEADER_LENGTH)
        {
            throw new DsmException(file + " is not a jdsm counters file: " + buffer.capacity() + " bytes");
        }
        // partner: the release of the version in CountersFile
        final int version = buffer.getIntAcquire(LAYOUT_VERSION_OFFSET);
        if (LAYOUT_VERSION != version)
        {
            throw new DsmException(file + " has layout version " + version + ", this reader reads " + LAYOUT_VERSION +
                (0 == version ? " (the node has not finished writing it)" : ""));
        }
        final int metadataLength = buffer.getInt(METADATA_LENGTH_OFFSET);
        final int valuesLength = buffer.getInt(VALUES_LENGTH_OFFSET);
        final int errorLogLength = buffer.getInt(ERROR_LOG_LENGTH_OFFSET);
        if (metadataLength < 0 || valuesLength < 0 || errorLogLength < 0 ||
            CountersFileDescriptor.fileLength(metadataLength, valuesLength, errorLogLength) > buffer.capacity())
        {
            throw new DsmException(file + " is shorter (" + buffer.capacity() + " bytes) than its header says");
        }
        this.header = new UnsafeBuffer(buffer, 0, HEADER_LENGTH);
        this.counters = new CountersReader(
            new UnsafeBuffer(buffer, CountersFileDescriptor.metadataOffset(), metadataLength),
            new UnsafeBuffer(buffer, CountersFileDescriptor.valuesOffset(metadataLength), valuesLength),
            StandardCharsets.US_ASCII);
        this.errorLog = new UnsafeBuffer(
            buffer, CountersFileDescriptor.errorLogOffset(metadataLength, valuesLength), errorLogLength);
    }

    /**
     * Map a counters file.
     *
     * @param file to map.
     * @return its reader.
     * @throws DsmException if the file can not be mapped, is not a counters file or has another layout version.
     */
    public static CountersFileReader open(final File file)
    {
        final MappedByteBuffer mapped;
        try
        {
            mapped = IoUtil.mapExistingFile(file, "counters file");
        }
        catch (final RuntimeException ex)
        {
            throw new DsmException("can not map " + file + ": " + ex);
        }
        try
        {
            return new CountersFileReader(file, mapped);
        }
        catch (final RuntimeException ex)
        {
            IoUtil.unmap(mapped);
            throw ex;
        }
    }

    /**
     * Open the counters files of every live node in a directory, ordered by node id then pid, after removing the
     * files of processes no longer alive. A file that can not be read (being written, another layout) is skipped.
     *
     * @param directory holding counters files, e.g. {@link org.jdsm.DsmConfig#countersDir()}.
     * @return the readers, each to be closed by the caller; empty if the directory does not exist.
     */
    public static List<CountersFileReader> openLive(final File directory)
    {
        removeStale(directory);
        final File[] entries = directory.listFiles();
        final List<CountersFileReader> readers = new ArrayList<>();
        if (null == entries)
        {
            return readers;
        }
        Arrays.sort(entries);
        for (final File entry : entries)
        {
            if (CountersFile.FILE_NAME.matcher(entry.getName()).matches())
            {
                try
                {
                    final CountersFileReader reader = open(entry);
                    if (reader.isAlive())
                    {
                        readers.add(reader);
                    }
                    else
                    {
                        reader.close();
                    }
                }
                catch (final DsmException ignore)
                {
                    // removed or being created meanwhile: not a live node to show now
                }
            }
        }
        readers.sort(Comparator.comparingInt(CountersFileReader::nodeId).thenComparingLong(CountersFileReader::pid));

        return readers;
    }

    /**
     * Remove the counters files in a directory whose process is no longer alive (by the pid in their name). Other
     * files are left alone.
     *
     * @param directory to look in; nothing happens if it is not a directory.
     * @return how many files were removed.
     */
    public static int removeStale(final File directory)
    {
        final File[] entries = directory.listFiles();
        if (null == entries)
        {
            return 0;
        }
        int removed = 0;
        for (final File entry : entries)
        {
            final Matcher matcher = CountersFile.FILE_NAME.matcher(entry.getName());
            if (matcher.matches() && !isAlive(Long.parseLong(matcher.group(1)), 0))
            {
                removed += entry.delete() ? 1 : 0;
            }
        }

        return removed;
    }

    /**
     * @return the file read.
     */
    public File file()
    {
        return file;
    }

    /**
     * @return id of the node that wrote the file.
     */
    public int nodeId()
    {
        return header.getInt(NODE_ID_OFFSET);
    }

    /**
     * @return pid of the node's process.
     */
    public long pid()
    {
        return header.getLong(PID_OFFSET);
    }

    /**
     * @return when the node started, ms since the epoch.
     */
    public long nodeStartTimeMs()
    {
        return header.getLong(NODE_START_TIME_OFFSET);
    }

    /**
     * @return whether the file still exists and its process is alive (the same process: same start time).
     */
    public boolean isAlive()
    {
        return file.exists() && isAlive(pid(), header.getLong(PROCESS_START_TIME_OFFSET));
    }

    /**
     * @return the node's counters, read live.
     */
    public CountersReader counters()
    {
        return counters;
    }

    /**
     * @return a snapshot of the engine's counters, as the node's own {@code DsmNode.counters()} reports them.
     */
    public NodeCounters engineCounters()
    {
        return NodeCounters.from(counters);
    }

    /**
     * Read the distinct errors recorded so far.
     *
     * @param consumer of each: observation count, first and last time (ms since the epoch), encoded error with its
     *                 stack trace.
     * @return how many distinct errors were read.
     */
    public int readErrors(final ErrorConsumer consumer)
    {
        return ErrorLogReader.read(errorLog, consumer);
    }

    /**
     * Unmap the file.
     */
    public void close()
    {
        if (!isClosed)
        {
            isClosed = true;
            IoUtil.unmap(mapped);
        }
    }

    static boolean isAlive(final long pid, final long processStartTimeMs)
    {
        final Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive())
        {
            return false;
        }
        final long startMs = CountersFile.processStartTimeMs(process.get());

        return 0 == processStartTimeMs || 0 == startMs ||
            Math.abs(startMs - processStartTimeMs) <= START_TIME_TOLERANCE_MS;
    }
}
