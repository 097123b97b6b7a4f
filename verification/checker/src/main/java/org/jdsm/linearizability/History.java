package org.jdsm.linearizability;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A history of operations from many clients on many keyed objects, with their invocation and response times:
 * what a {@link HistoryRecorder} collected, or what a test wrote by hand with {@link #builder()}, or what another
 * process wrote with {@link #toText()} and this one read back with {@link #parse(String)}.
 * <p>
 * <b>Note:</b> immutable, so threadsafe.
 */
public final class History
{
    private static final Comparator<Op> BY_INVOCATION =
        Comparator.comparingLong(Op::invocationTime).thenComparingInt(Op::id);

    private final List<Op> ops;

    /**
     * @param ops of the history, with distinct ids.
     */
    public History(final List<Op> ops)
    {
        final List<Op> sorted = new ArrayList<>(ops);
        sorted.sort(BY_INVOCATION);
        final HashSet<Integer> ids = new HashSet<>();
        for (final Op op : sorted)
        {
            if (!ids.add(op.id()))
            {
                throw new IllegalArgumentException("duplicate op id " + op.id());
            }
        }
        this.ops = Collections.unmodifiableList(sorted);
    }

    /**
     * One history of the operations of several, numbered anew: how the histories recorded in several processes
     * (each shipped as {@link #toText()}) become one to check. Their clocks must be comparable, as
     * {@link System#nanoTime()} is between processes of one host.
     *
     * @param histories to merge; their client ids must not overlap.
     * @return the merged history.
     */
    public static History merge(final List<History> histories)
    {
        final List<Op> merged = new ArrayList<>();
        for (final History history : histories)
        {
            for (final Op op : history.ops())
            {
                merged.add(op.withId(merged.size()));
            }
        }

        return new History(merged);
    }

    /**
     * A builder for hand-made histories.
     *
     * @return the builder.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * The operations, by invocation time.
     *
     * @return the operations, read-only.
     */
    public List<Op> ops()
    {
        return ops;
    }

    /**
     * The operations on keys that start with a prefix, e.g. one object's keys to check with its own model.
     *
     * @param keyPrefix of the keys kept.
     * @return a history of those operations, in the same order.
     */
    public History withKeysStartingWith(final String keyPrefix)
    {
        final List<Op> selected = new ArrayList<>();
        for (final Op op : ops)
        {
            if (op.key().startsWith(keyPrefix))
            {
                selected.add(op);
            }
        }

        return new History(selected);
    }

    /**
     * Number of operations.
     *
     * @return the count.
     */
    public int size()
    {
        return ops.size();
    }

    /**
     * Number of operations with no response.
     *
     * @return the count.
     */
    public int pendingCount()
    {
        int count = 0;
        for (final Op op : ops)
        {
            if (op.isPending())
            {
                count++;
            }
        }

        return count;
    }

    /**
     * The sub-histories of each key, in order of each key's first invocation.
     *
     * @return the operations per key.
     */
    public Map<String, List<Op>> byKey()
    {
        final Map<String, List<Op>> partitions = new LinkedHashMap<>();
        for (final Op op : ops)
        {
            partitions.computeIfAbsent(op.key(), (key) -> new ArrayList<>()).add(op);
        }

        return partitions;
    }

    /**
     * One line per operation: {@code id client key kind argument argument2 invocation response|pending result}.
     * Keys must not contain white space.
     *
     * @return the text, read back by {@link #parse(String)}.
     */
    public String toText()
    {
        final StringBuilder sb = new StringBuilder(ops.size() * 48);
        for (final Op op : ops)
        {
            sb.append(op.id()).append(' ').append(op.clientId()).append(' ').append(op.key()).append(' ')
                .append(op.kind()).append(' ').append(op.argument()).append(' ').append(op.argument2()).append(' ')
                .append(op.invocationTime()).append(' ')
                .append(op.isPending() ? "pending" : Long.toString(op.responseTime())).append(' ')
                .append(op.result()).append('\n');
        }

        return sb.toString();
    }

    /**
     * Read a history written by {@link #toText()}; blank lines and lines starting with {@code #} are skipped.
     *
     * @param text to read.
     * @return the history.
     * @throws IllegalArgumentException naming the line that is malformed.
     */
    public static History parse(final String text)
    {
        final List<Op> ops = new ArrayList<>();
        final String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++)
        {
            final String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final String[] fields = line.split("\\s+");
            if (fields.length != 9)
            {
                throw new IllegalArgumentException("line " + (i + 1) + " has " + fields.length +
                    " fields, expected 9: " + line);
            }
            try
            {
                ops.add(new Op(
                    Integer.parseInt(fields[0]),
                    Integer.parseInt(fields[1]),
                    fields[2],
                    OpKind.valueOf(fields[3]),
                    Long.parseLong(fields[4]),
                    Long.parseLong(fields[5]),
                    Long.parseLong(fields[6]),
                    "pending".equals(fields[7]) ? Op.PENDING : Long.parseLong(fields[7]),
                    Long.parseLong(fields[8])));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("line " + (i + 1) + " is malformed: " + line + " (" +
                    ex.getMessage() + ")", ex);
            }
        }

        return new History(ops);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Op op : ops)
        {
            sb.append(op).append('\n');
        }

        return sb.toString();
    }

    /**
     * Builds a history by hand; ids are given in the order operations are added.
     * <p>
     * <b>Note:</b> not threadsafe; use a {@link HistoryRecorder} from many threads.
     */
    public static final class Builder
    {
        private final List<Op> ops = new ArrayList<>();

        /**
         * Add an operation.
         *
         * @param clientId       that invoked it.
         * @param key            of its object.
         * @param kind           of operation.
         * @param argument       first argument.
         * @param argument2      second argument.
         * @param invocationTime when invoked.
         * @param responseTime   when it returned, or {@link Op#PENDING}.
         * @param result         its result.
         * @return this for a fluent API.
         */
        public Builder op(
            final int clientId,
            final String key,
            final OpKind kind,
            final long argument,
            final long argument2,
            final long invocationTime,
            final long responseTime,
            final long result)
        {
            ops.add(new Op(ops.size(), clientId, key, kind, argument, argument2, invocationTime, responseTime, result));
            return this;
        }

        /**
         * Add a completed write.
         *
         * @param clientId       that invoked it.
         * @param key            of its object.
         * @param value          written.
         * @param invocationTime when invoked.
         * @param responseTime   when it returned.
         * @return this for a fluent API.
         */
        public Builder write(
            final int clientId, final String key, final long value, final long invocationTime, final long responseTime)
        {
            return op(clientId, key, OpKind.WRITE, value, 0, invocationTime, responseTime, 0);
        }

        /**
         * Add a completed read.
         *
         * @param clientId       that invoked it.
         * @param key            of its object.
         * @param value          read.
         * @param invocationTime when invoked.
         * @param responseTime   when it returned.
         * @return this for a fluent API.
         */
        public Builder read(
            final int clientId, final String key, final long value, final long invocationTime, final long responseTime)
        {
            return op(clientId, key, OpKind.READ, 0, 0, invocationTime, responseTime, value);
        }

        /**
         * Add a write that never returned.
         *
         * @param clientId       that invoked it.
         * @param key            of its object.
         * @param value          written.
         * @param invocationTime when invoked.
         * @return this for a fluent API.
         */
        public Builder pendingWrite(final int clientId, final String key, final long value, final long invocationTime)
        {
            return op(clientId, key, OpKind.WRITE, value, 0, invocationTime, Op.PENDING, 0);
        }

        /**
         * Add a completed get-and-add.
         *
         * @param clientId       that invoked it.
         * @param key            of its object.
         * @param delta          added.
         * @param previous       value returned.
         * @param invocationTime when invoked.
         * @param responseTime   when it returned.
         * @return this for a fluent API.
         */
        public Builder getAndAdd(
            final int clientId,
            final String key,
            final long delta,
            final long previous,
            final long invocationTime,
            final long responseTime)
        {
            return op(clientId, key, OpKind.GET_AND_ADD, delta, 0, invocationTime, responseTime, previous);
        }

        /**
         * The history built so far.
         *
         * @return the history.
         */
        public History build()
        {
            return new History(ops);
        }
    }
}
