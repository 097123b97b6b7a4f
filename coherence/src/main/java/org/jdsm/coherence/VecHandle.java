package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.Codec;
import org.jdsm.CodecException;
import org.jdsm.DVec;
import org.jdsm.DsmConfig;
import org.jdsm.HandleContext;
import org.jdsm.Mut;
import org.jdsm.ObjectSizeException;
import org.jdsm.Ref;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The engine's {@link DVec}: a spine object, owned like a box, that holds the size and the addresses of the
 * chunks it owns. Payload layout of the spine:
 * <pre>
 *   0: size (long)   8: chunk length (int)   12: element length (int)   16: chunk count (int)
 *   20: chunk slots (int)   24: chunk addresses, one long per slot ...
 * </pre>
 * Reading an element borrows the spine and the chunk shared (remote ones copied into the cache); writing borrows
 * both exclusively, so a remote chunk moves here and its new address is stored in the spine.
 * <p>
 * <b>Note:</b> not threadsafe: one owner, like a box.
 *
 * @param <T> type of the elements.
 */
final class VecHandle<T> implements DVec<T>, Serializable
{
    private static final long serialVersionUID = 1L;

    static final int SIZE_OFFSET = 0;
    static final int CHUNK_LENGTH_OFFSET = 8;
    static final int ELEMENT_LENGTH_OFFSET = 12;
    static final int CHUNK_COUNT_OFFSET = 16;
    static final int CHUNK_SLOTS_OFFSET = 20;
    static final int CHUNKS_OFFSET = 24;
    static final int INITIAL_SLOTS = 4;
    /** Bytes of a chunk up to an element's end below which the element is published with the header in one range. */
    static final int PUBLISH_IN_ONE_RANGE_LIMIT = 1024;
    static final Codec<byte[]> SPINE_CODEC = SpineCodec.INSTANCE;

    private final transient HeapAccess node;
    private final transient Codec<T> codec;
    private final transient BoxHandle<byte[]> spine;
    private final transient UnsafeBuffer element = new UnsafeBuffer(0, 0);
    private transient CacheEntry[] chunkCopies = new CacheEntry[INITIAL_SLOTS];

    VecHandle(final HeapAccess node, final Codec<T> codec, final BoxHandle<byte[]> spine)
    {
        this.node = node;
        this.codec = codec;
        this.spine = spine;
    }

    static <T> VecHandle<T> create(final HeapAccess node, final Codec<T> codec, final int chunkLength)
    {
        final int elementLength = codec.fixedLength();
        if (elementLength <= 0)
        {
            throw new CodecException("DVec needs a codec of fixed length, " + codec + " has " + elementLength);
        }
        if (chunkLength < 1 || (long)chunkLength * elementLength > node.config().maxObjectSize())
        {
            throw new ObjectSizeException("chunkLength=" + chunkLength + " of " + elementLength +
                "-byte elements must be >= 1 and fit maxObjectSize=" + node.config().maxObjectSize());
        }

        final byte[] bytes = new byte[CHUNKS_OFFSET + INITIAL_SLOTS * 8];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        buffer.putInt(CHUNK_LENGTH_OFFSET, chunkLength);
        buffer.putInt(ELEMENT_LENGTH_OFFSET, elementLength);
        buffer.putInt(CHUNK_SLOTS_OFFSET, INITIAL_SLOTS);

        return new VecHandle<>(node, codec, node.newBox(-1, SPINE_CODEC, bytes));
    }

    BoxHandle<byte[]> spine()
    {
        return spine;
    }

    public long size()
    {
        try (Ref<byte[]> ref = spine.read())
        {
            return ref.buffer().getLong(SIZE_OFFSET);
        }
    }

    public int chunkLength()
    {
        try (Ref<byte[]> ref = spine.read())
        {
            return ref.buffer().getInt(CHUNK_LENGTH_OFFSET);
        }
    }

    public int chunkCount()
    {
        try (Ref<byte[]> ref = spine.read())
        {
            return ref.buffer().getInt(CHUNK_COUNT_OFFSET);
        }
    }

