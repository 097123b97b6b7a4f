/**
 * The jdsm transport over RDMA verbs through DiSNI: RC queue pairs between every pair of nodes, the heap registered
 * as memory regions for one-sided READ/WRITE/atomics, SEND/RECV for control messages. Start with
 * {@link org.jdsm.transport.rdma.RdmaTransport}; the byte layouts are in the {@code *Descriptor} classes and
 * everything that does not need a NIC (work-request construction, completion dispatch, range checks, the bounce
 * responder) is separated from the DiSNI glue in {@link org.jdsm.transport.rdma.DisniFabric}.
 */
package org.jdsm.transport.rdma;
