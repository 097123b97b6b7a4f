/**
 * JMH benchmarks of jdsm's hot paths. Each benchmark class measures a jdsm operation beside the plain-Java
 * operation it replaces, in the same run, so results are read as ratios. Start with
 * {@link org.jdsm.bench.BorrowBenchmark}.
 */
package org.jdsm.bench;
