package org.jdsm.linearizability;

/**
 * The checker's answer for a history or one of its keys.
 */
public enum Verdict
{
    /** Some total order of the operations respects real time and the model. */
    LINEARIZABLE,
    /** No such order exists. */
    NOT_LINEARIZABLE,
    /** The search hit its limit of explored states before deciding. */
    UNKNOWN
}
