package org.jdsm.linearizability;

/**
 * A sequential specification of one object: its initial state and how each operation changes it. The checker
 * applies it to the operations of one key at a time, so a model describes a single object (a register, a counter, a
 * queue) and a map is a register per key (P-compositionality).
 * <p>
 * States are immutable values with {@code equals} and {@code hashCode}; the checker remembers (linearized set,
 * state) pairs it has seen by a 64-bit fingerprint of each, taking the state's from {@link #stateFingerprint(Object)}.
 * <p>
 * <b>Note:</b> implementations must be stateless, hence threadsafe.
 */
public interface Model
{
    /**
     * A short name for verdicts, e.g. {@code register(0)}.
     *
     * @return the name.
     */
    String name();

    /**
     * The state of every object before any operation.
     *
     * @return the initial state.
     */
    Object initialState();

    /**
     * Whether the model defines an operation kind.
     *
     * @param kind of operation.
     * @return true if {@link #step(Object, Op)} accepts it.
     */
    boolean supports(OpKind kind);

    /**
     * Apply an operation to a state. For a pending operation the result is unknown and not checked.
     *
     * @param state before the operation.
     * @param op    to apply.
     * @return the state after it, or null if the operation's recorded result is impossible in this state.
     */
    Object step(Object state, Op op);

    /**
     * A 64-bit fingerprint of a state: equal states must have equal fingerprints, and distinct states reached by the
     * same set of operations should have distinct ones (a collision could prune a branch of the search). The
     * default widens {@link Object#hashCode()}; a model whose states are numbers or text returns something wider.
     *
     * @param state of this model.
     * @return the fingerprint.
     */
    default long stateFingerprint(final Object state)
    {
        return state.hashCode();
    }

    /**
     * Whether the values of this model's operations are text ({@link Op#textArgument()}, {@link Op#textResult()})
     * rather than numbers: how a history reader should read them.
     *
     * @return true for text values.
     */
    default boolean textValues()
    {
        return false;
    }
}
