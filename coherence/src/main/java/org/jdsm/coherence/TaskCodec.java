package org.jdsm.coherence;

import org.jdsm.DsmException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;

/**
 * Serializes tasks and results: in {@link CompactTaskCodec compact form} when they have one (plain values, and
 * lambdas: their fields compact, and what they capture too when it is plain values), else with Java serialization,
 * where the handles they capture replace themselves with tokens through the current {@link TaskScope}.
 * <p>
 * <b>Note:</b> stateless and threadsafe.
 */
final class TaskCodec
{
    private TaskCodec()
    {
    }

    static byte[] serialize(final Object value, final String what)
    {
        final byte[] compact = CompactTaskCodec.encode(value, what);
        if (null != compact)
        {
            return compact;
        }

        return serializeStream(value, what);
    }

    /**
     * Serialize a value as a Java stream, whatever it is.
     *
     * @param value to serialize; its handles replace themselves through the current {@link TaskScope}.
     * @param what  it is, for errors.
     * @return the stream's bytes.
     */
    static byte[] serializeStream(final Object value, final String what)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes))
        {
            out.writeObject(value);
        }
        catch (final IOException ex)
        {
            throw new DsmException(what + " can not be serialized: " + ex, ex);
        }

        return bytes.toByteArray();
    }

    /**
     * Serialize a task being spawned under its spawn scope, so the handles it captures are handed over through it;
     * on failure the scope is aborted (nothing handed over stays so) and the failure rethrown.
     *
     * @param scope the task's spawn scope, not entered.
     * @param task  to serialize.
     * @return its bytes.
     */
    static byte[] serializeTask(final TaskScope scope, final Object task)
    {
        final byte[] bytes;
        scope.enter();
        try
        {
            bytes = serialize(task, "task " + task.getClass().getName());
        }
        catch (final RuntimeException ex)
        {
            scope.exit();
            scope.abort();
            throw ex;
        }
        scope.exit();

        return bytes;
    }

    static Object deserialize(final byte[] data, final String what)
    {
        if (CompactTaskCodec.isCompact(data))
        {
            return CompactTaskCodec.decode(data, what);
        }

        return deserializeStream(data, 0, data.length, what);
    }

    /**
     * Read one object from a Java stream through the {@link TaskInputFilter}.
     *
     * @param data   holding the stream.
     * @param offset of the stream in it.
     * @param length of the stream.
     * @param what   it is, for errors.
     * @return the object.
     */
    static Object deserializeStream(final byte[] data, final int offset, final int length, final String what)
    {
        try (ObjectInputStream in = new ContextObjectInputStream(new ByteArrayInputStream(data, offset, length)))
        {
            return TaskInputFilter.readObject(in, length);
        }
        catch (final ClassNotFoundException ex)
        {
            throw new DsmException(what + " needs class " + ex.getMessage() + ", not on this node's class path: " +
                "give every node the program's classes (jdsm run --class-path, jdsm node --class-path)", ex);
        }
        catch (final IOException ex)
        {
            throw new DsmException(what + " can not be deserialized: " + ex, ex);
        }
    }

    /**
     * Resolves classes with the thread's context class loader first, so tasks of application classes load in
     * containers, test runners and the launcher's class loader for a program's class path: a node's task threads
     * carry the context class loader of the thread that started the node.
     */
    private static final class ContextObjectInputStream extends ObjectInputStream
    {
        ContextObjectInputStream(final InputStream in) throws IOException
        {
            super(in);
        }

        protected Class<?> resolveClass(final ObjectStreamClass desc) throws IOException, ClassNotFoundException
        {
            final ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (null != loader)
            {
                try
                {
                    return Class.forName(desc.getName(), false, loader);
                }
                catch (final ClassNotFoundException ignore)
                {
                    // fall back to the default resolution below
                }
            }

            return super.resolveClass(desc);
        }
    }
}
