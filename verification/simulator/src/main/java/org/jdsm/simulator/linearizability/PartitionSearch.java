package org.jdsm.simulator.linearizability;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * Wing &amp; Gong's search for a linearization of the operations of one key, as improved by Lowe ("Testing for
 * linearizability", 2017): invocations and responses sit in one doubly-linked list by time; the search walks it,
 * linearizing an operation when its invocation is reached and the model accepts it (lifting its invocation and
 * response out of the list), and backtracks when it reaches the response of an operation it has not linearized.
 * Each (set of linearized operations, model state) configuration is entered at most once: a configuration already
 * seen has already failed.
 * <p>
 * A pending operation has no response in the list: it may be linearized anywhere after its invocation, or never.
 * The search succeeds once every completed operation is linearized.
 * <p>
 * <b>Note:</b> NOT threadsafe; one search per thread.
 */
final class PartitionSearch
{
    private final Model model;
    private final List<Op> ops;
    private final long maxStates;
    private final Entry head = new Entry(null, -1, true);
    private final Entry[] calls;
    private long exploredStates;
    private int deepest = -1;
    private List<Op> deepestLinearization = List.of();
    private Op blockedAtDeepest;

    /**
     * @param model     sequential specification.
     * @param ops       of one key.
     * @param maxStates limit of configurations to enter before giving up with {@link Verdict#UNKNOWN}.
     */
    PartitionSearch(final Model model, final List<Op> ops, final long maxStates)
    {
        this.model = model;
        this.ops = ops;
        this.maxStates = maxStates;
        this.calls = new Entry[ops.size()];

        final List<Entry> entries = new ArrayList<>(2 * ops.size());
        for (int i = 0; i < ops.size(); i++)
        {
            final Op op = ops.get(i);
            final Entry call = new Entry(op, i, true);
            calls[i] = call;
            entries.add(call);
            if (!op.isPending())
            {
                final Entry response = new Entry(op, i, false);
                call.match = response;
                entries.add(response);
            }
        }
        // by time; at equal times invocations first, so operations that touch in time count as concurrent
        entries.sort((a, b) ->
        {
            final int byTime = Long.compare(a.time(), b.time());
            if (0 != byTime)
            {
                return byTime;
            }
            if (a.isCall != b.isCall)
            {
                return a.isCall ? -1 : 1;
            }
            return Integer.compare(a.op.id(), b.op.id());
        });
        Entry previous = head;
        for (final Entry entry : entries)
        {
            previous.next = entry;
            entry.prev = previous;
            previous = entry;
        }
    }

    Verdict run()
    {
        final int words = (ops.size() + 63) >>> 6;
        final long[] linearized = new long[words];
        final HashSet<Configuration> seen = new HashSet<>();
        final ArrayDeque<Frame> stack = new ArrayDeque<>();
        Object state = model.initialState();
        int remainingCompleted = 0;
        for (final Op op : ops)
        {
            if (!op.isPending())
            {
                remainingCompleted++;
            }
        }

        Entry entry = head.next;
        while (remainingCompleted > 0)
        {
            if (entry.isCall)
            {
                final Object next = model.step(state, entry.op);
                boolean lifted = false;
                if (null != next)
                {
                    set(linearized, entry.index);
                    if (seen.add(new Configuration(linearized.clone(), next)))
                    {
                        if (++exploredStates > maxStates)
                        {
                            return Verdict.UNKNOWN;
                        }
                        stack.push(new Frame(entry, state));
                        state = next;
                        lift(entry);
                        if (!entry.op.isPending())
                        {
                            remainingCompleted--;
                        }
                        lifted = true;
                        entry = head.next;
                    }
                    else
                    {
                        clear(linearized, entry.index);
                    }
                }
                if (!lifted)
                {
                    entry = entry.next;
                }
            }
            else
            {
                // the response of an operation not yet linearized: every order so far fails, backtrack
                if (stack.size() >= deepest)
                {
                    deepest = stack.size();
                    deepestLinearization = linearization(stack);
                    blockedAtDeepest = entry.op;
                }
                if (stack.isEmpty())
                {
                    return Verdict.NOT_LINEARIZABLE;
                }
                final Frame frame = stack.pop();
                state = frame.state;
                clear(linearized, frame.call.index);
                unlift(frame.call);
                if (!frame.call.op.isPending())
                {
                    remainingCompleted++;
                }
                entry = frame.call.next;
            }
        }

        return Verdict.LINEARIZABLE;
    }

    long exploredStates()
    {
        return exploredStates;
    }

    /**
     * The longest sequence of operations the search linearized before it had to backtrack for good.
     *
     * @return the operations in linearization order.
     */
    List<Op> deepestLinearization()
    {
        return deepestLinearization;
    }

    /**
     * The operation whose response the deepest linearization could not get past.
     *
     * @return the operation, or null if the search never backtracked.
     */
    Op blockedAtDeepest()
    {
        return blockedAtDeepest;
    }

    private static List<Op> linearization(final ArrayDeque<Frame> stack)
    {
        final List<Op> order = new ArrayList<>(stack.size());
        final var iterator = stack.descendingIterator();
        while (iterator.hasNext())
        {
            order.add(iterator.next().call.op);
        }

        return order;
    }

    private static void lift(final Entry call)
    {
        call.prev.next = call.next;
        if (null != call.next)
        {
            call.next.prev = call.prev;
        }
        final Entry response = call.match;
        if (null != response)
        {
            response.prev.next = response.next;
            if (null != response.next)
            {
                response.next.prev = response.prev;
            }
        }
    }

    private static void unlift(final Entry call)
    {
        final Entry response = call.match;
        if (null != response)
        {
            response.prev.next = response;
            if (null != response.next)
            {
                response.next.prev = response;
            }
        }
        call.prev.next = call;
        if (null != call.next)
        {
            call.next.prev = call;
        }
    }

    private static void set(final long[] bits, final int index)
    {
        bits[index >>> 6] |= 1L << index;
    }

    private static void clear(final long[] bits, final int index)
    {
        bits[index >>> 6] &= ~(1L << index);
    }

    private static final class Entry
    {
        final Op op;
        final int index;
        final boolean isCall;
        Entry match;
        Entry prev;
        Entry next;

        Entry(final Op op, final int index, final boolean isCall)
        {
            this.op = op;
            this.index = index;
            this.isCall = isCall;
        }

        long time()
        {
            return isCall ? op.invocationTime() : op.responseTime();
        }
    }

    private static final class Frame
    {
        final Entry call;
        final Object state;

        Frame(final Entry call, final Object state)
        {
            this.call = call;
            this.state = state;
        }
    }

    private static final class Configuration
    {
        private final long[] linearized;
        private final Object state;
        private final int hash;

        Configuration(final long[] linearized, final Object state)
        {
            this.linearized = linearized;
            this.state = state;
            this.hash = 31 * Arrays.hashCode(linearized) + state.hashCode();
        }

        public boolean equals(final Object other)
        {
            if (!(other instanceof Configuration))
            {
                return false;
            }
            final Configuration that = (Configuration)other;
            return hash == that.hash && Arrays.equals(linearized, that.linearized) && state.equals(that.state);
        }

        public int hashCode()
        {
            return hash;
        }
    }
}
