package org.jdsm.coherence;

import org.jdsm.BorrowException;
import org.jdsm.Codec;

import java.io.Serializable;
import java.util.ArrayList;

/**
 * What travels with one spawned task, on each side of it.
 * <p>
 * On the spawning node, while the task is serialized: a {@link BoxHandle} captured by the task is moved (consumed),
 * a {@link SharedBorrow} lent (its object keeps one more reader until the task returns), an
 * {@link ExclusiveBorrow} lent (unusable until the task returns, then it takes the object's new address from an
 * owner cell), a shared handle ({@link ArcHandle}, {@link MutexHandle}) shared with one more count. If the task
 * can not be sent, all of that is undone. A shared handle in a task's result is moved, with its count, not shared.
 * <p>
 * On the node that runs the task, while it is deserialized: every handle made from those tokens is recorded, and
 * when the task returns, borrows are ended, moved boxes the task did not move on are freed, and shared handles it
 * did not close are dropped.
 * <p>
 * <b>Note:</b> used by one thread at a time: the one serializing or deserializing, then the one completing.
 */
final class TaskScope
{
    private static final ThreadLocal<TaskScope> CURRENT = new ThreadLocal<>();

    final HeapAccess node;
    final int peerNodeId;
    private final boolean keepsHandles;
    private boolean sendingResult;
    // made on first use: most local tasks hand over no handle, and a scope is made for each side of every task
    private ArrayList<Runnable> onAbort;
    private ArrayList<Runnable> onReturn;
    private ArrayList<Runnable> onTaskEnd;

    /**
     * @param node         this side's node.
     * @param peerNodeId   the other side's node.
     * @param keepsHandles true when decoding a result: its handles belong to the caller, not to a task.
     */
    TaskScope(final HeapAccess node, final int peerNodeId, final boolean keepsHandles)
    {
        this.node = node;
        this.peerNodeId = peerNodeId;
        this.keepsHandles = keepsHandles;
    }

    static TaskScope current(final String what)
    {
        final TaskScope scope = CURRENT.get();
        if (null == scope)
        {
            throw new BorrowException(what + " can only be serialized as part of a task sent by spawn()");
        }

        return scope;
    }

    static TaskScope currentOrNull()
    {
        return CURRENT.get();
    }

    TaskScope enter()
    {
        CURRENT.set(this);
        return this;
    }