    public int chunkHome(final int chunkIndex)
    {
        try (Ref<byte[]> ref = spine.read())
        {
            final DirectBuffer buffer = ref.buffer();
            checkChunk(buffer, chunkIndex);
            return GlobalAddress.nodeId(buffer.getLong(CHUNKS_OFFSET + chunkIndex * 8));
        }
    }

    public long address()
    {
        return spine.rawAddress();
    }

    public Codec<T> codec()
    {
        return codec;
    }

    public void push(final T value)
    {
        try (Mut<byte[]> mut = spine.write())
        {
            MutableDirectBuffer buffer = mut.buffer();
            final long size = buffer.getLong(SIZE_OFFSET);
            final int chunkLength = buffer.getInt(CHUNK_LENGTH_OFFSET);
            final int chunkCount = buffer.getInt(CHUNK_COUNT_OFFSET);
            if (size == (long)chunkCount * chunkLength)
            {
                final int slots = buffer.getInt(CHUNK_SLOTS_OFFSET);
                if (chunkCount == slots)
                {
                    // the spine is one object: it grows by doubling up to the largest object the heap takes
                    final int maxSlots = (node.config().maxObjectSize() - CHUNKS_OFFSET) / 8;
                    if (slots >= maxSlots)
                    {
                        throw new ObjectSizeException(toString() + " is full at " + chunkCount + " chunks of " +
                            "chunkLength=" + chunkLength + " (" + size + " elements): its spine of chunk addresses " +
                            "is at maxObjectSize=" + node.config().maxObjectSize() + "; make the vector with a " +
                            "larger chunkLength or raise " + DsmConfig.MAX_OBJECT_SIZE_PROP_NAME);
                    }
                    final int grownSlots = (int)Math.min(2L * slots, maxSlots);
                    final byte[] grown = new byte[CHUNKS_OFFSET + grownSlots * 8];
                    buffer.getBytes(0, grown, 0, CHUNKS_OFFSET + slots * 8);
                    mut.set(grown);
                    buffer = mut.buffer();
                    buffer.putInt(CHUNK_SLOTS_OFFSET, grownSlots);
                }
                final long chunk = node.allocate(chunkLength * buffer.getInt(ELEMENT_LENGTH_OFFSET));
                buffer.putLong(CHUNKS_OFFSET + chunkCount * 8, chunk);
                buffer.putInt(CHUNK_COUNT_OFFSET, chunkCount + 1);
            }
            writeElement(buffer, size, value);
            buffer.putLong(SIZE_OFFSET, size + 1);
        }
    }

    public T get(final long index)
    {
        try (Ref<byte[]> ref = spine.read())
        {
            final CacheEntry copy = elementForRead(ref.buffer(), index, element);
            try
            {
                return codec.decode(element, 0, element.capacity(), node.handleContext(ref));
            }
            finally
            {
                if (null != copy)
                {
                    copy.unpin();
                }
            }
        }
    }

    public Ref<T> read(final long index)
    {
        final Ref<byte[]> spineRef = spine.read();
        try
        {
            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            final CacheEntry copy = elementForRead(spineRef.buffer(), index, view);
            return new ElementBorrow<>(this, index, spineRef, view, copy);
        }
        catch (final RuntimeException ex)
        {
            spineRef.close();
            throw ex;
        }
    }

    public Mut<T> write(final long index)
    {
        final Mut<byte[]> spineMut = spine.write();
        try
        {
            final MutableDirectBuffer buffer = spineMut.buffer();
            checkIndex(buffer, index);
            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            exclusiveElement(buffer, index, view);
            return new ElementMut<>(this, index, spineMut, view);
        }
        catch (final RuntimeException ex)
        {
            spineMut.close();
            throw ex;
        }
    }

    HeapAccess node()
    {
        return node;
    }

    public long getLong(final long index)
    {
        try (Ref<byte[]> ref = spine.read())
        {
            final CacheEntry copy = elementForRead(ref.buffer(), index, element);
            final long value = element.getLong(0);
            if (null != copy)
            {
                copy.unpin();
            }
            return value;
        }
    }

