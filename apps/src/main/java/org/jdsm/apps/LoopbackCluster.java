package org.jdsm.apps;

import org.agrona.SystemUtil;
import org.jdsm.ConfigurationException;
import org.jdsm.DsmConfig;
import org.jdsm.spi.FreeUdpPorts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A cluster of node JVMs forked on loopback, for {@code jdsm local} and {@code jdsm run}: writes a cluster file in a
 * temporary directory, forks one JVM per node (node 0 last), prints each node's output with a {@code [node i]}
 * prefix, waits for all of them, prints the summary table, and removes the directory. No JVM outlives {@link #run}.
 * <p>
 * While it waits it kills, saying so in one line: a node the driver reports the cluster has declared dead (node 0
 * appends it to the {@link #declaredDeadFile} next to the cluster file, see {@link DeadNodeReport}), at once, even
 * if it is stopped ({@code SIGSTOP}) or hung; a serving node still running the peer timeout plus
 * {@link #DRIVER_GRACE_NS} after the driver ended; and every node still running at {@code --timeout}. A killed node's
 * status is {@link #KILLED_STATUS}; a node the application reported it kills itself is left to it, and its end is
 * {@link #KILLED_BY_APPLICATION_STATUS}, not a failure.
 * <p>
 * <b>Note:</b> one run per instance; not threadsafe.
 */
final class LoopbackCluster
{
    /** JVM options every node needs: Agrona and Aeron reach JDK internals. */
    static final List<String> NODE_JVM_OPTIONS = List.of(
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.base/java.nio=ALL-UNNAMED");

    /** Java heap of every node JVM unless a {@code -Xmx} option says otherwise. */
    static final String NODE_JAVA_HEAP = "-Xmx1g";

    /** Exit status shown for a node the launcher killed: declared dead, hung after the driver ended, or too slow. */
    static final int KILLED_STATUS = -1;

    /**
     * Exit status shown for a node the application killed on purpose, as it reported first
     * ({@link DeadNodeReport#reportKilledByApplication}): not a failure.
     */
    static final int KILLED_BY_APPLICATION_STATUS = -2;

    /** Exit status of a JVM ended by SIGKILL. */
    private static final int SIGKILL_EXIT_STATUS = 128 + 9;

    /** How often the launcher looks at the nodes and the dead node report while it waits. */
    static final long POLL_MS = 100;

    /**
     * How long, beyond the peer timeout, a serving node may run on after the driver ended (it stops at once when the
     * driver closed the cluster, or within the peer timeout when the driver died) before the launcher kills it.
     */
    static final long DRIVER_GRACE_NS = TimeUnit.SECONDS.toNanos(10);

    /** Direct memory a node needs beyond its heap slice and cache: transport buffers, staging. */
    static final long DIRECT_MEMORY_HEADROOM = 256L * 1024 * 1024;

    /**
     * Builds the command line of one node.
     */
    @FunctionalInterface
    interface NodeCommandLine
    {
        /**
         * @param clusterFile the cluster.
         * @param nodeId      of the node.
         * @return its command line.
         */
        List<String> of(Path clusterFile, int nodeId);
    }

    private final String name;
    private final int nodes;
    private final String transport;
    private final String host;
    private final int timeoutSeconds;
    private final long driverGraceNs;
    private final PrintStream out;

    LoopbackCluster(
        final String name,
        final int nodes,
        final String transport,
        final String host,
        final int timeoutSeconds,
        final long peerTimeoutNs,
        final PrintStream out)
    {
        this.name = name;
        this.nodes = nodes;
        this.transport = transport;
        this.host = host;
        this.timeoutSeconds = timeoutSeconds;
        this.driverGraceNs = peerTimeoutNs + DRIVER_GRACE_NS;
        this.out = out;
    }

    /**
     * Run the cluster to its end.
     *
     * @param commandLine of each node.
     * @return each node's exit status, {@link #KILLED_STATUS} for a node the launcher killed.
     * @throws IOException          if the cluster file can not be written or a JVM can not be forked.
     * @throws InterruptedException if interrupted while waiting; the nodes are killed.
     */
    int[] run(final NodeCommandLine commandLine) throws IOException, InterruptedException
    {
        // before the temporary directory exists: a host that can not be used leaves nothing behind
        final int[] ports = ports(host, nodes);
        final Path directory = Files.createTempDirectory("jdsm-" + name + "-");
        final Path clusterFile = directory.resolve("cluster.json");
        final Process[] processes = new Process[nodes];
        try
        {
            final byte[] secret = new byte[16];
            new SecureRandom().nextBytes(secret);
            ClusterFile.write(clusterFile, transport, host, ports, HexFormat.of().formatHex(secret));
            out.println("jdsm " + name + ": " + nodes + " nodes over " + transport + " on " + host + " ports " +
                Arrays.toString(ports) + ", cluster file " + clusterFile);

            final long startNs = System.nanoTime();
            final Thread[] pumps = new Thread[nodes];
            for (int i = nodes - 1; i >= 0; i--)
            {
                processes[i] = new ProcessBuilder(commandLine.of(clusterFile, i)).redirectErrorStream(true).start();
                pumps[i] = pump(processes[i], "[node " + i + "] ", out);
            }

            final long deadlineNs = startNs + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            final int[] status = new int[nodes];
            final long[] endNs = new long[nodes];
            final boolean[] ended = new boolean[nodes];
            final boolean[] killedByApplication = new boolean[nodes];
            final Path declaredDead = declaredDeadFile(clusterFile);
            int running = nodes;
            int reportsRead = 0;
            while (running > 0)
            {
                final long nowNs = System.nanoTime();
                // a node the driver reports dead is killed, though it may still run (stopped, hung, cut off)
                final List<String[]> reports = DeadNodeReport.read(declaredDead);
                for (; reportsRead < reports.size(); reportsRead++)
                {
                    final String[] report = reports.get(reportsRead);
                    final int nodeId = parseNodeId(report[0]);
                    if (nodeId > 0 && nodeId < nodes && report[1].startsWith(DeadNodeReport.KILLED_BY_APPLICATION))
                    {
                        killedByApplication[nodeId] = true; // it kills the node itself
                    }
                    else if (nodeId > 0 && nodeId < nodes && !ended[nodeId] && processes[nodeId].isAlive())
                    {
                        running -= kill(processes, nodeId, status, endNs, ended, pumps, "node " + nodeId +
                            " was declared dead by the cluster (" + report[1] + "): killed");
                    }
                }
                // a serving node ends at most a peer timeout after the driver: one that does not is hung
                if (ended[0] && nowNs - endNs[0] > driverGraceNs)
                {
                    for (int i = 1; i < nodes; i++)
                    {
                        if (!ended[i] && processes[i].isAlive())
                        {
                            running -= kill(processes, i, status, endNs, ended, pumps, "node " + i + " still running " +
                                TimeUnit.NANOSECONDS.toSeconds(driverGraceNs) + " s after the driver ended: killed");
                        }
                    }
                }
                for (int i = 0; i < nodes; i++)
                {
                    if (!ended[i] && !processes[i].isAlive())
                    {
                        status[i] = processes[i].exitValue();
                        endNs[i] = System.nanoTime();
                        ended[i] = true;
                        pumps[i].join(TimeUnit.SECONDS.toMillis(5));
                        running--;
                    }
                }
                if (running > 0 && nowNs >= deadlineNs)
                {
                    for (int i = 0; i < nodes; i++)
                    {
                        if (!ended[i])
                        {
                            running -= kill(processes, i, status, endNs, ended, pumps, "node " + i +
                                " did not finish within " + timeoutSeconds + " s: killed");
                        }
                    }
                }
                for (int i = 0; i < nodes; i++)
                {
                    if (!ended[i])
                    {
                        processes[i].waitFor(POLL_MS, TimeUnit.MILLISECONDS); // the first still running
                        break;
                    }
                }
            }
            for (int i = 0; i < nodes; i++)
            {
                if (killedByApplication[i] && (SIGKILL_EXIT_STATUS == status[i] || KILLED_STATUS == status[i]))
                {
                    status[i] = KILLED_BY_APPLICATION_STATUS;
                }
            }
            summary(status, startNs, endNs);

            return status;
        }
        finally
        {
            for (final Process process : processes)
            {
                if (null != process && process.isAlive())
                {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            Files.deleteIfExists(clusterFile);
            Files.deleteIfExists(declaredDeadFile(clusterFile));
            Files.deleteIfExists(directory);
        }
    }

    /**
     * Free UDP ports for the nodes on a host of this machine.
     *
     * @param host  the {@code --host} address.
     * @param count of ports.
     * @return the ports.
     * @throws ConfigurationException naming {@code --host} if it is not an address of this machine or has not
     *                                enough free ports.
     */
    static int[] ports(final String host, final int count)
    {
        final InetAddress address;
        try
        {
            address = InetAddress.getByName(host);
        }
        catch (final UnknownHostException ex)
        {
            throw configurationError("--host=" + host + " is not a known address", ex);
        }
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(address, 0)))
        {
            probe.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw configurationError("--host=" + host + " is not an address of this machine: no UDP socket " +
                "can be bound to it", ex);
        }
        try
        {
            return FreeUdpPorts.pick(host, count);
        }
        catch (final IOException ex)
        {
            throw configurationError("--host=" + host + " has no " + count + " free UDP ports: " +
                ex.getMessage(), ex);
        }
    }

    private static ConfigurationException configurationError(final String message, final Exception cause)
    {
        final ConfigurationException ex = new ConfigurationException(message);
        ex.initCause(cause);
        return ex;
    }

    /**
     * The start of a node's command line: the java binary, the flags every node needs, a Java heap, a direct
     * memory limit that holds the node's heap slice, its {@code jdsm.replicas} backup and spare slots and its cache (each from a
     * {@code -Djdsm.*} option, this JVM's system property, or the default), every {@code jdsm.*} system
     * property of this JVM, then {@code jvmOptions}, which win over all of these.
     *
     * @param jvmOptions extra JVM options.
     * @return the command line so far, before the class path.
     */
    static List<String> javaCommand(final List<String> jvmOptions)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(NODE_JVM_OPTIONS);
        command.add(NODE_JAVA_HEAP);
        final long heapSize = sizeOption(jvmOptions, DsmConfig.HEAP_SIZE_PROP_NAME, DsmConfig.HEAP_SIZE_DEFAULT);
        final long cacheSize = sizeOption(jvmOptions, DsmConfig.CACHE_SIZE_PROP_NAME, DsmConfig.CACHE_SIZE_DEFAULT);
        final long physicalBytes = physicalMemory();
        if (physicalBytes > 0 && heapSize > physicalBytes)
        {
            throw new ConfigurationException(DsmConfig.HEAP_SIZE_PROP_NAME + "=" + heapSize + " is larger than this " +
                "machine's physical memory of " + physicalBytes + " bytes: give each node a smaller heap slice");
        }
        // the heap slice, its backup and spare slots (2 * jdsm.replicas) and the cache are direct memory: without this the JVM
        // caps them at -Xmx
        command.add("-XX:MaxDirectMemorySize=" +
            (DsmConfig.regionSize(heapSize, replicasOption(jvmOptions)) + cacheSize + DIRECT_MEMORY_HEADROOM));
        for (final String name : System.getProperties().stringPropertyNames())
        {
            if (name.startsWith("jdsm."))
            {
                command.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        command.addAll(jvmOptions);

        return command;
    }

    private static long physicalMemory()
    {
        final java.lang.management.OperatingSystemMXBean os =
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean ?
            ((com.sun.management.OperatingSystemMXBean)os).getTotalMemorySize() : 0;
    }

    static int replicasOption(final List<String> jvmOptions)
    {
        final String value = option(jvmOptions, DsmConfig.REPLICAS_PROP_NAME);
        try
        {
            return null == value ? DsmConfig.REPLICAS_DEFAULT : Math.max(0, Integer.parseInt(value.trim()));
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException(DsmConfig.REPLICAS_PROP_NAME + "=" + value + " is not a number of backups");
        }
    }

    private static long sizeOption(final List<String> jvmOptions, final String propertyName, final long defaultValue)
    {
        final String value = option(jvmOptions, propertyName);
        if (null == value)
        {
            return defaultValue;
        }
        final String malformed = propertyName + "=" + value + " is not a size such as 512m or 2g";
        final long size;
        try
        {
            size = SystemUtil.parseSize(propertyName, value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException(malformed);
        }
        if (size < 0)
        {
            throw new ConfigurationException(malformed);
        }

        return size;
    }

    private int kill(
        final Process[] processes,
        final int nodeId,
        final int[] status,
        final long[] endNs,
        final boolean[] ended,
        final Thread[] pumps,
        final String message) throws InterruptedException
    {
        synchronized (out)
        {
            out.println("[" + name + "] " + message);
        }
        processes[nodeId].destroyForcibly().waitFor(); // SIGKILL ends a stopped process too; reaped here
        status[nodeId] = KILLED_STATUS;
        endNs[nodeId] = System.nanoTime();
        ended[nodeId] = true;
        pumps[nodeId].join(TimeUnit.SECONDS.toMillis(5));

        return 1;
    }

    private static int parseNodeId(final String text)
    {
        try
        {
            return Integer.parseInt(text);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    /**
     * The file node 0 reports dead nodes to ({@link DeadNodeReport}), next to the cluster file.
     *
     * @param clusterFile of the cluster.
     * @return the file.
     */
    static Path declaredDeadFile(final Path clusterFile)
    {
        return clusterFile.resolveSibling("declared-dead");
    }

    /**
     * The peer timeout the nodes get: from a {@code -Djdsm.peer.timeout} JVM option, this JVM's system property, or
     * the default.
     *
     * @param jvmOptions extra JVM options of the nodes.
     * @return the peer timeout in nanoseconds.
     * @throws ConfigurationException naming the setting if it is not a duration.
     */
    static long peerTimeoutNs(final List<String> jvmOptions)
    {
        final String value = option(jvmOptions, DsmConfig.PEER_TIMEOUT_PROP_NAME);
        if (null == value)
        {
            return DsmConfig.PEER_TIMEOUT_DEFAULT_NS;
        }
        final String malformed = DsmConfig.PEER_TIMEOUT_PROP_NAME + "=" + value +
            " is not a duration such as 5s or 500ms, above 0 and at most 1 day";
        final long timeoutNs;
        try
        {
            timeoutNs = SystemUtil.parseDuration(DsmConfig.PEER_TIMEOUT_PROP_NAME, value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException(malformed);
        }
        if (timeoutNs <= 0 || timeoutNs > DsmConfig.MAX_TIMEOUT_NS)
        {
            throw new ConfigurationException(malformed);
        }

        return timeoutNs;
    }

    private static String option(final List<String> jvmOptions, final String propertyName)
    {
        String value = System.getProperty(propertyName);
        final String prefix = "-D" + propertyName + "=";
        for (final String option : jvmOptions)
        {
            if (option.startsWith(prefix))
            {
                value = option.substring(prefix.length());
            }
        }
        return value;
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
        }, "jdsm-output-" + prefix.trim());
        thread.setDaemon(true);
        thread.start();

        return thread;
    }

    private void summary(final int[] status, final long startNs, final long[] endNs)
    {
        out.println();
        out.println("+------+--------+-----------+");
        out.println("| node | status | wall (s)  |");
        out.println("+------+--------+-----------+");
        int failures = 0;
        for (int i = 0; i < status.length; i++)
        {
            out.printf("| %4d | %6s | %9.2f |%n", i,
                0 == status[i] ? "ok" : KILLED_STATUS == status[i] ? "killed" :
                KILLED_BY_APPLICATION_STATUS == status[i] ? "killed*" : "exit " + status[i],
                (endNs[i] - startNs) / 1e9);
            failures += 0 == status[i] || KILLED_BY_APPLICATION_STATUS == status[i] ? 0 : 1;
        }
        out.println("+------+--------+-----------+");
        if (Arrays.stream(status).anyMatch((value) -> KILLED_BY_APPLICATION_STATUS == value))
        {
            out.println("* killed by the application, as it asked (not a failure)");
        }
        out.println(0 == failures ? "jdsm " + name + ": all nodes succeeded" :
            "jdsm " + name + ": " + failures + " node(s) failed");
    }
}
