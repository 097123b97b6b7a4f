/**
 * Several hosts on one machine for tests: network namespaces on a bridge, each with its own address, made and
 * removed by the test. Start with {@link org.jdsm.netns.NamespaceNetwork}.
 */
package org.jdsm.netns;
