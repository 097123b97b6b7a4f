package org.jdsm.linearizability;

import java.util.Arrays;
import java.util.EnumSet;

/**
 * The sequential models the checker ships with: register (of numbers, or of numbers and nil), counter, map (a
 * register per key, initially {@link #ABSENT}), FIFO queue, and a key-value map of text with get, put and append
 * ({@link #kv()}). Values are {@code long}s except for {@link #kv()}, whose values are {@link Op#textArgument()} and
 * {@link Op#textResult()}.
 */
public final class Models
{
    /** Value of a map key never written, or removed by writing it. */
    public static final long ABSENT = Long.MIN_VALUE;
    /** Result of a {@link OpKind#DEQUEUE} on an empty queue. */
    public static final long EMPTY = Long.MIN_VALUE + 1;
    /** The value of a register that holds nothing (Jepsen's nil): the same number as {@link #ABSENT}. */
    public static final long NIL = ABSENT;
    /** The names {@link #byName(String)} knows. */
    public static final String NAMES = "register, cas-register, kv, counter, queue, map";

    private Models()
    {
    }

    /**
     * A read/write register with compare-and-set.
     *
     * @param initialValue of every register.
     * @return the model.
     */
    public static Model register(final long initialValue)
    {
        return new RegisterModel("register(" + format(initialValue) + ")", initialValue, true);
    }

    /**
     * A read/write register that starts as {@link #NIL} and may be written nil, without compare-and-set.
     *
     * @return the model.
     */
    public static Model nilRegister()
    {
        return new RegisterModel("register", NIL, false);
    }

    /**
     * A read/write register with compare-and-set that starts as {@link #NIL} and may be written nil.
     *
     * @return the model.
     */
    public static Model casRegister()
    {
        return new RegisterModel("cas-register", NIL, true);
    }

    /**
     * A key-value map of text checked per key: get ({@link OpKind#READ}), put ({@link OpKind#WRITE}) and append
     * ({@link OpKind#APPEND}) of {@link Op#textArgument()}; a key starts nil (null) and appending to nil appends to
     * the empty text.
     *
     * @return the model.
     */
    public static Model kv()
    {
        return new KvModel();
    }

    /**
     * A model by the name the command line uses: {@code register}, {@code cas-register}, {@code kv},
     * {@code counter}, {@code queue} or {@code map}.
     *
     * @param name of the model.
     * @return the model.
     * @throws IllegalArgumentException naming the models known, if the name is not one of them.
     */
    public static Model byName(final String name)
    {
        switch (name)
        {
            case "register":
                return nilRegister();
            case "cas-register":
                return casRegister();
            case "kv":
                return kv();
            case "counter":
                return counter(0);
            case "queue":
                return queue();
            case "map":
                return map();
            default:
                throw new IllegalArgumentException("model=" + name + " is not one of " + NAMES);
        }
    }


    /**
     * A map checked per key: a register per key whose initial value is {@link #ABSENT}.
     *
     * @return the model.
     */
    public static Model map()
    {
        return new RegisterModel("map", ABSENT, true);
    }

    /**
     * A counter: read, add, get-and-add.
     *
     * @param initialValue of every counter.
     * @return the model.
     */
    public static Model counter(final long initialValue)
    {
        return new CounterModel(initialValue);
    }

    /**
     * A FIFO queue, initially empty: enqueue, dequeue.
     *
     * @return the model.
     */
    public static Model queue()
    {
        return new QueueModel();
    }

    /**
     * A value for messages: {@code absent}, {@code empty} or the number.
     *
     * @param value to format.
     * @return the text.
     */
    public static String format(final long value)
    {
        if (ABSENT == value)
        {
            return "absent";
        }
        if (EMPTY == value)
        {
            return "empty";
        }

        return Long.toString(value);
    }

    private static final class RegisterModel implements Model
    {
        private final EnumSet<OpKind> kinds;
        private final String name;
        private final Long initialValue;

        RegisterModel(final String name, final long initialValue, final boolean compareAndSet)
        {
            this.name = name;
            this.initialValue = initialValue;
            this.kinds = compareAndSet ? EnumSet.of(OpKind.READ, OpKind.WRITE, OpKind.COMPARE_AND_SET) :
                EnumSet.of(OpKind.READ, OpKind.WRITE);
        }

        public long stateFingerprint(final Object state)
        {
            return (Long)state;
        }

        public String name()
        {
            return name;
        }

        public Object initialState()
        {
            return initialValue;
        }

        public boolean supports(final OpKind kind)
        {
            return kinds.contains(kind);
        }

        public Object step(final Object state, final Op op)
        {
            final long value = (Long)state;
            switch (op.kind())
            {
                case READ:
                    return op.isPending() || op.result() == value ? state : null;

                case WRITE:
                    return op.argument();

                case COMPARE_AND_SET:
                {
                    final boolean succeeds = op.argument() == value;
                    if (!op.isPending() && op.result() != (succeeds ? 1 : 0))
                    {
                        return null;
                    }
                    return succeeds ? (Object)op.argument2() : state;
                }

                default:
                    throw new IllegalArgumentException(name + " does not support " + op.kind());
            }
        }

