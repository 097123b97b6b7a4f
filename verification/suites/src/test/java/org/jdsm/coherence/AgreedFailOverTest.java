package org.jdsm.coherence;

import org.jdsm.Codecs;
import org.jdsm.DBox;
import org.jdsm.DsmConfig;
import org.jdsm.Mut;
import org.jdsm.NodeUnavailableException;
import org.jdsm.Ref;
import org.jdsm.membership.AgreedMembershipView;
import org.jdsm.membership.MembershipContext;
import org.jdsm.simulator.SimulatedCluster;
import org.jdsm.simulator.SimulatedNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine with {@code jdsm.membership=agreed} (loaded through {@code MembershipViewProvider}): 3 simulated nodes
 * with {@code jdsm.replicas=1}, each running a real Aeron Cluster member on loopback. A crashed node's slice moves
 * only once the majority committed its death; a node cut off from the majority refuses writes, naming why.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgreedFailOverTest
{
    private static final String[] PROPERTIES = {
        MembershipContext.MEMBERS_PROP_NAME, MembershipContext.QUORUM_TIMEOUT_PROP_NAME,
        MembershipContext.STARTUP_TIMEOUT_PROP_NAME, MembershipContext.PROPOSAL_TIMEOUT_PROP_NAME };

    private SimulatedCluster cluster;

    @BeforeEach
    void startThreeNodesWithAgreedMembership() throws Exception
    {
        System.setProperty(MembershipContext.MEMBERS_PROP_NAME, members(3));
        System.setProperty(MembershipContext.QUORUM_TIMEOUT_PROP_NAME, "1s");
        System.setProperty(MembershipContext.STARTUP_TIMEOUT_PROP_NAME, "4s");
        System.setProperty(MembershipContext.PROPOSAL_TIMEOUT_PROP_NAME, "4s");
        cluster = SimulatedCluster.start(new SimulatedNetwork.Context().seed(19), 3, (config) -> config
            .heapSize(1024 * 1024)
            .cacheSize(512 * 1024)
            .maxObjectSize(16 * 1024)
            .workerThreads(2)
            .replicas(1)
            .membership("agreed")
            .peerTimeoutNs(TimeUnit.SECONDS.toNanos(2))
            .operationTimeoutNs(TimeUnit.SECONDS.toNanos(10))
            .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(20)), Node::new);
        awaitTrue("every member has quorum", 30_000, () ->
            view(0).membership().hasQuorum() && view(1).membership().hasQuorum() && view(2).membership().hasQuorum());
    }

    @AfterEach
    void closeCluster()
    {
        try
        {
            if (null != cluster)
            {
                cluster.close();
            }
        }
        finally
        {
            for (final String property : PROPERTIES)
            {
                System.clearProperty(property);
            }
        }
    }

    @Test
    void aCrashedNodesSliceMovesToItsBackupOnceTheMajorityCommittedItsDeath() throws Exception
    {
        final Node driver = (Node)cluster.node(0);
        final DBox<Long> written = driver.allocOn(2, Codecs.LONG, 7L);
        final DBox<Long> box = driver.spawnOn(2, (n) ->
        {
            try (Mut<Long> mut = written.write()) // at its home: stays there, mirrored to node 0 at the release
            {
                mut.setLong(8L);
            }
            return written;
        }).get(20, TimeUnit.SECONDS);
        final DBox<Long> forNode1 = driver.allocOn(2, Codecs.LONG, 5L);
        assertEquals(2, org.jdsm.coherence.GlobalAddress.nodeId(box.address()));
        final Replication replication = ((EngineHeap)driver.heap()).replication();
        assertInstanceOf(AgreedMembershipView.class, replication.membership(), "loaded by jdsm.membership=agreed");
        assertEquals(0, view(0).membership().currentView().epoch());

        final boolean leaderCrashed = io.aeron.cluster.service.Cluster.Role.LEADER == view(2).membership().role();
        view(2).close(); // the crash takes node 2's member with it
        cluster.network().crash(2);
        final long crashedAtNs = System.nanoTime();

        try (Ref<Long> ref = box.read())
        {
            assertEquals(8L, ref.getLong(), "read at node 0, node 2's backup");
        }
        System.out.println("agreed fail-over: first read after the crash returned after " +
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashedAtNs) + " ms (node 2 was " +
            (leaderCrashed ? "" : "not ") + "the membership's leader)");
        final org.jdsm.membership.MembershipView agreed = view(0).membership().currentView();
        assertFalse(agreed.isLive(2), agreed.toString());
        assertEquals(0, agreed.homeOf(2), "the majority moved slice 2 to node 0, where the engine routes it");
        assertEquals(1, agreed.epoch(), "one declareDead committed: " + agreed);
        assertEquals(0, replication.servingNode(2));
        assertEquals(1, replication.failOvers());
        try (Mut<Long> mut = box.write())
        {
            mut.setLong(9L);
        }
        try (Ref<Long> ref = box.read())
        {
            assertEquals(9L, ref.getLong());
        }
        final long atNode1 = driver.spawnOn(1, (n) ->
        {
            try (Ref<Long> ref = forNode1.read())
            {
                return ref.getLong();
            }
        }).get(20, TimeUnit.SECONDS);
        assertEquals(5L, atNode1, "node 1 reads slice 2 at node 0 too: the same agreed decision");
        assertEquals(0, ((EngineHeap)((Node)cluster.node(1)).heap()).replication().servingNode(2));
    }

    @Test
    void aNodeCutOffFromTheMajorityRefusesWritesNamingWhy() throws Exception
    {
        final Node node = (Node)cluster.node(0);
        final DBox<Long> own = node.alloc(Codecs.LONG, 1L);
        try (Mut<Long> mut = own.write())
        {
            mut.setLong(2L);
        }
        final EngineHeap heap = (EngineHeap)node.heap();
        final long word = node.alloc(Codecs.LONG, 40L).address();
        assertEquals(40L, heap.fetchAdd(word, 0, 1));

        view(1).close();
        view(2).close();
        awaitTrue("node 0 loses quorum", 5_000, () -> !view(0).membership().hasQuorum());

        final NodeUnavailableException refused = assertThrows(NodeUnavailableException.class, () ->
        {
            try (Mut<Long> mut = own.write())
            {
                mut.setLong(3L);
            }
        });
        assertTrue(refused.getMessage().contains("node 0 stops serving writes (jdsm.membership=agreed), it may not " +
            "act on its own view: node 0 can not reach a majority"), refused.getMessage());
        try (Ref<Long> ref = own.read())
        {
            assertEquals(2L, ref.getLong(), "reads still served; the refused write published nothing");
        }
        assertThrows(NodeUnavailableException.class, () -> heap.fetchAdd(word, 0, 1));
        assertThrows(NodeUnavailableException.class, () -> heap.compareAndSwap(word, 0, 41L, 50L));
        assertEquals(41L, CountWord.count(
            heap.region().getLongAcquire(GlobalAddress.offset(word) + BlockDescriptor.HEADER_LENGTH)),
            "the refused atomics changed nothing");
    }

    private AgreedMembershipView view(final int node)
    {
        return (AgreedMembershipView)((EngineHeap)((Node)cluster.node(node)).heap()).replication().membership();
    }

    private static String members(final int count) throws IOException
    {
        final List<Integer> taken = new ArrayList<>();
        final StringBuilder members = new StringBuilder();
        for (int m = 0; m < count; m++)
        {
            int found = -1;
            for (int attempt = 0; attempt < 200 && found < 0; attempt++)
            {
                final int base = ThreadLocalRandom.current().nextInt(10_000, 32_000) & ~7;
                if (!taken.contains(base) && allFree(base))
                {
                    found = base;
                }
            }
            if (found < 0)
            {
                throw new IOException("no " + MembershipContext.PORTS_PER_MEMBER + " consecutive free UDP ports");
            }
            taken.add(found);
            members.append(m > 0 ? "," : "").append("127.0.0.1:").append(found);
        }
        return members.toString();
    }

    private static boolean allFree(final int base) throws IOException
    {
        final DatagramSocket[] held = new DatagramSocket[MembershipContext.PORTS_PER_MEMBER];
        try
        {
            for (int i = 0; i < held.length; i++)
            {
                held[i] = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), base + i));
            }
            return true;
        }
        catch (final SocketException ex)
        {
            return false;
        }
        finally
        {
            for (final DatagramSocket socket : held)
            {
                if (null != socket)
                {
                    socket.close();
                }
            }
        }
    }

    private static void awaitTrue(final String what, final long timeoutMs, final BooleanSupplier condition)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
