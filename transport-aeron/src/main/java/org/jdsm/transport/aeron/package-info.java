/**
 * The jdsm transport over Aeron: UDP between processes and hosts, IPC inside one process, with an embedded media
 * driver run from one duty-cycle thread per process. Start with {@link org.jdsm.transport.aeron.AeronTransport} and
 * its settings, {@link org.jdsm.transport.aeron.AeronTransportContext}; the wire format is in
 * {@link org.jdsm.transport.aeron.AeronFrameDescriptor}, and a node's receiving side in {@code Responder}.
 */
package org.jdsm.transport.aeron;
