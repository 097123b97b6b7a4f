package org.jdsm.simulator.linearizability;

import java.util.Arrays;
import java.util.EnumSet;

/**
 * The sequential models the checker ships with: register, counter, map (a register per key, initially
 * {@link #ABSENT}) and FIFO queue. Values are {@code long}s; a client with other values maps them to longs first,
 * e.g. by an index of distinct values.
 */
public final class Models
{
    /** Value of a map key never written, or removed by writing it. */
    public static final long ABSENT = Long.MIN_VALUE;
    /** Result of a {@link OpKind#DEQUEUE} on an empty queue. */
    public static final long EMPTY = Long.MIN_VALUE + 1;

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
        return new RegisterModel("register(" + format(initialValue) + ")", initialValue);
    }

    /**
     * A map checked per key: a register per key whose initial value is {@link #ABSENT}.
     *
     * @return the model.
     */
    public static Model map()
    {
        return new RegisterModel("map", ABSENT);
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
        private static final EnumSet<OpKind> KINDS = EnumSet.of(OpKind.READ, OpKind.WRITE, OpKind.COMPARE_AND_SET);
        private final String name;
        private final Long initialValue;

        RegisterModel(final String name, final long initialValue)
        {
            this.name = name;
            this.initialValue = initialValue;
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
            return KINDS.contains(kind);
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
