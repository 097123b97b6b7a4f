package org.jdsm.spi;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks free UDP ports for the members of a cluster on one host (launchers, tests), below the operating system's
 * ephemeral port range.
 * <p>
 * A port from the ephemeral range that was found free and released can be handed by the kernel to any socket bound
 * to port 0 (an Aeron send endpoint, another process) before the node meant to bind it has started; that node then
 * fails to bind and its peers see it never connect. The kernel never hands out a port below the range by itself,
 * so a port picked there stays free unless someone names it.
 * <p>
 * <b>Note:</b> stateless and threadsafe.
 */
public final class FreeUdpPorts
{
    /** Lowest port picked: clear of the well-known and most registered service ports. */
    public static final int LOWEST_PORT = 10_000;

    /** Ephemeral range assumed where the system does not say (covers Linux's default and the IANA range). */
    static final int[] DEFAULT_EPHEMERAL_RANGE = { 32_768, 65_535 };

    private static final Path LINUX_EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int ATTEMPTS_PER_PORT = 100;

    private FreeUdpPorts()
    {
    }

    /**
     * Pick distinct UDP ports on a host that are free now and lie below the ephemeral range.
     *
     * @param host  address the nodes will bind, e.g. {@code 127.0.0.1}.
     * @param count of ports.
     * @return the ports.
     * @throws IllegalArgumentException if count is not positive.
     * @throws IOException              if the host is unknown or not enough free ports were found.
     */
    public static int[] pick(final String host, final int count) throws IOException
    {
        if (count < 1)
        {
            throw new IllegalArgumentException("count=" + count + " must be >= 1");
        }
        final InetAddress address = InetAddress.getByName(host);
        final int below = ephemeralRange()[0];
        if (below - LOWEST_PORT < count * ATTEMPTS_PER_PORT)
        {
            throw new IOException("no room for " + count + " UDP ports between " + LOWEST_PORT +
                " and the ephemeral range starting at " + below);
        }

        final int[] ports = new int[count];
        final DatagramSocket[] held = new DatagramSocket[count];
        try
        {
            int found = 0;
            for (int attempt = 0; found < count && attempt < count * ATTEMPTS_PER_PORT; attempt++)
            {
                final int port = ThreadLocalRandom.current().nextInt(LOWEST_PORT, below);
                try
                {
                    held[found] = new DatagramSocket(new InetSocketAddress(address, port));
                    ports[found++] = port;
                }
                catch (final SocketException ex)
                {
                    // in use (or picked twice, still held): try another
                }
            }
            if (found < count)
            {
                throw new IOException("found " + found + " of " + count + " free UDP ports on " + host + " in [" +
                    LOWEST_PORT + ", " + below + ")");
            }
        }
        finally
        {
            for (final DatagramSocket socket : held)
            {
                if (null != socket)
                {
                    socket.close();
                }
            }
        }

        return ports;
    }

    /**
     * @return the system's ephemeral port range, {@code [low, high]}, or {@link #DEFAULT_EPHEMERAL_RANGE} where it
     * can not be read.
     */
    static int[] ephemeralRange()
    {
        try
        {
            final String[] bounds = Files.readString(LINUX_EPHEMERAL_RANGE, StandardCharsets.US_ASCII).trim()
                .split("\\s+");
            final int low = Integer.parseInt(bounds[0]);
            final int high = Integer.parseInt(bounds[1]);
            if (low > 0 && low <= high && high <= 65_535)
            {
                return new int[]{ low, high };
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // not Linux, or not readable: assume the default
        }

        return DEFAULT_EPHEMERAL_RANGE.clone();
    }
}
