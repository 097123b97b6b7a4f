/**
 * A linearizability checker for histories of concurrent operations, independent of any transport: record a
 * {@link org.jdsm.simulator.linearizability.History} with a {@link org.jdsm.simulator.linearizability.HistoryRecorder},
 * then decide it against a sequential {@link org.jdsm.simulator.linearizability.Model} with
 * {@link org.jdsm.simulator.linearizability.LinearizabilityChecker}. Start with the checker.
 */
package org.jdsm.simulator.linearizability;
