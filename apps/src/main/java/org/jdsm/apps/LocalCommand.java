package org.jdsm.apps;

import org.jdsm.ConfigurationException;
import org.jdsm.spi.FreeUdpPorts;
import picocli.CommandLine.Command;
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
 * {@code [node i]} prefix, then a summary table; the exit status is non-zero if any node failed.
 */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = "Run a cluster of N JVMs on loopback and an application across it.")
final class LocalCommand implements Callable<Integer>
{
    @Option(names = "--nodes", defaultValue = "3", description = "Number of nodes (default: ${DEFAULT-VALUE}).")
    private int nodes;

    @Option(names = "--transport", defaultValue = "aeron", description = "Transport (default: ${DEFAULT-VALUE}).")
    private String transport;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Loopback address (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--timeout", defaultValue = "600", description = "Seconds before the run is killed (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Option(names = "--jvm-opt", description = "Extra JVM option for every node, e.g. --jvm-opt=-Xmx2g.")
    private List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--verbose", description = "Show stack traces of errors.")
    private boolean verbose;

    @Parameters(index = "0", description = "Application to run (see 'jdsm apps').")
    private String application;

    @Parameters(index = "1..*", description = "Arguments of the application.")
    private List<String> arguments = new ArrayList<>();

    public Integer call() throws Exception
    {
        if (nodes < 1 || nodes > 64)
        {
            System.err.println("--nodes=" + nodes + " must be in [1, 64] for a local cluster");
            return 2;
        }
        if (timeoutSeconds < 1)
        {
            throw new ConfigurationException("--timeout=" + timeoutSeconds + " must be at least 1 second");
        }
        final Application app = Applications.find(application);
        if (ApplicationArguments.isHelp(arguments))
        {
            System.out.print(ApplicationArguments.help(app));
            return 0;
        }
        ApplicationArguments.check(app, arguments);

        final int[] status = new LoopbackCluster("local", nodes, transport, host, timeoutSeconds, System.out)
            .run((clusterFile, nodeId) -> nodeCommand(clusterFile, nodeId, jvmOptions, application, arguments));
        for (final int nodeStatus : status)
        {
            if (0 != nodeStatus)
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
        final List<String> command = LoopbackCluster.javaCommand(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Launcher.class.getName());
        command.add("node");
        command.add("--config");
        command.add(clusterFile.toString());
        command.add("--node-id");
        command.add(Integer.toString(nodeId));
        command.add(application);
        command.addAll(arguments);

        return command;
    }

    static int[] freeUdpPorts(final String host, final int count) throws IOException
    {
        return FreeUdpPorts.pick(host, count);
    }
}
