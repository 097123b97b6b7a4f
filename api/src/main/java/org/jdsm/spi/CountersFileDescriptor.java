package org.jdsm.spi;

import org.agrona.BitUtil;
import org.agrona.concurrent.status.CountersReader;

/**
 * Layout of a node's counters file (as Aeron's CnC file): a header naming the node and its process, then the counters'
 * metadata and values buffers of an Agrona {@link org.agrona.concurrent.status.CountersManager}, then the buffer of an
 * Agrona {@link org.agrona.concurrent.errors.DistinctErrorLog}. Little-endian throughout.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Layout version                         |  0 (written last, with release)
 *  +---------------------------------------------------------------+
 *  |                            Node id                            |  4
 *  +---------------------------------------------------------------+
 *  |                              Pid                              |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |            Process start time, ms since the epoch             | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |              Node start time, ms since the epoch              | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                    Metadata buffer length                     | 32
 *  +---------------------------------------------------------------+
 *  |                     Values buffer length                      | 36
 *  +---------------------------------------------------------------+
 *  |                    Error log buffer length                    | 40
 *  +---------------------------------------------------------------+
 *  |                   Reserved up to HEADER_LENGTH                ...
 *  +---------------------------------------------------------------+
 *  |                 Counters metadata buffer                      ...
 *  +---------------------------------------------------------------+
 *  |                 Counters values buffer                        ...
 *  +---------------------------------------------------------------+
 *  |                 Distinct error log buffer                     ...
 *  +---------------------------------------------------------------+
 * </pre>
 * The process start time lets a reader tell a live node from a dead one whose pid was reused.
 * <p>
 * <b>Note:</b> constants and static helpers only.
 */
public final class CountersFileDescriptor
{
    /** Version of this layout; a reader refuses another. 0 means the writer has not finished the header. */
    public static final int LAYOUT_VERSION = 1;

    /** Offset of the layout version. */
    public static final int LAYOUT_VERSION_OFFSET = 0;
    /** Offset of the node id. */
    public static final int NODE_ID_OFFSET = 4;
    /** Offset of the pid of the node's process. */
    public static final int PID_OFFSET = 8;
    /** Offset of the process start time, ms since the epoch. */
    public static final int PROCESS_START_TIME_OFFSET = 16;
    /** Offset of the node start time, ms since the epoch. */
    public static final int NODE_START_TIME_OFFSET = 24;
    /** Offset of the metadata buffer's length. */
    public static final int METADATA_LENGTH_OFFSET = 32;
    /** Offset of the values buffer's length. */
    public static final int VALUES_LENGTH_OFFSET = 36;
    /** Offset of the error log buffer's length. */
    public static final int ERROR_LOG_LENGTH_OFFSET = 40;
    /** Length of the header: one cache line pair, so the buffers after it start aligned. */
    public static final int HEADER_LENGTH = 2 * BitUtil.CACHE_LINE_LENGTH;

    /** Counters a node's file holds: engine counters, transport counters, and rejected-frame counters per kind. */
    public static final int MAX_COUNTERS = 512;
    /** Length of the metadata buffer for {@link #MAX_COUNTERS}. */
    public static final int METADATA_BUFFER_LENGTH = MAX_COUNTERS * CountersReader.METADATA_LENGTH;
    /** Length of the values buffer for {@link #MAX_COUNTERS}. */
    public static final int VALUES_BUFFER_LENGTH = MAX_COUNTERS * CountersReader.COUNTER_LENGTH;
    /** Length of the distinct error log buffer. */
    public static final int ERROR_LOG_BUFFER_LENGTH = 256 * 1024;

    /** Counter type of the engine's counters, one per {@code NodeCounters.Counter}, keyed by its ordinal. */
    public static final int ENGINE_COUNTER_TYPE_ID = 1;
    /** Counter type of a transport's counters. */
    public static final int TRANSPORT_COUNTER_TYPE_ID = 2;
    /** Counter type of the counters of rejected frames, one per reason and source. */
    public static final int REJECTED_FRAMES_TYPE_ID = 3;

    private CountersFileDescriptor()
    {
    }

    /**
     * @param metadataLength of the metadata buffer.
     * @param valuesLength   of the values buffer.
     * @param errorLogLength of the error log buffer.
     * @return length of a file with these buffers.
     */
    public static int fileLength(final int metadataLength, final int valuesLength, final int errorLogLength)
    {
        return HEADER_LENGTH + metadataLength + valuesLength + errorLogLength;
    }

    /**
     * @return offset of the metadata buffer.
     */
    public static int metadataOffset()
    {
        return HEADER_LENGTH;
    }

    /**
     * @param metadataLength of the metadata buffer.
     * @return offset of the values buffer.
     */
    public static int valuesOffset(final int metadataLength)
    {
        return HEADER_LENGTH + metadataLength;
    }

    /**
     * @param metadataLength of the metadata buffer.
     * @param valuesLength   of the values buffer.
     * @return offset of the error log buffer.
     */
    public static int errorLogOffset(final int metadataLength, final int valuesLength)
    {
        return HEADER_LENGTH + metadataLength + valuesLength;
    }
}
