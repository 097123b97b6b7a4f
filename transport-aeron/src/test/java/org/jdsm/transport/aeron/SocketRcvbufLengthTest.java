package org.jdsm.transport.aeron;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The receive buffer {@link AeronRuntime} gives the embedded driver's UDP sockets: 2 MiB, capped by what the OS
 * allows, never below Aeron's default, and Aeron's own property when it is set.
 */
class SocketRcvbufLengthTest
{
    private static final String PROPERTY = io.aeron.driver.Configuration.SOCKET_RCVBUF_LENGTH_PROP_NAME;

    @AfterEach
    void after()
    {
        System.clearProperty(PROPERTY);
    }

    @Test
    void shouldAskForTwoMebibytesCappedByTheOsMaximum() throws Exception
    {
        final int osMax;
        try (DatagramChannel probe = DatagramChannel.open())
        {
            probe.setOption(StandardSocketOptions.SO_RCVBUF, Integer.MAX_VALUE);
            osMax = probe.getOption(StandardSocketOptions.SO_RCVBUF);
        }

        assertEquals(Math.max(128 * 1024, Math.min(2 * 1024 * 1024, osMax)), AeronRuntime.socketRcvbufLength());
    }

    @Test
    void shouldTakeAeronsPropertyWhenSet()
    {
        System.setProperty(PROPERTY, "256k");

        assertEquals(256 * 1024, AeronRuntime.socketRcvbufLength());
    }
}
