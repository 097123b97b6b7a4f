package org.jdsm;

/**
 * Thrown when an object is larger than the configured largest object, or a value does not fit the object it is
 * written to.
 */
public class ObjectSizeException extends DsmException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message the size requested and the limit it breaks.
     */
    public ObjectSizeException(final String message)
    {
        super(message);
    }
}
