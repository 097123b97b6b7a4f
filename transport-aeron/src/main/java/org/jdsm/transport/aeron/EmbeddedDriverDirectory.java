package org.jdsm.transport.aeron;

import org.agrona.IoUtil;

import java.io.File;
import java.security.SecureRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the embedded media driver of a process keeps its files: {@code jdsm-aeron-<pid>-<random>} under
 * {@code /dev/shm} when that is a writable directory with at least {@link #MIN_SHARED_MEMORY_BYTES} free (memory, as
 * Aeron's own default on Linux; a container's 64 MB {@code /dev/shm} is too small for a node's log buffers), else
 * under {@code java.io.tmpdir}. The driver removes its directory when it closes; a process killed before that leaves it
 * behind (60–95 MB of log buffers), so a starting process first removes the directories of processes that are no
 * longer alive, in both places.
 * <p>
 * <b>Note:</b> stateless; threadsafe.
 */
final class EmbeddedDriverDirectory
{
    /** Prefix of every embedded driver directory. */
    static final String PREFIX = "jdsm-aeron-";

    /** Free space {@code /dev/shm} needs to be used: room for the log buffers of a few node processes. */
    static final long MIN_SHARED_MEMORY_BYTES = 1L << 30;

    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-[0-9a-f]+");
    private static final File SHARED_MEMORY = new File("/dev/shm");

    private EmbeddedDriverDirectory()
    {
    }

    /**
     * @return the directory new embedded driver directories go in.
     */
    static File parent()
    {
        return SHARED_MEMORY.isDirectory() && SHARED_MEMORY.canWrite() &&
            SHARED_MEMORY.getUsableSpace() >= MIN_SHARED_MEMORY_BYTES ?
            SHARED_MEMORY : new File(System.getProperty("java.io.tmpdir"));
    }

    /**
     * Remove what dead processes left behind, then name a fresh directory for this process's driver.
     *
     * @return the absolute path of the directory, not yet created.
     */
    static String newDirectory()
    {
        removeStale(SHARED_MEMORY);
        removeStale(new File(System.getProperty("java.io.tmpdir")));
        return new File(parent(), PREFIX + ProcessHandle.current().pid() + "-" +
            Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE)).getAbsolutePath();
    }

    /**
     * Remove the embedded driver directories under {@code parent} whose process is no longer alive. A directory of
     * a live process, or a name that is not an embedded driver directory's, is left alone.
     *
     * @param parent to look in; nothing happens if it is not a directory.
     * @return how many directories were removed.
     */
    static int removeStale(final File parent)
    {
        final File[] entries = parent.listFiles();
        if (null == entries)
        {
            return 0;
        }
        int removed = 0;
        for (final File entry : entries)
        {
            final Matcher matcher = NAME.matcher(entry.getName());
            if (entry.isDirectory() && matcher.matches() && !isAlive(matcher.group(1)))
            {
                IoUtil.delete(entry, true);
                removed += entry.exists() ? 0 : 1;
            }
        }
        return removed;
    }

    private static boolean isAlive(final String pid)
    {
        try
        {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        }
        catch (final NumberFormatException ex)
        {
            return true; // a pid too long for a long is not ours to judge: keep it
        }
    }
}
