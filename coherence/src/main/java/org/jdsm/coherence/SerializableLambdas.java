package org.jdsm.coherence;

import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;

/**
 * Reflection on serializable lambdas, as Java serialization does it: a lambda's {@link SerializedLambda} from its
 * {@code writeReplace}, and the {@code $deserializeLambda$} of a capturing class, which rebuilds only the lambdas
 * that class compiled.
 * <p>
 * <b>Note:</b> stateless and threadsafe; the methods found are cached per class.
 */
final class SerializableLambdas
{
    private static final ClassValue<Method> WRITE_REPLACE = new ClassValue<>()
    {
        protected Method computeValue(final Class<?> type)
        {
            return declared(type, "writeReplace");
        }
    };

    private static final ClassValue<Method> DESERIALIZE_LAMBDA = new ClassValue<>()
    {
        protected Method computeValue(final Class<?> type)
        {
            return declared(type, "$deserializeLambda$", SerializedLambda.class);
        }
    };

    private SerializableLambdas()
    {
    }

    /**
     * The serialized form of a serializable lambda.
     *
     * @param value any object.
     * @return its {@link SerializedLambda}, or null if it is not a serializable lambda.
     */
    static SerializedLambda of(final Object value)
    {
        final Class<?> type = value.getClass();
        if (!type.isSynthetic() && !type.isHidden())
        {
            return null;
        }
        final Method writeReplace = WRITE_REPLACE.get(type);
        if (null == writeReplace)
        {
            return null;
        }
        try
        {
            final Object replaced = writeReplace.invoke(value);
            return replaced instanceof SerializedLambda ? (SerializedLambda)replaced : null;
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return null;
        }
    }

    /**
     * The method that rebuilds a class's serializable lambdas from their {@link SerializedLambda}, made accessible.
     *
     * @param capturing class that may have compiled serializable lambdas.
     * @return its static {@code $deserializeLambda$(SerializedLambda)}, or null if it declares none.
     */
    static Method deserializer(final Class<?> capturing)
    {
        return DESERIALIZE_LAMBDA.get(capturing);
    }

    private static Method declared(final Class<?> type, final String name, final Class<?>... parameterTypes)
    {
        try
        {
            final Method method = type.getDeclaredMethod(name, parameterTypes);
            method.setAccessible(true);
            return method;
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return null; // none, or not accessible from here (a module that does not open its package)
        }
    }
}
