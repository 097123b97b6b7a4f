package org.jdsm.apps;

import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;
import org.jdsm.spi.TransportProvider;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

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

    @Option(names = "--ipc", description = "Nodes exchange frames through shared memory (aeron:ipc) on one Aeron " +
        "media driver the launcher starts for them, instead of UDP on loopback (aeron transport only).")
    boolean ipc;

    @Option(names = "--replicas", paramLabel = "R",
        description = "Backups of every node's heap slice, 0 to 2 (jdsm.replicas; default: none, or the property).")
    Integer replicas;

    /**
     * Check the options for a cluster of {@code nodes}, before anything is forked or printed: the node count, the
     * transport (on this JVM's class path, which the nodes get), the timeout, and the heap and cache sizes the JVM
     * options give each node.
     *
     * @param nodes the command's {@code --nodes}.
     * @throws ConfigurationException naming the option or setting that is out of range.
     */
    void check(final int nodes)
    {
        LoopbackCluster.javaCommand(jvmOptions);
        LoopbackCluster.peerTimeoutNs(jvmOptions);
        try
        {
            TransportProvider.find(transport); // the nodes' JVMs get this JVM's class path
        }
        catch (final ConfigurationException ex)
        {
            throw new ConfigurationException("--" + ex.getMessage());
        }
        if (ipc && !"aeron".equals(transport))
        {
            throw new ConfigurationException("--ipc needs --transport=aeron, not --transport=" + transport);
        }
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
     * The backups the nodes will keep ({@code jdsm.replicas}): {@code --replicas}, else the last
     * {@code --jvm-opt=-Djdsm.replicas=R}, else this JVM's property, else none. Call after {@link #check(int)}.
     *
     * @return the replicas the nodes' JVMs are given.
     */
    int replicas()
    {
        return LoopbackCluster.replicasOption(jvmOptions);
    }

    /**
     * Run a cluster of {@code nodes} JVMs to its end, with {@code --ipc} on a {@link SharedMediaDriver} started for
     * it and stopped after the nodes have exited.
     *
     * @param name        of the command, for messages and the temporary directory.
     * @param nodes       in the cluster.
     * @param out         for the nodes' prefixed output and the summary.
     * @param commandLine of each node, given the JVM options every node gets: the {@code --jvm-opt}s, and with
     *                    {@code --ipc} the shared driver's.
     * @return each node's exit status, as {@link LoopbackCluster#run} returns it.
     * @throws IOException          if the driver, the cluster file or a JVM can not be started.
     * @throws InterruptedException if interrupted while waiting; the nodes are killed.
     */
    int[] run(
        final String name,
        final int nodes,
        final PrintStream out,
        final Function<List<String>, LoopbackCluster.NodeCommandLine> commandLine)
        throws IOException, InterruptedException
    {
        final long peerTimeoutNs = LoopbackCluster.peerTimeoutNs(jvmOptions);
        final LoopbackCluster cluster =
            new LoopbackCluster(name, nodes, transport, host, timeoutSeconds, peerTimeoutNs, out);
        if (!ipc)
        {
            return cluster.run(commandLine.apply(jvmOptions));
        }
        try (SharedMediaDriver driver = SharedMediaDriver.start(peerTimeoutNs, System.getProperty("java.class.path")))
        {
            final List<String> ipcJvmOptions = new ArrayList<>(jvmOptions);
            ipcJvmOptions.addAll(driver.nodeJvmOptions());
            out.println("jdsm " + name + ": nodes use aeron:ipc through the shared media driver at " +
                driver.aeronDirectory());
            return cluster.run(commandLine.apply(ipcJvmOptions));
        }
    }

    /**
     * The start of a node's command line: {@code java} with the JVM options, the class path, and the launcher's
     * {@code node --config FILE --node-id I}, on node 0 with the file it reports dead nodes to
     * ({@link DeadNodeReport}).
     *
     * @param jvmOptions  of the node JVM.
     * @param classPath   of the node JVM.
     * @param clusterFile the cluster.
     * @param nodeId      of the node.
     * @return the command line, to be completed with what the node runs.
     */
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
