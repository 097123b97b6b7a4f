package org.jdsm.apps.kv;

import org.jdsm.DsmException;

/**
 * Misuse of a KV store or a failed workload run: a bad argument, a store that is closed or not attached on a node,
 * or a result that does not check. The message names the value and the bound it breaks.
 */
public class KvException extends DsmException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message naming what went wrong.
     */
    public KvException(final String message)
    {
        super(message);
    }

    /**
     * @param message naming what went wrong.
     * @param cause   of the failure.
     */
    public KvException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
