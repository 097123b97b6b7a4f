package org.jdsm;

/**
 * Thrown when no node of the cluster has a free block large enough for an allocation.
 */
public class HeapExhaustedException extends DsmException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message the size requested and what was tried.
     */
    public HeapExhaustedException(final String message)
    {
        super(message);
    }
}
