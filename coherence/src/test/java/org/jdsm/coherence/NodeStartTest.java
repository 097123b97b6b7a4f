package org.jdsm.coherence;

import org.jdsm.Codecs;
import org.jdsm.ConfigurationException;
import org.jdsm.DBox;
import org.jdsm.Dsm;
import org.jdsm.DsmConfig;
import org.jdsm.DsmException;
import org.jdsm.DsmNode;
import org.jdsm.ObjectSizeException;
import org.jdsm.Ref;
import org.jdsm.simulator.SimulatedNetwork;
import org.jdsm.simulator.SimulatedTransportProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NodeStartTest
{
    @Test
    void shouldStartWithDefaultSettingsAndHoldLargestObject()
    {
        try (SimulatedNetwork network = new SimulatedNetwork(new SimulatedNetwork.Context());
            DsmNode node = Dsm.start(new DsmConfig().transportProvider(new SimulatedTransportProvider(network))))
        {
            final DBox<byte[]> largest = node.alloc(Codecs.BYTES, new byte[DsmConfig.MAX_OBJECT_SIZE_DEFAULT]);
            try (Ref<byte[]> ref = largest.read())
            {
                assertEquals(DsmConfig.MAX_OBJECT_SIZE_DEFAULT, ref.length());
            }
            final ObjectSizeException ex = assertThrows(ObjectSizeException.class,
                () -> node.alloc(Codecs.BYTES, new byte[DsmConfig.MAX_OBJECT_SIZE_DEFAULT + 1]));
            assertEquals("object of 16777217 bytes exceeds maxObjectSize=16777216", ex.getMessage());
        }
    }

    @Test
    void shouldRunReadmeExampleOnDefaultSingleNode() throws Exception
    {
        // the program in README.md, with its defaults: one node over the local transport
        try (DsmNode node = Dsm.start(new DsmConfig()))
        {
            final DBox<Long> total = node.alloc(Codecs.LONG, 0L);
            try (Ref<Long> ref = total.read())
            {
                assertEquals(0L, node.spawnOn(node.nodeCount() - 1, (n) -> ref.getLong()).get());
            }
            try (org.jdsm.Mut<Long> mut = total.write())
            {
                mut.setLong(mut.getLong() + 1);
            }
            final org.jdsm.DMutex<Long> shared = node.mutex(Codecs.LONG, 0L);
            node.spawn((n) ->
            {
                try (org.jdsm.Mut<Long> m = shared.lock())
                {
                    m.setLong(m.getLong() + 1);
                }
                return null;
            }).get();

            try (Ref<Long> ref = total.read(); org.jdsm.Mut<Long> counted = shared.lock())
            {
                assertEquals(1L, ref.getLong());
                assertEquals(1L, counted.getLong());
            }
        }
    }

    @Test
    void shouldNameAvailableTransportsWhenNoneMatches()
    {
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> Dsm.start(new DsmConfig().transport("carrier-pigeon")));
        assertTrue(ex.getMessage().startsWith("transport=carrier-pigeon not found on the class path; available: ["),
            ex.getMessage());
        assertTrue(ex.getMessage().contains("simulated"), ex.getMessage());
    }

    @Test
    void shouldRejectOperationsOnUnknownNodeAndAfterClose()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            final Node node = cluster.node(0);
            assertEquals("nodeId=2 out of range [0, 2)",
                assertThrows(DsmException.class, () -> node.allocOn(2, Codecs.LONG, 1L)).getMessage());
            assertEquals("nodeId=-1 out of range [0, 2)",
                assertThrows(DsmException.class, () -> node.spawnOn(-1, (n) -> 1)).getMessage());
            assertTrue(node.isNodeAvailable(1));
            node.close();
            assertEquals("node 0 is closed",
                assertThrows(DsmException.class, () -> node.alloc(Codecs.LONG, 1L)).getMessage());
        }
    }
}