    public void set(final long index, final T value)
    {
        try (Mut<byte[]> mut = spine.write())
        {
            final MutableDirectBuffer buffer = mut.buffer();
            checkIndex(buffer, index);
            writeElement(buffer, index, value);
        }
    }

    public void setLong(final long index, final long value)
    {
        try (Mut<byte[]> mut = spine.write())
        {
            final MutableDirectBuffer buffer = mut.buffer();
            checkIndex(buffer, index);
            exclusiveElement(buffer, index, element);
            element.putLong(0, value);
            publishElement(buffer, index);
        }
    }

    public void close()
    {
        try (Mut<byte[]> mut = spine.write())
        {
            final MutableDirectBuffer buffer = mut.buffer();
            final int chunkCount = buffer.getInt(CHUNK_COUNT_OFFSET);
            for (int i = 0; i < chunkCount; i++)
            {
                node.free(buffer.getLong(CHUNKS_OFFSET + i * 8));
                buffer.putLong(CHUNKS_OFFSET + i * 8, GlobalAddress.NULL);
            }
            buffer.putInt(CHUNK_COUNT_OFFSET, 0);
            buffer.putLong(SIZE_OFFSET, 0);
        }
        spine.close();
    }

    void dropIfOwned()
    {
        try
        {
            close();
        }
        catch (final org.jdsm.BorrowException ignore)
        {
            // moved on or still borrowed: not the task's to drop
        }
    }

    public String toString()
    {
        return "DVec(spine " + GlobalAddress.toString(spine.rawAddress()) + ")";
    }

    private void writeElement(final MutableDirectBuffer spineBuffer, final long index, final T value)
    {
        final int elementLength = spineBuffer.getInt(ELEMENT_LENGTH_OFFSET);
        final int encodedLength = codec.encodedLength(value);
        if (encodedLength != elementLength)
        {
            throw new CodecException("element of " + encodedLength + " bytes in a DVec of " + elementLength +
                "-byte elements");
        }
        exclusiveElement(spineBuffer, index, element);
        codec.encode(value, element, 0, node.handleContext(null));
        publishElement(spineBuffer, index);
    }

    /**
     * An element written in place in its chunk reaches the backups before the spine's release publishes it, with the
     * chunk's header (the colour the exclusive borrow of the chunk bumped, which the allocator does not mirror): in
     * one range when the element is near the start of the chunk, else the header and the element apart.
     *
     * @param spineBuffer of the spine, held exclusively.
     * @param index       of the element written.
     */
    void publishElement(final DirectBuffer spineBuffer, final long index)
    {
        final int chunkLength = spineBuffer.getInt(CHUNK_LENGTH_OFFSET);
        final int elementLength = spineBuffer.getInt(ELEMENT_LENGTH_OFFSET);
        final long chunk = spineBuffer.getLong(CHUNKS_OFFSET + (int)(index / chunkLength) * 8);
        final int offsetInChunk = (int)(index % chunkLength) * elementLength;
        if (offsetInChunk + elementLength <= PUBLISH_IN_ONE_RANGE_LIMIT)
        {
            node.publish(chunk, -BlockDescriptor.HEADER_LENGTH, BlockDescriptor.HEADER_LENGTH + offsetInChunk +
                elementLength);
        }
        else
        {
            node.publish(chunk, -BlockDescriptor.HEADER_LENGTH, BlockDescriptor.HEADER_LENGTH);
            node.publish(chunk, offsetInChunk, elementLength);
        }
    }

    private void exclusiveElement(final MutableDirectBuffer spineBuffer, final long index, final UnsafeBuffer element)
    {
        final int chunkLength = spineBuffer.getInt(CHUNK_LENGTH_OFFSET);
        final int elementLength = spineBuffer.getInt(ELEMENT_LENGTH_OFFSET);
        final int chunkIndex = (int)(index / chunkLength);
        final int slot = CHUNKS_OFFSET + chunkIndex * 8;
        final long chunk = spineBuffer.getLong(slot);
        final long exclusive = node.acquireExclusive(chunk, chunkLength * elementLength);
        spineBuffer.putLong(slot, exclusive);
        node.wrapPayload(element, exclusive, (int)(index % chunkLength) * elementLength, elementLength);
    }

