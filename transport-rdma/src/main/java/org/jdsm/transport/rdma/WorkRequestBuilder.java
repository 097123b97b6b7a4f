package org.jdsm.transport.rdma;

import com.ibm.disni.verbs.IbvRecvWR;
import com.ibm.disni.verbs.IbvSendWR;
import com.ibm.disni.verbs.IbvSge;

import java.util.LinkedList;

/**
 * Fills DiSNI's plain-Java work-request objects ({@link IbvSendWR}, {@link IbvRecvWR}, {@link IbvSge}) for every
 * operation the transport posts. Each {@link OperationSlot} and send-ring slot owns one request and one sge,
 * created once by {@link #newSendWr()} and refilled here, so nothing is allocated per operation.
 * <p>
 * Signalling rule: READs and atomics are always signalled (the caller waits for the data), WRITEs are always
 * signalled (the SPI's {@code write} returns when the bytes are at the peer), SENDs are signalled as
 * {@link SendSignalPolicy} decides. A payload of at most {@code maxInline} bytes is posted
 * {@code IBV_SEND_INLINE} (WRITE and SEND only: the NIC copies it at post time).
 * <p>
 * <b>Note:</b> immutable, so threadsafe; the requests it fills belong to the thread that claimed them.
 */
public final class WorkRequestBuilder
{
    private final int maxInline;

    /**
     * @param maxInline largest payload posted inline, 0 for none.
     */
    public WorkRequestBuilder(final int maxInline)
    {
        this.maxInline = maxInline;
    }

    /**
     * A send request with one sge, to be reused for every operation of one slot.
     *
     * @return the request.
     */
    public static IbvSendWR newSendWr()
    {
        final IbvSendWR wr = new IbvSendWR();
        final LinkedList<IbvSge> sgList = new LinkedList<>();
        sgList.add(new IbvSge());
        wr.setSg_list(sgList);
        wr.setNum_sge(1);
        return wr;
    }

    /**
     * A receive request with one sge.
     *
     * @return the request.
     */
    public static IbvRecvWR newRecvWr()
    {
        final IbvRecvWR wr = new IbvRecvWR();
        final LinkedList<IbvSge> sgList = new LinkedList<>();
        sgList.add(new IbvSge());
        wr.setSg_list(sgList);
        wr.setNum_sge(1);
        return wr;
    }

    /**
     * RDMA READ of {@code length} bytes at the peer into local registered memory.
     *
     * @param wr            to fill.
     * @param wrId          of the waiting operation.
     * @param localAddress  destination, registered.
     * @param lkey          of the destination's region.
     * @param length        in bytes.
     * @param remoteAddress source at the peer.
     * @param rkey          of the peer's region.
     * @return {@code wr}.
     */
    public IbvSendWR read(
        final IbvSendWR wr,
        final long wrId,
        final long localAddress,
        final int lkey,
        final int length,
        final long remoteAddress,
        final int rkey)
    {
        fill(wr, wrId, IbvSendWR.IBV_WR_RDMA_READ, IbvSendWR.IBV_SEND_SIGNALED, localAddress, lkey, length);
        wr.getRdma().setRemote_addr(remoteAddress);
        wr.getRdma().setRkey(rkey);
        return wr;
    }

    /**
     * RDMA WRITE of {@code length} bytes of local memory to the peer; signalled, inline when small enough.
     *
     * @param wr            to fill.
     * @param wrId          of the waiting operation.
     * @param localAddress  source, registered unless inline.
     * @param lkey          of the source's region.
     * @param length        in bytes.
     * @param remoteAddress destination at the peer.
     * @param rkey          of the peer's region.
     * @return {@code wr}.
     */
    public IbvSendWR write(
        final IbvSendWR wr,
        final long wrId,
        final long localAddress,
        final int lkey,
        final int length,
        final long remoteAddress,
        final int rkey)
    {
        fill(wr, wrId, IbvSendWR.IBV_WR_RDMA_WRITE, IbvSendWR.IBV_SEND_SIGNALED | inline(length),
            localAddress, lkey, length);
        wr.getRdma().setRemote_addr(remoteAddress);
        wr.getRdma().setRkey(rkey);
        return wr;
    }

