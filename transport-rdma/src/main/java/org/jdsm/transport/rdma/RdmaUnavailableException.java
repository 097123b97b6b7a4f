package org.jdsm.transport.rdma;

import org.jdsm.ConfigurationException;

/**
 * Thrown at once by {@link RdmaTransport#start()} when this machine can not run the RDMA transport: {@code libdisni}
 * is not on {@code java.library.path}, or no RDMA device is present. The message says which is missing, how to
 * install it, and that {@code transport = aeron} works without RDMA.
 * <p>
 * <b>Note:</b> immutable, so safe to share between threads.
 */
public class RdmaUnavailableException extends ConfigurationException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is missing and how to install it.
     */
    public RdmaUnavailableException(final String message)
    {
        super(message);
    }
}
