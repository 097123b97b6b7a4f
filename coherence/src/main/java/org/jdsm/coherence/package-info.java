/**
 * The ownership-coherence engine: each node's {@link org.jdsm.coherence.HeapSlice} and
 * {@link org.jdsm.coherence.SizeClassAllocator}, its {@link org.jdsm.coherence.CopyCache}, the borrow protocol of
 * {@link org.jdsm.coherence.BoxHandle}, and the {@link org.jdsm.coherence.Node} that ties them to a transport.
 * Start with {@link org.jdsm.coherence.Node}, the public face, which lists the rooms it hands its calls to; handles
 * reach the engine only through {@link org.jdsm.coherence.HeapAccess}.
 */
package org.jdsm.coherence;
