package org.jdsm;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link Codec} of a Java record, laid out by {@link RecordCodecLayout}; see {@link Codecs#record(Class)}.
 * <p>
 * One instance per record class, derived on first use and cached in a {@link ClassValue}. A record may hold a
 * {@link DBox} or {@link DVec} of itself, directly or through other records: while a class is being derived its
 * codec is already referred to by the element codecs of those handles, and gets its layout before it is returned.
 * If the derivation fails, every codec derived within it is dropped from the cache, so none refers to a record that
 * has no layout.
 * <p>
 * <b>Note:</b> immutable once derived, so threadsafe.
 *
 * @param <R> the record type.
 */
final class RecordCodec<R extends Record> implements Codec<R>
{
    private static final long serialVersionUID = 1L;

    private static final ClassValue<RecordCodec<?>> CODECS = new ClassValue<>()
    {
        protected RecordCodec<?> computeValue(final Class<?> type)
        {
            return derive(type);
        }
    };

    private static final ThreadLocal<Derivation> DERIVATION = new ThreadLocal<>();

    private final Class<R> type;

    /**
     * Set once before the codec is published by {@link #CODECS}. A codec reached first through the element codec of
     * a handle may be read by another thread before that, and takes the slow path of {@link #layout()}; the layout is
     * immutable with final fields, so this racy read sees it whole.
     */
    private transient RecordCodecLayout layout;

    private RecordCodec(final Class<R> type)
    {
        this.type = type;
    }

    /**
     * The cached codec of a record class, derived on the first call.
     *
     * @param type of the record.
     * @return its codec.
     * @throws CodecException if the class is not a record or a component is not supported.
     */
    static RecordCodec<?> forType(final Class<?> type)
    {
        return CODECS.get(type);
    }

    /**
     * The codec for the element of a {@link DBox} or {@link DVec} component: the codec of a record being derived on
     * this thread, which has no layout yet, or else the cached codec.
     *
     * @param type of the record.
     * @return its codec.
     */
    static RecordCodec<?> forElement(final Class<?> type)
    {
        final Derivation derivation = DERIVATION.get();
        if (null != derivation)
        {
            final RecordCodec<?> codec = derivation.inProgress.get(type);
            if (null != codec)
            {
                return codec;
            }
        }

        return CODECS.get(type);
    }

    /**
     * The layout of a record nested inline or with a length prefix, which must not be one being derived on this
     * thread: a record can not contain itself.
     *
     * @param type of the record.
     * @return its layout, or null if it is being derived on this thread.
     */
    static RecordCodecLayout forNested(final Class<?> type)
    {
        final Derivation derivation = DERIVATION.get();
        if (null != derivation && derivation.inProgress.containsKey(type))
        {
            return null;
        }

        return CODECS.get(type).layout();
    }

    /**
     * The record class.
     *
     * @return the record class.
     */
    Class<R> type()
    {
        return type;
    }

    /**
     * The layout of the record.
     *
     * @return the layout.
     * @throws CodecException if the derivation of this record failed.
     */
    RecordCodecLayout layout()
    {
        final RecordCodecLayout layout = this.layout;

        return null != layout ? layout : resolveLayout();
    }

    /**
     * {@inheritDoc}
     */
    public int fixedLength()
    {
        return layout().fixedLength();
    }

    /**
     * {@inheritDoc}
     */
    public int encodedLength(final R value)
    {
        if (null == value)
        {
            throw Codecs.nullValue(this);
        }

        return layout().encodedLength(value);
    }

    /**
     * {@inheritDoc}
     */
    public void encode(final R value, final MutableDirectBuffer buffer, final int offset, final HandleContext handles)
    {
        if (null == value)
        {
            throw Codecs.nullValue(this);
        }

        final RecordCodecLayout layout = layout();
        layout.checkHandles(handles);
        layout.encode(value, buffer, offset, handles);
    }

    /**
     * {@inheritDoc}
     */
    public R decode(final DirectBuffer buffer, final int offset, final int length, final HandleContext handles)
    {
        Codecs.checkRange(this, buffer, offset, length);
        final RecordCodecLayout layout = layout();
        layout.checkHandles(handles);

        return type.cast(layout.decode(buffer, offset, length, handles));
    }

    /**
     * Codecs of the same record class are equal.
     *
     * @param o to compare with.
     * @return true if {@code o} is the codec of the same record class.
     */
    public boolean equals(final Object o)
    {
        return this == o || (o instanceof RecordCodec && type == ((RecordCodec<?>)o).type);
    }

    /**
     * {@inheritDoc}
     */
    public int hashCode()
    {
        return type.hashCode();
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "Codecs.record(" + type.getName() + ")";
    }

    private RecordCodecLayout resolveLayout()
    {
        final RecordCodecLayout layout = CODECS.get(type).layout;
        if (null == layout)
        {
            throw new CodecException("record " + type.getName() + " is still being derived");
        }
        this.layout = layout;

        return layout;
    }

    private Object writeReplace()
    {
        return new SerializedForm(type.getName());
    }

    private void readObject(final ObjectInputStream in) throws InvalidObjectException
    {
        throw new InvalidObjectException("a record codec is serialized as its record's class name");
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static RecordCodec<?> derive(final Class<?> type)
    {
        if (!type.isRecord())
        {
            throw new CodecException(type.getTypeName() + " is not a record");
        }

        Derivation derivation = DERIVATION.get();
        final boolean outermost = null == derivation;
        if (outermost)
        {
            derivation = new Derivation();
            DERIVATION.set(derivation);
        }

        final RecordCodec<?> codec = new RecordCodec(type);
        derivation.inProgress.put(type, codec);
        try
        {
            codec.layout = RecordCodecLayout.derive(type);
            derivation.completed.add(type);

            return codec;
        }
        catch (final RuntimeException | Error ex)
        {
            if (outermost)
            {
                for (final Class<?> completed : derivation.completed)
                {
                    CODECS.remove(completed);
                }
            }
            throw ex;
        }
        finally
        {
            derivation.inProgress.remove(type);
            if (outermost)
            {
                DERIVATION.remove();
            }
        }
    }

    /**
     * The records being derived on one thread, and those derived within the outermost derivation.
     */
    private static final class Derivation
    {
        private final Map<Class<?>, RecordCodec<?>> inProgress = new HashMap<>();
        private final List<Class<?>> completed = new ArrayList<>();
    }

    /**
     * What a record codec is serialized as: the name of its record class, resolved to the cached codec.
     */
    private static final class SerializedForm implements Serializable
    {
        private static final long serialVersionUID = 1L;

        private final String typeName;

        private SerializedForm(final String typeName)
        {
            this.typeName = typeName;
        }

        private Object readResolve() throws ObjectStreamException
        {
            final Class<?> type = load(typeName);
            if (!type.isRecord())
            {
                throw new InvalidObjectException(typeName + " is not a record");
            }

            return forType(type);
        }

        private static Class<?> load(final String typeName) throws InvalidObjectException
        {
            final ClassLoader contextLoader = Thread.currentThread().getContextClassLoader();
            if (null != contextLoader)
            {
                try
                {
                    return Class.forName(typeName, false, contextLoader);
                }
                catch (final ClassNotFoundException ignore)
                {
                    // fall through to the loader of jdsm
                }
            }

            try
            {
                return Class.forName(typeName, false, RecordCodec.class.getClassLoader());
            }
            catch (final ClassNotFoundException ex)
            {
                final InvalidObjectException ioe = new InvalidObjectException("record class not found: " + typeName);
                ioe.initCause(ex);
                throw ioe;
            }
        }
    }
}
