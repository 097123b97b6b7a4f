package org.jdsm.apps.kv;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of this JVM's threads, summed by the role a thread's name gives it: the KV client threads, the Aeron
 * duty cycle ({@code jdsm-aeron}, which also runs the embedded media driver's agents), the node's workers, other
 * jdsm threads, other Java threads, and the rest of the process (GC and JIT threads, which are not Java threads:
 * the process's CPU time less that of its Java threads).
 * <p>
 * Take a {@link #snapshot()} at the start and at the end of a measured window while the threads that ran in it are
 * still alive; {@link #delta} gives CPU nanoseconds per role over the window. A thread that ended inside the window
 * counts under {@link #JVM} (its time is still in the process's).
 * <p>
 * <b>Note:</b> stateless; thread-safe.
 */
public final class ThreadCpuByRole
{
    /** Client threads of the KV driver ({@link #CLIENT_THREAD_PREFIX}). */
    public static final int CLIENT = 0;
    /** The Aeron duty-cycle thread (the embedded driver's agents run on it, or on a caller driving it). */
    public static final int DUTY_CYCLE = 1;
    /** The node's workers (spawned tasks, messages). */
    public static final int WORKERS = 2;
    /** Other jdsm threads (e.g. schedulers). */
    public static final int OTHER_JDSM = 3;
    /** Other Java threads. */
    public static final int OTHER_JAVA = 4;
    /** The process less its Java threads: GC, JIT, VM threads. */
    public static final int JVM = 5;
    /** Names of the roles, by index. */
    public static final String[] ROLE_NAMES = { "client", "duty-cycle", "workers", "other-jdsm", "other-java", "jvm" };

    /** Client threads are named with this prefix. */
    public static final String CLIENT_THREAD_PREFIX = "kv-client-";

    private ThreadCpuByRole()
    {
    }

    /**
     * @return CPU nanoseconds by thread id (as strings prefixed by role index) plus the process total under key
     * {@code "process"}; empty if the JVM cannot measure thread CPU time.
     */
    public static Map<String, Long> snapshot()
    {
        final Map<String, Long> cpuNs = new HashMap<>();
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (!threads.isThreadCpuTimeSupported() || !(os instanceof com.sun.management.OperatingSystemMXBean))
        {
            return cpuNs;
        }
        if (!threads.isThreadCpuTimeEnabled())
        {
            threads.setThreadCpuTimeEnabled(true);
        }
        for (final ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds()))
        {
            if (null != info)
            {
                final long ns = threads.getThreadCpuTime(info.getThreadId());
                if (ns >= 0)
                {
                    cpuNs.put(roleOf(info.getThreadName()) + ":" + info.getThreadId(), ns);
                }
            }
        }
        cpuNs.put("process", ((com.sun.management.OperatingSystemMXBean)os).getProcessCpuTime());

        return cpuNs;
    }

    /**
     * @param start snapshot at the start of the window.
     * @param end   snapshot at its end.
     * @return CPU nanoseconds per role over the window, indexed as {@link #ROLE_NAMES}; zeros if not measurable.
     */
    public static long[] delta(final Map<String, Long> start, final Map<String, Long> end)
    {
        final long[] byRole = new long[ROLE_NAMES.length];
        if (!start.containsKey("process") || !end.containsKey("process"))
        {
            return byRole;
        }
        long javaThreads = 0;
        for (final Map.Entry<String, Long> entry : end.entrySet())
        {
            if (!"process".equals(entry.getKey()))
            {
                final long ns = entry.getValue() - start.getOrDefault(entry.getKey(), 0L);
                final int role = entry.getKey().charAt(0) - '0';
                byRole[role] += ns;
                javaThreads += ns;
            }
        }
        byRole[JVM] = Math.max(0, end.get("process") - start.get("process") - javaThreads);

        return byRole;
    }

    static int roleOf(final String threadName)
    {
        if (threadName.startsWith(CLIENT_THREAD_PREFIX))
        {
            return CLIENT;
        }
        if (threadName.startsWith("jdsm-aeron"))
        {
            return DUTY_CYCLE;
        }
        if (threadName.startsWith("jdsm-") && threadName.contains("-worker-"))
        {
            return WORKERS;
        }
        if (threadName.startsWith("jdsm-"))
        {
            return OTHER_JDSM;
        }

        return OTHER_JAVA;
    }
}
