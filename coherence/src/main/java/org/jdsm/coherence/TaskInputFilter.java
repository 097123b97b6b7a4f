package org.jdsm.coherence;

import org.jdsm.Codec;
import org.jdsm.DsmConfig;
import org.jdsm.DsmTask;

import java.io.IOException;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.lang.invoke.SerializedLambda;
import java.util.List;
import java.util.Set;

/**
 * The {@link ObjectInputFilter} of everything a node deserializes from a peer: tasks, their results and their
 * failures. Nothing else is instantiated, so a peer past the handshake can not make a node run the
 * {@code readObject} of an arbitrary class on its class path (a deserialization gadget).
 * <p>
 * A class is allowed when it is (each decision but the last cached per class):
 * <ol>
 *     <li>a primitive, or an array (its elements are checked one by one, and its length against the payload);</li>
 *     <li>one of a fixed set of JDK value types: boxed primitives, {@code String}, {@code BigInteger},
 *     {@code BigDecimal}, {@code UUID}, the {@code java.time} types, {@code StackTraceElement}, and the common
 *     collections ({@code ArrayList}, {@code LinkedList}, {@code ArrayDeque}, {@code HashMap},
 *     {@code LinkedHashMap}, {@code TreeMap}, {@code HashSet}, {@code LinkedHashSet}, {@code TreeSet},
 *     {@code EnumMap}, {@code EnumSet}, {@code BitSet}, {@code Hashtable}, {@code Properties},
 *     {@code ConcurrentHashMap}, {@code CopyOnWriteArrayList}, {@code List.of} and friends, {@code Arrays.asList},
 *     the {@code Collections} empty, singleton and unmodifiable views and reverse orders, map entries), the atomic
 *     numbers; not {@code PriorityQueue} or any other JDK class;</li>
 *     <li>a hidden class: never named in a stream, it can only be what an allowed class's {@code readResolve}
 *     returned (a lambda rebuilt from its {@link SerializedLambda}), which the JDK filters too;</li>
 *     <li>an enum (deserialized by name, no code of its own runs) or a {@link Throwable} (a task's failure);</li>
 *     <li>{@link SerializedLambda}, and the capturing class of a serializable lambda (a class that declares
 *     {@code $deserializeLambda$}: it only rebuilds lambdas it compiled);</li>
 *     <li>a {@link DsmTask} or a {@link Codec}: classes written to travel;</li>
 *     <li>jdsm's own classes, {@code org.jdsm.*}: the tokens handles travel as, the handles they resolve to (the
 *     JDK filters a {@code readResolve} replacement too; a handle read as itself is inert: every field of a handle
 *     is transient, so it has no node and no address), the API's codecs and exceptions, the bundled
 *     applications;</li>
 *     <li>a class whose name starts with one of {@link DsmConfig#taskAllowedPackages()}
 *     ({@code jdsm.task.allowed.packages}), e.g. the records and other types an application's tasks capture
 *     or return.</li>
 * </ol>
 * and a stream is also rejected past {@link #MAX_DEPTH} nested objects, {@link #MAX_REFERENCES} references,
 * {@code maxObjectSize} bytes, or an array declaring more elements than its payload can hold (so no array is
 * allocated larger than the payload's size times eight). The depth limit also bounds the work of nested hash sets
 * (at most 2^(MAX_DEPTH/2) element hashes). A process-wide filter ({@code jdk.serialFilter}), when set, is
 * consulted too: what it rejects stays rejected.
 * <p>
 * A rejected stream fails with an {@link InvalidClassException} naming the class (or an
 * {@link InvalidObjectException} naming the limit) and counts {@link Counters#TASKS_REJECTED}; for a task, the
 * sender's future fails with a {@link org.jdsm.RemoteTaskException} carrying that message.
 * <p>
 * <b>Note:</b> one instance per stream, used by the thread deserializing it.
 */
final class TaskInputFilter implements ObjectInputFilter
{
    /** Deepest nesting of objects in a stream. */
    static final int MAX_DEPTH = 32;
    /** Most object references in a stream. */
    static final long MAX_REFERENCES = 10_000_000L;

    private static final String LAMBDA_DESERIALIZER = "$deserializeLambda$";
    private static final String JDSM_PACKAGE = "org.jdsm.";

