package org.jdsm.membership;

import org.jdsm.netns.JavaCommand;
import org.jdsm.netns.NamespaceNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three membership members, each in its own JVM in its own network namespace with its own address; one is cut off
 * by taking its link down.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MembershipPartitionTest
{
    private static final long QUORUM_TIMEOUT_MS = 1_000;
    private static final int BASE_PORT = 20_000;
    /**
     * Aeron's driver and client liveness timeouts (10 s by default) for the member JVMs, widened: on this shared
     * 2-core machine under a load average of 15-25, member JVMs starting at once were seen to miss the driver
     * keepalive by 10 s, which ends that member (it then reports no quorum, as it should) and fails the test.
     */
    private static final List<String> AERON_LIVENESS = List.of(
        "-Daeron.driver.timeout=30000", "-Daeron.client.liveness.timeout=30s",
        "-Daeron.publication.unblock.timeout=40s");

    private NamespaceNetwork network;
    private final List<Member> members = new ArrayList<>();

    @BeforeAll
    static void needRootAndIp()
    {
        final String reason = NamespaceNetwork.unavailableReason();
        assumeTrue(null == reason, reason);
    }

    @AfterEach
    void close()
    {
        for (final Member member : members)
        {
            member.send("quit");
        }
        for (final Member member : members)
        {
            member.awaitExit();
        }
        if (null != network)
        {
            network.close();
        }
        MembershipDirectory.removeDead(MembershipDirectory.parent());
    }

    @Test
    void shouldLetTheMajorityDeclareTheCutNodeDeadWhileTheCutNodeReportsNoQuorumAndCommitsNothing() throws Exception
    {
        startThreeMembersInNamespaces();

        final long cutAtNs = System.nanoTime();
        network.cut(2);

        final String lost = members.get(2).await("quorum false", 3 * QUORUM_TIMEOUT_MS + 2_000);
        final long lostAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAtNs);
        System.out.println("membership over namespaces: cut node reported no quorum " + lostAfterMs +
            " ms after the cut: " + lost);
        assertTrue(lost.startsWith("quorum false node 2 can not reach a majority (2 of 3 members)"), lost);

        members.get(0).send("dead 2");
        final String committed = members.get(0).await("committed ", 15_000);
        assertTrue(committed.startsWith("committed MembershipView{epoch=1, live=[0, 1], home=[0, 1, 0], " +
            "backups=[[1], [0], [1]]"), committed);
        members.get(1).await("view MembershipView{epoch=1, live=[0, 1]", 5_000);

        members.get(2).send("dead 0");
        final String failed = members.get(2).await("failed ", 15_000);
        assertTrue(failed.startsWith("failed org.jdsm.membership.NoQuorumException: declareDead(node=0, " +
            "newHome=first live backup) proposed by node 2 (proposal 1) was not committed within 10000 ms"), failed);
        members.get(2).send("view");
        final String current = members.get(2).await("current ", 5_000);
        assertTrue(current.startsWith("current MembershipView{epoch=0, live=[0, 1, 2]"), current);

        network.restore(2);
        final String caughtUp = members.get(2).await("view MembershipView{epoch=1", 30_000);
        assertTrue(caughtUp.startsWith("view MembershipView{epoch=1, live=[0, 1], home=[0, 1, 0]"), caughtUp);
        members.get(2).await("quorum true", 15_000);
        Thread.sleep(2 * QUORUM_TIMEOUT_MS);
        members.get(0).send("view");
        members.get(2).send("view");
        final String majorityView = members.get(0).await("current ", 5_000);
        assertTrue(majorityView.startsWith("current MembershipView{epoch=1, live=[0, 1]"),
            "the cut node's proposal never committed: " + majorityView);
        assertTrue(members.get(2).await("current ", 5_000).equals(majorityView), "healed node agrees");
    }

    @Test
    void shouldLetTheTwoLeftCommitDeclareDeadAfterTheLeadersJvmIsKilled() throws Exception
    {
        startThreeMembersInNamespaces();
        int leader = -1;
        for (final Member member : members)
        {
            member.send("role");
            if ("role LEADER".equals(member.await("role ", 5_000)))
            {
                leader = member.id;
            }
        }
        assertTrue(leader >= 0, "one member leads");
        final int proposer = (leader + 1) % 3;
        final int other = (leader + 2) % 3;

        final long killedAtNs = System.nanoTime();
        members.get(leader).process.destroyForcibly();
        members.get(proposer).send("dead " + leader);

        final String committed = members.get(proposer).await("committed ", 20_000);
        System.out.println("membership over namespaces: leader node " + leader + " killed; declareDead of it " +
            "committed " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAtNs) + " ms later");
        assertTrue(committed.startsWith("committed MembershipView{epoch=1, live=" + liveWithout(leader)), committed);
        final String seen = members.get(other).await("view MembershipView{epoch=1", 5_000);
        assertTrue(seen.endsWith(committed.substring("committed ".length())), seen);
    }

    private static String liveWithout(final int dead)
    {
        final StringBuilder live = new StringBuilder("[");
        for (int n = 0; n < 3; n++)
        {
            if (n != dead)
            {
                live.append(live.length() > 1 ? ", " : "").append(n);
            }
        }
        return live.append(']').toString();
    }

    private void startThreeMembersInNamespaces() throws Exception
    {
        network = NamespaceNetwork.create(3);
        final StringBuilder memberList = new StringBuilder();
        for (int h = 0; h < 3; h++)
        {
            memberList.append(h > 0 ? "," : "").append(network.address(h)).append(':').append(BASE_PORT);
        }
        final long startNs = System.nanoTime();
        for (int h = 0; h < 3; h++)
        {
            members.add(new Member(h, network.start(h, JavaCommand.of(MembershipMemberMain.class, "192m", AERON_LIVENESS,
                String.valueOf(h), memberList.toString(), "1", QUORUM_TIMEOUT_MS + "ms", "5s", "10s"), null)));
        }
        for (final Member member : members)
        {
            member.await("quorum true", 45_000);
        }
        System.out.println("membership over namespaces: 3 member JVMs started to all with quorum in " +
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) + " ms");
    }

    /** One member JVM: its input, and its output lines as they come. */
    private static final class Member
    {
        final int id;
        final Process process;
        final PrintWriter in;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> seen = new ArrayList<>();

        Member(final int id, final Process process)
        {
            this.id = id;
            this.process = process;
            in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
            final Thread reader = new Thread(() ->
            {
                try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
                {
                    String line;
                    while (null != (line = out.readLine()))
                    {
                        lines.add(line);
                    }
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            }, "member-" + id + "-output");
            reader.setDaemon(true);
            reader.start();
        }

        void send(final String command)
        {
            in.println(command);
        }

        String await(final String prefix, final long timeoutMs) throws InterruptedException
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (true)
            {
                final String line = lines.poll(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (null == line)
                {
                    throw new AssertionError("node " + id + " printed no line starting \"" + prefix + "\" within " +
                        timeoutMs + " ms; it printed " + seen);
                }
                seen.add(line);
                if (line.startsWith(prefix))
                {
                    return line;
                }
            }
        }

        void awaitExit()
        {
            try
            {
                if (!process.waitFor(10, TimeUnit.SECONDS))
                {
                    process.destroyForcibly();
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
