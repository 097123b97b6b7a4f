package org.jdsm.transport.aeron;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.Codecs;
import org.jdsm.DBox;
import org.jdsm.Dsm;
import org.jdsm.DsmConfig;
import org.jdsm.DsmNode;
import org.jdsm.NodeCounters;
import org.jdsm.Ref;
import org.jdsm.simulator.contract.BufferHeapRegion;
import org.jdsm.spi.TransportContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Not a timed assertion: measures the round trip between two JVMs on loopback UDP, C2 in both, three ways:
 * <ul>
 *     <li><b>raw</b>: a raw Aeron ping-pong in jdsm's threading mode, one thread per process: the pinging thread
 *     runs its own embedded driver (INVOKER), client conductor and subscription itself with the idle strategy under
 *     test; the pong side is {@link RawPongMain} (an {@link AeronRuntime}, the same one duty cycle jdsm runs). A
 *     56-byte ping, as a read request's header, is answered by a pong of a header plus the payload, as a read
 *     response is. This is the floor.</li>
 *     <li><b>read</b>: a one-sided {@link AeronTransport#read} of the payload from a {@link ContractNodeMain}.</li>
 *     <li><b>engine</b>: a remote read <em>miss</em> through the jdsm engine ({@code DBox.read()} of an object on the
 *     other node that this node has never cached, then its bytes) from an {@link EngineNodeMain}.</li>
 * </ul>
 * Row {@code alloc} (with {@code -Djdsm.pingpong.rows=...}) times the engine row's placements instead: an
 * {@code allocOn} of the other node, a control message answered by a message, then a one-sided write of the value
 * (two round trips). Row {@code call} times {@code callOn} of the other node with a task that returns its node's id:
 * a task message answered by a result message; row {@code spawn} the same task by {@code spawnOn(...).get()}. Rows
 * {@code read-handoff}, {@code engine-handoff}, {@code alloc-handoff}, {@code call-handoff} and
 * {@code spawn-handoff} measure the same with
 * {@code jdsm.aeron.caller.drives=false} in this JVM: the duty-cycle thread polls the response and wakes the caller.
 * Each idle strategy (default {@code backoff} and {@code busy-spin}, passed to the child as
 * {@code -Djdsm.aeron.idle.strategy}) is measured in rounds; a round measures one row with only that row's two
 * processes alive, so that in busy-spin mode no more than one thread per process spins (on 2 cores more would
 * measure the scheduler). Rounds alternate rows and idle strategies, and repeat, so noise from other processes hits
 * them alike; the report gives every round's p50/p99, then per idle strategy and row the median p50 over rounds, its
 * spread, and the ratio to raw. Each round also gives the CPU time both processes spent per round trip (all their
 * threads, from {@code /proc/<pid>/task/<tid>/schedstat}), the floor a node's round trips are measured against on a
 * machine where CPU, not the wire, bounds throughput. Other {@code jdsm.aeron.*} system properties of this JVM are passed to the children.
 * Runs only with {@code -Djdsm.pingpong=true}:
 * <pre>
 * mvn -B -pl transport-aeron -am verify -Dtest=PingPongMeasurementTest -Djdsm.pingpong=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false [-Djdsm.pingpong.rounds=3] [-Djdsm.pingpong.idle=backoff,busy-spin]
 * </pre>
 */
class PingPongMeasurementTest
{
    private static final int[] SIZES = Arrays.stream(System.getProperty("jdsm.pingpong.sizes", "64,1024,16384")
        .split(",")).mapToInt(Integer::parseInt).toArray();
    private static final int WARMUP = Integer.getInteger("jdsm.pingpong.warmup", 5_000);
    private static final int MEASURED = Integer.getInteger("jdsm.pingpong.measured", 10_000);
    private static final int ROUNDS = Integer.getInteger("jdsm.pingpong.rounds", 3);
    private static final List<String> IDLE_STRATEGIES =
        Arrays.asList(System.getProperty("jdsm.pingpong.idle", "backoff,busy-spin").split(","));
    private static final List<String> ROWS =
        Arrays.asList(System.getProperty("jdsm.pingpong.rows", "raw,read,engine").split(","));
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    /** Objects placed, then read one timed miss each, then freed, per batch of the engine row. */
    private static final int ENGINE_BATCH = 100;

    /** idle strategy -> row -> size -> p50 and p99 of each round, in microseconds. */
    private final Map<String, Map<String, Map<Integer, List<double[]>>>> results = new LinkedHashMap<>();
    /** idle strategy -> row -> size -> CPU time of both processes per round trip in each round, in microseconds. */
    private final Map<String, Map<String, Map<Integer, List<Double>>>> cpuResults = new LinkedHashMap<>();
    /**
     * CPU time of both processes over the measured samples of each size of the last {@link #measure}, nanoseconds
     * (per-thread {@code schedstat} of this JVM and the child, so the JIT and GC threads count too).
     */
    private static long[] cpuNsPerSize;

    @Test
    @Timeout(3600)
    void shouldMeasureReadRoundTripNextToRawPingPong() throws Exception
    {
        ForkedNodes.assumeMeasurementRequestedOnC2();

        final StringBuilder report = new StringBuilder(String.format(
            "%nround trip over loopback UDP, two JVMs per row, C2 in both, mtu=%d, %d samples per size and round " +
            "(after %d warm-up), load average at start: %s%nchild options: %s%n", new AeronTransportContext().mtuLength(),
            MEASURED, WARMUP, ForkedNodes.loadAverage(), forwardedOptions()));
        for (int round = 0; round < ROUNDS; round++)
        {
            for (final String idle : IDLE_STRATEGIES)
            {
                for (final String row : ROWS)
                {
                    final long[][] samples = measure(row, idle);
                    report.append(String.format("round %d %-9s %-14s", round, idle, row));
                    for (int s = 0; s < SIZES.length; s++)
                    {
                        final double p50 = percentile(samples[s], 0.5);
                        final double p99 = percentile(samples[s], 0.99);
                        results.computeIfAbsent(idle, (k) -> new LinkedHashMap<>())
                            .computeIfAbsent(row, (k) -> new LinkedHashMap<>())
                            .computeIfAbsent(SIZES[s], (k) -> new ArrayList<>()).add(new double[]{ p50, p99 });
                        final double cpuUs = cpuNsPerSize[s] / 1000.0 / MEASURED;
                        cpuResults.computeIfAbsent(idle, (k) -> new LinkedHashMap<>())
                            .computeIfAbsent(row, (k) -> new LinkedHashMap<>())
                            .computeIfAbsent(SIZES[s], (k) -> new ArrayList<>()).add(cpuUs);
                        report.append(String.format(" %6d B %7.1f / %-7.1f cpu %5.1f", SIZES[s], p50, p99, cpuUs));
                    }
                    report.append(String.format("  load %s%n", ForkedNodes.loadAverage()));
                    System.out.print(report.substring(report.lastIndexOf("round ")));
                }
            }
        }
        report.append(summary());
        report.append(String.format("load average at end: %s%n", ForkedNodes.loadAverage()));
        System.out.println(report);
    }

    private String summary()
    {
        final StringBuilder out = new StringBuilder(String.format(
            "%nmedian over %d rounds of p50 (min-max of p50) / median p99, us; ratio = median p50 / raw median p50, " +
            "[best = min p50 / raw min p50: the least disturbed round of each on a shared machine]%n", ROUNDS));
        out.append(String.format("%-9s %-14s", "idle", "row"));
        for (final int size : SIZES)
        {
            out.append(String.format(" %46s", size + " B p50 (spread) / p99, ratio [best]"));
        }
        out.append(String.format("%n"));
        for (final Map.Entry<String, Map<String, Map<Integer, List<double[]>>>> idle : results.entrySet())
        {
            final Map<Integer, List<double[]>> raw = idle.getValue().get("raw");
            for (final Map.Entry<String, Map<Integer, List<double[]>>> row : idle.getValue().entrySet())
            {
                out.append(String.format("%-9s %-14s", idle.getKey(), row.getKey()));
                for (final int size : SIZES)
                {
                    final List<double[]> rounds = row.getValue().get(size);
                    final double[] p50 = rounds.stream().mapToDouble((r) -> r[0]).sorted().toArray();
                    final double[] p99 = rounds.stream().mapToDouble((r) -> r[1]).sorted().toArray();
                    final double median = p50[p50.length / 2];
                    final double[] rawP50 = null == raw ? null :
                        raw.get(size).stream().mapToDouble((r) -> r[0]).sorted().toArray();
                    final double ratio = null == rawP50 ? Double.NaN : median / rawP50[rawP50.length / 2];
                    final double best = null == rawP50 ? Double.NaN : p50[0] / rawP50[0];
                    out.append(String.format(" %7.1f (%5.1f-%-6.1f) / %7.1f %5.2fx [%5.2fx]",
                        median, p50[0], p50[p50.length - 1], p99[p99.length / 2], ratio, best));
                }
                out.append(String.format("%n"));
            }
        }

        out.append(String.format("%nCPU time of both processes per round trip, us: median over %d rounds (min-max)%n",
            ROUNDS));
        for (final Map.Entry<String, Map<String, Map<Integer, List<Double>>>> idle : cpuResults.entrySet())
        {
            for (final Map.Entry<String, Map<Integer, List<Double>>> row : idle.getValue().entrySet())
            {
                out.append(String.format("%-9s %-14s", idle.getKey(), row.getKey()));
                for (final int size : SIZES)
                {
                    final double[] cpu = row.getValue().get(size).stream().mapToDouble(Double::doubleValue).sorted()
                        .toArray();
                    out.append(String.format(" %6d B %6.1f (%5.1f-%-6.1f)", size, cpu[cpu.length / 2], cpu[0],
                        cpu[cpu.length - 1]));
                }
                out.append(String.format("%n"));
            }
        }

        return out.toString();
    }

    /**
     * CPU time a process has run so far, in nanoseconds: the sum over its threads of the first field of
     * {@code /proc/<pid>/task/<tid>/schedstat} (nanosecond resolution, unlike {@code /proc/<pid>/stat}'s ticks).
     * Threads that ended in between are not counted; none end while a row is measured.
     *
     * @param pid of the process.
     * @return its CPU time, or 0 where {@code /proc} has no schedstat.
     */
    static long processCpuNs(final long pid)
    {
        final File[] tasks = new File("/proc/" + pid + "/task").listFiles();
        long sum = 0;
        if (null != tasks)
        {
            for (final File task : tasks)
            {
                try
                {
                    final String line = new String(Files.readAllBytes(new File(task, "schedstat").toPath())).trim();
                    sum += Long.parseLong(line.substring(0, line.indexOf(' ')));
                }
                catch (final Exception ex)
                {
                    // a thread that ended between the listing and the read: its time is lost to this sample alone
                }
            }
        }

        return sum;
    }

    private static long bothProcessesCpuNs(final long childPid)
    {
        return processCpuNs(ProcessHandle.current().pid()) + processCpuNs(childPid);
    }

    private long[][] measure(final String row, final String idle) throws Exception
    {
        cpuNsPerSize = new long[SIZES.length];
        final List<String> childOptions = new ArrayList<>(forwardedOptions());
        childOptions.add("-D" + AeronTransportContext.Configuration.IDLE_STRATEGY_PROP_NAME + "=" + idle);
        try (ForkedNodes children = new ForkedNodes())
        {
            final boolean handOff = row.endsWith("-handoff");
            final String timed = handOff ? row.substring(0, row.length() - "-handoff".length()) : row;
            switch (timed)
            {
                case "raw":
                    return measureRaw(children, childOptions, idle);
                case "read":
                    return measureRead(children, childOptions, idle, !handOff);
                case "engine":
                case "alloc":
                case "call":
                case "spawn":
                    return measureEngine(children, childOptions, idle, !handOff, timed);
                default:
                    throw new IllegalArgumentException(
                        "row=" + row + " must be one of [raw, read, engine, alloc, call, spawn, read-handoff, " +
                            "engine-handoff, alloc-handoff, call-handoff, spawn-handoff]");
            }
        }
    }

    private static List<String> forwardedOptions()
    {
        final List<String> options = new ArrayList<>();
        for (final String name : System.getProperties().stringPropertyNames())
        {
            if (name.startsWith("jdsm.aeron."))
            {
                options.add("-D" + name + "=" + System.getProperty(name));
            }
        }

        return options;
    }

    private static long[][] measureRead(
        final ForkedNodes children, final List<String> childOptions, final String idle, final boolean callerDrives)
        throws Exception
    {
        final List<String> members = ForkedNodes.loopbackMembers(2);
        final int heap = 1024 * 1024;
        final long heartbeatNs = TimeUnit.MILLISECONDS.toNanos(100);
        final int child = children.startMeasured(childOptions, ContractNodeMain.class, "1", "2",
            String.join(",", members), String.valueOf(heap), String.valueOf(TIMEOUT_NS), String.valueOf(heartbeatNs),
            "ping-pong-secret");
        final long childPid = children.process(child).pid();
        children.awaitStarting(60_000);
        final DsmConfig config = new DsmConfig().nodeId(0).nodeCount(2).members(members).transport("aeron")
            .clusterSecret("ping-pong-secret").heapSize(heap).cacheSize(heap).maxObjectSize(heap / 2)
            .operationTimeoutNs(TIMEOUT_NS).heartbeatIntervalNs(heartbeatNs)
            .transportOption(AeronTransportContext.Configuration.IDLE_STRATEGY_PROP_NAME, idle)
            .transportOption(AeronTransportContext.Configuration.CALLER_DRIVES_PROP_NAME, callerDrives).conclude();
        try (AeronTransport transport = new AeronTransport(
            new TransportContext(config, new BufferHeapRegion(heap), (s, b, o, l) -> { })))
        {
            transport.start();
            children.awaitReady(child, 30_000);
            final long[][] samples = new long[SIZES.length][];
            for (int s = 0; s < SIZES.length; s++)
            {
                final int size = SIZES[s];
                final UnsafeBuffer out = new UnsafeBuffer(new byte[size]);
                final UnsafeBuffer in = new UnsafeBuffer(new byte[size]);
                Arrays.fill(out.byteArray(), (byte)size);
                transport.write(1, 0, out, 0, size);
                final long[] all = new long[WARMUP + MEASURED];
                long cpuStartNs = 0;
                for (int i = 0; i < all.length; i++)
                {
                    cpuStartNs = WARMUP == i ? bothProcessesCpuNs(childPid) : cpuStartNs;
                    final long startNs = System.nanoTime();
                    transport.read(1, 0, in, 0, size);
                    all[i] = System.nanoTime() - startNs;
                }
                cpuNsPerSize[s] = bothProcessesCpuNs(childPid) - cpuStartNs;
                assertEquals((byte)size, in.getByte(size - 1));
                samples[s] = Arrays.copyOfRange(all, WARMUP, all.length);
            }

            return samples;
        }
    }

    private static long[][] measureEngine(
        final ForkedNodes children,
        final List<String> childOptions,
        final String idle,
        final boolean callerDrives,
        final String timed)
        throws Exception
    {
        final String members = String.join(",", ForkedNodes.loopbackMembers(2));
        final int child = children.startMeasured(childOptions, EngineNodeMain.class, "1", "2", members, "engine-secret");
        final long childPid = children.process(child).pid();
        children.awaitStarting(60_000);
        try (DsmNode engine = Dsm.start(EngineNodeMain.config(0, 2, members, "engine-secret")
            .operationTimeoutNs(TIMEOUT_NS)
            .transportOption(AeronTransportContext.Configuration.IDLE_STRATEGY_PROP_NAME, idle)
            .transportOption(AeronTransportContext.Configuration.CALLER_DRIVES_PROP_NAME, callerDrives)))
        {
            children.awaitReady(child, 30_000);
            final long[][] samples = new long[SIZES.length][];
            for (int s = 0; s < SIZES.length; s++)
            {
                final byte[] value = new byte[SIZES[s]];
                Arrays.fill(value, (byte)SIZES[s]);
                final long[] all = new long[WARMUP + MEASURED];
                final long cpuStartNs = "call".equals(timed) || "spawn".equals(timed) ?
                    timeCalls(engine, all, childPid, "spawn".equals(timed)) :
                    timePlacedReads(engine, value, all, timed, childPid);
                cpuNsPerSize[s] = bothProcessesCpuNs(childPid) - cpuStartNs;
                samples[s] = Arrays.copyOfRange(all, WARMUP, all.length);
            }

            return samples;
        }
    }

    /**
     * Place objects of one size on the other node in batches of {@link #ENGINE_BATCH}, read each (a miss), then free
     * the batch; time the placement ({@code alloc}) or the read (else) of each sample.
     *
     * @return the CPU time of both processes when the warm-up ended.
     */
    private static long timePlacedReads(
        final DsmNode engine, final byte[] value, final long[] all, final String timed, final long childPid)
    {
        final long missesBefore = engine.counters().get(NodeCounters.Counter.CACHE_MISSES);
        long cpuStartNs = 0;
        final List<DBox<byte[]>> batch = new ArrayList<>(ENGINE_BATCH);
        for (int i = 0; i < all.length; )
        {
            cpuStartNs = WARMUP == i ? bothProcessesCpuNs(childPid) : cpuStartNs;
            // a batch ends at the warm-up's end, so the CPU time starts with the first measured sample
            final int end = Math.min(i + ENGINE_BATCH, i < WARMUP ? WARMUP : all.length);
            for (int b = i; b < end; b++)
            {
                final long startNs = System.nanoTime();
                batch.add(engine.allocOn(1, Codecs.BYTES, value));
                all[b] = System.nanoTime() - startNs;
            }
            for (int b = i; b < end; b++)
            {
                final long readNs = engineReadMiss(batch.get(b - i), value);
                all[b] = "alloc".equals(timed) ? all[b] : readNs;
            }
            for (final DBox<byte[]> box : batch)
            {
                box.close();
            }
            batch.clear();
            i = end;
        }
        assertEquals(all.length, engine.counters().get(NodeCounters.Counter.CACHE_MISSES) - missesBefore,
            "every engine sample was a cache miss");

        return cpuStartNs;
    }

    /**
     * Time {@code callOn} of the other node, or {@code spawnOn(...).get()}, of a task that returns its node's id,
     * once per sample.
     *
     * @return the CPU time of both processes when the warm-up ended.
     */
    private static long timeCalls(final DsmNode engine, final long[] all, final long childPid, final boolean spawn)
        throws Exception
    {
        long cpuStartNs = 0;
        for (int i = 0; i < all.length; i++)
        {
            cpuStartNs = WARMUP == i ? bothProcessesCpuNs(childPid) : cpuStartNs;
            final long startNs = System.nanoTime();
            final int ranOn = spawn ? engine.spawnOn(1, DsmNode::nodeId).get() : engine.callOn(1, DsmNode::nodeId);
            all[i] = System.nanoTime() - startNs;
            if (1 != ranOn)
            {
                throw new AssertionError("the task ran on node " + ranOn);
            }
        }

        return cpuStartNs;
    }

    /**
     * One engine read miss, timed: the shared borrow of an object on the other node that this node never read, and the
     * access that fetches it. The objects are placed in batches of {@link #ENGINE_BATCH} before their reads and freed
     * after them (none of it timed): a free is a message the other node serves, and a remote allocation's answer
     * came through the duty-cycle thread, which was then busy for a while (its caller drives now); placed and freed
     * around each read, both likely fell into the next timed read (busy-spin rows measured 1.47x / 1.52x raw that
     * way, 0.96x / 1.08x in batches). Each freed block comes back under a new colour, so every sample misses.
     */
    private static long engineReadMiss(final DBox<byte[]> box, final byte[] value)
    {
        final long startNs = System.nanoTime();
        final byte last;
        try (Ref<byte[]> ref = box.read())
        {
            last = ref.buffer().getByte(value.length - 1);
        }
        final long elapsedNs = System.nanoTime() - startNs;
        if (last != value[value.length - 1])
        {
            throw new AssertionError("engine read returned " + last);
        }

        return elapsedNs;
    }

    /**
     * The floor: one thread of this process offers the ping, then runs the embedded driver's agents, the client
     * conductor and the subscription itself until the pong is in, idling with the idle strategy under test when a
     * pass found no work: what one duty cycle per process can do at best.
     */
    private static long[][] measureRaw(final ForkedNodes children, final List<String> childOptions, final String idle)
        throws Exception
    {
        final List<String> endpoints = ForkedNodes.loopbackMembers(2);
        final int child = children.startMeasured(childOptions, RawPongMain.class, endpoints.get(0), endpoints.get(1));
        final long childPid = children.process(child).pid();
        final AeronTransportContext ctx = RawPongMain.context(
            new AeronTransportContext().idleStrategy(idle), endpoints.get(0), endpoints.get(1));
        final File directory = Files.createTempDirectory("jdsm-raw-ping-").toFile();
        final MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(new File(directory, "aeron").getAbsolutePath())
            .threadingMode(ThreadingMode.INVOKER)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .warnIfDirectoryExists(false));
        final AgentInvoker driverInvoker = driver.sharedAgentInvoker();
        Aeron aeron = null;
        Subscription subscription = null;
        ExclusivePublication publication = null;
        try
        {
            aeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(driver.aeronDirectoryName())
                .useConductorAgentInvoker(true)
                .driverAgentInvoker(driverInvoker));
            final AgentInvoker conductorInvoker = aeron.conductorAgentInvoker();
            subscription = aeron.addSubscription("aeron:udp?endpoint=" + endpoints.get(0), RawPongMain.STREAM_ID);
            publication = aeron.addExclusivePublication(RawPongMain.channel(endpoints.get(1), ctx), RawPongMain.STREAM_ID);
            final long[] pongs = new long[1];
            final FragmentAssembler onPong = new FragmentAssembler((buffer, offset, length, header) -> pongs[0]++);
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!publication.isConnected() || !subscription.isConnected())
            {
                driverInvoker.invoke();
                conductorInvoker.invoke();
                if (System.nanoTime() > deadlineNs)
                {
                    throw new IllegalStateException("raw ping-pong did not connect: " + children.output(child));
                }
            }
            children.awaitReady(child, 30_000);

            final IdleStrategy idleStrategy = ctx.newIdleStrategy();
            final UnsafeBuffer ping = new UnsafeBuffer(new byte[AeronFrameDescriptor.HEADER_LENGTH]);
            final long[][] samples = new long[SIZES.length][];
            for (int s = 0; s < SIZES.length; s++)
            {
                ping.putInt(0, AeronFrameDescriptor.HEADER_LENGTH + SIZES[s]);
                final long[] all = new long[WARMUP + MEASURED];
                long cpuStartNs = 0;
                for (int i = 0; i < all.length; i++)
                {
                    cpuStartNs = WARMUP == i ? bothProcessesCpuNs(childPid) : cpuStartNs;
                    final long expected = pongs[0] + 1;
                    final long startNs = System.nanoTime();
                    while (publication.offer(ping, 0, ping.capacity()) < 0)
                    {
                        driverInvoker.invoke();
                        conductorInvoker.invoke();
                    }
                    idleStrategy.reset();
                    while (pongs[0] < expected)
                    {
                        final int workCount = driverInvoker.invoke() + conductorInvoker.invoke() +
                            subscription.poll(onPong, 64);
                        idleStrategy.idle(workCount);
                    }
                    all[i] = System.nanoTime() - startNs;
                }
                cpuNsPerSize[s] = bothProcessesCpuNs(childPid) - cpuStartNs;
                samples[s] = Arrays.copyOfRange(all, WARMUP, all.length);
            }

            return samples;
        }
        finally
        {
            CloseHelper.closeAll(publication, subscription, aeron, driver);
            IoUtil.delete(directory, true);
        }
    }

    private static double percentile(final long[] samples, final double fraction)
    {
        final long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return sorted[(int)Math.min(sorted.length - 1, Math.round(fraction * sorted.length))] / 1000.0;
    }
}