    private static final Set<String> JDK_VALUE_TYPES = Set.of(
        "java.lang.Boolean", "java.lang.Byte", "java.lang.Character", "java.lang.Short", "java.lang.Integer",
        "java.lang.Long", "java.lang.Float", "java.lang.Double", "java.lang.Number", "java.lang.String",
        "java.lang.StackTraceElement",
        "java.math.BigInteger", "java.math.BigDecimal", "java.util.UUID", "java.time.Ser",
        "java.util.ArrayList", "java.util.LinkedList", "java.util.ArrayDeque", "java.util.HashMap",
        "java.util.LinkedHashMap", "java.util.TreeMap", "java.util.HashSet", "java.util.LinkedHashSet",
        "java.util.TreeSet", "java.util.EnumMap", "java.util.EnumSet$SerializationProxy", "java.util.RegularEnumSet",
        "java.util.JumboEnumSet", "java.util.BitSet", "java.util.Hashtable", "java.util.Properties",
        "java.util.concurrent.ConcurrentHashMap", "java.util.concurrent.ConcurrentHashMap$Segment",
        "java.util.concurrent.CopyOnWriteArrayList",
        "java.util.CollSer", "java.util.ImmutableCollections$List12", "java.util.ImmutableCollections$ListN",
        "java.util.ImmutableCollections$Set12", "java.util.ImmutableCollections$SetN",
        "java.util.ImmutableCollections$Map1", "java.util.ImmutableCollections$MapN", "java.util.Arrays$ArrayList",
        "java.util.AbstractMap$SimpleEntry",
        "java.util.AbstractMap$SimpleImmutableEntry",
        "java.util.Collections$EmptyList", "java.util.Collections$EmptySet", "java.util.Collections$EmptyMap",
        "java.util.Collections$SingletonList", "java.util.Collections$SingletonSet",
        "java.util.Collections$SingletonMap", "java.util.Collections$UnmodifiableCollection",
        "java.util.Collections$UnmodifiableList", "java.util.Collections$UnmodifiableRandomAccessList",
        "java.util.Collections$UnmodifiableSet", "java.util.Collections$UnmodifiableSortedSet",
        "java.util.Collections$UnmodifiableNavigableSet", "java.util.Collections$UnmodifiableMap",
        "java.util.Collections$UnmodifiableSortedMap", "java.util.Collections$UnmodifiableNavigableMap",
        "java.util.Collections$ReverseComparator", "java.util.Collections$ReverseComparator2",
        "java.lang.String$CaseInsensitiveComparator",
        "java.util.concurrent.atomic.AtomicBoolean", "java.util.concurrent.atomic.AtomicInteger",
        "java.util.concurrent.atomic.AtomicLong");

    private static final ClassValue<Boolean> ALWAYS_ALLOWED = new ClassValue<>()
    {
        protected Boolean computeValue(final Class<?> type)
        {
            return isAlwaysAllowed(type);
        }
    };

    private final List<String> allowedPackages;
    private final long maxBytes;
    private final long payloadLength;
    private final Counters counters;
    private final ObjectInputFilter processFilter;
    private String rejection;
    private boolean rejectedClass;

    TaskInputFilter(
        final List<String> allowedPackages, final long maxBytes, final long payloadLength, final Counters counters,
        final ObjectInputFilter processFilter)
    {
        this.allowedPackages = allowedPackages;
        this.maxBytes = maxBytes;
        this.payloadLength = payloadLength;
        this.counters = counters;
        this.processFilter = processFilter;
    }

    /**
     * Read one object through a filter for the node of the current {@link TaskScope} (its allowed packages, its
     * {@code maxObjectSize} and its counters); without a scope, only the classes always allowed.
     *
     * @param in            the stream, not yet read from.
     * @param payloadLength bytes in the stream.
     * @return the object read.
     * @throws InvalidClassException  naming the class when the filter rejected one.
     * @throws InvalidObjectException naming the limit when the filter rejected the stream's shape.
     * @throws IOException            when the stream is malformed.
     * @throws ClassNotFoundException when a class in the stream is not on this node's class path.
     */
    static Object readObject(final ObjectInputStream in, final int payloadLength)
        throws IOException, ClassNotFoundException
    {
        final TaskScope scope = TaskScope.currentOrNull();
        final ObjectInputFilter processFilter = ObjectInputFilter.Config.getSerialFilter();
        final TaskInputFilter filter = null == scope ?
            new TaskInputFilter(List.of(), payloadLength, payloadLength, null, processFilter) :
            new TaskInputFilter(scope.node.config().taskAllowedPackages(), scope.node.config().maxObjectSize(),
                payloadLength, scope.node.liveCounters(), processFilter);
        in.setObjectInputFilter(filter);
        try
        {
            return in.readObject();
        }
        catch (final IOException | RuntimeException ex)
        {
            throw filter.rejectionOr(ex);
        }
    }

