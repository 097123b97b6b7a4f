/**
 * The jdsm transport over Aeron: UDP between processes and hosts, IPC inside one process, with an embedded media
 * driver run from one duty-cycle thread per process. Start with {@link org.jdsm.transport.aeron.AeronTransport} and
 * its {@link org.jdsm.transport.aeron.AeronTransportContext}; the wire format is in
 * {@link org.jdsm.transport.aeron.FrameDescriptor}.
 */
package org.jdsm.transport.aeron;
