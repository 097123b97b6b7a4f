package org.jdsm;

/**
 * Base of every unchecked exception jdsm throws for misuse, bad configuration or a failed remote operation.
 * <p>
 * <b>Note:</b> immutable, so safe to share between threads.
 */
public class DsmException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the object, node or setting involved.
     */
    public DsmException(final String message)
    {
        super(message);
    }

    /**
     * @param message what went wrong, naming the object, node or setting involved.
     * @param cause   the underlying failure.
     */
    public DsmException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