    /**
     * {@inheritDoc}
     */
    public Status checkInput(final FilterInfo info)
    {
        if (null != rejection)
        {
            return Status.REJECTED;
        }
        if (null != processFilter && Status.REJECTED == processFilter.checkInput(info))
        {
            return reject(false, "rejected by the process-wide filter jdk.serialFilter");
        }
        if (info.depth() > MAX_DEPTH)
        {
            return reject(false, "objects nested " + info.depth() + " deep, over the limit of " + MAX_DEPTH);
        }
        if (info.references() > MAX_REFERENCES)
        {
            return reject(false, "over " + MAX_REFERENCES + " object references");
        }
        if (info.streamBytes() > maxBytes)
        {
            return reject(false, info.streamBytes() + " bytes, over maxObjectSize=" + maxBytes);
        }

        final Class<?> type = info.serialClass();
        if (null == type)
        {
            return Status.UNDECIDED;
        }
        if (type.isArray())
        {
            final long length = info.arrayLength();
            final Class<?> component = type.getComponentType();
            final long leastBytes = component.isPrimitive() ? primitiveBytes(component) : 1;
            if (length > 0 && length > payloadLength / leastBytes)
            {
                return reject(false, "an array " + type.getTypeName() + " of " + length + " elements in a payload of " +
                    payloadLength + " bytes");
            }
            return Status.ALLOWED;
        }
        if (allowsClass(allowedPackages, type))
        {
            return Status.ALLOWED;
        }

        return reject(true, type.getName());
    }

    /**
     * Whether the filter lets a class (not an array) through, for a node with these allowed packages: the test a
     * task's captured values are held to when they reach a task on their own node without a stream.
     *
     * @param allowedPackages the node's {@code jdsm.task.allowed.packages}.
     * @param type            to check.
     * @return true if allowed.
     */
    static boolean allowsClass(final List<String> allowedPackages, final Class<?> type)
    {
        return ALWAYS_ALLOWED.get(type) || isInAllowedPackage(allowedPackages, type.getName());
    }

    private static boolean isInAllowedPackage(final List<String> allowedPackages, final String className)
    {
        for (int i = 0, size = allowedPackages.size(); i < size; i++)
        {
            if (className.startsWith(allowedPackages.get(i)))
            {
                return true;
            }
        }

        return false;
    }

    private Status reject(final boolean isClass, final String what)
    {
        rejectedClass = isClass;
        rejection = what;
        return Status.REJECTED;
    }

    /**
     * The exception to throw for a failed read: the rejection, counted once, when the filter rejected the stream
     * (whatever exception the stream's readObject methods made of it), else the read's own exception.
     */
    private IOException rejectionOr(final Exception ex)
    {
        if (null == rejection)
        {
            if (ex instanceof IOException)
            {
                return (IOException)ex;
            }
            throw (RuntimeException)ex;
        }
        if (null != counters)
        {
            counters.increment(Counters.TASKS_REJECTED);
        }

        final ObjectStreamException rejected = rejectedClass ?
            new InvalidClassException(rejection, "not allowed by jdsm's task input filter: a task, its result or " +
                "its failure may hold JDK value types, collections, jdsm's types, tasks, codecs, lambdas and the " +
                "packages in " + DsmConfig.TASK_ALLOWED_PACKAGES_PROP_NAME + "=" + String.join(",", allowedPackages)) :
            new InvalidObjectException("rejected by jdsm's task input filter: " + rejection);
        rejected.initCause(ex);
        return rejected;
    }

    private static boolean isAlwaysAllowed(final Class<?> type)
    {
        final String name = type.getName();
        if (type.isPrimitive() || type.isHidden() || JDK_VALUE_TYPES.contains(name) || name.startsWith("java.time.") ||
            SerializedLambda.class == type ||
            Enum.class.isAssignableFrom(type) || Throwable.class.isAssignableFrom(type) ||
            DsmTask.class.isAssignableFrom(type) || Codec.class.isAssignableFrom(type))
        {
            return true;
        }
        if (name.startsWith(JDSM_PACKAGE))
        {
            return true;
        }

        return declaresLambdaDeserializer(type);
    }

    private static boolean declaresLambdaDeserializer(final Class<?> type)
    {
        try
        {
            type.getDeclaredMethod(LAMBDA_DESERIALIZER, SerializedLambda.class);
            return true;
        }
        catch (final NoSuchMethodException | SecurityException | LinkageError ex)
        {
            return false;
        }
    }

    private static long primitiveBytes(final Class<?> component)
    {
        if (long.class == component || double.class == component)
        {
            return 8;
        }
        if (int.class == component || float.class == component)
        {
            return 4;
        }
        if (short.class == component || char.class == component)
        {
            return 2;
        }

        return 1;
    }
}
