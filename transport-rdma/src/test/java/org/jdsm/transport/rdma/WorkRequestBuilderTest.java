package org.jdsm.transport.rdma;

import com.ibm.disni.verbs.IbvRecvWR;
import com.ibm.disni.verbs.IbvSendWR;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WorkRequestBuilderTest
{
    private final WorkRequestBuilder builder = new WorkRequestBuilder(64);
    private final IbvSendWR wr = WorkRequestBuilder.newSendWr();

    @Test
    void shouldBuildASignalledReadIntoLocalMemory()
    {
        builder.read(wr, 0x1234L, 0x7000_0000L, 11, 4096, 0x9000_0040L, 22);

        assertEquals(0x1234L, wr.getWr_id());
        assertEquals(IbvSendWR.IBV_WR_RDMA_READ, wr.getOpcode());
        assertEquals(IbvSendWR.IBV_SEND_SIGNALED, wr.getSend_flags());
        assertEquals(1, wr.getNum_sge());
        assertEquals(0x7000_0000L, wr.getSge(0).getAddr());
        assertEquals(4096, wr.getSge(0).getLength());
        assertEquals(11, wr.getSge(0).getLkey());
        assertEquals(0x9000_0040L, wr.getRdma().getRemote_addr());
        assertEquals(22, wr.getRdma().getRkey());
    }

    @Test
    void shouldInlineSmallWritesOnlyAndAlwaysSignalThem()
    {
        builder.write(wr, 1, 0x100, 11, 64, 0x200, 22);
        assertEquals(IbvSendWR.IBV_WR_RDMA_WRITE, wr.getOpcode());
        assertEquals(IbvSendWR.IBV_SEND_SIGNALED | IbvSendWR.IBV_SEND_INLINE, wr.getSend_flags());

        builder.write(wr, 2, 0x100, 11, 65, 0x200, 22);
        assertEquals(IbvSendWR.IBV_SEND_SIGNALED, wr.getSend_flags());
        assertEquals(65, wr.getSge(0).getLength());
    }

    @Test
    void shouldBuildAtomicsWithOperandsAndAnEightByteResult()
    {
        builder.compareAndSwap(wr, 3, 0x500, 11, 0x9008, 22, 5L, 6L);
        assertEquals(IbvSendWR.IBV_WR_ATOMIC_CMP_AND_SWP, wr.getOpcode());
        assertEquals(IbvSendWR.IBV_SEND_SIGNALED, wr.getSend_flags());
        assertEquals(8, wr.getSge(0).getLength());
        assertEquals(0x9008, wr.getAtomic().getRemote_addr());
        assertEquals(22, wr.getAtomic().getRkey());
        assertEquals(5L, wr.getAtomic().getCompare_add());
        assertEquals(6L, wr.getAtomic().getSwap());

        builder.fetchAdd(wr, 4, 0x500, 11, 0x9010, 22, -3L);
        assertEquals(IbvSendWR.IBV_WR_ATOMIC_FETCH_AND_ADD, wr.getOpcode());
        assertEquals(-3L, wr.getAtomic().getCompare_add());
        assertEquals(0L, wr.getAtomic().getSwap());
        assertEquals(0x9010, wr.getAtomic().getRemote_addr());
    }

    @Test
    void shouldSignalSendsOnlyWhenAsked()
    {
        builder.send(wr, 5, 0x800, 11, 1000, false);
        assertEquals(IbvSendWR.IBV_WR_SEND, wr.getOpcode());
        assertEquals(0, wr.getSend_flags());

        builder.send(wr, 6, 0x800, 11, 48, true);
        assertEquals(IbvSendWR.IBV_SEND_SIGNALED | IbvSendWR.IBV_SEND_INLINE, wr.getSend_flags());
    }

    @Test
    void shouldBuildAReceiveOfOneBuffer()
    {
        final IbvRecvWR recv = builder.receive(WorkRequestBuilder.newRecvWr(), 7, 0xA000, 65536, 11);

        assertEquals(7, recv.getWr_id());
        assertEquals(1, recv.getNum_sge());
        assertEquals(0xA000, recv.getSg_list().getFirst().getAddr());
        assertEquals(65536, recv.getSg_list().getFirst().getLength());
        assertEquals(11, recv.getSg_list().getFirst().getLkey());
    }

    @Test
    void shouldRoundTripTheWorkRequestId()
    {
        final long wrId = WorkRequestIdDescriptor.wrId(WorkRequestIdDescriptor.KIND_SEND, 255, 0xFFFFF, 0x1_2345_6789L);

        assertEquals(0x2FFF_FFFF_2345_6789L, wrId);
        assertEquals(WorkRequestIdDescriptor.KIND_SEND, WorkRequestIdDescriptor.kind(wrId));
        assertEquals(255, WorkRequestIdDescriptor.link(wrId));
        assertEquals(0xFFFFF, WorkRequestIdDescriptor.slot(wrId));
        assertEquals(0x2345_6789, WorkRequestIdDescriptor.sequence(wrId));
    }

    @Test
    void shouldSignalEveryIntervalAndTheSendThatFillsTheRing()
    {
        final SendSignalPolicy policy = new SendSignalPolicy(4, 6);
        final StringBuilder signalled = new StringBuilder();
        for (long sequence = 0; sequence < 8; sequence++)
        {
            signalled.append(policy.shouldSignal(sequence, 0) ? 'S' : '-');
        }

        assertEquals("---S-SSS", signalled.toString());
        assertEquals(false, policy.shouldSignal(5, 3));
    }
}
