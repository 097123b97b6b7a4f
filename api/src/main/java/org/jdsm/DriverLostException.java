package org.jdsm;

/**
 * Thrown by {@link Dsm#serve(DsmConfig)} on a serving node when the driver (node 0) was found dead or left
 * before it closed the cluster: the program did not end cleanly. The launcher turns it into exit status 3.
 */
public class DriverLostException extends NodeUnavailableException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param driverNodeId the driver's node id.
     * @param servingNodeId the node that was serving it.
     */
    public DriverLostException(final int driverNodeId, final int servingNodeId)
    {
        super(driverNodeId, "node " + servingNodeId + " lost the driver before it closed the cluster");
    }
}
