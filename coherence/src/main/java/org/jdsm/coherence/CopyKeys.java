package org.jdsm.coherence;

/**
 * The engine component that names a remote object's copy in the node's {@link CopyCache}: the key under which a
 * copy is looked up, inserted and published. The engine's own, {@link #BY_ADDRESS_AND_COLOUR}, is the global
 * address with its colour, so a copy of an object that has since been written (and re-coloured) is never found
 * again. Tests and the verification suites wrap it in a decorator to break coherence on purpose (see
 * {@link Node#Node(org.jdsm.DsmConfig, java.util.function.UnaryOperator)}); production code never does.
 * <p>
 * <b>Note:</b> implementations are called by every reading thread on the cache-hit path: stateless, threadsafe and
 * allocation free.
 */
@FunctionalInterface
public interface CopyKeys
{
    /** The engine's keys: a copy is keyed by its object's global address with colour. */
    CopyKeys BY_ADDRESS_AND_COLOUR = (address) -> address;

    /**
     * The cache key of the copy of an object.
     *
     * @param address global address of the object, with colour.
     * @return the key of its copy.
     */
    long keyOf(long address);
}
