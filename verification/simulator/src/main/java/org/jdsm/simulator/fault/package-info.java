/**
 * Adversarial schedules for real transports: {@link org.jdsm.simulator.fault.FaultInjectingTransport} wraps any
 * transport and delays and reorders what its contract lets a transport delay and reorder, following a
 * {@link org.jdsm.simulator.fault.FaultSchedule} that a property draws and shrinks.
 */
package org.jdsm.simulator.fault;
