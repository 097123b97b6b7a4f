package org.jdsm.spi;

import org.agrona.BufferUtil;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.ConcurrentCountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static org.jdsm.spi.CountersFileDescriptor.ERROR_LOG_BUFFER_LENGTH;
import static org.jdsm.spi.CountersFileDescriptor.ERROR_LOG_LENGTH_OFFSET;
import static org.jdsm.spi.CountersFileDescriptor.LAYOUT_VERSION;
import static org.jdsm.spi.CountersFileDescriptor.LAYOUT_VERSION_OFFSET;
import static org.jdsm.spi.CountersFileDescriptor.METADATA_BUFFER_LENGTH;
import static org.jdsm.spi.CountersFileDescriptor.METADATA_LENGTH_OFFSET;
import static org.jdsm.spi.CountersFileDescriptor.NODE_ID_OFFSET;
import static org.jdsm.spi.CountersFileDescriptor.NODE_START_TIME_OFFSET;
import static org.jdsm.spi.CountersFileDescriptor.PID_OFFSET;
import static org.jdsm.spi.CountersFileDescriptor.PROCESS_START_TIME_OFFSET;
import static org.jdsm.spi.CountersFileDescriptor.VALUES_BUFFER_LENGTH;
import static org.jdsm.spi.CountersFileDescriptor.VALUES_LENGTH_OFFSET;

/**
 * One node's counters and distinct error log, in a memory-mapped file other processes read while the node runs
 * ({@code ./jdsm stat}, {@code ./jdsm errors}, through {@link CountersFileReader}); laid out as
 * {@link CountersFileDescriptor} says. The engine's counters and its transport's live here together: the engine
 * allocates its own, and the transport gets this file from its {@link TransportContext} and allocates its own with
 * {@link #newCounter(int, String)}. Every error the node's agents report goes through {@link #errorHandler()}: recorded
 * once per distinct error in the {@link DistinctErrorLog} (repeats counted, with first and last time), then passed to
 * the configured {@link DsmConfig#errorHandler()} (by default a {@link DistinctErrorPrinter}).
 * <p>
 * The file is {@code jdsm-<pid>-node-<nodeId>-<n>.counters} in {@link DsmConfig#countersDir()}; creating one first
 * removes the files of processes no longer alive. {@link #close()} removes the file; the mapping itself stays valid
 * (so a thread still counting after close never touches unmapped memory) until the garbage collector releases it.
 * A file made with {@link #inMemory(DsmConfig)} has the same buffers on the heap and no file.
 * <p>
 * <b>Note:</b> threadsafe: counters are allocated under the manager's lock; the error log takes its own.
 * Owned by the node that created it.
 */
public final class CountersFile implements AutoCloseable
{
    /** Names of counters files: pid, node id and a number unique in the process. */
    static final Pattern FILE_NAME = Pattern.compile("jdsm-(\\d+)-node-(\\d+)-(\\d+)\\.counters");

    private static final AtomicInteger FILE_NUMBERS = new AtomicInteger();

    private final int nodeId;
    private final File file;
    private final UnsafeBuffer buffer;
    private final ConcurrentCountersManager countersManager;
    private final DistinctErrorLog errorLog;
    private final ErrorHandler errorHandler;
    private volatile boolean isClosed;

    private CountersFile(
        final int nodeId, final File file, final UnsafeBuffer buffer, final DsmConfig config)
    {
        this.nodeId = nodeId;
        this.file = file;
        this.buffer = buffer;
        buffer.putInt(NODE_ID_OFFSET, nodeId);
        buffer.putLong(PID_OFFSET, ProcessHandle.current().pid());
        buffer.putLong(PROCESS_START_TIME_OFFSET, processStartTimeMs(ProcessHandle.current()));
        buffer.putLong(NODE_START_TIME_OFFSET, System.currentTimeMillis());
        buffer.putInt(METADATA_LENGTH_OFFSET, METADATA_BUFFER_LENGTH);
        buffer.putInt(VALUES_LENGTH_OFFSET, VALUES_BUFFER_LENGTH);
        buffer.putInt(ERROR_LOG_LENGTH_OFFSET, ERROR_LOG_BUFFER_LENGTH);
        this.countersManager = new ConcurrentCountersManager(
            slice(buffer, CountersFileDescriptor.metadataOffset(), METADATA_BUFFER_LENGTH),
            slice(buffer, CountersFileDescriptor.valuesOffset(METADATA_BUFFER_LENGTH), VALUES_BUFFER_LENGTH),
            StandardCharsets.US_ASCII);
        this.errorLog = new DistinctErrorLog(
            slice(buffer, CountersFileDescriptor.errorLogOffset(METADATA_BUFFER_LENGTH, VALUES_BUFFER_LENGTH),
            ERROR_LOG_BUFFER_LENGTH),
            SystemEpochClock.INSTANCE);
        this.errorHandler = (throwable) ->
        {
            errorLog.record(throwable);
            final ErrorHandler configured = null == config ? null : config.errorHandler();
            if (null != configured)
            {
                configured.onError(throwable);
            }
        };
        // partner: the acquire of the version in CountersFileReader; the header and buffers are complete before it
        buffer.putIntRelease(LAYOUT_VERSION_OFFSET, LAYOUT_VERSION);
    }

