package org.jdsm.netns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A UDP echo for network tests, run inside a namespace:
 * {@code server <bind address> <port> <seconds>} echoes every datagram until the time is up;
 * {@code client <server address> <port> <timeout ms>} sends datagrams and prints {@code echo ok} (exit 0) when one
 * comes back, or {@code no echo} (exit 1).
 */
public final class UdpEcho
{
    private UdpEcho()
    {
    }

    /**
     * @param args see the class description.
     * @throws IOException if the socket fails.
     */
    public static void main(final String[] args) throws IOException
    {
        if ("server".equals(args[0]))
        {
            try (DatagramSocket socket = new DatagramSocket(
                new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]))))
            {
                System.out.println("listening");
                System.out.flush();
                final long endNs = System.nanoTime() + Long.parseLong(args[3]) * 1_000_000_000L;
                final byte[] data = new byte[512];
                while (System.nanoTime() - endNs < 0)
                {
                    final DatagramPacket packet = new DatagramPacket(data, data.length);
                    socket.setSoTimeout(200);
                    try
                    {
                        socket.receive(packet);
                        socket.send(new DatagramPacket(data, packet.getLength(), packet.getSocketAddress()));
                    }
                    catch (final SocketTimeoutException ex)
                    {
                        // check the time, then wait again
                    }
                }
            }
            return;
        }

        final long timeoutMs = Long.parseLong(args[3]);
        final InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(args[1]),
            Integer.parseInt(args[2]));
        try (DatagramSocket socket = new DatagramSocket())
        {
            final byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
            final long endNs = System.nanoTime() + timeoutMs * 1_000_000L;
            socket.setSoTimeout(100);
            while (System.nanoTime() - endNs < 0)
            {
                socket.send(new DatagramPacket(ping, ping.length, server));
                final DatagramPacket reply = new DatagramPacket(new byte[16], 16);
                try
                {
                    socket.receive(reply);
                    System.out.println("echo ok");
                    return;
                }
                catch (final SocketTimeoutException ex)
                {
                    // send again
                }
            }
        }
        catch (final IOException ex)
        {
            System.out.println("send failed: " + ex.getMessage());
        }
        System.out.println("no echo");
        System.exit(1);
    }
}
