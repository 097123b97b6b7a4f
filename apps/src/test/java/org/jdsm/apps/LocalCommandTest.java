package org.jdsm.apps;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code local} for real: two node JVMs on loopback over Aeron UDP, running the demo; and two running kv through one
 * shared media driver over Aeron IPC ({@code --ipc}).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LocalCommandTest
{
    @Test
    void shouldRunDemoAcrossTwoNodeJvmsOverAeron()
    {
        final PrintStream original = System.out;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final int status;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try
        {
            status = Launcher.execute("local", "--nodes", "2", "--timeout", "150", "demo", "--elements", "10000",
                "--increments", "20");
        }
        finally
        {
            System.setOut(original);
        }
        final String output = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(output);

        assertEquals(0, status, output);
        assertTrue(output.contains("[node 0] demo: all results correct"), output);
        assertTrue(output.contains("[node 1] node 1 stopped by the driver"), output);
        assertTrue(output.contains("jdsm local: all nodes succeeded"), output);
    }

    @Test
    void shouldRunKvAcrossTwoNodeJvmsThroughSharedDriverWithIpc() throws IOException
    {
        final PrintStream original = System.out;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final int status;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try
        {
            status = Launcher.execute("local", "--nodes", "2", "--ipc", "--timeout", "150", "kv", "--workload", "b",
                "--records", "200", "--operations", "4000", "--warmup", "400", "--threads", "2");
        }
        finally
        {
            System.setOut(original);
        }
        final String output = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(output);

        assertEquals(0, status, output);
        final Matcher driverLine = Pattern.compile(
            "jdsm local: nodes use aeron:ipc through the shared media driver at (\\S+)").matcher(output);
        assertTrue(driverLine.find(), output);
        assertTrue(output.contains("[node 0] kv: all results correct"), output);
        // the nodes' own embedded drivers, which count UDP bytes sent, were not used: the frames went through IPC
        assertTrue(output.contains("bytes sent per op n/a (Aeron media driver"), output);
        assertTrue(output.contains("jdsm local: all nodes succeeded"), output);
        assertFalse(Files.exists(Path.of(driverLine.group(1)).getParent()), "driver directory left: " + output);
    }

    @Test
    void shouldRejectIpcWithoutAeronInOneLine()
    {
        final LauncherRun run = LauncherRun.launch("local", "--nodes", "2", "--ipc", "--transport", "simulated", "demo");
        assertEquals(2, run.status(), run.err());
        assertTrue(run.err().contains("--ipc needs --transport=aeron, not --transport=simulated"), run.err());
        assertFalse(run.out().contains("jdsm local:"), run.out());
    }
}
