package org.jdsm.coherence;

/**
 * Layout of the borrow state word every owning handle keeps, updated only by CAS so a conflicting borrow fails at
 * once instead of waiting.
 * <pre>
 *   bits 0..31   number of open shared borrows (Refs, including those lent to tasks)
 *   bit  32      an exclusive borrow (Mut) is open
 *   bit  33      the handle was moved: consumed
 *   bit  34      the object was freed
 * </pre>
 */
final class BorrowState
{
    static final long READERS_MASK = 0xFFFF_FFFFL;
    static final long WRITER = 1L << 32;
    static final long MOVED = 1L << 33;
    static final long FREED = 1L << 34;
    static final long UNUSABLE = MOVED | FREED;

    private BorrowState()
    {
    }

    static int readers(final long state)
    {
        return (int)(state & READERS_MASK);
    }
}