    void exit()
    {
        CURRENT.remove();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Spawning side
    // ---------------------------------------------------------------------------------------------------------------

    Object move(final BoxHandle<?> box)
    {
        box.moveOut("a task on node " + peerNodeId);
        onAbort().add(box::undoMoveOut);
        return new BoxToken(box.rawAddress(), box.length(), box.codec());
    }

    /**
     * The task returned and its result is about to be serialized: borrows can not travel in it.
     */
    void beginResult()
    {
        sendingResult = true;
    }

    Object lend(final SharedBorrow<?> borrow)
    {
        checkNotResult("Ref");
        final BorrowOwner owner = borrow.owner();
        if (!(owner instanceof BoxHandle))
        {
            return shareRefOwner(borrow);
        }
        final BoxHandle<?> box = (BoxHandle<?>)owner;
        box.acquireRead();
        onAbort().add(box::releaseRead);
        onReturn().add(box::releaseRead);
        return new RefToken(box.rawAddress(), box.length(), borrow.codec());
    }

    Object lend(final ExclusiveBorrow<?> borrow)
    {
        checkNotResult("Mut");
        final BoxHandle<?> box = borrow.box();
        final long cell = node.allocateOwnerCell(box.rawAddress());
        borrow.lend(peerNodeId);
        onAbort().add(() ->
        {
            node.freeOwnerCell(cell);
            borrow.returned(box.rawAddress());
        });
        onReturn().add(() ->
        {
            final long address = node.readOwnerCell(cell);
            node.freeOwnerCell(cell);
            borrow.returned(address);
        });
        return new MutToken(cell, box.rawAddress(), box.length(), box.codec());
    }

    Object share(final SharedObjectHandle<?> handle)
    {
        if (sendingResult)
        {
            handle.consume();
            return handle.token();
        }
        handle.addReference();
        onAbort().add(handle::dropReference);
        return handle.token();
    }

    private Object shareRefOwner(final SharedBorrow<?> borrow)
    {
        throw new BorrowException("a Ref of " + borrow.owner().describe() +
            " can not be sent to a task: send the DArc itself, which is shared with the task");
    }

    private void checkNotResult(final String what)
    {
        if (sendingResult)
        {
            throw new BorrowException("a " + what + " can not be returned from a task: it ends when the task returns");
        }
    }

    void abort()
    {
        if (null != onAbort)
        {
            for (int i = onAbort.size() - 1; i >= 0; i--)
            {
                onAbort.get(i).run();
            }
            onAbort.clear();
        }
        if (null != onReturn)
        {
            onReturn.clear();
        }
    }

    void returned()
    {
        if (null != onReturn)
        {
            for (final Runnable action : onReturn)
            {
                action.run();
            }
            onReturn.clear();
        }
        if (null != onAbort)
        {
            onAbort.clear();
        }
    }

    private ArrayList<Runnable> onAbort()
    {
        if (null == onAbort)
        {
            onAbort = new ArrayList<>();
        }
        return onAbort;
    }

    private ArrayList<Runnable> onReturn()
    {
        if (null == onReturn)
        {
            onReturn = new ArrayList<>();
        }
        return onReturn;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Running side
    // ---------------------------------------------------------------------------------------------------------------

    void onTaskEnd(final Runnable action)
    {
        if (!keepsHandles)
        {
            if (null == onTaskEnd)
            {
                onTaskEnd = new ArrayList<>();
            }
            onTaskEnd.add(action);
        }
    }

    /**
     * The task returned and its result was serialized: end what it was lent, drop what it was given, in the
     * reverse order of decoding, so an enclosing handle is dropped before the handles it holds.
     *
     * @return the first failure, or null.
     */
    RuntimeException taskEnded()
    {
        RuntimeException failure = null;
        if (null == onTaskEnd)
        {
            return null;
        }
        for (int i = onTaskEnd.size() - 1; i >= 0; i--)
        {
            try
            {
                onTaskEnd.get(i).run();
            }
            catch (final RuntimeException ex)
            {
                if (null == failure)
                {
                    failure = ex;
                }
                else
                {
                    failure.addSuppressed(ex);
                }
            }
        }
        onTaskEnd.clear();

        return failure;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Tokens: what a handle is on the wire
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * A box moved into a task or its result.
     */
    static final class BoxToken implements Serializable
    {
        private static final long serialVersionUID = 1L;
        final long address;
        final int length;
        final Codec<?> codec;

        BoxToken(final long address, final int length, final Codec<?> codec)
        {
            this.address = address;
            this.length = length;
            this.codec = codec;
        }

        private Object readResolve()
        {
            final TaskScope scope = current("a DBox");
            final BoxHandle<?> box = new BoxHandle<>(scope.node, codec, address, length);
            scope.onTaskEnd(() -> dropIfOwned(box));
            return box;
        }
    }

    /**
     * A shared borrow lent to a task.
     */
    static final class RefToken implements Serializable
    {
        private static final long serialVersionUID = 1L;
        final long address;
        final int length;
        final Codec<?> codec;

        RefToken(final long address, final int length, final Codec<?> codec)
        {
            this.address = address;
            this.length = length;
            this.codec = codec;
        }

        private Object readResolve()
        {
            final TaskScope scope = current("a Ref");
            final BoxHandle<?> lent = new BoxHandle<>(scope.node, codec, address, length);
            final SharedBorrow<?> borrow = (SharedBorrow<?>)lent.read();
            scope.onTaskEnd(borrow::expire);
            return borrow;
        }
    }

    /**
     * An exclusive borrow lent to a task, with the owner cell its new address is written to.
     */
    static final class MutToken implements Serializable
    {
        private static final long serialVersionUID = 1L;
        final long ownerCell;
        final long address;
        final int length;
        final Codec<?> codec;

        MutToken(final long ownerCell, final long address, final int length, final Codec<?> codec)
        {
            this.ownerCell = ownerCell;
            this.address = address;
            this.length = length;
            this.codec = codec;
        }

        private Object readResolve()
        {
            final TaskScope scope = current("a Mut");
            final BoxHandle<?> lent = new BoxHandle<>(scope.node, codec, address, length);
            lent.acquireWrite();
            lent.makeExclusive();
            final ExclusiveBorrow<?> borrow = new ExclusiveBorrow<>(lent, ownerCell);
            scope.onTaskEnd(borrow::expire);
            return borrow;
        }
    }

    private static void dropIfOwned(final BoxHandle<?> box)
    {
        try
        {
            box.close();
        }
        catch (final BorrowException ignore)
        {
            // moved on, freed, or still borrowed by something the task leaked: not the task's to drop
        }
    }
}
