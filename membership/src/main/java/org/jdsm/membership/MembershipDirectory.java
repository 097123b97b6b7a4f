package org.jdsm.membership;

import org.agrona.IoUtil;

import java.io.File;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a member's files go by default, and removal of what killed members left there.
 * <p>
 * The media driver's CnC file and the cluster and archive mark files are memory-mapped and their agents write
 * heartbeats into them: on a disk, a write to a page under writeback can stall the agent for seconds on a busy
 * machine (seen here: a driver keepalive missed for 10 s, which ends the member). So the default parent is
 * {@code /dev/shm} when it is a writable directory with {@link #MIN_SHARED_MEMORY_BYTES} free, else
 * {@code java.io.tmpdir}. Directories are named {@code jdsm-membership-<node>-<pid>-<nanos>}.
 * <p>
 * <b>Note:</b> stateless and threadsafe.
 */
final class MembershipDirectory
{
    static final String PREFIX = "jdsm-membership-";
    /** Free space {@code /dev/shm} needs to be used: a member takes about 13 MiB, several may share a host. */
    static final long MIN_SHARED_MEMORY_BYTES = 256L * 1024 * 1024;

    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "\\d+-(\\d+)-\\d+");
    private static final File SHARED_MEMORY = new File("/dev/shm");

    private MembershipDirectory()
    {
    }

    /**
     * @return {@code /dev/shm} if usable, else {@code java.io.tmpdir}.
     */
    static File parent()
    {
        if (SHARED_MEMORY.isDirectory() && SHARED_MEMORY.canWrite() &&
            SHARED_MEMORY.getUsableSpace() >= MIN_SHARED_MEMORY_BYTES)
        {
            return SHARED_MEMORY;
        }
        return new File(System.getProperty("java.io.tmpdir"));
    }

    /**
     * @param nodeId of the member.
     * @return a new directory name under {@link #parent()}, not yet created.
     */
    static File newDirectory(final int nodeId)
    {
        return new File(parent(), PREFIX + nodeId + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    }

    /**
     * Delete member directories in a parent whose process is no longer alive.
     *
     * @param parent to look in.
     * @return number deleted.
     */
    static int removeDead(final File parent)
    {
        final File[] entries = parent.listFiles();
        int removed = 0;
        if (null != entries)
        {
            for (final File entry : entries)
            {
                final Matcher matcher = NAME.matcher(entry.getName());
                if (entry.isDirectory() && matcher.matches() &&
                    !ProcessHandle.of(Long.parseLong(matcher.group(1))).map(ProcessHandle::isAlive).orElse(false))
                {
                    IoUtil.delete(entry, true);
                    removed++;
                }
            }
        }
        return removed;
    }
}