    /**
     * RDMA atomic compare-and-swap of the 8-byte word at the peer; the old value lands in 8 local bytes.
     *
     * @param wr            to fill.
     * @param wrId          of the waiting operation.
     * @param resultAddress 8 registered bytes for the old value.
     * @param lkey          of their region.
     * @param remoteAddress of the word at the peer, 8-byte aligned.
     * @param rkey          of the peer's region.
     * @param expected      value.
     * @param update        value.
     * @return {@code wr}.
     */
    public IbvSendWR compareAndSwap(
        final IbvSendWR wr,
        final long wrId,
        final long resultAddress,
        final int lkey,
        final long remoteAddress,
        final int rkey,
        final long expected,
        final long update)
    {
        fill(wr, wrId, IbvSendWR.IBV_WR_ATOMIC_CMP_AND_SWP, IbvSendWR.IBV_SEND_SIGNALED, resultAddress, lkey,
            Long.BYTES);
        final IbvSendWR.Atomic atomic = wr.getAtomic();
        atomic.setRemote_addr(remoteAddress);
        atomic.setRkey(rkey);
        atomic.setCompare_add(expected);
        atomic.setSwap(update);
        return wr;
    }

    /**
     * RDMA atomic fetch-and-add of the 8-byte word at the peer; the old value lands in 8 local bytes.
     *
     * @param wr            to fill.
     * @param wrId          of the waiting operation.
     * @param resultAddress 8 registered bytes for the old value.
     * @param lkey          of their region.
     * @param remoteAddress of the word at the peer, 8-byte aligned.
     * @param rkey          of the peer's region.
     * @param delta         to add.
     * @return {@code wr}.
     */
    public IbvSendWR fetchAdd(
        final IbvSendWR wr,
        final long wrId,
        final long resultAddress,
        final int lkey,
        final long remoteAddress,
        final int rkey,
        final long delta)
    {
        fill(wr, wrId, IbvSendWR.IBV_WR_ATOMIC_FETCH_AND_ADD, IbvSendWR.IBV_SEND_SIGNALED, resultAddress, lkey,
            Long.BYTES);
        final IbvSendWR.Atomic atomic = wr.getAtomic();
        atomic.setRemote_addr(remoteAddress);
        atomic.setRkey(rkey);
        atomic.setCompare_add(delta);
        atomic.setSwap(0);
        return wr;
    }

    /**
     * SEND of a control frame from a send-ring slot.
     *
     * @param wr           to fill.
     * @param wrId         of the ring slot.
     * @param localAddress of the frame, registered.
     * @param lkey         of the ring's region.
     * @param length       of the frame.
     * @param isSignalled  as {@link SendSignalPolicy} decided.
     * @return {@code wr}.
     */
    public IbvSendWR send(
        final IbvSendWR wr,
        final long wrId,
        final long localAddress,
        final int lkey,
        final int length,
        final boolean isSignalled)
    {
        fill(wr, wrId, IbvSendWR.IBV_WR_SEND, (isSignalled ? IbvSendWR.IBV_SEND_SIGNALED : 0) | inline(length),
            localAddress, lkey, length);
        return wr;
    }

    /**
     * A receive of one frame into one buffer.
     *
     * @param wr      to fill.
     * @param wrId    of the receive buffer.
     * @param address of the buffer, registered.
     * @param length  of the buffer.
     * @param lkey    of its region.
     * @return {@code wr}.
     */
    public IbvRecvWR receive(final IbvRecvWR wr, final long wrId, final long address, final int length, final int lkey)
    {
        wr.setWr_id(wrId);
        wr.setNum_sge(1);
        final IbvSge sge = wr.getSg_list().getFirst();
        sge.setAddr(address);
        sge.setLength(length);
        sge.setLkey(lkey);
        return wr;
    }

    private int inline(final int length)
    {
        return length <= maxInline ? IbvSendWR.IBV_SEND_INLINE : 0;
    }

    private static void fill(
        final IbvSendWR wr,
        final long wrId,
        final int opcode,
        final int flags,
        final long localAddress,
        final int lkey,
        final int length)
    {
        wr.setWr_id(wrId);
        wr.setOpcode(opcode);
        wr.setSend_flags(flags);
        wr.setNum_sge(1);
        final IbvSge sge = wr.getSge(0);
        sge.setAddr(localAddress);
        sge.setLength(length);
        sge.setLkey(lkey);
    }
}
