package org.jdsm;

/**
 * The cause of a failed spawned task's future: the exception thrown by the task on the node it ran on, carried
 * back as its type, message and stack trace in the message, and as this exception's {@link #getCause() cause}
 * when it could be serialized (so a caller can tell a {@link NodeUnavailableException} from a bug).
 */
public class RemoteTaskException extends DsmException
{
    private static final long serialVersionUID = 1L;

    private final int nodeId;

    /**
     * @param nodeId  the node the task ran on.
     * @param message the remote exception's type, message and stack trace.
     */
    public RemoteTaskException(final int nodeId, final String message)
    {
        super("task failed on node " + nodeId + ": " + message);
        this.nodeId = nodeId;
    }

    /**
     * The node the task ran on.
     *
     * @return the node id.
     */
    public int nodeId()
    {
        return nodeId;
    }
}
