/**
 * The jdsm launcher and its applications: {@link org.jdsm.apps.Launcher} starts one node from a cluster file
 * ({@code node}) or a whole cluster of JVMs on loopback ({@code local}), and runs an
 * {@link org.jdsm.apps.Application} across it.
 */
package org.jdsm.apps;
