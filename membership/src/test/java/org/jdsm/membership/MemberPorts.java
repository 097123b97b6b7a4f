package org.jdsm.membership;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks base ports for membership members in tests: {@link MembershipContext#PORTS_PER_MEMBER} consecutive UDP ports
 * per member, each free on every host given, below the ephemeral range (like {@code org.jdsm.spi.FreeUdpPorts}).
 */
final class MemberPorts
{
    private MemberPorts()
    {
    }

    /**
     * @param hosts the addresses the members bind, one per member (may repeat); each must be local.
     * @return one base port per member.
     * @throws IOException if not enough free ports were found.
     */
    static int[] pick(final String... hosts) throws IOException
    {
        final int[] bases = new int[hosts.length];
        final List<Integer> taken = new ArrayList<>();
        for (int m = 0; m < hosts.length; m++)
        {
            int found = -1;
            for (int attempt = 0; attempt < 200 && found < 0; attempt++)
            {
                final int base = ThreadLocalRandom.current().nextInt(10_000, 32_000) & ~7;
                if (!taken.contains(base) && allFree(hosts[m], base))
                {
                    found = base;
                }
            }
            if (found < 0)
            {
                throw new IOException("no " + MembershipContext.PORTS_PER_MEMBER + " consecutive free UDP ports on " +
                    hosts[m]);
            }
            taken.add(found);
            bases[m] = found;
        }
        return bases;
    }

    private static boolean allFree(final String host, final int base) throws IOException
    {
        final InetAddress address = InetAddress.getByName(host);
        final DatagramSocket[] held = new DatagramSocket[MembershipContext.PORTS_PER_MEMBER];
        try
        {
            for (int i = 0; i < held.length; i++)
            {
                held[i] = new DatagramSocket(new InetSocketAddress(address, base + i));
            }
            return true;
        }
        catch (final SocketException ex)
        {
            return false;
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
    }

    /**
     * @param hosts one per member.
     * @param bases one per member.
     * @return {@code host:base,...} for {@link MembershipContext#members(String)}.
     */
    static String members(final String[] hosts, final int[] bases)
    {
        final StringBuilder builder = new StringBuilder();
        for (int i = 0; i < hosts.length; i++)
        {
            builder.append(i > 0 ? "," : "").append(hosts[i]).append(':').append(bases[i]);
        }
        return builder.toString();
    }
}
