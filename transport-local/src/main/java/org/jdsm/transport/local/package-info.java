/**
 * The {@code local} transport: a cluster of one node, the default of {@link org.jdsm.DsmConfig}. It needs only the
 * production artifacts; for tests of several nodes in one JVM use the simulator ({@code jdsm-simulator}), for
 * processes and hosts Aeron ({@code jdsm-transport-aeron}).
 */
package org.jdsm.transport.local;
