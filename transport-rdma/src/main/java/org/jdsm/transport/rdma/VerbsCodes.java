package org.jdsm.transport.rdma;

/**
 * The libibverbs values of work-completion statuses and opcodes ({@code enum ibv_wc_status},
 * {@code enum ibv_wc_opcode}) as DiSNI reports them in {@code IbvWC}, with their names, so that completion handling
 * and its tests do not depend on DiSNI classes.
 * <p>
 * <b>Note:</b> constants and pure functions, so threadsafe.
 */
public final class VerbsCodes
{
    /** {@code IBV_WC_SUCCESS}. */
    public static final int WC_SUCCESS = 0;
    /** {@code IBV_WC_LOC_LEN_ERR}. */
    public static final int WC_LOC_LEN_ERR = 1;
    /** {@code IBV_WC_LOC_PROT_ERR}: a local buffer outside its memory region or wrong lkey. */
    public static final int WC_LOC_PROT_ERR = 4;
    /** {@code IBV_WC_WR_FLUSH_ERR}: the queue pair went to the error state, outstanding requests are flushed. */
    public static final int WC_WR_FLUSH_ERR = 5;
    /** {@code IBV_WC_LOC_ACCESS_ERR}. */
    public static final int WC_LOC_ACCESS_ERR = 8;
    /** {@code IBV_WC_REM_INV_REQ_ERR}: the peer found the request invalid, e.g. a misaligned atomic. */
    public static final int WC_REM_INV_REQ_ERR = 9;
    /** {@code IBV_WC_REM_ACCESS_ERR}: the peer's NIC rejected the rkey or the range. */
    public static final int WC_REM_ACCESS_ERR = 10;
    /** {@code IBV_WC_REM_OP_ERR}. */
    public static final int WC_REM_OP_ERR = 11;
    /** {@code IBV_WC_RETRY_EXC_ERR}: the peer did not acknowledge within the transport retries. */
    public static final int WC_RETRY_EXC_ERR = 12;
    /** {@code IBV_WC_RNR_RETRY_EXC_ERR}: the peer had no receive buffer posted within the retries. */
    public static final int WC_RNR_RETRY_EXC_ERR = 13;

    private static final String[] STATUS_NAMES =
    {
        "IBV_WC_SUCCESS", "IBV_WC_LOC_LEN_ERR", "IBV_WC_LOC_QP_OP_ERR", "IBV_WC_LOC_EEC_OP_ERR",
        "IBV_WC_LOC_PROT_ERR", "IBV_WC_WR_FLUSH_ERR", "IBV_WC_MW_BIND_ERR", "IBV_WC_BAD_RESP_ERR",
        "IBV_WC_LOC_ACCESS_ERR", "IBV_WC_REM_INV_REQ_ERR", "IBV_WC_REM_ACCESS_ERR", "IBV_WC_REM_OP_ERR",
        "IBV_WC_RETRY_EXC_ERR", "IBV_WC_RNR_RETRY_EXC_ERR", "IBV_WC_LOC_RDD_VIOL_ERR", "IBV_WC_REM_INV_RD_REQ_ERR",
        "IBV_WC_REM_ABORT_ERR", "IBV_WC_INV_EECN_ERR", "IBV_WC_INV_EEC_STATE_ERR", "IBV_WC_FATAL_ERR",
        "IBV_WC_RESP_TIMEOUT_ERR", "IBV_WC_GENERAL_ERR"
    };

    /** {@code IBV_WC_SEND}. */
    public static final int WC_OPCODE_SEND = 0;
    /** {@code IBV_WC_RDMA_WRITE}. */
    public static final int WC_OPCODE_RDMA_WRITE = 1;
    /** {@code IBV_WC_RDMA_READ}. */
    public static final int WC_OPCODE_RDMA_READ = 2;
    /** {@code IBV_WC_COMP_SWAP}. */
    public static final int WC_OPCODE_COMP_SWAP = 3;
    /** {@code IBV_WC_FETCH_ADD}. */
    public static final int WC_OPCODE_FETCH_ADD = 4;
    /** {@code IBV_WC_RECV}. */
    public static final int WC_OPCODE_RECV = 128;

    private VerbsCodes()
    {
    }

    /**
     * @param status of a work completion.
     * @return its libibverbs name, or {@code IBV_WC_STATUS(n)} when unknown.
     */
    public static String statusName(final int status)
    {
        return status >= 0 && status < STATUS_NAMES.length ? STATUS_NAMES[status] : "IBV_WC_STATUS(" + status + ")";
    }

    /**
     * @param opcode of a work completion.
     * @return its libibverbs name, or {@code IBV_WC_OPCODE(n)} when unknown.
     */
    public static String opcodeName(final int opcode)
    {
        switch (opcode)
        {
            case WC_OPCODE_SEND: return "IBV_WC_SEND";
            case WC_OPCODE_RDMA_WRITE: return "IBV_WC_RDMA_WRITE";
            case WC_OPCODE_RDMA_READ: return "IBV_WC_RDMA_READ";
            case WC_OPCODE_COMP_SWAP: return "IBV_WC_COMP_SWAP";
            case WC_OPCODE_FETCH_ADD: return "IBV_WC_FETCH_ADD";
            case WC_OPCODE_RECV: return "IBV_WC_RECV";
            default: return "IBV_WC_OPCODE(" + opcode + ")";
        }
    }

    /**
     * Whether a failed status means the peer rejected this one request (the range, rkey or alignment), as opposed
     * to the connection being broken.
     *
     * @param status of a work completion, not {@link #WC_SUCCESS}.
     * @return true for an access error.
     */
    public static boolean isAccessError(final int status)
    {
        return WC_LOC_LEN_ERR == status || WC_LOC_PROT_ERR == status || WC_LOC_ACCESS_ERR == status ||
            WC_REM_INV_REQ_ERR == status || WC_REM_ACCESS_ERR == status || WC_REM_OP_ERR == status;
    }
}
