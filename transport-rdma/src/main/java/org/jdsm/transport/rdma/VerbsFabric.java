package org.jdsm.transport.rdma;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Creates {@link VerbsConnection}s through RDMA-CM: listens at this node's member address, accepts from peers with
 * higher ids and connects to peers with lower ids. {@link DisniFabric} is the implementation over DiSNI.
 * <p>
 * Owned by one {@link RdmaTransport}, which closes it. <b>Note:</b> {@link #accept()} blocks and is called by the
 * acceptor thread only; {@link #close()} releases it.
 */
interface VerbsFabric extends AutoCloseable
{
    /**
     * Bind and listen.
     *
     * @param address of this node.
     * @throws IOException when the address can not be bound to an RDMA device.
     */
    void listen(InetSocketAddress address) throws IOException;

    /**
     * Wait for the next connection from a peer.
     *
     * @return the connection, its receive buffers not yet posted.
     * @throws IOException when accepting fails or the fabric closed.
     */
    VerbsConnection accept() throws IOException;

    /**
     * Connect to a peer.
     *
     * @param address   of the peer.
     * @param timeoutMs for address and route resolution.
     * @return the connection.
     * @throws IOException when the peer does not answer or rejects.
     */
    VerbsConnection connect(InetSocketAddress address, int timeoutMs) throws IOException;

    /**
     * Close every connection and registration.
     */
    void close();
}
