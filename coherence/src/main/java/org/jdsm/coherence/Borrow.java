package org.jdsm.coherence;

/**
 * What every borrow the engine hands out can tell: whether it is still open. A {@link BoxHandle} decoded from a
 * nested field checks it on the borrow it was reached through.
 */
interface Borrow
{
    /**
     * Whether the borrow is open.
     *
     * @return true until it is closed or expired.
     */
    boolean isOpen();
}
