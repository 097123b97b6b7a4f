package org.jdsm;

/**
 * Thrown when a node rejects a one-sided or control operation on its heap: an address out of range, a stale or
 * forged address whose colour does not match the block, or a malformed request.
 */
public class RemoteAccessException extends DsmException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message the operation, the address and why it was rejected.
     */
    public RemoteAccessException(final String message)
    {
        super(message);
    }
}
