/**
 * A deterministic simulated transport for tests: the nodes of a cluster run in one JVM and talk through a
 * {@link org.jdsm.simulator.SimulatedNetwork} that delays, reorders (from a seed) and crashes. Start with
 * {@link org.jdsm.simulator.SimulatedNetwork}, then give it to each node's config through its provider:
 * {@code config.transportProvider(new SimulatedTransportProvider(network))}.
 */
package org.jdsm.simulator;
