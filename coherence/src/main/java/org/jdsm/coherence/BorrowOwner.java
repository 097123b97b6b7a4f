package org.jdsm.coherence;

import org.jdsm.Codec;
import org.jdsm.HandleContext;

/**
 * What a {@link SharedBorrow} or {@link ExclusiveBorrow} needs of the handle it was borrowed from.
 */
interface BorrowOwner
{
    /**
     * @return the codec of the owned value.
     */
    Codec<?> codec();

    /**
     * Release one shared borrow.
     */
    void releaseRead();

    /**
     * Release the exclusive borrow.
     */
    void releaseWrite();

    /**
     * Current global address of the object.
     *
     * @return the address.
     */
    long address();

    /**
     * Name of the object for error messages, e.g. {@code DBox(node 1 offset 0x40 colour 3)}.
     *
     * @return the name.
     */
    String describe();

    /**
     * The context for decoding or encoding nested handles of a value read through a borrow.
     *
     * @param borrow the value is read through.
     * @return the context.
     */
    HandleContext handleContext(Object borrow);
}
