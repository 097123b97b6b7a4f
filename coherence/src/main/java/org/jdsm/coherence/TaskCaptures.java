package org.jdsm.coherence;

import java.io.Serializable;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * The values a task spawned on its own node captured, handed over to it without a byte stream: each handle through
 * its {@code writeReplace} on the spawning side and its token's {@code readResolve} on the running side, exactly as
 * serialization would, and the containers around the handles copied as serialization copies them: arrays (their
 * component type kept), records (rebuilt through their canonical constructor, as records are deserialized) and
 * lists made by {@code List.of} or {@code ArrayList}. An object met twice in the graph is handed over once and
 * stays one object on the running side, as in a stream.
 * <p>
 * A graph holding anything else (another class, a record that is not {@link Serializable} or that the node's
 * {@link TaskInputFilter} would refuse, nesting deeper than {@link #MAX_DEPTH}) is not handed over here: the caller
 * serializes the task, so a task that a peer would refuse fails on its own node too.
 * <p>
 * <b>Note:</b> stateless; the memo maps given to it belong to one task's hand-over, on one thread.
 */
final class TaskCaptures
{
    /** Containers nested deeper than this are left to serialization. */
    static final int MAX_DEPTH = 8;

    private static final Class<?> LIST_12 = List.of(1).getClass();
    private static final Class<?> LIST_N = List.of(1, 2, 3).getClass();
    private static final Class<?> LIST_EMPTY = List.of().getClass();

    private static final ClassValue<RecordShape> RECORD_SHAPES = new ClassValue<>()
    {
        protected RecordShape computeValue(final Class<?> type)
        {
            return RecordShape.of(type);
        }
    };

    private TaskCaptures()
    {
    }

    /**
     * Whether a captured value can be handed over without a stream.
     *
     * @param value           captured.
     * @param allowedPackages the node's {@code jdsm.task.allowed.packages}, for records.
     * @return true if {@link #handOver} and {@link #resolve} take it.
     */
    static boolean isHandedOver(final Object value, final List<String> allowedPackages)
    {
        return isHandedOver(value, allowedPackages, 0);
    }

    /**
     * Whether a value needs {@link #handOver}: it holds a handle or is a container that serialization would copy.
     *
     * @param value captured, for which {@link #isHandedOver} is true.
     * @return false for a value passed as it is.
     */
    static boolean needsHandOver(final Object value)
    {
        return null != value && (LocalTaskRunner.isHandle(value) || value.getClass().isArray() ||
            value.getClass().isRecord() || value instanceof List);
    }

    /**
     * On the spawning side, under the spawn scope: what a captured value becomes.
     *
     * @param value captured, for which {@link #isHandedOver} is true.
     * @param memo  of this task's hand-over: objects met already, to their tokens.
     * @return a handle's token, a copied container of tokens, or the value itself.
     */
    static Object handOver(final Object value, final IdentityHashMap<Object, Object> memo)
    {
        if (!needsHandOver(value))
        {
            return value;
        }
        final Object known = memo.get(value);
        if (null != known)
        {
            return known;
        }

        final Object token;
        final Class<?> type = value.getClass();
        if (LocalTaskRunner.isHandle(value))
        {
            token = LocalTaskRunner.handOverHandle(value);
        }
        else if (type.isArray() && type.getComponentType().isPrimitive() || type == String[].class)
        {
            token = LocalTaskRunner.copyOfArray(value);
        }
        else if (type.isArray())
        {
            final Object[] elements = (Object[])value;
            final Object[] tokens = new Object[elements.length];
            token = new ArrayToken(type.getComponentType(), tokens);
            memo.put(value, token);
            for (int i = 0; i < elements.length; i++)
            {
                tokens[i] = handOver(elements[i], memo);
            }
        }
        else if (type.isRecord())
        {
            final RecordShape shape = RECORD_SHAPES.get(type);
            final Object[] tokens = new Object[shape.accessors.length];
            token = new RecordToken(shape, tokens);
            memo.put(value, token);
            for (int i = 0; i < tokens.length; i++)
            {
                tokens[i] = handOver(shape.component(value, i), memo);
            }
        }
        else
        {
            final List<?> list = (List<?>)value;
            final Object[] tokens = new Object[list.size()];
            token = new ListToken(type == ArrayList.class, tokens);
            memo.put(value, token);
            for (int i = 0; i < tokens.length; i++)
            {
                tokens[i] = handOver(list.get(i), memo);
            }
        }
        memo.put(value, token);

        return token;
    }

    /**
     * On the running side, under the run scope: a token back to what it stands for.
     *
     * @param token from {@link #handOver}.
     * @param memo  of this task's run: tokens met already, to what they became.
     * @return the handle, the rebuilt container, or the value.
     */
    static Object resolve(final Object token, final IdentityHashMap<Object, Object> memo)
    {
        // null, or a primitive or String array's copy: the value itself
        return null == token || token.getClass().isArray() ? token : resolveOnce(token, memo);
    }

    private static Object resolveOnce(final Object token, final IdentityHashMap<Object, Object> memo)
    {
        final Object known = memo.get(token);
        if (null != known)
        {
            return known;
        }

        final Object value;
        if (token instanceof ArrayToken)
        {
            final ArrayToken array = (ArrayToken)token;
            final Object[] elements = (Object[])Array.newInstance(array.component, array.elements.length);
            memo.put(token, elements);
            for (int i = 0; i < elements.length; i++)
            {
                elements[i] = resolve(array.elements[i], memo);
            }
            value = elements;
        }
        else if (token instanceof RecordToken)
        {
            final RecordToken record = (RecordToken)token;
            final Object[] components = new Object[record.components.length];
            for (int i = 0; i < components.length; i++)
            {
                components[i] = resolve(record.components[i], memo);
            }
            value = record.shape.construct(components);
        }
        else if (token instanceof ListToken)
        {
            final ListToken list = (ListToken)token;
            final Object[] elements = new Object[list.elements.length];
            for (int i = 0; i < elements.length; i++)
            {
                elements[i] = resolve(list.elements[i], memo);
            }
            value = list.mutable ? new ArrayList<>(Arrays.asList(elements)) : List.of(elements);
        }
        else
        {
            value = LocalTaskRunner.resolve(token);
        }
        memo.put(token, value);

        return value;
    }

    private static boolean isHandedOver(final Object value, final List<String> allowedPackages, final int depth)
    {
        // an enum constant with a body is of an anonymous subclass, which is no enum type itself
        if (null == value || LocalTaskRunner.isHandle(value) || LocalTaskRunner.isScalar(value.getClass()) ||
            value instanceof Enum)
        {
            return true;
        }
        final Class<?> type = value.getClass();
        if (type.isArray() && (type.getComponentType().isPrimitive() || type == String[].class))
        {
            return true;
        }
        if (depth >= MAX_DEPTH)
        {
            return false;
        }
        if (type.isArray())
        {
            for (final Object element : (Object[])value)
            {
                if (!isHandedOver(element, allowedPackages, depth + 1))
                {
                    return false;
                }
            }
            return true;
        }
        if (type.isRecord())
        {
            final RecordShape shape = RECORD_SHAPES.get(type);
            if (null == shape || !TaskInputFilter.allowsClass(allowedPackages, type))
            {
                return false;
            }
            for (int i = 0; i < shape.accessors.length; i++)
            {
                if (!isHandedOver(shape.component(value, i), allowedPackages, depth + 1))
                {
                    return false;
                }
            }
            return true;
        }
        if (type == ArrayList.class || type == LIST_12 || type == LIST_N || type == LIST_EMPTY)
        {
            for (final Object element : (List<?>)value)
            {
                // List.of holds no null; an ArrayList's null would stay one, but List.of could not rebuild it
                if (null == element || !isHandedOver(element, allowedPackages, depth + 1))
                {
                    return false;
                }
            }
            return true;
        }

        return false;
    }

    /**
     * A serializable record's accessors and canonical constructor, made accessible; null for a record that is not
     * {@link Serializable} or whose members can not be reached.
     */
    private static final class RecordShape
    {
        final Method[] accessors;
        final Constructor<?> constructor;

        private RecordShape(final Method[] accessors, final Constructor<?> constructor)
        {
            this.accessors = accessors;
            this.constructor = constructor;
        }

        static RecordShape of(final Class<?> type)
        {
            if (!type.isRecord() || !Serializable.class.isAssignableFrom(type))
            {
                return null;
            }
            try
            {
                final RecordComponent[] components = type.getRecordComponents();
                final Method[] accessors = new Method[components.length];
                final Class<?>[] types = new Class<?>[components.length];
                for (int i = 0; i < components.length; i++)
                {
                    accessors[i] = components[i].getAccessor();
                    accessors[i].setAccessible(true);
                    types[i] = components[i].getType();
                }
                final Constructor<?> constructor = type.getDeclaredConstructor(types);
                constructor.setAccessible(true);
                return new RecordShape(accessors, constructor);
            }
            catch (final ReflectiveOperationException | RuntimeException ex)
            {
                // not reachable by reflection (a record of a named module that does not open its package): such a
                // task is serialized instead
                return null;
            }
        }

        Object component(final Object record, final int index)
        {
            try
            {
                return accessors[index].invoke(record);
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new org.jdsm.DsmException(
                    "record " + record.getClass().getName() + ": accessor " + accessors[index].getName() + " failed: " +
                    ex.getCause(), ex);
            }
        }

        Object construct(final Object[] components)
        {
            try
            {
                return constructor.newInstance(components);
            }
            catch (final java.lang.reflect.InvocationTargetException ex)
            {
                final Throwable cause = ex.getCause();
                if (cause instanceof RuntimeException)
                {
                    throw (RuntimeException)cause;
                }
                throw new org.jdsm.DsmException(
                    "record " + constructor.getDeclaringClass().getName() + ": constructor failed: " + cause, cause);
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new org.jdsm.DsmException(
                    "record " + constructor.getDeclaringClass().getName() + ": constructor failed: " + ex, ex);
            }
        }
    }

    /** An array of handles or containers on its way: its component type and its elements' tokens. */
    private static final class ArrayToken
    {
        final Class<?> component;
        final Object[] elements;

        ArrayToken(final Class<?> component, final Object[] elements)
        {
            this.component = component;
            this.elements = elements;
        }
    }

    /** A record on its way: its shape and its components' tokens. */
    private static final class RecordToken
    {
        final RecordShape shape;
        final Object[] components;

        RecordToken(final RecordShape shape, final Object[] components)
        {
            this.shape = shape;
            this.components = components;
        }
    }

    /** A list on its way: mutable ({@code ArrayList}) or not ({@code List.of}), and its elements' tokens. */
    private static final class ListToken
    {
        final boolean mutable;
        final Object[] elements;

        ListToken(final boolean mutable, final Object[] elements)
        {
            this.mutable = mutable;
            this.elements = elements;
        }
    }
}
