package org.jdsm.transport.aeron;

import org.jdsm.simulator.contract.ContractCluster;
import org.jdsm.simulator.contract.ContractSpec;
import org.jdsm.simulator.contract.InProcessContractCluster;
import org.jdsm.simulator.contract.TransportContract;

/**
 * The transport contract over Aeron IPC: every node in this JVM, sharing one embedded driver and duty cycle; kill
 * halts a node's responder. Its assertions are inherited from {@link TransportContract}.
 */
class AeronIpcTransportContractTest extends TransportContract
{
    protected ContractSpec spec()
    {
        return super.spec().copiesIndirectRanges(true); // READ_INDIRECT, served by the peer's duty cycle
    }

    protected ContractCluster startCluster(final ContractSpec spec) throws Exception
    {
        final InProcessContractCluster cluster = InProcessContractCluster.start(
            spec,
            (nodeId) -> spec.config(nodeId)
                .transport(AeronTransportProvider.NAME)
                .transportOption(AeronTransportContext.Configuration.CHANNEL_PROP_NAME, "ipc"),
            AeronTransport::new);

        return cluster.killWith((nodeId) -> ((AeronTransport)cluster.transport(nodeId)).halt());
    }
}
