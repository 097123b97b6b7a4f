/**
 * A deterministic simulated transport for tests: the nodes of a cluster run in one JVM and talk through a
 * {@link org.jdsm.simulator.SimulatedNetwork} that delays, reorders (from a seed) and crashes. Start with
 * {@link org.jdsm.simulator.SimulatedNetwork}, then give it to each node's config as the transport option
 * {@link org.jdsm.simulator.SimulatedTransport#NETWORK_OPTION}.
 */
package org.jdsm.simulator;
