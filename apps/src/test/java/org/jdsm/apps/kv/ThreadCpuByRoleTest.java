package org.jdsm.apps.kv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ThreadCpuByRoleTest
{
    @Test
    void rolesFollowThreadNames()
    {
        assertEquals(ThreadCpuByRole.CLIENT, ThreadCpuByRole.roleOf("kv-client-3"));
        assertEquals(ThreadCpuByRole.DUTY_CYCLE, ThreadCpuByRole.roleOf("jdsm-aeron"));
        assertEquals(ThreadCpuByRole.WORKERS, ThreadCpuByRole.roleOf("jdsm-node-1-worker-0"));
        assertEquals(ThreadCpuByRole.OTHER_JDSM, ThreadCpuByRole.roleOf("jdsm-node-1-completer-0"));
        assertEquals(ThreadCpuByRole.OTHER_JAVA, ThreadCpuByRole.roleOf("main"));
    }

    @Test
    void aBusyClientThreadsCpuIsCountedAsClient() throws Exception
    {
        final Map<String, Long> start = ThreadCpuByRole.snapshot();
        final long[] sink = new long[1];
        final CountDownLatch measured = new CountDownLatch(1);
        final Thread client = new Thread(() ->
        {
            // spin until this thread has had 50 ms of CPU, however loaded the machine, and stay alive (a dead
            // thread's CPU time can not be read) until the test has read it
            final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            final long untilNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            long x = 0;
            while (threads.getCurrentThreadCpuTime() < TimeUnit.MILLISECONDS.toNanos(50) &&
                System.nanoTime() < untilNs)
            {
                for (int i = 0; i < 10_000; i++)
                {
                    x += x * 31 + 7;
                }
            }
            sink[0] = x;
            try
            {
                measured.await(20, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, ThreadCpuByRole.CLIENT_THREAD_PREFIX + "0");
        client.start();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long[] byRole;
        do
        {
            Thread.sleep(5);
            byRole = ThreadCpuByRole.delta(start, ThreadCpuByRole.snapshot());
        }
        while (client.isAlive() && byRole[ThreadCpuByRole.CLIENT] < TimeUnit.MILLISECONDS.toNanos(20) &&
            System.nanoTime() < deadlineNs);

        assertTrue(byRole[ThreadCpuByRole.CLIENT] >= TimeUnit.MILLISECONDS.toNanos(20),
            "client CPU ns " + byRole[ThreadCpuByRole.CLIENT]);
        assertTrue(byRole[ThreadCpuByRole.DUTY_CYCLE] == 0 && byRole[ThreadCpuByRole.WORKERS] == 0,
            "no duty-cycle or worker threads here");
        measured.countDown();
        client.join();
    }
}
