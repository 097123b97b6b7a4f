package org.jdsm.spi;

import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FreeUdpPortsTest
{
    @Test
    void shouldPickDistinctBindablePortsBelowTheEphemeralRange() throws Exception
    {
        final int[] range = FreeUdpPorts.ephemeralRange();
        final int[] ports = FreeUdpPorts.pick("127.0.0.1", 8);

        assertEquals(8, ports.length);
        assertEquals(8, Arrays.stream(ports).distinct().count(), Arrays.toString(ports));
        for (final int port : ports)
        {
            assertTrue(port >= FreeUdpPorts.LOWEST_PORT && port < range[0],
                port + " outside [" + FreeUdpPorts.LOWEST_PORT + ", " + range[0] + ")");
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                port)))
            {
                assertEquals(port, socket.getLocalPort());
            }
        }
    }

    @Test
    void shouldReadARangeThatStartsAboveTheLowestPort()
    {
        final int[] range = FreeUdpPorts.ephemeralRange();

        assertTrue(range[0] > FreeUdpPorts.LOWEST_PORT && range[0] <= range[1] && range[1] <= 65_535,
            Arrays.toString(range));
    }

    @Test
    void shouldRejectNonPositiveCount()
    {
        assertEquals("count=0 must be >= 1",
            assertThrows(IllegalArgumentException.class, () -> FreeUdpPorts.pick("127.0.0.1", 0)).getMessage());
    }
}