        public String toString()
        {
            return name;
        }
    }

    private static final class CounterModel implements Model
    {
        private static final EnumSet<OpKind> KINDS = EnumSet.of(OpKind.READ, OpKind.ADD, OpKind.GET_AND_ADD);
        private final Long initialValue;

        CounterModel(final long initialValue)
        {
            this.initialValue = initialValue;
        }

        public String name()
        {
            return "counter(" + initialValue + ")";
        }

        public long stateFingerprint(final Object state)
        {
            return (Long)state;
        }

        public Object initialState()
        {
            return initialValue;
        }

        public boolean supports(final OpKind kind)
        {
            return KINDS.contains(kind);
        }

        public Object step(final Object state, final Op op)
        {
            final long value = (Long)state;
            switch (op.kind())
            {
                case READ:
                    return op.isPending() || op.result() == value ? state : null;

                case ADD:
                    return value + op.argument();

                case GET_AND_ADD:
                    return op.isPending() || op.result() == value ? (Object)(value + op.argument()) : null;

                default:
                    throw new IllegalArgumentException(name() + " does not support " + op.kind());
            }
        }

        public String toString()
        {
            return name();
        }
    }

    private static final class QueueModel implements Model
    {
        private static final EnumSet<OpKind> KINDS = EnumSet.of(OpKind.ENQUEUE, OpKind.DEQUEUE);
        private static final LongList EMPTY_QUEUE = new LongList(new long[0]);

        public String name()
        {
            return "queue";
        }

        public long stateFingerprint(final Object state)
        {
            long hash = 0xCBF29CE484222325L;
            for (final long value : ((LongList)state).values)
            {
                hash = (hash ^ value) * 0x100000001B3L;
                hash ^= hash >>> 29;
            }

            return hash;
        }

        public Object initialState()
        {
            return EMPTY_QUEUE;
        }

        public boolean supports(final OpKind kind)
        {
            return KINDS.contains(kind);
        }

        public Object step(final Object state, final Op op)
        {
            final long[] values = ((LongList)state).values;
            switch (op.kind())
            {
                case ENQUEUE:
                {
                    final long[] next = Arrays.copyOf(values, values.length + 1);
                    next[values.length] = op.argument();
                    return new LongList(next);
                }

                case DEQUEUE:
                {
                    if (0 == values.length)
                    {
                        return op.isPending() || EMPTY == op.result() ? state : null;
                    }
                    if (!op.isPending() && op.result() != values[0])
                    {
                        return null;
                    }
                    return new LongList(Arrays.copyOfRange(values, 1, values.length));
                }

                default:
                    throw new IllegalArgumentException(name() + " does not support " + op.kind());
            }
        }

        public String toString()
        {
            return name();
        }
    }

    private static final class KvModel implements Model
    {
        private static final EnumSet<OpKind> KINDS = EnumSet.of(OpKind.READ, OpKind.WRITE, OpKind.APPEND);
        /** The state of a key that holds nil: {@link Model#step(Object, Op)} keeps null for "impossible". */
        private static final Object NIL_STATE = new Object()
        {
            public String toString()
            {
                return "nil";
            }
        };

        public String name()
        {
            return "kv";
        }

        public Object initialState()
        {
            return NIL_STATE;
        }

        public boolean supports(final OpKind kind)
        {
            return KINDS.contains(kind);
        }

        public boolean textValues()
        {
            return true;
        }

        public long stateFingerprint(final Object state)
        {
            if (NIL_STATE == state)
            {
                return 0x9E3779B97F4A7C15L;
            }
            final String text = (String)state;
            long hash = 0xCBF29CE484222325L ^ text.length();
            for (int i = 0; i < text.length(); i++)
            {
                hash = (hash ^ text.charAt(i)) * 0x100000001B3L;
            }

            return hash;
        }

        public Object step(final Object state, final Op op)
        {
            switch (op.kind())
            {
                case READ:
                {
                    if (op.isPending())
                    {
                        return state;
                    }
                    final String read = op.textResult();
                    final boolean matches = null == read ? NIL_STATE == state : read.equals(state);
                    return matches ? state : null;
                }

                case WRITE:
                    return null == op.textArgument() ? NIL_STATE : op.textArgument();

                case APPEND:
                {
                    final String suffix = null == op.textArgument() ? "" : op.textArgument();
                    return NIL_STATE == state ? suffix : (String)state + suffix;
                }

                default:
                    throw new IllegalArgumentException(name() + " does not support " + op.kind());
            }
        }

        public String toString()
        {
            return name();
        }
    }

    /**
     * An immutable list of longs with value equality: the state of a queue.
     */
    private static final class LongList
    {
        private final long[] values;
        private final int hash;

        LongList(final long[] values)
        {
            this.values = values;
            this.hash = Arrays.hashCode(values);
        }

        public boolean equals(final Object other)
        {
            return other instanceof LongList && Arrays.equals(values, ((LongList)other).values);
        }

        public int hashCode()
        {
            return hash;
        }

        public String toString()
        {
            return Arrays.toString(values);
        }
    }
}
