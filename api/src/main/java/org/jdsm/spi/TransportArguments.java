package org.jdsm.spi;

import org.jdsm.RemoteAccessException;

/**
 * The argument checks every {@link Transport} makes before it touches a peer: a node id within the cluster and a
 * length that is not negative. One implementation, so every transport rejects bad arguments with the same message.
 * <p>
 * <b>Note:</b> stateless and threadsafe; allocates only to throw, so it may sit on a transport's hot path.
 */
public final class TransportArguments
{
    private TransportArguments()
    {
    }

    /**
     * Check that an operation names a node of the cluster.
     *
     * @param operation e.g. {@code read}, for the message.
     * @param nodeId    the operation's target.
     * @param nodeCount nodes in the cluster.
     * @throws RemoteAccessException naming the operation, the node id and the range if it is out of
     *                               {@code [0, nodeCount)}.
     */
    public static void checkNodeId(final String operation, final int nodeId, final int nodeCount)
    {
        if (nodeId < 0 || nodeId >= nodeCount)
        {
            throw new RemoteAccessException(
                operation + " nodeId=" + nodeId + " out of range [0, nodeCount=" + nodeCount + ")");
        }
    }

    /**
     * Check that an operation's length is not negative.
     *
     * @param operation e.g. {@code write}, for the message.
     * @param offset    the operation's offset, for the message.
     * @param length    the operation's length in bytes.
     * @throws RemoteAccessException naming the operation, offset and length if the length is negative.
     */
    public static void checkLength(final String operation, final long offset, final int length)
    {
        if (length < 0)
        {
            throw new RemoteAccessException(
                operation + " offset=" + offset + " length=" + length + ": length must be >= 0");
        }
    }

    /**
     * Check that a {@link Transport#readValidated} range starts with a whole aligned sequence word.
     *
     * @param operation e.g. {@code readValidated}, for the message.
     * @param offset    of the range: a multiple of 8.
     * @param length    of the range in bytes: at least 8.
     * @throws RemoteAccessException naming the operation, offset and length if not.
     */
    public static void checkSequenceWord(final String operation, final long offset, final int length)
    {
        if (0 != (offset & 7) || length < Long.BYTES)
        {
            throw new RemoteAccessException(operation + " offset=" + offset + " length=" + length +
                ": the range must start with an 8-byte aligned sequence word (offset a multiple of 8, length >= 8)");
        }
    }

    /**
     * Check the arguments of an indirect read ({@link Transport#readIndirect}).
     *
     * @param operation  name for the message.
     * @param wordOffset of the word read.
     * @param length     of the range it points to, its sequence word included.
     * @throws RemoteAccessException if {@code wordOffset} is not a multiple of 8 or {@code length < 8}.
     */
    public static void checkIndirect(final String operation, final long wordOffset, final int length)
    {
        if (0 != (wordOffset & 7) || length < Long.BYTES)
        {
            throw new RemoteAccessException(operation + " wordOffset=" + wordOffset + " length=" + length +
                ": the word must be 8-byte aligned and the range start with an 8-byte sequence word (length >= 8)");
        }
    }
}
