package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.jdsm.BorrowException;
import org.jdsm.Codec;
import org.jdsm.DBox;
import org.jdsm.DVec;
import org.jdsm.HandleContext;

/**
 * The engine's {@link HandleContext}: nested fields encoded while a value is written move their boxes into the
 * enclosing object; nested fields decoded through a borrow become slot boxes tied to that borrow.
 * <p>
 * <b>Note:</b> valid for the one encode or decode it was made for.
 */
final class EngineHandleContext implements HandleContext
{
    private final HeapAccess node;
    private final Object borrow;

    EngineHandleContext(final HeapAccess node, final Object borrow)
    {
        this.node = node;
        this.borrow = borrow;
    }

    public long store(final DBox<?> box)
    {
        if (!(box instanceof BoxHandle))
        {
            throw new BorrowException("a DBox of another engine can not be stored: " + box);
        }
        final BoxHandle<?> handle = (BoxHandle<?>)box;
        if (!handle.isSlot())
        {
            handle.moveOut("another object");
        }

        return handle.rawAddress();
    }

    public long store(final DVec<?> vec)
    {
        if (!(vec instanceof VecHandle))
        {
            throw new BorrowException("a DVec of another engine can not be stored: " + vec);
        }

        return store(((VecHandle<?>)vec).spine());
    }

    public <E> DBox<E> box(final Codec<E> codec, final DirectBuffer buffer, final int slotOffset)
    {
        if (GlobalAddress.NULL == buffer.getLong(slotOffset))
        {
            return null;
        }

        return BoxHandle.slot(node, codec, checkedBorrow(), buffer, slotOffset);
    }

    public <E> DVec<E> vec(final Codec<E> codec, final DirectBuffer buffer, final int slotOffset)
    {
        if (GlobalAddress.NULL == buffer.getLong(slotOffset))
        {
            return null;
        }

        return new VecHandle<>(node, codec, BoxHandle.slot(node, VecHandle.SPINE_CODEC, checkedBorrow(), buffer, slotOffset));
    }

    private Object checkedBorrow()
    {
        if (null == borrow)
        {
            throw new BorrowException("nested handles can only be decoded through a Ref or Mut");
        }

        return borrow;
    }
}