    private CacheEntry elementForRead(final DirectBuffer spineBuffer, final long index, final UnsafeBuffer element)
    {
        checkIndex(spineBuffer, index);
        final int chunkLength = spineBuffer.getInt(CHUNK_LENGTH_OFFSET);
        final int elementLength = spineBuffer.getInt(ELEMENT_LENGTH_OFFSET);
        final int chunkIndex = (int)(index / chunkLength);
        final long chunk = spineBuffer.getLong(CHUNKS_OFFSET + chunkIndex * 8);
        final int offsetInChunk = (int)(index % chunkLength) * elementLength;
        if (node.isLocal(chunk))
        {
            node.wrapPayload(element, chunk, offsetInChunk, elementLength);
            return null;
        }

        if (chunkIndex >= chunkCopies.length)
        {
            chunkCopies = Arrays.copyOf(chunkCopies, Math.max(chunkIndex + 1, chunkCopies.length * 2));
        }
        CacheEntry copy = chunkCopies[chunkIndex];
        if (null != copy && copy.key == chunk && copy.tryPin())
        {
            node.liveCounters().increment(Counters.CACHE_HITS);
        }
        else
        {
            copy = node.pinCopy(chunk, chunkLength * elementLength);
            if (copy.arenaOffset != SizeClassAllocator.NO_SPACE)
            {
                chunkCopies[chunkIndex] = copy;
            }
        }
        element.wrap(copy.payload, offsetInChunk, elementLength);

        return copy;
    }

    private static void checkIndex(final DirectBuffer spineBuffer, final long index)
    {
        final long size = spineBuffer.getLong(SIZE_OFFSET);
        if (index < 0 || index >= size)
        {
            throw new IndexOutOfBoundsException("index=" + index + " out of range [0, size=" + size + ")");
        }
    }

    private static void checkChunk(final DirectBuffer spineBuffer, final int chunkIndex)
    {
        final int chunkCount = spineBuffer.getInt(CHUNK_COUNT_OFFSET);
        if (chunkIndex < 0 || chunkIndex >= chunkCount)
        {
            throw new IndexOutOfBoundsException(
                "chunkIndex=" + chunkIndex + " out of range [0, chunkCount=" + chunkCount + ")");
        }
    }

    private Object writeReplace()
    {
        return new VecToken(TaskScope.current("a DVec").move(spine), codec);
    }

    /**
     * The codec of the spine: its raw bytes.
     */
    enum SpineCodec implements Codec<byte[]>
    {
        INSTANCE;

        public int fixedLength()
        {
            return VARIABLE_LENGTH;
        }

        public int encodedLength(final byte[] value)
        {
            return value.length;
        }

        public void encode(
            final byte[] value, final MutableDirectBuffer buffer, final int offset, final HandleContext handles)
        {
            buffer.putBytes(offset, value);
        }

        public byte[] decode(final DirectBuffer buffer, final int offset, final int length, final HandleContext handles)
        {
            final byte[] value = new byte[length];
            buffer.getBytes(offset, value);
            return value;
        }
    }

    /**
     * A vector moved into a task or its result: its spine's box token and the element codec.
     */
    static final class VecToken implements Serializable
    {
        private static final long serialVersionUID = 1L;
        final Object spine;
        final Codec<?> codec;

        VecToken(final Object spine, final Codec<?> codec)
        {
            this.spine = spine;
            this.codec = codec;
        }

        @SuppressWarnings({ "unchecked", "rawtypes" })
        private Object readResolve()
        {
            final TaskScope scope = TaskScope.current("a DVec");
            // deserialization resolves the spine's token before this one; a task run on its own node
            // (LocalTaskRunner) hands the tokens over as they are, so the spine is resolved here
            final Object spineBox = spine instanceof BoxHandle ? spine : LocalTaskRunner.resolve(spine);
            final VecHandle vec = new VecHandle(scope.node, codec, (BoxHandle<byte[]>)spineBox);
            scope.onTaskEnd(vec::dropIfOwned);
            return vec;
        }
    }
}
