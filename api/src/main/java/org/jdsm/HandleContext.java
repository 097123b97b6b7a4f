package org.jdsm;

import org.agrona.DirectBuffer;

/**
 * What a {@link Codec} uses to store nested {@link DBox} and {@link DVec} fields as global addresses, and to turn
 * those addresses back into handles. The engine passes one to every encode and decode.
 * <p>
 * <b>Note:</b> a context is only valid during the encode or decode call it was passed to.
 */
public interface HandleContext
{
    /**
     * The global address to store for a nested box. A box owned by the program is moved into the enclosing object
     * and its handle consumed; a box reached through the enclosing object keeps its place.
     *
     * @param box to store.
     * @return the global address to store.
     */
    long store(DBox<?> box);

    /**
     * The global address to store for a nested vector; the vector handle is consumed as for {@link #store(DBox)}.
     *
     * @param vec to store.
     * @return the global address to store.
     */
    long store(DVec<?> vec);

    /**
     * A handle on the box whose address is stored at an offset of an enclosing object's bytes.
     *
     * @param codec      of the nested value.
     * @param buffer     of the enclosing object.
     * @param slotOffset where the address is stored.
     * @param <E>        type of the nested value.
     * @return a handle that reads and, when the enclosing object is borrowed exclusively, writes the nested value.
     */
    <E> DBox<E> box(Codec<E> codec, DirectBuffer buffer, int slotOffset);

    /**
     * A handle on the vector whose address is stored at an offset of an enclosing object's bytes.
     *
     * @param codec      of the elements.
     * @param buffer     of the enclosing object.
     * @param slotOffset where the address is stored.
     * @param <E>        type of the elements.
     * @return a handle on the vector.
     */
    <E> DVec<E> vec(Codec<E> codec, DirectBuffer buffer, int slotOffset);
}
