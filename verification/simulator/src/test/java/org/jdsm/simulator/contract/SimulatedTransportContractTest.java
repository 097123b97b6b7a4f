package org.jdsm.simulator.contract;

import org.jdsm.simulator.SimulatedNetwork;
import org.jdsm.simulator.SimulatedTransportProvider;

/**
 * The transport contract over the simulated transport, with seeded delays and reordering; its assertions are
 * inherited from {@link TransportContract}.
 */
class SimulatedTransportContractTest extends TransportContract
{
    protected ContractSpec spec()
    {
        return super.spec().copiesIndirectRanges(true);
    }

    protected ContractCluster startCluster(final ContractSpec spec) throws Exception
    {
        final SimulatedNetwork network = new SimulatedNetwork(
            new SimulatedNetwork.Context().seed(42).maxDelaySteps(3).reorder(true));
        final SimulatedTransportProvider provider = new SimulatedTransportProvider(network);

        return InProcessContractCluster.start(
            spec,
            (nodeId) -> spec.config(nodeId).transportProvider(provider),
            provider::newTransport,
            network)
            .killWith(network::crash);
    }
}
