package org.jdsm.transport.aeron;

import org.agrona.IoUtil;
import org.jdsm.spi.FreeUdpPorts;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs on loopback for tests: started with the test's class path, their output collected, killed on close.
 * A child also exits when its standard input closes, so none outlives the test JVM.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one test.
 */
final class ForkedNodes implements AutoCloseable
{
    private final File temporaryDirectory;
    private final List<Process> processes = new ArrayList<>();
    private final List<List<String>> outputs = new ArrayList<>();
    private final List<CountDownLatch> ready = new ArrayList<>();
    private final List<CountDownLatch> starting = new ArrayList<>();

    /**
     * Children get their own {@code java.io.tmpdir}, removed on close: a killed child can not remove its embedded
     * media driver's directory itself.
     *
     * @throws IOException if the directory can not be created.
     */
    ForkedNodes() throws IOException
    {
        temporaryDirectory = Files.createTempDirectory("jdsm-forked-").toFile();
    }

    /**
     * Free UDP ports on 127.0.0.1, as {@code 127.0.0.1:port} members, picked by {@link FreeUdpPorts}.
     *
     * @param count of ports.
     * @return the members.
     * @throws IOException if not enough free ports were found.
     */
    static List<String> loopbackMembers(final int count) throws IOException
    {
        final List<String> members = new ArrayList<>();
        for (final int port : FreeUdpPorts.pick("127.0.0.1", count))
        {
            members.add("127.0.0.1:" + port);
        }

        return members;
    }

    /**
     * Skip an on-demand measurement unless {@code -Djdsm.pingpong=true}, and fail it if this JVM, which measures too,
     * was started without C2 ({@code -XX:TieredStopAtLevel}).
     */
    static void assumeMeasurementRequestedOnC2()
    {
        org.junit.jupiter.api.Assumptions.assumeTrue(
            Boolean.getBoolean("jdsm.pingpong"), "run with -Djdsm.pingpong=true");
        final List<String> options = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        org.junit.jupiter.api.Assertions.assertFalse(
            options.stream().anyMatch((option) -> option.startsWith("-XX:TieredStopAtLevel")),
            "the measuring JVM must run C2: " + options);
    }

    /**
     * @return the machine's load averages over 1, 5 and 15 minutes, or "unknown".
     */
    static String loadAverage()
    {
        try
        {
            final String[] fields = new String(Files.readAllBytes(java.nio.file.Paths.get("/proc/loadavg"))).trim()
                .split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        }
        catch (final Exception ex)
        {
            return "unknown";
        }
    }

    /**
     * Start a child JVM running a main class.
     *
     * @param mainClass to run.
     * @param args      of the main class.
     * @return the child's index.
     * @throws IOException if it can not be started.
     */
    int start(final Class<?> mainClass, final String... args) throws IOException
    {
        return start(Collections.singletonList("-XX:TieredStopAtLevel=1"), mainClass, args);
    }

    /**
     * Start a child JVM whose speed is measured: full tiered compilation (C2), never
     * {@code -XX:TieredStopAtLevel=1}.
     *
     * @param jvmOptions added to the command line, e.g. {@code -Djdsm.aeron.idle.strategy=busy-spin}.
     * @param mainClass  to run.
     * @param args       of the main class.
     * @return the child's index.
     * @throws IOException if it can not be started.
     */
    int startMeasured(final List<String> jvmOptions, final Class<?> mainClass, final String... args)
        throws IOException
    {
        for (final String option : jvmOptions)
        {
            if (option.startsWith("-XX:TieredStopAtLevel"))
            {
                throw new IllegalArgumentException(option + " in a measured JVM: it must run C2");
            }
        }
        return start(jvmOptions, mainClass, args);
    }

    private int start(final List<String> jvmOptions, final Class<?> mainClass, final String... args)
        throws IOException
    {
        final String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        final List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.addAll(jvmOptions);
        command.add("-Djava.io.tmpdir=" + temporaryDirectory.getAbsolutePath());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass.getName());
        Collections.addAll(command, args);

        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final int index = processes.size();
        final List<String> output = new CopyOnWriteArrayList<>();
        final CountDownLatch isReady = new CountDownLatch(1);
        final CountDownLatch isStarting = new CountDownLatch(1);
        processes.add(process);
        outputs.add(output);
        ready.add(isReady);
        starting.add(isStarting);

        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = in.readLine()))
                {
                    output.add(line);
                    if (line.startsWith("STARTING"))
                    {
                        isStarting.countDown();
                    }
                    if (line.startsWith("READY") || line.startsWith("FAILED"))
                    {
                        isReady.countDown();
                    }
                }
            }
            catch (final IOException ignore)
            {
                // the child is gone: its output ends here
            }
            isStarting.countDown();
            isReady.countDown();
        }, "child-output-" + index);
        reader.setDaemon(true);
        reader.start();

        return index;
    }

    /**
     * Wait for every child to print {@code STARTING}: its JVM is up and about to join.
     *
     * @param timeout in milliseconds.
     * @throws Exception if one did not, with its output.
     */
    void awaitStarting(final long timeout) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
        for (int i = 0; i < starting.size(); i++)
        {
            final long remainingNs = Math.max(0, deadlineNs - System.nanoTime());
            if (!starting.get(i).await(remainingNs, TimeUnit.NANOSECONDS) ||
                outputs.get(i).stream().noneMatch((line) -> line.startsWith("STARTING")))
            {
                throw new IllegalStateException("child " + i + " not starting: " + outputs.get(i));
            }
        }
    }

    /**
     * Wait for a child to print {@code READY}.
     *
     * @param index   of the child.
     * @param timeout in milliseconds.
     * @throws Exception if it failed, died or timed out, with its output.
     */
    void awaitReady(final int index, final long timeout) throws Exception
    {
        if (!ready.get(index).await(timeout, TimeUnit.MILLISECONDS) ||
            outputs.get(index).stream().noneMatch((line) -> line.startsWith("READY")))
        {
            throw new IllegalStateException("child " + index + " not ready: " + outputs.get(index));
        }
    }

    /**
     * @param index of a child.
     * @return what it printed so far.
     */
    List<String> output(final int index)
    {
        return outputs.get(index);
    }

    /**
     * @param index of a child.
     * @return its process.
     */
    Process process(final int index)
    {
        return processes.get(index);
    }

    /**
     * Kill a child at once (SIGKILL): no goodbye to its peers.
     *
     * @param index of the child.
     * @throws InterruptedException if interrupted while waiting for it to die.
     */
    void kill(final int index) throws InterruptedException
    {
        final Process process = processes.get(index);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * Ask every child to leave (close its standard input), then kill whatever has not exited within 5 s.
     */
    public void close()
    {
        for (final Process process : processes)
        {
            try
            {
                process.getOutputStream().close();
            }
            catch (final IOException ignore)
            {
                // already gone
            }
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (final Process process : processes)
        {
            try
            {
                final long remainingNs = Math.max(0, deadlineNs - System.nanoTime());
                if (!process.waitFor(remainingNs, TimeUnit.NANOSECONDS))
                {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            catch (final InterruptedException ex)
            {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        IoUtil.delete(temporaryDirectory, true);
    }
}
