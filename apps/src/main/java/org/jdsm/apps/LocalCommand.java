package org.jdsm.apps;

import org.jdsm.spi.FreeUdpPorts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code jdsm local --nodes N APP [ARGS...]}: fork N node JVMs on loopback, each running {@code node} from a
 * cluster file written for them, and run an application across them. Their output is printed with a
 * {@code [node i]} prefix, then a summary table. Exit status: the driver's when it failed (1 when the application
 * failed, 2 for a configuration error such as a bad {@code -Djdsm.*} option), else 1 if any node failed or was killed,
 * else 0; 2 for a usage or configuration error of the launcher itself.
 */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = "Run a cluster of N JVMs on loopback and an application across it.")
final class LocalCommand implements Callable<Integer>
{
    @Option(names = "--nodes", defaultValue = "3", description = "Number of nodes (default: ${DEFAULT-VALUE}).")
    private int nodes;

    @Mixin
    private LoopbackOptions loopback;

    @Parameters(index = "0", description = "Application to run (see 'jdsm apps').")
    private String application;

    @Parameters(index = "1..*", description = "Arguments of the application.")
    private List<String> arguments = new ArrayList<>();

    public Integer call() throws Exception
    {
        loopback.check(nodes);
        final Application<?> app = Applications.find(application);
        if (ApplicationOptions.isHelp(arguments))
        {
            System.out.print(ApplicationOptions.usage(app));
            return 0;
        }
        ApplicationOptions.parse(app, arguments, nodes, loopback.replicas());

        final int[] status = loopback.run("local", nodes, System.out, (jvmOptions) -> (clusterFile, nodeId) ->
            nodeCommand(clusterFile, nodeId, jvmOptions, application, arguments));
        if (status[0] > 0)
        {
            return status[0]; // the driver's: 2 for a configuration error, e.g. a bad -Djdsm.* option
        }
        for (final int nodeStatus : status)
        {
            if (0 != nodeStatus && LoopbackCluster.KILLED_BY_APPLICATION_STATUS != nodeStatus)
            {
                return 1;
            }
        }

        return 0;
    }

    /**
     * The command that runs one node of a cluster file in a new JVM on this JVM's class path, passing on every
     * {@code jdsm.*} system property of this JVM.
     *
     * @param clusterFile the cluster.
     * @param nodeId      of the node.
     * @param jvmOptions  extra JVM options.
     * @param application to run on node 0; the others serve it.
     * @param arguments   of the application.
     * @return the command line.
     */
    static List<String> nodeCommand(
        final Path clusterFile,
        final int nodeId,
        final List<String> jvmOptions,
        final String application,
        final List<String> arguments)
    {
        final List<String> command =
            LoopbackOptions.nodeCommand(jvmOptions, System.getProperty("java.class.path"), clusterFile, nodeId);
        command.add(application);
        command.addAll(arguments);

        return command;
    }

    static int[] freeUdpPorts(final String host, final int count) throws IOException
    {
        return FreeUdpPorts.pick(host, count);
    }
}
