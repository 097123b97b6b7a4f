package org.jdsm;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.io.Serializable;

/**
 * How a value of type {@code T} is laid out in the global heap. Built-in codecs are in {@link Codecs}; a user
 * codec writes a flyweight layout directly.
 * <p>
 * A codec is stateless and travels with the handles it types when they are sent to another node, so it must be
 * {@link Serializable}.
 * <p>
 * <b>Note:</b> implementations must be thread-safe; built-in codecs are.
 *
 * @param <T> the type of the values.
 */
public interface Codec<T> extends Serializable
{
    /**
     * Returned by {@link #fixedLength()} for a codec whose values vary in length.
     */
    int VARIABLE_LENGTH = -1;

    /**
     * The length in bytes of every encoded value, or {@link #VARIABLE_LENGTH}.
     *
     * @return the fixed length in bytes or {@link #VARIABLE_LENGTH}.
     */
    int fixedLength();

    /**
     * The length in bytes that {@link #encode} will write for this value.
     *
     * @param value to be encoded.
     * @return its encoded length in bytes.
     */
    int encodedLength(T value);

    /**
     * Write the value at an offset of a buffer, which has room for {@link #encodedLength(Object)} bytes.
     *
     * @param value   to encode.
     * @param buffer  to write to.
     * @param offset  at which to write.
     * @param handles resolves nested {@link DBox} and {@link DVec} fields to the global addresses stored for them.
     */
    void encode(T value, MutableDirectBuffer buffer, int offset, HandleContext handles);

    /**
     * Read a value from an offset of a buffer.
     *
     * @param buffer  to read from.
     * @param offset  at which the value starts.
     * @param length  of the encoded value in bytes.
     * @param handles turns global addresses stored for nested fields back into handles.
     * @return the value decoded.
     */
    T decode(DirectBuffer buffer, int offset, int length, HandleContext handles);
}
