package org.jdsm.apps;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A serving node JVM that stalls (here {@code SIGSTOP}, as a long GC pause would) for 12 s, longer than Aeron's
 * default liveness timeouts (10 s) but shorter than the cluster's {@code jdsm.peer.timeout} of 20 s, while the driver
 * runs the checked {@code demo} across three node JVMs: after {@code SIGCONT} it keeps working, and the cluster
 * finishes with every result correct and every node ok. Before Aeron's timeouts followed the peer timeout, the node
 * died on resume ({@code ConductorServiceTimeoutException}) and its peers dropped its image at 10 s.
 */
@Tag("fault")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LongStallTest
{
    private static final long STALL_MS = 12_000;

    @Test
    void shouldKeepWorkingAfterAStallLongerThanAeronsDefaultLivenessButShorterThanThePeerTimeout() throws Exception
    {
        final List<String> command = new ArrayList<>(LoopbackCluster.javaCommand(List.of()));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Launcher.class.getName(), "local",
            "--nodes", "3", "--timeout", "100",
            "--jvm-opt=-Djdsm.peer.timeout=20s", "--jvm-opt=-Djdsm.operation.timeout=30s", "demo"));
        final Process launcher = new ProcessBuilder(command).redirectErrorStream(true).start();
        final List<String> lines = HungNodeTest.pump(launcher);
        try
        {
            // node 2 starts first and says it joined first, as node 0 starts the demo, which needs every node
            HungNodeTest.awaitLine(lines, "[node 2] node 2/3 joined", 60);
            final ProcessHandle node2 = HungNodeTest.nodeProcess(launcher.toHandle(), 2);
            HungNodeTest.signal("STOP", node2.pid());
            final long stoppedNs = System.nanoTime();
            Thread.sleep(STALL_MS);
            HungNodeTest.signal("CONT", node2.pid());

            assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "launcher still running 60 s after the stall:\n" +
                String.join("\n", lines));
            final long endedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedNs);
            HungNodeTest.awaitOutputEnd(launcher);
            final String out = String.join("\n", lines);
            System.out.println(out);
            System.out.println("node 2 stalled " + STALL_MS + " ms; the launcher ended " + endedMs +
                " ms after the stall began");

            assertTrue(out.contains("[node 0] demo: all results correct"), out);
            assertTrue(out.contains("[node 2] node 2 stopped by the driver"), out);
            assertTrue(out.contains("jdsm local: all nodes succeeded"), out);
            assertFalse(out.contains("Exception"), out);
            assertEquals(0, launcher.exitValue(), out);
        }
        finally
        {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }
}
