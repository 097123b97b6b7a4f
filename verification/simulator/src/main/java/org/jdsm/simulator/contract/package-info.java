/**
 * The transport contract suite: the behaviour every {@link org.jdsm.spi.Transport} must show. Extend
 * {@link org.jdsm.simulator.contract.TransportContract} and implement its one factory method to run it against a
 * transport; start with that class.
 */
package org.jdsm.simulator.contract;
