package org.jdsm.transport.rdma;

import com.ibm.disni.verbs.IbvRecvWR;
import com.ibm.disni.verbs.IbvSendWR;
import com.ibm.disni.verbs.IbvWC;
import org.agrona.BufferUtil;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link VerbsConnection} without hardware: registrations get lkey 11 and rkey 22, posts are recorded as
 * "opcode:wr_id:flags:length" (sends) and wr_ids (receives), polls return nothing.
 */
final class FakeConnection implements VerbsConnection
{
    static final int LKEY = 11;
    static final int RKEY = 22;

    final List<String> sends = new ArrayList<>();
    final List<Long> receives = new ArrayList<>();
    boolean isClosed;

    public MemoryRegistration register(final ByteBuffer buffer)
    {
        return new MemoryRegistration(BufferUtil.address(buffer), buffer.capacity(), LKEY, RKEY);
    }

    public void postSend(final IbvSendWR wr)
    {
        sends.add(wr.getOpcode() + ":" + Long.toHexString(wr.getWr_id()) + ":" + wr.getSend_flags() + ":" +
            wr.getSge(0).getLength());
    }

    public void postRecv(final IbvRecvWR wr)
    {
        receives.add(wr.getWr_id());
    }

    public int poll(final IbvWC[] completions)
    {
        return 0;
    }

    public String remoteAddress()
    {
        return "fake";
    }

    public void close()
    {
        isClosed = true;
    }
}
