package org.jdsm;

/**
 * Thrown at once when a program breaks the ownership rules: a {@link Mut} beside a {@link Ref}, two {@link Mut}s,
 * use of a handle after it was moved, freed, closed, or after the task it was lent to returned.
 * <p>
 * Borrows never block: a conflicting borrow fails immediately, so misuse can not deadlock.
 */
public class BorrowException extends DsmException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message the rule broken and the object it was broken on.
     */
    public BorrowException(final String message)
    {
        super(message);
    }
}
