package org.jdsm.apps;

import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The options that {@code local} and {@code run} share for a cluster of node JVMs on one host (a picocli mixin),
 * with their checks and the start of every node's command line.
 * <p>
 * <b>Note:</b> not threadsafe; one per command, filled by picocli before the command runs.
 */
final class LoopbackOptions
{
    /** Most nodes a cluster on one host may have. */
    static final int MAX_NODES = 64;

    @Option(names = "--transport", defaultValue = "aeron", description = "Transport (default: ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Loopback address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--timeout", defaultValue = "600",
        description = "Seconds before the run is killed (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--jvm-opt", description = "Extra JVM option for every node, e.g. --jvm-opt=-Djdsm.heap.size=2g.")
    List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--verbose", description = "Show stack traces of errors.")
    boolean verbose;

    @Option(names = "--replicas", paramLabel = "R",
        description = "Backups of every node's heap slice, 0 to 2 (jdsm.replicas; default: none, or the property).")
    Integer replicas;

    /**
     * Check the options for a cluster of {@code nodes}, before anything is forked or printed: the node count, the
     * timeout, and the heap and cache sizes the JVM options give each node.
     *
     * @param nodes the command's {@code --nodes}.
     * @throws ConfigurationException naming the option or setting that is out of range.
     */
    void check(final int nodes)
    {
        LoopbackCluster.javaCommand(jvmOptions);
        LoopbackCluster.peerTimeoutNs(jvmOptions);
        if (nodes < 1 || nodes > MAX_NODES)
        {
            throw new ConfigurationException(
                "--nodes=" + nodes + " must be in [1, " + MAX_NODES + "] for a local cluster");
        }
        if (timeoutSeconds < 1)
        {
            throw new ConfigurationException("--timeout=" + timeoutSeconds + " must be at least 1 second");
        }
        if (null != replicas)
        {
            if (replicas < 0 || replicas > DsmConfig.MAX_REPLICAS || (replicas > 0 && replicas >= nodes))
            {
                throw new ConfigurationException("--replicas=" + replicas + " must be in [0, " +
                    DsmConfig.MAX_REPLICAS + "] and less than --nodes=" + nodes + ": each backup is on another node");
            }
            final String property = "-D" + DsmConfig.REPLICAS_PROP_NAME + "=";
            if (jvmOptions.stream().anyMatch((option) -> option.startsWith(property)))
            {
                throw new ConfigurationException("--replicas=" + replicas + " and --jvm-opt=" + property + "...: " +
                    "give one of them");
            }
            jvmOptions.add(property + replicas); // every node's JVM, after this JVM's own jdsm.* properties
        }
    }

    /**
     * @param name  of the command, for messages and the temporary directory.
     * @param nodes in the cluster.
     * @param out   for the nodes' prefixed output and the summary.
     * @return the cluster these options describe.
     */
    LoopbackCluster cluster(final String name, final int nodes, final PrintStream out)
    {
        return new LoopbackCluster(
            name, nodes, transport, host, timeoutSeconds, LoopbackCluster.peerTimeoutNs(jvmOptions), out);
    }

    /**
     * The start of a node's command line: {@code java} with the JVM options, the class path, and the launcher's
     * {@code node --config FILE --node-id I}, on node 0 with the file it reports dead nodes to
     * ({@link DeadNodeReport}).
     *
     * @param classPath   of the node JVM.
     * @param clusterFile the cluster.
     * @param nodeId      of the node.
     * @return the command line, to be completed with what the node runs.
     */
    List<String> nodeCommand(final String classPath, final Path clusterFile, final int nodeId)
    {
        return nodeCommand(jvmOptions, classPath, clusterFile, nodeId);
    }

    static List<String> nodeCommand(
        final List<String> jvmOptions, final String classPath, final Path clusterFile, final int nodeId)
    {
        final List<String> command = LoopbackCluster.javaCommand(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(Launcher.class.getName());
        command.add("node");
        command.add("--config");
        command.add(clusterFile.toString());
        command.add("--node-id");
        command.add(Integer.toString(nodeId));
        if (0 == nodeId)
        {
            command.add("--declared-dead-file");
            command.add(LoopbackCluster.declaredDeadFile(clusterFile).toString());
        }

        return command;
    }
}
