package org.jdsm.apps.gemm;

import org.jdsm.Codec;
import org.jdsm.Codecs;
import org.jdsm.DBox;
import org.jdsm.DVec;
import org.jdsm.DsmNode;
import org.jdsm.Mut;
import org.jdsm.Ref;

/**
 * A padded matrix in jdsm as square tiles: a {@link DVec} on the driver whose element i (row-major) is the
 * {@link DBox} owning tile i, a box that lives on the node that produced it. The vector owns the boxes: they are
 * borrowed through its elements ({@link #read(int)}) and freed with it ({@link #close()}).
 * <p>
 * <b>Note:</b> not threadsafe; a single owner on the driver, like the {@code DVec} it wraps.
 */
public final class TiledMatrix implements AutoCloseable
{
    /** Elements per chunk of the vector: one chunk holds the addresses of 512 tiles. */
    static final int ELEMENTS_PER_CHUNK = 512;

    /**
     * An element of an {@code int} matrix: the box owning one tile.
     *
     * @param data the tile's elements, row-major.
     */
    public record IntTile(DBox<int[]> data)
    {
    }

    /**
     * An element of a {@code double} matrix: the box owning one tile.
     *
     * @param data the tile's elements, row-major.
     */
    public record DoubleTile(DBox<double[]> data)
    {
    }

    private static final Codec<IntTile> INT_TILE_CODEC = Codecs.record(IntTile.class);
    private static final Codec<DoubleTile> DOUBLE_TILE_CODEC = Codecs.record(DoubleTile.class);

    private final ElementType type;
    private final DVec<Object> tiles;

    /**
     * Take ownership of tile boxes, in row-major order.
     *
     * @param node  the driver, where the vector lives.
     * @param type  of the elements.
     * @param boxes tile boxes, moved into the vector.
     */
    @SuppressWarnings("unchecked")
    public TiledMatrix(final DsmNode node, final ElementType type, final DBox<?>[] boxes)
    {
        this.type = type;
        this.tiles = node.newVec((Codec<Object>)(Codec<?>)(ElementType.INT == type ? INT_TILE_CODEC :
            DOUBLE_TILE_CODEC), ELEMENTS_PER_CHUNK);
        for (final DBox<?> box : boxes)
        {
            tiles.push(element(box));
        }
    }

    /**
     * @return number of tiles.
     */
    public int tileCount()
    {
        return (int)tiles.size();
    }

    /**
     * A shared borrow of element i; {@link #box(Ref)} of it names the tile's box while it is open.
     *
     * @param index of the tile, row-major.
     * @return the borrow, to close.
     */
    public Ref<Object> read(final int index)
    {
        return tiles.read(index);
    }

    /**
     * The box a borrowed element names, usable while the element's borrow is open.
     *
     * @param element borrow from {@link #read(int)}.
     * @return the tile's box.
     */
    public static DBox<?> box(final Ref<Object> element)
    {
        return boxOf(element.get());
    }

    /**
     * The box an exclusively borrowed element names, writable while the element's borrow is open.
     *
     * @param element borrow from {@link #write(int)}.
     * @return the tile's box.
     */
    public static DBox<?> box(final Mut<Object> element)
    {
        return boxOf(element.get());
    }

    /**
     * An exclusive borrow of element i; {@link #box(Mut)} of it names the tile's box, writable while it is open.
     *
     * @param index of the tile, row-major.
     * @return the borrow, to close.
     */
    public Mut<Object> write(final int index)
    {
        return tiles.write(index);
    }

    /**
     * The node that holds tile i now.
     *
     * @param index of the tile.
     * @return its node.
     */
    public int homeOf(final int index)
    {
        try (Ref<Object> element = tiles.read(index))
        {
            return box(element).homeNode();
        }
    }

    /**
     * Free every tile, each through an exclusive borrow of its element, then the vector.
     */
    public void close()
    {
        for (int i = 0; i < tiles.size(); i++)
        {
            try (Mut<Object> element = tiles.write(i))
            {
                box(element).close();
            }
        }
        tiles.close();
    }

    private static DBox<?> boxOf(final Object element)
    {
        return element instanceof IntTile ? ((IntTile)element).data() : ((DoubleTile)element).data();
    }

    @SuppressWarnings("unchecked")
    private Object element(final DBox<?> box)
    {
        return ElementType.INT == type ? new IntTile((DBox<int[]>)box) : new DoubleTile((DBox<double[]>)box);
    }
}
