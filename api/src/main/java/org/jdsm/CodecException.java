package org.jdsm;

/**
 * Thrown when a value can not be laid out in the heap: an unsupported type, a value too large for a fixed-size
 * slot, or bytes that do not decode.
 */
public class CodecException extends DsmException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message the type or value and why it can not be encoded or decoded.
     */
    public CodecException(final String message)
    {
        super(message);
    }
}
