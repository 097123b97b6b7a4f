package org.jdsm.transport.aeron;

import org.jdsm.simulator.contract.ContractCluster;
import org.jdsm.simulator.contract.ContractSpec;
import org.jdsm.simulator.contract.TransportContract;

/**
 * The transport contract over Aeron IPC: every node in this JVM, sharing one embedded driver and duty cycle.
 */
class AeronIpcTransportContractTest extends TransportContract
{
    protected ContractCluster startCluster(final ContractSpec spec) throws Exception
    {
        return new InProcessCluster(spec, (nodeId) -> spec.config(nodeId)
            .transport(AeronTransportProvider.NAME)
            .transportOption(AeronTransportContext.Configuration.CHANNEL_PROP_NAME, "ipc"));
    }
}
