package org.jdsm.spi;

import org.jdsm.ConfigurationException;
import org.jdsm.RemoteAccessException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TransportArgumentsTest
{
    @Test
    void shouldAcceptNodeIdsOfTheClusterAndNameOthers()
    {
        TransportArguments.checkNodeId("read", 0, 3);
        TransportArguments.checkNodeId("read", 2, 3);
        assertEquals("read nodeId=3 out of range [0, nodeCount=3)", assertThrows(RemoteAccessException.class,
            () -> TransportArguments.checkNodeId("read", 3, 3)).getMessage());
        assertEquals("send nodeId=-1 out of range [0, nodeCount=2)", assertThrows(RemoteAccessException.class,
            () -> TransportArguments.checkNodeId("send", -1, 2)).getMessage());
    }

    @Test
    void shouldAcceptZeroLengthAndNameNegativeOne()
    {
        TransportArguments.checkLength("write", 64, 0);
        assertEquals("write offset=64 length=-1: length must be >= 0", assertThrows(RemoteAccessException.class,
            () -> TransportArguments.checkLength("write", 64, -1)).getMessage());
    }

    @Test
    void shouldNameUnknownOptionAndTheClosestKnownOne()
    {
        final List<String> known = List.of("jdsm.x.depth", "jdsm.x.size");
        assertEquals("transport option jdsm.x.sise unknown, did you mean jdsm.x.size?; known: jdsm.x.depth, " +
            "jdsm.x.size", TransportOptions.unknown("jdsm.x.sise", known).getMessage());
        final ConfigurationException far = TransportOptions.unknown("jdsm.x.colour", known);
        assertEquals("transport option jdsm.x.colour unknown; known: jdsm.x.depth, jdsm.x.size", far.getMessage());
        assertEquals(true, TransportOptions.isUnder("jdsm.x.", "jdsm.x.size"));
        assertEquals(false, TransportOptions.isUnder("jdsm.x.", "jdsm.y.size"));
    }
}
