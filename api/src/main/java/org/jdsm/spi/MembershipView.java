package org.jdsm.spi;

/**
 * The decision "node X is dead" that fail-over acts on: once a view declares a node dead, the engine routes that
 * node's heap slice to its first live backup (see {@code jdsm.replicas}) and never back, so every node must reach the
 * same decisions. The engine asks only when an operation on the node failed as unavailable, and only with
 * {@code jdsm.replicas > 0}.
 * <p>
 * The engine's own view declares a node dead the first time its transport reports it unavailable: deterministic
 * (every node computes the same first live backup) but <b>not partition-safe</b>: two sides of a partition each
 * declare the other dead. A view backed by a membership agreed by a majority (e.g. Aeron Cluster) plugs in here so
 * a minority never serves a slice the majority serves.
 * <p>
 * <b>Note:</b> threadsafe: asked by application threads, task workers and the transport's receiving thread.
 */
@FunctionalInterface
public interface MembershipView
{
    /**
     * Whether a node has been declared dead. Once true for a node, true for it from then on.
     *
     * @param nodeId of a peer, in [0, nodeCount).
     * @return true if the node is dead and its slice is served by a backup.
     */
    boolean isDeclaredDead(int nodeId);

    /**
     * The view the engine uses unless told otherwise: a node is dead once the transport reports it unavailable (the
     * engine keeps the decision: it never routes back). Not partition-safe.
     *
     * @param transport of the node, asked {@link Transport#isAvailable(int)}.
     * @return the view.
     */
    static MembershipView fromTransport(final Transport transport)
    {
        return (nodeId) -> !transport.isAvailable(nodeId);
    }
}