    /**
     * Create the counters file of a node in {@link DsmConfig#countersDir()}, creating the directory if needed and
     * first removing the files of processes no longer alive.
     *
     * @param config of the node, concluded.
     * @return the file, mapped and with its header written.
     * @throws ConfigurationException naming {@code jdsm.counters.dir} if the file can not be created there.
     */
    public static CountersFile create(final DsmConfig config)
    {
        final File directory = new File(config.countersDir());
        try
        {
            Files.createDirectories(directory.toPath());
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new ConfigurationException(DsmConfig.COUNTERS_DIR_PROP_NAME + "=" + config.countersDir() +
                " can not be created: " + ex);
        }
        CountersFileReader.removeStale(directory);
        final File file = new File(directory, "jdsm-" + ProcessHandle.current().pid() + "-node-" + config.nodeId() +
            "-" + FILE_NUMBERS.getAndIncrement() + ".counters");
        final int length = CountersFileDescriptor.fileLength(
            METADATA_BUFFER_LENGTH, VALUES_BUFFER_LENGTH, ERROR_LOG_BUFFER_LENGTH);
        final MappedByteBuffer mapped;
        try
        {
            mapped = IoUtil.mapNewFile(file, length, false);
        }
        catch (final RuntimeException ex)
        {
            throw new ConfigurationException(DsmConfig.COUNTERS_DIR_PROP_NAME + "=" + config.countersDir() +
                ": can not create " + file + ": " + ex);
        }

        return new CountersFile(config.nodeId(), file, new UnsafeBuffer(mapped), config);
    }

    /**
     * Counters and an error log of the same layout on the heap, in no file: for a transport started without a node
     * (tests, tools). Nothing outside the process can read them.
     *
     * @param config of the node; errors are passed to its error handler once it has one.
     * @return the counters.
     */
    public static CountersFile inMemory(final DsmConfig config)
    {
        return new CountersFile(config.nodeId(), null, new UnsafeBuffer(allocate()), config);
    }

    /**
     * Counters and an error log on the heap, in no file, whose errors are only recorded: for an engine component
     * built without a node (tests).
     *
     * @param nodeId the counters are of.
     * @return the counters.
     */
    public static CountersFile inMemory(final int nodeId)
    {
        return new CountersFile(nodeId, null, new UnsafeBuffer(allocate()), null);
    }

    private static ByteBuffer allocate()
    {
        return BufferUtil.allocateDirectAligned(CountersFileDescriptor.fileLength(
            METADATA_BUFFER_LENGTH, VALUES_BUFFER_LENGTH, ERROR_LOG_BUFFER_LENGTH), 64);
    }

    /**
     * @return the node these counters are of.
     */
    public int nodeId()
    {
        return nodeId;
    }

    /**
     * @return the mapped file, or null if the counters are in memory only.
     */
    public File file()
    {
        return file;
    }

    /**
     * Allocate a counter; its value starts at 0.
     *
     * @param typeId a {@code *_TYPE_ID} of {@link CountersFileDescriptor}.
     * @param label  what it counts, as {@code ./jdsm stat} prints it.
     * @return the counter, threadsafe to update.
     * @throws IllegalStateException if the file holds {@link CountersFileDescriptor#MAX_COUNTERS} already.
     */
    public AtomicCounter newCounter(final int typeId, final String label)
    {
        return countersManager.newCounter(label, typeId);
    }

    /**
     * Allocate a counter with an int key a reader finds it by (e.g. the ordinal of an engine counter).
     *
     * @param typeId a {@code *_TYPE_ID} of {@link CountersFileDescriptor}.
     * @param key    stored in the counter's key.
     * @param label  what it counts, as {@code ./jdsm stat} prints it.
     * @return the counter, threadsafe to update.
     * @throws IllegalStateException if the file holds {@link CountersFileDescriptor#MAX_COUNTERS} already.
     */
    public AtomicCounter newCounter(final int typeId, final int key, final String label)
    {
        return countersManager.newCounter(label, typeId, (keyBuffer) -> keyBuffer.putInt(0, key));
    }

    /**
     * @return a reader of the counters in this file, for snapshots in this process.
     */
    public CountersReader reader()
    {
        return countersManager;
    }

    /**
     * The node's error handler: records each error in the distinct error log, then passes it to the configured
     * error handler. Never throws if the configured one does not.
     *
     * @return the handler, threadsafe.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * @return the buffer of the distinct error log, for {@link org.agrona.concurrent.errors.ErrorLogReader}.
     */
    public AtomicBuffer errorLogBuffer()
    {
        return errorLog.buffer();
    }

    /**
     * @return true once {@link #close()} has been called.
     */
    public boolean isClosed()
    {
        return isClosed;
    }

    /**
     * Remove the file, so readers no longer list the node. Counting and recording errors stay safe afterwards.
     */
    public void close()
    {
        if (isClosed)
        {
            return;
        }
        isClosed = true;
        if (null != file)
        {
            IoUtil.deleteIfExists(file);
        }
    }

    public String toString()
    {
        return "CountersFile{node " + nodeId + ", " + (null == file ? "in memory" : file.getPath()) + '}';
    }

    /**
     * The default {@link DsmConfig#countersDir()}: {@code jdsm-<user>} under {@code /dev/shm} when that is a writable
     * directory (memory, where Aeron keeps its CnC file on Linux), else under {@code java.io.tmpdir}.
     *
     * @return the directory's path.
     */
    public static String defaultDirectory()
    {
        final File sharedMemory = new File("/dev/shm");
        final File parent = sharedMemory.isDirectory() && sharedMemory.canWrite() ?
            sharedMemory : new File(System.getProperty("java.io.tmpdir"));

        return new File(parent, "jdsm-" + System.getProperty("user.name", "user")).getPath();
    }

    static long processStartTimeMs(final ProcessHandle process)
    {
        return process.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
    }

    private static UnsafeBuffer slice(final UnsafeBuffer buffer, final int offset, final int length)
    {
        return new UnsafeBuffer(buffer, offset, length);
    }
}
