package org.jdsm.apps;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code local} for real: two node JVMs on loopback over Aeron UDP, running the demo.
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
}
