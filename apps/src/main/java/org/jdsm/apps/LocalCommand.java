package org.jdsm.apps;

import org.jdsm.spi.FreeUdpPorts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

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
    /** JVM options every node needs: Agrona and Aeron reach JDK internals. */
    static final List<String> NODE_JVM_OPTIONS = List.of(
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.base/java.nio=ALL-UNNAMED");

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
        Applications.find(application);

        final Path directory = Files.createTempDirectory("jdsm-local-");
        final Path clusterFile = directory.resolve("cluster.json");
        final int[] ports = freeUdpPorts(host, nodes);
        final byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        ClusterFile.write(clusterFile, transport, host, ports, HexFormat.of().formatHex(secret));
        System.out.println("jdsm local: " + nodes + " nodes over " + transport + " on " + host + " ports " +
            java.util.Arrays.toString(ports) + ", cluster file " + clusterFile);

        final long startNs = System.nanoTime();
        final Process[] processes = new Process[nodes];
        final Thread[] pumps = new Thread[nodes];
        try
        {
            for (int i = nodes - 1; i >= 0; i--)
            {
                processes[i] = new ProcessBuilder(nodeCommand(clusterFile, i)).redirectErrorStream(true).start();
                pumps[i] = pump(processes[i], "[node " + i + "] ", System.out);
            }

            final long deadlineNs = startNs + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            final int[] status = new int[nodes];
            final long[] endNs = new long[nodes];
            for (int i = 0; i < nodes; i++)
            {
                final long remainingNs = Math.max(deadlineNs - System.nanoTime(), TimeUnit.SECONDS.toNanos(5));
                if (processes[i].waitFor(remainingNs, TimeUnit.NANOSECONDS))
                {
                    status[i] = processes[i].exitValue();
                }
                else
                {
                    System.out.println("[local] node " + i + " did not finish within " + timeoutSeconds + " s: killed");
                    processes[i].destroyForcibly().waitFor();
                    status[i] = -1;
                }
                endNs[i] = System.nanoTime();
                pumps[i].join(TimeUnit.SECONDS.toMillis(5));
            }

            return summary(status, startNs, endNs, System.out);
        }
        finally
        {
            for (final Process process : processes)
            {
                if (null != process && process.isAlive())
                {
                    process.destroyForcibly();
                }
            }
            Files.deleteIfExists(clusterFile);
            Files.deleteIfExists(directory);
        }
    }

    private List<String> nodeCommand(final Path clusterFile, final int nodeId)
    {
        return nodeCommand(clusterFile, nodeId, jvmOptions, application, arguments);
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
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(NODE_JVM_OPTIONS);
        command.add("-Xmx1g");
        for (final String name : System.getProperties().stringPropertyNames())
        {
            if (name.startsWith("jdsm."))
            {
                command.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        command.addAll(jvmOptions);
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

    private static Thread pump(final Process process, final String prefix, final PrintStream out)
    {
        final Thread thread = new Thread(() ->
        {
            try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = reader.readLine()))
                {
                    synchronized (out)
                    {
                        out.println(prefix + line);
                    }
                }
            }
            catch (final IOException ex)
            {
                synchronized (out)
                {
                    out.println(prefix + "output lost: " + ex);
                }
            }
        }, "jdsm-local-output-" + prefix.trim());
        thread.setDaemon(true);
        thread.start();

        return thread;
    }

    private static int summary(final int[] status, final long startNs, final long[] endNs, final PrintStream out)
    {
        out.println();
        out.println("+------+--------+-----------+");
        out.println("| node | status | wall (s)  |");
        out.println("+------+--------+-----------+");
        int failures = 0;
        for (int i = 0; i < status.length; i++)
        {
            out.printf("| %4d | %6s | %9.2f |%n", i, 0 == status[i] ? "ok" : "exit " + status[i],
                (endNs[i] - startNs) / 1e9);
            failures += 0 == status[i] ? 0 : 1;
        }
        out.println("+------+--------+-----------+");
        out.println(0 == failures ? "jdsm local: all nodes succeeded" : "jdsm local: " + failures + " node(s) failed");

        return 0 == failures ? 0 : 1;
    }

    static int[] freeUdpPorts(final String host, final int count) throws IOException
    {
        return FreeUdpPorts.pick(host, count);
    }
}
