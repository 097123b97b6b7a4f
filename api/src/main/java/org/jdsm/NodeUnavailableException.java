package org.jdsm;

/**
 * Thrown when an operation needs a node that has crashed, left, fell silent for the peer timeout, or did not answer
 * within the operation timeout.
 */
public class NodeUnavailableException extends DsmException
{
    private static final long serialVersionUID = 1L;

    private final int nodeId;

    /**
     * @param nodeId  the node that could not be reached.
     * @param message what was being attempted.
     */
    public NodeUnavailableException(final int nodeId, final String message)
    {
        super("node " + nodeId + " unavailable: " + message);
        this.nodeId = nodeId;
    }

    /**
     * The node that could not be reached.
     *
     * @return the node id.
     */
    public int nodeId()
    {
        return nodeId;
    }
}
