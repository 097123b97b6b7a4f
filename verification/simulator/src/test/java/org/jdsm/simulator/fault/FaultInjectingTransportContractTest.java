package org.jdsm.simulator.fault;

import org.jdsm.simulator.SimulatedNetwork;
import org.jdsm.simulator.SimulatedTransportProvider;
import org.jdsm.simulator.contract.ContractCluster;
import org.jdsm.simulator.contract.ContractSpec;
import org.jdsm.simulator.contract.InProcessContractCluster;
import org.jdsm.simulator.contract.TransportContract;

/**
 * The transport contract over the simulated transport wrapped in a {@link FaultInjectingTransport} that holds back
 * half the control messages (up to 2 ms) and delays a third of the one-sided operations (up to 0.5 ms): the faults
 * it injects keep the contract. The assertions are inherited from {@link TransportContract}.
 */
class FaultInjectingTransportContractTest extends TransportContract
{
    private static final FaultSchedule SCHEDULE = FaultSchedule.parse(
        "seed=7,messageDelayPercent=50,maxMessageDelayUs=2000,oneSidedDelayPercent=33,maxOneSidedDelayUs=500");

    protected ContractSpec spec()
    {
        return super.spec().copiesIndirectRanges(true);
    }

    protected ContractCluster startCluster(final ContractSpec spec) throws Exception
    {
        final SimulatedNetwork network = new SimulatedNetwork(new SimulatedNetwork.Context().seed(42));
        final SimulatedTransportProvider simulated = new SimulatedTransportProvider(network);

        return InProcessContractCluster.start(
            spec,
            (nodeId) -> spec.config(nodeId)
                .transportProvider(new FaultInjectingTransportProvider(simulated, new FaultControl(SCHEDULE))),
            (context) -> context.config().transportProvider().newTransport(context),
            network)
            .killWith(network::crash);
    }
}
