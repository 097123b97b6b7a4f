package org.jdsm.coherence;

import org.agrona.MutableDirectBuffer;
import org.jdsm.BorrowException;
import org.jdsm.Mut;

import java.io.Serializable;

/**
 * An exclusive borrow of a {@link BoxHandle}'s object, which is in the local heap for as long as the borrow is
 * open. Writes go straight to the heap; a value of another length may move the object to a new local block.
 * <p>
 * Lent to a task on another node, it can not be used until the task returns; the task's own handle moves the
 * object to the task's node and, when the task returns, writes the new address into an owner cell in this node's
 * heap, from which this borrow takes it back.
 * <p>
 * <b>Note:</b> not threadsafe: it belongs to the thread that opened it, or to the task it was lent to.
 *
 * @param <T> type of the value.
 */
final class ExclusiveBorrow<T> implements Mut<T>, Borrow, Serializable
{
    private static final long serialVersionUID = 1L;

    private final transient BoxHandle<T> box;
    private transient boolean closed;
    private transient volatile int lentTo = -1;
    private transient long ownerCell;

    ExclusiveBorrow(final BoxHandle<T> box)
    {
        this.box = box;
    }

    /**
     * A borrow opened for a task from a lent borrow: on close it writes the object's address to the owner cell
     * at the lender's node.
     */
    ExclusiveBorrow(final BoxHandle<T> box, final long ownerCell)
    {
        this.box = box;
        this.ownerCell = ownerCell;
    }

    public T get()
    {
        checkUsable();
        return box.codec().decode(box.view, 0, box.view.capacity(), box.handleContext(this));
    }

    public long getLong()
    {
        checkUsable();
        return box.view.getLong(0);
    }

    public int getInt()
    {
        checkUsable();
        return box.view.getInt(0);
    }

    public double getDouble()
    {
        checkUsable();
        return box.view.getDouble(0);
    }

    public MutableDirectBuffer buffer()
    {
        checkUsable();
        return box.view;
    }

    public int length()
    {
        checkUsable();
        return box.view.capacity();
    }

    public void set(final T value)
    {
        checkUsable();
        box.setValue(value, this);
    }

    public void setLong(final long value)
    {
        checkUsable();
        box.view.putLong(0, value);
    }

    public void setInt(final int value)
    {
        checkUsable();
        box.view.putInt(0, value);
    }

    public void setDouble(final double value)
    {
        checkUsable();
        box.view.putDouble(0, value);
    }

    public void close()
    {
        final int lentTo = this.lentTo;
        if (closed || lentTo >= 0)
        {
            throw misuse(box, closed, lentTo, "closed twice", " and can not be closed until the task returns");
        }
        closed = true;
        // the written value, with the header (the colour bumped for this borrow is not mirrored before), reaches the
        // slice's backups before the release publishes it (nothing without replicas)
        box.node().publish(box.rawAddress());
        if (0 != ownerCell)
        {
            box.node().writeOwnerCell(ownerCell, box.rawAddress());
        }
        box.releaseWrite();
    }

    public boolean isOpen()
    {
        return !closed;
    }

    BoxHandle<T> box()
    {
        return box;
    }

    void lend(final int nodeId)
    {
        lentTo = nodeId;
    }

    /**
     * The task this borrow was lent to returned: take the object's address from the owner cell.
     *
     * @param address now holding the object.
     */
    void returned(final long address)
    {
        box.adoptAfterLend(address);
        // volatile write after the new address: a thread that sees the borrow usable sees where the object is
        lentTo = -1;
    }

    /**
     * Ends a borrow opened for a task when the task returns.
     */
    void expire()
    {
        if (!closed)
        {
            close();
        }
    }

    void checkUsable()
    {
        final int lentTo = this.lentTo;
        if (closed || lentTo >= 0)
        {
            throw misuse(box, closed, lentTo, "used after close", " until the task returns");
        }
        if (!box.isLocal())
        {
            box.makeLocalForWrite();
        }
    }

    /**
     * Builds the error for a misused borrow. Static and apart from the callers, so {@code this} never escapes the
     * hot methods and they stay small enough to inline: the borrow of a try-with-resources block is then
     * scalar-replaced even when misuse has been seen elsewhere in the JVM.
     */
    private static BorrowException misuse(
        final BoxHandle<?> box, final boolean closed, final int lentTo, final String whenClosed, final String whenLent)
    {
        return closed ?
            new BorrowException("Mut of " + box.describe() + " " + whenClosed) :
            new BorrowException("Mut of " + box.describe() + " is lent to a task on node " + lentTo + whenLent);
    }

    private Object writeReplace()
    {
        checkUsable();
        return TaskScope.current("a Mut").lend(this);
    }

    public String toString()
    {
        return "Mut{" + box.describe() + (closed ? ", closed" : "") + '}';
    }
}
