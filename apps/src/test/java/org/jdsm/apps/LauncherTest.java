package org.jdsm.apps;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LauncherTest
{
    private static String captured(final Runnable action)
    {
        final PrintStream original = System.out;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try
        {
            action.run();
        }
        finally
        {
            System.setOut(original);
        }

        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldListApplications()
    {
        final int[] status = new int[1];
        final String output = captured(() -> status[0] = Launcher.execute("apps"));
        assertEquals(0, status[0]);
        assertTrue(output.startsWith("demo "), output);
    }

    @Test
    void shouldPrintUsageWithHelp()
    {
        final int[] status = new int[1];
        final String output = captured(() -> status[0] = Launcher.execute("local", "--help"));
        assertEquals(0, status[0]);
        assertTrue(output.contains("--nodes=<nodes>"), output);
    }

    @Test
    void shouldFailOnUnknownApplicationAndMissingFile()
    {
        assertNotEquals(0, Launcher.execute("local", "--nodes", "2", "no-such-app"));
        assertNotEquals(0, Launcher.execute("node", "--config", "/no/such/cluster.json", "--node-id", "0"));
        assertNotEquals(0, Launcher.execute("local", "--nodes", "0", "demo"));
    }
}
