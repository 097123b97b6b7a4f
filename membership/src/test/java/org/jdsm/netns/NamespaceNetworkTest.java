package org.jdsm.netns;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three namespaces on a bridge: UDP between them, a cut host, and nothing left behind.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NamespaceNetworkTest
{
    private static final int PORT = 7_000;

    private NamespaceNetwork network;

    @BeforeAll
    static void needRootAndIp()
    {
        final String reason = NamespaceNetwork.unavailableReason();
        assumeTrue(null == reason, reason);
    }

    @AfterEach
    void close()
    {
        if (null != network)
        {
            network.close();
        }
    }

    @Test
    void shouldCarryUdpBetweenHostsUntilOneIsCutAndAgainAfterItIsRestored() throws Exception
    {
        network = NamespaceNetwork.create(3);
        startEchoServer(1);
        startEchoServer(2);

        assertEquals("echo ok", echo(0, 1, 5_000));
        assertEquals("echo ok", echo(0, 2, 5_000));

        network.cut(2);
        assertEquals("no echo", echo(0, 2, 1_000));
        assertEquals("echo ok", echo(0, 1, 5_000), "the others still talk");

        network.restore(2);
        assertEquals("echo ok", echo(0, 2, 5_000));
    }

    @Test
    void shouldKeepTwoNetworksApart() throws Exception
    {
        network = NamespaceNetwork.create(2);
        try (NamespaceNetwork other = NamespaceNetwork.create(2))
        {
            assertFalse(network.bridge().equals(other.bridge()));
            final Process server = other.start(0, JavaCommand.of(UdpEcho.class, "32m",
                "server", other.address(0), String.valueOf(PORT), "20"), null);
            assertEquals("listening", new BufferedReader(new InputStreamReader(
                server.getInputStream(), StandardCharsets.UTF_8)).readLine());

            assertEquals("echo ok", runJava(other, 1, UdpEcho.class, "client", other.address(0),
                String.valueOf(PORT), "5000"), "inside its own network the server answers");
            assertEquals("no echo", runJava(network, 0, UdpEcho.class, "client", other.address(0),
                String.valueOf(PORT), "500"), "from another network it can not be reached");
        }
    }

    @Test
    void shouldRemoveEveryNamespaceAndLinkAtClose() throws Exception
    {
        network = NamespaceNetwork.create(3);
        final List<String> namespaces = List.of(network.namespace(0), network.namespace(1), network.namespace(2));
        assertTrue(NamespaceNetwork.namespaceNames().containsAll(namespaces));
        assertTrue(NamespaceNetwork.linkNames().contains(network.bridge()));
        assertTrue(NamespaceNetwork.linkNames().contains(network.hostLink(2)));
        final Process sleeper = network.start(1, List.of("sleep", "60"), null);

        network.close();

        assertTrue(sleeper.waitFor(5, TimeUnit.SECONDS), "process in a namespace ended");
        for (final String name : namespaces)
        {
            assertFalse(NamespaceNetwork.namespaceNames().contains(name), name);
        }
        assertFalse(NamespaceNetwork.linkNames().contains(network.bridge()));
        for (int h = 0; h < 3; h++)
        {
            assertFalse(NamespaceNetwork.linkNames().contains(network.hostLink(h)), network.hostLink(h));
        }
    }

    @Test
    void shouldRemoveLeftoversOfDeadRunsOnlyAtCreate() throws Exception
    {
        final Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        final String deadPid = pad36(finished.pid());
        final String deadNamespace = NamespaceNetwork.NAMESPACE_PREFIX + deadPid + "z-0";
        final String deadBridge = NamespaceNetwork.BRIDGE_PREFIX + deadPid + "z";
        final String liveNamespace = NamespaceNetwork.NAMESPACE_PREFIX + pad36(ProcessHandle.current().pid()) + "z-0";
        NamespaceNetwork.exec(List.of("ip", "netns", "add", deadNamespace));
        NamespaceNetwork.exec(List.of("ip", "link", "add", deadBridge, "type", "bridge"));
        NamespaceNetwork.exec(List.of("ip", "netns", "add", liveNamespace));
        try
        {
            network = NamespaceNetwork.create(1);

            assertFalse(NamespaceNetwork.namespaceNames().contains(deadNamespace));
            assertFalse(NamespaceNetwork.linkNames().contains(deadBridge));
            assertTrue(NamespaceNetwork.namespaceNames().contains(liveNamespace), "a live process's run is kept");
        }
        finally
        {
            NamespaceNetwork.exec(List.of("ip", "netns", "del", liveNamespace));
        }
    }

    @Test
    void shouldRejectHostOutOfRange() throws Exception
    {
        network = NamespaceNetwork.create(1);

        assertEquals("host=1 out of range [0, 1)",
            assertThrows(IllegalArgumentException.class, () -> network.address(1)).getMessage());
    }

    private static String pad36(final long pid)
    {
        final String digits = Long.toString(pid, 36);
        return "0".repeat(5 - digits.length()) + digits;
    }

    private void startEchoServer(final int host) throws IOException
    {
        final Process server = network.start(host, JavaCommand.of(UdpEcho.class, "32m",
            "server", network.address(host), String.valueOf(PORT), "50"), null);
        final BufferedReader reader = new BufferedReader(
            new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("listening", reader.readLine(), "echo server on host " + host);
    }

    private String echo(final int from, final int to, final long timeoutMs) throws Exception
    {
        return runJava(network, from, UdpEcho.class, "client", network.address(to), String.valueOf(PORT),
            String.valueOf(timeoutMs));
    }

    private static String runJava(
        final NamespaceNetwork network, final int host, final Class<?> mainClass, final String... args)
        throws Exception
    {
        final Process process = network.start(host, JavaCommand.of(mainClass, "32m", args), null);
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        process.waitFor(20, TimeUnit.SECONDS);
        final String[] lines = output.split("\n");
        return lines[lines.length - 1];
    }
}
