package org.jdsm.membership;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Measures what membership costs, for the README: start of a 3-member cluster on loopback in one JVM (launch to
 * every member having quorum), latency of one committed change (propose on one member to applied on all three),
 * against a loopback UDP round trip measured in the same run, and per member: threads, heap, files, idle CPU.
 * Not a test: run it by hand (see the README's Membership section).
 */
public final class MembershipCost
{
    private MembershipCost()
    {
    }

    /**
     * @param args [changes] (default 200).
     * @throws Exception on any failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final int changes = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        System.out.println("load average at start: " + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf("loopback UDP round trip (baseline) p50 %.1f us%n", udpRoundTripP50Us(2_000));

        final Path root = Files.createTempDirectory("jdsm-membership-cost");
        for (int run = 0; run < 3; run++)
        {
            final long heapBefore = usedHeapAfterGc();
            final int threadsBefore = Thread.activeCount();
            final List<Membership> members = new ArrayList<>();
            final String[] hosts = { "127.0.0.1", "127.0.0.1", "127.0.0.1" };
            final String memberList = MemberPorts.members(hosts, MemberPorts.pick(hosts));
            final long startNs = System.nanoTime();
            for (int i = 0; i < 3; i++)
            {
                members.add(Membership.launch(new MembershipContext()
                    .nodeId(i)
                    .members(memberList)
                    .replicas(1)
                    .quorumTimeout("1s")
                    .startupTimeout("4s")
                    .dir(root.resolve("run-" + run + "-member-" + i).toString())));
            }
            while (!members.stream().allMatch(Membership::hasQuorum))
            {
                Thread.sleep(1);
            }
            final long startedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            System.out.println("run " + run + ": 3 members launched to all with quorum: " + startedMs + " ms");
            if (run < 2)
            {
                members.forEach(Membership::close);
                continue;
            }

            final long[] latencyNs = new long[changes];
            for (int c = 0; c < changes; c++)
            {
                final long epoch = c + 1;
                final CountDownLatch applied = new CountDownLatch(3);
                final AtomicReference<Membership.ViewListener> listener = new AtomicReference<>();
                listener.set((view) ->
                {
                    if (view.epoch() == epoch)
                    {
                        applied.countDown();
                    }
                });
                members.forEach((m) -> m.addViewListener(listener.get()));
                final long proposedNs = System.nanoTime();
                final Membership proposer = members.get(c % 2);
                if (0 == c % 2)
                {
                    proposer.proposeDead(2);
                }
                else
                {
                    proposer.proposeJoin(2);
                }
                if (!applied.await(10, TimeUnit.SECONDS))
                {
                    throw new IllegalStateException("change " + c + " not applied on all within 10 s");
                }
                latencyNs[c] = System.nanoTime() - proposedNs;
            }
            Arrays.sort(latencyNs);
            System.out.printf("%d changes (declareDead/join of node 2, proposed by nodes 0 and 1), propose -> " +
                "applied on all 3: p50 %.0f us, p90 %.0f us, max %.0f us%n", changes,
                latencyNs[changes / 2] / 1e3, latencyNs[changes * 9 / 10] / 1e3, latencyNs[changes - 1] / 1e3);

            final long heapAfter = usedHeapAfterGc();
            System.out.println("per member: threads " + (Thread.activeCount() - threadsBefore) / 3 +
                ", heap " + (heapAfter - heapBefore) / 3 / 1024 + " KiB");
            for (int i = 0; i < 3; i++)
            {
                final File dir = members.get(i).context().dir();
                System.out.println("member " + i + " files: " + du(dir, false) + " (apparent " +
                    du(dir, true) + "); driver " + du(new File(dir, "driver"), false) + ", archive " +
                    du(new File(dir, "archive"), false) + ", cluster " + du(new File(dir, "cluster"), false));
            }

            final long cpuBeforeNs = processCpuNs();
            final long wallBeforeNs = System.nanoTime();
            Thread.sleep(10_000);
            final double cpu = (processCpuNs() - cpuBeforeNs) / (double)(System.nanoTime() - wallBeforeNs);
            System.out.printf("idle CPU of 3 members over 10 s: %.1f%% of one core (%.1f%% per member)%n",
                cpu * 100, cpu * 100 / 3);
            members.forEach(Membership::close);
        }
        System.out.println("load average at end: " + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static double udpRoundTripP50Us(final int count) throws Exception
    {
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (DatagramSocket a = new DatagramSocket(new InetSocketAddress(loopback, 0));
            DatagramSocket b = new DatagramSocket(new InetSocketAddress(loopback, 0)))
        {
            final Thread echo = new Thread(() ->
            {
                final byte[] data = new byte[64];
                try
                {
                    for (int i = 0; i < count; i++)
                    {
                        final DatagramPacket p = new DatagramPacket(data, data.length);
                        b.receive(p);
                        b.send(new DatagramPacket(data, p.getLength(), p.getSocketAddress()));
                    }
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            echo.start();
            final long[] rtt = new long[count];
            final byte[] ping = new byte[24];
            for (int i = 0; i < count; i++)
            {
                final long t = System.nanoTime();
                a.send(new DatagramPacket(ping, ping.length, b.getLocalSocketAddress()));
                a.receive(new DatagramPacket(new byte[64], 64));
                rtt[i] = System.nanoTime() - t;
            }
            echo.join();
            Arrays.sort(rtt);
            return rtt[count / 2] / 1e3;
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException
    {
        for (int i = 0; i < 3; i++)
        {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long processCpuNs()
    {
        return ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }

    private static String du(final File dir, final boolean apparent) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("du", "-sh"));
        if (apparent)
        {
            command.add("--apparent-size");
        }
        command.add(dir.getAbsolutePath());
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(process.getInputStream().readAllBytes()).trim();
        process.waitFor();
        return out.split("\\s+")[0];
    }
}
