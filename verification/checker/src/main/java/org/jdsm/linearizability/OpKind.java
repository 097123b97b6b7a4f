package org.jdsm.linearizability;

/**
 * The kind of an {@link Op}: what it asks of the object, and how its argument and result are read. Each
 * {@link Model} says which kinds it supports.
 */
public enum OpKind
{
    /** Read the value; the result is the value read. */
    READ,
    /** Write {@link Op#argument()}; no result. */
    WRITE,
    /** If the value is {@link Op#argument()}, write {@link Op#argument2()}; the result is 1 on success, else 0. */
    COMPARE_AND_SET,
    /** Add {@link Op#argument()}; no result. */
    ADD,
    /** Add {@link Op#argument()}; the result is the value before the add. */
    GET_AND_ADD,
    /** Append {@link Op#argument()} at the tail of a queue; no result. */
    ENQUEUE,
    /** Take the head of a queue; the result is the value, or {@link Models#EMPTY} when the queue was empty. */
    DEQUEUE,
    /**
     * Append {@link Op#textArgument()} to the text value (nil counts as empty); no result. Supported by
     * {@link Models#kv()}.
     */
    APPEND
}
