package org.jdsm.apps;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * This JVM's CPU time, every thread's (GC and JIT included), for an application's "CPU per operation" beside its
 * wall time: other processes on a shared machine move it far less than they move throughput.
 * <p>
 * <b>Note:</b> stateless and threadsafe.
 */
public final class ProcessCpuTime
{
    private ProcessCpuTime()
    {
    }

    /**
     * @return this JVM's CPU time in nanoseconds, or -1 where the platform does not tell.
     */
    public static long nanos()
    {
        final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean ?
            ((com.sun.management.OperatingSystemMXBean)os).getProcessCpuTime() : -1;
    }
}
