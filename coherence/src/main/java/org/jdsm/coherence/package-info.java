/**
 * The ownership-coherence engine: each node's {@link org.jdsm.coherence.HeapSlice} and
 * {@link org.jdsm.coherence.SizeClassAllocator}, its {@link org.jdsm.coherence.CopyCache}, the borrow protocol of
 * {@link org.jdsm.coherence.BoxHandle}, and the {@link org.jdsm.coherence.Node} that ties them to a transport.
 * Start with {@link org.jdsm.coherence.Node}.
 */
package org.jdsm.coherence;
