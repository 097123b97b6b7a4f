package org.jdsm.apps.gemm;

/**
 * A GEMM run that can not start or did not give the right product: bad arguments, a size that does not fit the
 * nodes' heaps, or a result that differs from the reference. The message names the setting and the bound, or
 * the first wrong element.
 * <p>
 * <b>Note:</b> immutable, threadsafe.
 */
public class GemmException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message naming the setting and the bound it breaks, or the wrong element.
     */
    public GemmException(final String message)
    {
        super(message);
    }

    /**
     * @param message naming what failed.
     * @param cause   the failure underneath.
     */
    public GemmException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
