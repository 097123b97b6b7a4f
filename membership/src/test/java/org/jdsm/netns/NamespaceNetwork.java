package org.jdsm.netns;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test network of hosts on one machine: one network namespace per host, each with a veth pair whose inner end
 * ({@code eth0}) has the host's own address in {@code 10.201.N.0/24} and whose outer end is a port of one bridge.
 * A test runs commands (e.g. node JVMs) inside a host with {@link #start(int, List, File)}, cuts a host off by taking
 * its bridge port down ({@link #cut(int)}) and joins it again ({@link #restore(int)}).
 * <p>
 * Everything it makes is named {@code jdsmt-<run>-<host>} (namespaces), {@code jdsmb<run>} (the bridge) and
 * {@code jdsmv<run><host>} (veth ends on the bridge), where {@code <run>} is this process id in base 36 (5 characters)
 * and a per-process counter (1 character): {@link #close()} removes all of it and the processes it started, and so
 * does a shutdown hook if the test never closes it; {@link #create(int)} first removes what runs of processes that
 * are no longer alive left behind.
 * <p>
 * Needs root and iproute2's {@code ip}: {@link #unavailableReason()} says why not, for a JUnit assumption.
 * <p>
 * <b>Note:</b> not threadsafe; one test thread owns it.
 */
public final class NamespaceNetwork implements AutoCloseable
{
    /** Prefix of every namespace made here. */
    public static final String NAMESPACE_PREFIX = "jdsmt-";
    /** Prefix of every bridge made here. */
    public static final String BRIDGE_PREFIX = "jdsmb";
    /** Prefix of every veth end made here. */
    public static final String VETH_PREFIX = "jdsmv";
    /** Most hosts in one network (one base-36 character names the host in its veth). */
    public static final int MAX_HOSTS = 36;

    private static final int PID_CHARS = 5;
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final long COMMAND_TIMEOUT_MS = 10_000;

    private final String run;
    private final int subnet;
    private final int hosts;
    private final List<Process> processes = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    private NamespaceNetwork(final int hosts)
    {
        final int counter = RUNS.getAndIncrement();
        run = pad36(ProcessHandle.current().pid()) + Character.forDigit(counter % 36, 36);
        subnet = 1 + (int)((ProcessHandle.current().pid() * 7 + counter) % 250);
        this.hosts = hosts;
        shutdownHook = new Thread(this::removeAll, "jdsm-netns-cleanup-" + run);
    }

    /**
     * @return null if this process can make namespaces (root, {@code ip} on the path), else why not.
     */
    public static String unavailableReason()
    {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"))
        {
            return "network namespaces need Linux, this is " + System.getProperty("os.name");
        }
        final String uid;
        try
        {
            uid = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter((line) -> line.startsWith("Uid:")).map((line) -> line.split("\\s+")[1]).findFirst()
                .orElse("unknown");
        }
        catch (final IOException ex)
        {
            return "could not read this process's uid from /proc/self/status: " + ex.getMessage();
        }
        if (!"0".equals(uid))
        {
            return "network namespaces need root, uid is " + uid;
        }
        try
        {
            final Result ip = exec(List.of("ip", "netns", "list"));
            if (0 != ip.exitCode)
            {
                return "`ip netns list` failed (" + ip.exitCode + "): " + ip.output.trim();
            }
        }
        catch (final IOException ex)
        {
            return "no `ip` command (Debian: apt-get install iproute2): " + ex.getMessage();
        }
        // listing needs no privilege: make and remove a namespace and a bridge to learn whether this process may
        final String probeRun = pad36(ProcessHandle.current().pid()) + "p";
        final String probeNamespace = NAMESPACE_PREFIX + probeRun + "-probe";
        final String probeBridge = BRIDGE_PREFIX + probeRun;
        try
        {
            final Result namespace = exec(ipCommand("netns", "add", probeNamespace));
            if (0 != namespace.exitCode)
            {
                return "`ip netns add` is not allowed here (" + namespace.exitCode + "): " + namespace.output.trim();
            }
            final Result bridge = exec(ipCommand("link", "add", probeBridge, "type", "bridge"));
            if (0 != bridge.exitCode)
            {
                return "`ip link add ... type bridge` is not allowed here (" + bridge.exitCode + "): " +
                    bridge.output.trim();
            }
        }
        catch (final IOException ex)
        {
            return "`ip` failed: " + ex.getMessage();
        }
        finally
        {
            removeRun(probeRun);
        }
        return null;
    }

    /**
     * Make the namespaces, the bridge and the veth pairs, after removing leftovers of dead runs.
     *
     * @param hosts number of hosts, 1 to {@link #MAX_HOSTS}.
     * @return the network; close it.
     * @throws IOException if an {@code ip} command fails (what was made is removed).
     */
    public static NamespaceNetwork create(final int hosts) throws IOException
    {
        if (hosts < 1 || hosts > MAX_HOSTS)
        {
            throw new IllegalArgumentException("hosts=" + hosts + " out of range [1, " + MAX_HOSTS + "]");
        }
        removeLeftovers();
        final NamespaceNetwork network = new NamespaceNetwork(hosts);
        Runtime.getRuntime().addShutdownHook(network.shutdownHook);
        try
        {
            network.build();
        }
        catch (final IOException | RuntimeException ex)
        {
            network.close();
            throw ex;
        }
        return network;
    }

    private void build() throws IOException
    {
        ip("link", "add", bridge(), "type", "bridge");
        ip("link", "set", bridge(), "up");
        for (int h = 0; h < hosts; h++)
        {
            final String inner = hostLink(h) + "i";
            ip("netns", "add", namespace(h));
            ip("link", "add", hostLink(h), "type", "veth", "peer", "name", inner);
            ip("link", "set", inner, "netns", namespace(h));
            ip("-n", namespace(h), "link", "set", inner, "name", "eth0");
            ip("-n", namespace(h), "addr", "add", address(h) + "/24", "dev", "eth0");
            ip("-n", namespace(h), "link", "set", "eth0", "up");
            ip("-n", namespace(h), "link", "set", "lo", "up");
            ip("link", "set", hostLink(h), "master", bridge());
            ip("link", "set", hostLink(h), "up");
        }
    }

    /**
     * @return number of hosts.
     */
    public int hosts()
    {
        return hosts;
    }

    /**
     * @param host index.
     * @return the host's namespace name.
     */
    public String namespace(final int host)
    {
        return NAMESPACE_PREFIX + run + "-" + checkHost(host);
    }

    /**
     * @param host index.
     * @return the host's address, {@code 10.201.N.(host + 1)}.
     */
    public String address(final int host)
    {
        return "10.201." + subnet + "." + (checkHost(host) + 1);
    }

    /**
     * @return the bridge's name.
     */
    public String bridge()
    {
        return BRIDGE_PREFIX + run;
    }

    /**
     * @param host index.
     * @return the name of the host's veth end on the bridge.
     */
    public String hostLink(final int host)
    {
        return VETH_PREFIX + run + Character.forDigit(checkHost(host), 36);
    }

    /**
     * Start a command inside a host's namespace ({@code ip netns exec}); {@link #close()} ends it if still running.
     *
     * @param host    index.
     * @param command and its arguments.
     * @param output  file for its standard output and error, or null to read them from the process.
     * @return the process.
     * @throws IOException if it could not start.
     */
    public Process start(final int host, final List<String> command, final File output) throws IOException
    {
        final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
        full.addAll(command);
        final ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
        if (null != output)
        {
            builder.redirectOutput(output);
        }
        final Process process = builder.start();
        processes.add(process);
        return process;
    }

    /**
     * Cut a host off: take its bridge port down, so nothing reaches it or leaves it.
     *
     * @param host index.
     * @throws IOException if {@code ip} fails.
     */
    public void cut(final int host) throws IOException
    {
        ip("link", "set", hostLink(host), "down");
    }

    /**
     * Join a cut host again.
     *
     * @param host index.
     * @throws IOException if {@code ip} fails.
     */
    public void restore(final int host) throws IOException
    {
        ip("link", "set", hostLink(host), "up");
    }

    /**
     * End the processes started here, then remove the namespaces and the bridge (the veth pairs go with them).
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        removeAll();
        try
        {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        catch (final IllegalStateException ex)
        {
            // the JVM is shutting down: the hook runs (or ran) removeAll, which is idempotent
        }
    }

    private synchronized void removeAll()
    {
        for (final Process process : processes)
        {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        for (final Process process : processes)
        {
            try
            {
                process.waitFor(5, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        removeRun(run);
    }

    /**
     * Remove namespaces, bridges and veth ends of runs whose process is no longer alive.
     *
     * @return names removed.
     * @throws IOException if {@code ip} can not list them.
     */
    public static List<String> removeLeftovers() throws IOException
    {
        final List<String> removed = new ArrayList<>();
        final List<String> deadRuns = new ArrayList<>();
        for (final String name : namespaceNames())
        {
            collectDeadRun(name.substring(NAMESPACE_PREFIX.length()), deadRuns);
        }
        for (final String name : linkNames())
        {
            collectDeadRun(name.substring(BRIDGE_PREFIX.length()), deadRuns);
        }
        for (final String deadRun : deadRuns)
        {
            removed.addAll(removeRun(deadRun));
        }
        return removed;
    }

    private static void collectDeadRun(final String rest, final List<String> deadRuns)
    {
        if (rest.length() < PID_CHARS + 1)
        {
            return;
        }
        final String runName = rest.substring(0, PID_CHARS + 1);
        try
        {
            final long pid = Long.parseLong(runName.substring(0, PID_CHARS), 36);
            final boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            if (!alive && !deadRuns.contains(runName))
            {
                deadRuns.add(runName);
            }
        }
        catch (final NumberFormatException ex)
        {
            // not one of ours after all
        }
    }

    private static List<String> removeRun(final String runName)
    {
        final List<String> removed = new ArrayList<>();
        try
        {
            for (final String name : namespaceNames())
            {
                if (name.startsWith(NAMESPACE_PREFIX + runName + "-") && 0 == exec(ipCommand("netns", "del", name))
                    .exitCode)
                {
                    removed.add(name);
                }
            }
            for (final String name : linkNames())
            {
                final String rest = name.substring(BRIDGE_PREFIX.length());
                if (rest.startsWith(runName) && 0 == exec(ipCommand("link", "del", name)).exitCode)
                {
                    removed.add(name);
                }
            }
        }
        catch (final IOException ex)
        {
            System.err.println("jdsm-netns: could not remove run " + runName + ": " + ex.getMessage());
        }
        return removed;
    }

    /**
     * @return names of the namespaces whose name starts with {@link #NAMESPACE_PREFIX}.
     * @throws IOException if {@code ip netns list} fails.
     */
    public static List<String> namespaceNames() throws IOException
    {
        final List<String> names = new ArrayList<>();
        for (final String line : checked(exec(ipCommand("netns", "list")), "ip netns list").split("\n"))
        {
            final String name = line.trim().split("\\s+")[0];
            if (name.startsWith(NAMESPACE_PREFIX))
            {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * @return names of the links (bridges, veth ends) whose name starts with {@link #BRIDGE_PREFIX} or
     * {@link #VETH_PREFIX}.
     * @throws IOException if {@code ip -o link show} fails.
     */
    public static List<String> linkNames() throws IOException
    {
        final List<String> names = new ArrayList<>();
        for (final String line : checked(exec(ipCommand("-o", "link", "show")), "ip -o link show").split("\n"))
        {
            final String[] fields = line.trim().split(":\\s+");
            if (fields.length > 1)
            {
                final String name = fields[1].split("@")[0];
                if (name.startsWith(BRIDGE_PREFIX) || name.startsWith(VETH_PREFIX))
                {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private int checkHost(final int host)
    {
        if (host < 0 || host >= hosts)
        {
            throw new IllegalArgumentException("host=" + host + " out of range [0, " + hosts + ")");
        }
        return host;
    }

    private static String pad36(final long value)
    {
        final String digits = Long.toString(value, 36);
        if (digits.length() > PID_CHARS)
        {
            throw new IllegalStateException("pid=" + value + " does not fit " + PID_CHARS + " base-36 characters");
        }
        return "0".repeat(PID_CHARS - digits.length()) + digits;
    }

    private static List<String> ipCommand(final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add("ip");
        command.addAll(List.of(args));
        return command;
    }

    private static void ip(final String... args) throws IOException
    {
        checked(exec(ipCommand(args)), String.join(" ", ipCommand(args)));
    }

    private static String checked(final Result result, final String what) throws IOException
    {
        if (0 != result.exitCode)
        {
            throw new IOException("`" + what + "` exited " + result.exitCode + ": " + result.output.trim());
        }
        return result.output;
    }

    /**
     * Run a command on this machine (outside any namespace) and wait for it.
     *
     * @param command and its arguments.
     * @return its exit code and output (standard output and error).
     * @throws IOException if it could not start or did not end within 10 s.
     */
    static Result exec(final List<String> command) throws IOException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try
        {
            if (!process.waitFor(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                throw new IOException("`" + String.join(" ", command) + "` did not end within " +
                    COMMAND_TIMEOUT_MS + " ms");
            }
            return new Result(process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted waiting for `" + String.join(" ", command) + "`", ex);
        }
    }

    /** Exit code and output of a command. */
    static final class Result
    {
        final int exitCode;
        final String output;

        Result(final int exitCode, final String output)
        {
            this.exitCode = exitCode;
            this.output = output;
        }
    }
}
