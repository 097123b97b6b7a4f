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
 * <p>
 * A view may also refuse writes ({@link #checkCanServeWrites()}): a node on the minority side of a partition must
 * not publish on a slice the majority may have moved. The engine's view never refuses. A view the engine loaded
 * itself (see {@link MembershipViewProvider}) is closed with the node ({@link #close()}).
 * <p>
 * <b>Note:</b> threadsafe: asked by application threads, task workers and the transport's receiving thread.
 */
@FunctionalInterface
public interface MembershipView extends AutoCloseable
{
    /**
     * Whether a node has been declared dead. Once true for a node, true for it from then on.
     *
     * @param nodeId of a peer, in [0, nodeCount).
     * @return true if the node is dead and its slice is served by a backup.
     */
    boolean isDeclaredDead(int nodeId);

    /**
     * Called by the engine (only with {@code jdsm.replicas > 0}) before every one-sided write or atomic it routes
     * and before mirroring a change to its own slice (a {@code Mut}'s release, an allocation, a colour bump...): a
     * node that may not act on its own view (e.g. it is cut off from a majority) must fail the operation rather
     * than publish it. The default never refuses.
     *
     * @throws org.jdsm.DsmException (e.g. {@link org.jdsm.NodeUnavailableException} naming this node) saying why
     *                               this node may not serve writes now.
     */
    default void checkCanServeWrites()
    {
    }

    /**
     * How long the engine waits, after an operation on a node failed as unavailable, for this view to declare the
     * node dead before the failure stands (it polls {@link #isDeclaredDead(int)}). A view that needs a majority to
     * agree may need longer than a local verdict, e.g. when the dead node led the agreement and a new leader must be
     * elected first.
     *
     * @return nanoseconds, or 0 for the engine's default: the smaller of {@code jdsm.peer.timeout} and
     * {@code jdsm.operation.timeout}; the engine waits the larger of the two.
     */
    default long decisionTimeoutNs()
    {
        return 0;
    }

    /**
     * Release what the view holds (e.g. its membership member); called when the node that loaded it closes.
     * The default holds nothing.
     */
    default void close()
    {
    }

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
