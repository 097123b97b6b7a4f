/**
 * A linearizability checker for histories of concurrent operations, independent of any transport: record a
 * {@link org.jdsm.linearizability.History} with a {@link org.jdsm.linearizability.HistoryRecorder},
 * then decide it against a sequential {@link org.jdsm.linearizability.Model} with
 * {@link org.jdsm.linearizability.LinearizabilityChecker}. Start with the checker.
 */
package org.jdsm.linearizability;
