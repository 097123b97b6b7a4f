package org.jdsm.apps;

import org.jdsm.ConfigurationException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One Aeron media driver in its own JVM, which the node JVMs of {@code jdsm local --ipc} all use
 * ({@code jdsm.aeron.driver=external}), so that their frames travel through shared memory ({@code aeron:ipc}) instead
 * of UDP on loopback: no system call per frame. It runs its agents on one thread ({@code ThreadingMode.SHARED}) that
 * backs off to parking when idle, and it only moves the publications' limits and keeps its clients alive: the nodes'
 * own duty cycles poll and serve the frames.
 * <p>
 * Its client and image liveness timeouts are at least jdsm's Aeron liveness timeout L = max(10 s, 2 x
 * {@code jdsm.peer.timeout}), as jdsm asks of an external driver, so that jdsm, not Aeron, decides when a node is dead.
 * Every node depends on this driver: if its JVM dies, the cluster's transport does.
 * <p>
 * <b>Note:</b> not threadsafe; owned by the launcher thread that runs the cluster.
 */
final class SharedMediaDriver implements AutoCloseable
{
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);
    private static final long MIN_LIVENESS_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final String DRIVER_JAVA_HEAP = "-Xmx64m";

    private final Path directory;
    private final Path aeronDirectory;
    private final Path log;
    private final Process process;

    private SharedMediaDriver(final Path directory, final Process process)
    {
        this.directory = directory;
        this.aeronDirectory = directory.resolve("aeron");
        this.log = directory.resolve("driver.log");
        this.process = process;
    }

    /**
     * Start the driver and wait until its directory is ready.
     *
     * @param peerTimeoutNs the nodes' {@code jdsm.peer.timeout}.
     * @param classPath     with Aeron's driver (the launcher's).
     * @return the running driver; {@link #close()} it after the nodes have exited.
     * @throws ConfigurationException if it does not start within 20 s, with the end of its output.
     * @throws IOException            if its directory can not be made or its JVM can not be forked.
     */
    static SharedMediaDriver start(final long peerTimeoutNs, final String classPath) throws IOException
    {
        final Path shm = Path.of("/dev/shm");
        final Path directory = Files.isDirectory(shm) && Files.isWritable(shm) ?
            Files.createTempDirectory(shm, "jdsm-ipc-driver-") : Files.createTempDirectory("jdsm-ipc-driver-");
        final long livenessNs = Math.max(MIN_LIVENESS_TIMEOUT_NS, 2 * peerTimeoutNs);
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add(DRIVER_JAVA_HEAP);
        command.add("-Daeron.dir=" + directory.resolve("aeron"));
        command.add("-Daeron.threading.mode=SHARED");
        command.add("-Daeron.shared.idle.strategy=backoff");
        command.add("-Daeron.dir.delete.on.start=true");
        command.add("-Daeron.dir.delete.on.shutdown=true");
        command.add("-Daeron.client.liveness.timeout=" + livenessNs);
        command.add("-Daeron.image.liveness.timeout=" + livenessNs);
        command.add("-Daeron.publication.connection.timeout=" + livenessNs);
        command.add("-Daeron.publication.unblock.timeout=" + (livenessNs + livenessNs / 2));
        command.add("-cp");
        command.add(classPath);
        command.add("io.aeron.driver.MediaDriver");

        final Process process;
        try
        {
            process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("driver.log").toFile())
                .start();
        }
        catch (final IOException ex)
        {
            deleteRecursively(directory);
            throw ex;
        }

        final SharedMediaDriver driver = new SharedMediaDriver(directory, process);
        driver.awaitReady();
        return driver;
    }

    private void awaitReady()
    {
        final long deadlineNs = System.nanoTime() + START_TIMEOUT_NS;
        final Path cnc = aeronDirectory.resolve("cnc.dat");
        try
        {
            while (!(Files.exists(cnc) && Files.size(cnc) > 0))
            {
                if (!process.isAlive() || System.nanoTime() > deadlineNs)
                {
                    final String output = Files.exists(log) ? Files.readString(log).strip() : "";
                    final String what = process.isAlive() ?
                        "did not start within 20 s" : "exited with " + process.exitValue();
                    close();
                    throw new ConfigurationException("--ipc: the shared Aeron media driver " + what +
                        (output.isEmpty() ? "" : ": " + output.substring(Math.max(0, output.length() - 500))));
                }
                Thread.sleep(20);
            }
        }
        catch (final IOException ex)
        {
            close();
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the shared Aeron media driver", ex);
        }
    }

    /**
     * @return the JVM options that make a node use this driver and IPC.
     */
    List<String> nodeJvmOptions()
    {
        return List.of(
            "-Djdsm.aeron.channel=ipc",
            "-Djdsm.aeron.driver=external",
            "-Djdsm.aeron.dir=" + aeronDirectory);
    }

    /**
     * @return the driver's Aeron directory.
     */
    Path aeronDirectory()
    {
        return aeronDirectory;
    }

    /**
     * Stop the driver (it deletes its Aeron directory on a normal shutdown) and remove its directory.
     */
    public void close()
    {
        process.destroy();
        try
        {
            if (!process.waitFor(5, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteRecursively(directory);
    }

    private static void deleteRecursively(final Path directory)
    {
        try (Stream<Path> paths = Files.walk(directory))
        {
            paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
        }
        catch (final IOException | UncheckedIOException ex)
        {
            System.err.println("jdsm local: could not remove the shared media driver's directory " + directory + ": " +
                ex);
        }
    }
}
