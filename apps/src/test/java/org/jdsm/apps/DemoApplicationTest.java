package org.jdsm.apps;

import org.jdsm.Dsm;
import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;
import org.jdsm.simulator.SimulatedNetwork;
import org.jdsm.simulator.SimulatedTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's logic on three engine nodes in this JVM over the simulated transport; the launcher's process
 * handling is tested with a real transport where one is on the class path.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoApplicationTest
{
    @Test
    void shouldCheckEveryStepCorrectOnThreeNodes() throws Exception
    {
        try (SimulatedNetwork network = new SimulatedNetwork(new SimulatedNetwork.Context().seed(3).maxDelaySteps(4)))
        {
            final List<CompletableFuture<DsmNode>> starting = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                final DsmConfig config = new DsmConfig().nodeId(i).nodeCount(3).heapSize(64L << 20)
                    .transportOption(SimulatedTransport.NETWORK_OPTION, network);
                starting.add(CompletableFuture.supplyAsync(() -> Dsm.start(config)));
            }
            final DsmNode[] nodes = new DsmNode[3];
            for (int i = 0; i < 3; i++)
            {
                nodes[i] = starting.get(i).get(30, TimeUnit.SECONDS);
            }

            try
            {
                final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                final int status = new DemoApplication().run(nodes[0], List.of("--elements", "100000",
                    "--increments", "50"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
                final String output = bytes.toString(StandardCharsets.UTF_8);

                assertEquals(0, status, output);
                assertTrue(output.contains("demo: all results correct"), output);
                assertTrue(output.contains("4999950000"), output);
                assertTrue(output.contains("150"), output);
            }
            finally
            {
                for (final DsmNode node : nodes)
                {
                    node.close();
                }
            }
        }
    }
}
