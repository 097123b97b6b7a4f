package org.jdsm.transport.rdma;

import com.ibm.disni.verbs.IbvRecvWR;
import com.ibm.disni.verbs.IbvSendWR;
import com.ibm.disni.verbs.IbvWC;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One RC queue pair with its completion queue, as the transport sees it. {@link DisniFabric} implements it over a
 * DiSNI endpoint; tests implement it without hardware.
 * <p>
 * <b>Note:</b> {@link #postSend} and {@link #postRecv} are called under the owning {@link Link}'s post lock or
 * from the poller; {@link #poll} only from the poller.
 */
interface VerbsConnection
{
    /**
     * Register a direct buffer with LOCAL_WRITE | REMOTE_READ | REMOTE_WRITE | REMOTE_ATOMIC access in this
     * connection's protection domain; the same buffer registered twice in one domain returns the same registration.
     *
     * @param buffer direct, to register.
     * @return its registration.
     * @throws IOException when the NIC refuses.
     */
    MemoryRegistration register(ByteBuffer buffer) throws IOException;

    /**
     * Post one send work request.
     *
     * @param wr to post.
     * @throws IOException when the post fails (queue full or queue pair in error).
     */
    void postSend(IbvSendWR wr) throws IOException;

    /**
     * Post one receive work request.
     *
     * @param wr to post.
     * @throws IOException when the post fails.
     */
    void postRecv(IbvRecvWR wr) throws IOException;

    /**
     * Poll the completion queue.
     *
     * @param completions to fill.
     * @return how many were filled, 0 when none.
     * @throws IOException when polling fails.
     */
    int poll(IbvWC[] completions) throws IOException;

    /**
     * @return the peer's address, for messages.
     */
    String remoteAddress();

    /**
     * Disconnect and release the queue pair; outstanding work requests are flushed. Idempotent.
     */
    void close();
}
