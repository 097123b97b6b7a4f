package org.jdsm.transport.rdma;

import org.jdsm.simulator.contract.BufferHeapRegion;
import org.jdsm.simulator.contract.ContractCluster;
import org.jdsm.simulator.contract.InProcessContractCluster;
import org.jdsm.simulator.contract.ContractSpec;
import org.jdsm.simulator.contract.TransportContract;
import org.junit.jupiter.api.BeforeEach;

import java.io.File;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The transport contract over real RDMA: three nodes in this JVM connected through RDMA-CM at the IPv4 address of
 * the first RDMA device's network interface (or {@code -Djdsm.rdma.test.host=...}). Runs wherever an RDMA device and
 * libdisni are visible; elsewhere every test is reported SKIPPED with the reason, never passed. The heaps are
 * {@link BufferHeapRegion}s without {@link RdmaTransportContext#heapSegments()}, so peers are served in bounce mode
 * and the heap's own rejection messages reach the caller, as the contract asserts.
 */
class RdmaTransportContractTest extends TransportContract
{
    private static final AtomicInteger NEXT_PORT = new AtomicInteger(47_100);
    private static final String UNAVAILABLE = unavailableReason();
    private static String host;

    /**
     * Checked before each test rather than once per class, so that surefire reports every contract test as
     * skipped with the reason instead of a class with no tests run.
     */
    @BeforeEach
    void requireRdma()
    {
        assumeTrue(null == UNAVAILABLE, UNAVAILABLE);
    }

    private static String unavailableReason()
    {
        try
        {
            new RdmaEnvironment().check();
        }
        catch (final RdmaUnavailableException ex)
        {
            return "RDMA contract skipped: " + ex.getMessage();
        }

        host = System.getProperty("jdsm.rdma.test.host", rdmaInterfaceAddress());
        return null != host ? null : "RDMA contract skipped: no IPv4 address on the network interface of any " +
            "device under " + RdmaEnvironment.DEVICES_DIR + "; set -Djdsm.rdma.test.host";
    }

    protected ContractCluster startCluster(final ContractSpec spec) throws Exception
    {
        final int basePort = NEXT_PORT.getAndAdd(spec.nodeCount());
        final List<String> members = new ArrayList<>();
        for (int nodeId = 0; nodeId < spec.nodeCount(); nodeId++)
        {
            members.add(host + ":" + (basePort + nodeId));
        }

        final RdmaTransportProvider provider = new RdmaTransportProvider();

        return InProcessContractCluster.start(
            spec,
            (nodeId) -> spec.config(nodeId).transport(RdmaTransportProvider.NAME).members(members)
                .transportOption(RdmaConfiguration.CONNECT_TIMEOUT_PROP_NAME, "20s"),
            provider::newTransport);
    }

    private static String rdmaInterfaceAddress()
    {
        final File[] devices = new File(RdmaEnvironment.DEVICES_DIR).listFiles();
        if (null == devices)
        {
            return null;
        }
        for (final File device : devices)
        {
            final String[] netdevs = new File(device, "device/net").list();
            if (null == netdevs)
            {
                continue;
            }
            for (final String netdev : netdevs)
            {
                try
                {
                    final NetworkInterface nic = NetworkInterface.getByName(netdev);
                    if (null == nic)
                    {
                        continue;
                    }
                    final Enumeration<InetAddress> addresses = nic.getInetAddresses();
                    while (addresses.hasMoreElements())
                    {
                        final InetAddress address = addresses.nextElement();
                        if (address instanceof Inet4Address)
                        {
                            return address.getHostAddress();
                        }
                    }
                }
                catch (final java.net.SocketException ignore)
                {
                    // try the next interface
                }
            }
        }
        return null;
    }
}
