package org.jdsm.apps;

import org.jdsm.Dsm;
import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;
import org.jdsm.NodeUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code jdsm node --config cluster.json --node-id N [APP [ARGS...]]}: run one node of a cluster. Node 0 is the
 * driver: it runs the application, then stops the others. The other nodes serve until stopped, or until the
 * driver is found dead.
 */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Run one node of a cluster.")
final class NodeCommand implements Callable<Integer>
{
    @Option(names = "--config", required = true, description = "The cluster file (JSON).")
    private Path config;

    @Option(names = "--node-id", required = true, description = "This node's id in the cluster file.")
    private int nodeId;

    @Parameters(index = "0", arity = "0..1", description = "Application to run on node 0 (see 'jdsm apps').")
    private String application;

    @Parameters(index = "1..*", description = "Arguments of the application.")
    private List<String> arguments = new ArrayList<>();

    public Integer call() throws Exception
    {
        final ClusterFile cluster = ClusterFile.read(config);
        for (final Map.Entry<String, String> property : cluster.properties().entrySet())
        {
            if (null == System.getProperty(property.getKey()))
            {
                System.setProperty(property.getKey(), property.getValue());
            }
        }
        final Application app = null == application ? null : Applications.find(application);
        final DsmConfig dsmConfig = cluster.configFor(nodeId);

        try (DsmNode node = Dsm.start(dsmConfig))
        {
            System.out.println("node " + nodeId + "/" + node.nodeCount() + " joined over " + dsmConfig.transport());
            if (0 != nodeId || null == app)
            {
                final boolean stopped = ServeUntilStopped.await(node);
                System.out.println("node " + nodeId + (stopped ? " stopped by the driver" : " lost the driver"));
                return stopped ? 0 : 3;
            }

            int status;
            try
            {
                status = app.run(node, arguments, System.out);
            }
            catch (final Exception ex)
            {
                System.out.println(app.name() + " failed: " + ex);
                ex.printStackTrace(System.out);
                status = 1;
            }
            stopPeers(node);
            return status;
        }
    }

    private static void stopPeers(final DsmNode node) throws Exception
    {
        final List<CompletableFuture<Boolean>> stops = new ArrayList<>();
        for (int peer = 1; peer < node.nodeCount(); peer++)
        {
            if (node.isNodeAvailable(peer))
            {
                stops.add(node.spawnOn(peer, ServeUntilStopped.stopTask()));
            }
        }
        for (final CompletableFuture<Boolean> stop : stops)
        {
            try
            {
                stop.get(30, TimeUnit.SECONDS);
            }
            catch (final ExecutionException ex)
            {
                // a peer that left right after stopping may be found gone before its answer arrives: it stopped
                if (!(ex.getCause() instanceof NodeUnavailableException))
                {
                    throw ex;
                }
            }
        }
    }
}
